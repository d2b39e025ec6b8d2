// Unique, valid NHS numbers in the 999 test range (999 000 0000 - 999 999 9999) for synthetic people.
// The range is reserved for testing, so no generated number can belong to a real patient.
import { nhsCheckDigit } from '../../sync/nhs-number';
import { deriveSeed, hashString } from './random';

const RANGE = 1_000_000; // the six digits after the 999 prefix

/**
 * Walks a seed-dependent permutation of the six free digits (an affine map `a * step + b mod 10^6` with `a`
 * coprime to 10^6, so every step gives a new body) and skips bodies whose modulus 11 remainder is 10.
 * About 909,000 valid numbers exist, far more than the 200,000 people the generator may make.
 */
export class NhsNumberSequence {
  private step = 0;
  private readonly multiplier: number;
  private readonly offset: number;

  constructor(seed: number) {
    const mixed = deriveSeed(seed, hashString('nhs-number'));
    // Odd and not a multiple of 5, hence coprime to 10^6.
    let multiplier = (mixed % (RANGE - 1)) | 1;
    if (multiplier % 5 === 0) multiplier += 2;
    this.multiplier = multiplier;
    this.offset = deriveSeed(mixed, 1) % RANGE;
  }

  next(): string {
    while (this.step < RANGE) {
      const body = (this.multiplier * this.step + this.offset) % RANGE;
      this.step++;
      const firstNine = `999${String(body).padStart(6, '0')}`;
      const check = nhsCheckDigit(firstNine);
      if (check !== undefined) return `${firstNine}${check}`;
    }
    throw new RangeError('The 999 test range has no NHS numbers left');
  }
}
