// Seeded pseudo-random numbers for the synthetic population: the same seed always gives the same people.
// Hand-written mulberry32 (public domain, 32-bit state) rather than a library: it is ten lines, needs no
// dependency or package.json change, and its exact sequence is pinned here, so output cannot drift when
// a library changes its algorithm between versions.

/** Mixes any number of 32-bit integers into one well-spread 32-bit seed (a murmur3-style finaliser per part). */
export function deriveSeed(...parts: readonly number[]): number {
  let hash = 0x9e3779b9;
  for (const part of parts) {
    let value = Math.imul(part | 0, 0xcc9e2d51);
    value = (value << 15) | (value >>> 17);
    hash = Math.imul(hash ^ Math.imul(value, 0x1b873593), 5) + 0xe6546b64;
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** A small string hash so streams can be named (`'person'`, `'north'`) rather than numbered. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  }
  return hash >>> 0;
}

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32: a uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer from `min` to `max`, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('Random.pick needs a non-empty list');
    return item;
  }

  /** Picks by relative weight: `[[item, weight], ...]`. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [item, weight] of choices) {
      roll -= weight;
      if (roll < 0) return item;
    }
    const last = choices[choices.length - 1];
    if (last === undefined) throw new RangeError('Random.weighted needs a non-empty list');
    return last[0];
  }

  /** Up to `count` distinct items, in list order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const chosen = items.filter(() => this.chance(count / Math.max(items.length, 1)));
    return chosen.slice(0, count);
  }

  /** A geometric-like count with the given mean, capped: most values small, a few large. */
  skewed(mean: number, cap: number): number {
    const value = Math.floor(-Math.log(1 - this.next()) * mean);
    return Math.min(value, cap);
  }

  /** A version-4-shaped UUID whose bits all come from this generator. */
  uuid(): string {
    const hex = (value: number): string => (value >>> 0).toString(16).padStart(8, '0');
    const a = hex(this.next() * 4294967296);
    const b = hex(this.next() * 4294967296);
    const c = hex(this.next() * 4294967296);
    const d = hex(this.next() * 4294967296);
    const variant = ((parseInt(c.slice(0, 1), 16) & 0x3) | 0x8).toString(16);
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4, 8)}${d}`;
  }
}
