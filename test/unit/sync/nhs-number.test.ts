import { describe, expect, it } from 'vitest';
import {
  formatNhsNumber,
  isValidNhsNumber,
  nhsCheckDigit,
  normaliseNhsNumber,
} from '../../../sync/nhs-number';

describe('NHS number', () => {
  it('accepts a number whose modulus-11 check digit is right', () => {
    expect(isValidNhsNumber('9434765919')).toBe(true);
  });

  it('rejects a number with a wrong check digit', () => {
    expect(isValidNhsNumber('9434765918')).toBe(false);
  });

  it('accepts the spaces and dashes people type', () => {
    expect(isValidNhsNumber('943 476 5919')).toBe(true);
    expect(isValidNhsNumber('943-476-5919')).toBe(true);
    expect(normaliseNhsNumber(' 943 476-5919 ')).toBe('9434765919');
  });

  it('rejects letters, short and long input', () => {
    expect(isValidNhsNumber('94347659A9')).toBe(false);
    expect(isValidNhsNumber('943476591')).toBe(false);
    expect(isValidNhsNumber('94347659190')).toBe(false);
  });

  it('maps remainder 11 to check digit 0 and treats remainder 10 as no valid number', () => {
    // 999000001: sum = 9*10+9*9+9*8+1*2 = 245, 245 % 11 = 3, 11-3 = 8
    expect(nhsCheckDigit('999000001')).toBe(8);
    const zeroCase = Array.from({ length: 1000 }, (_, i) => `999${String(i).padStart(6, '0')}`).find(
      (nine) => nhsCheckDigit(nine) === 0,
    );
    expect(zeroCase).toBeDefined();
    const tenCase = Array.from({ length: 1000 }, (_, i) => `999${String(i).padStart(6, '0')}`).find(
      (nine) => nhsCheckDigit(nine) === undefined,
    );
    expect(tenCase).toBeDefined();
    expect(isValidNhsNumber(`${tenCase ?? ''}0`)).toBe(false);
  });

  it('formats as 3-3-4 groups', () => {
    expect(formatNhsNumber('9434765919')).toBe('943 476 5919');
  });
});
