/**
 * Seeded randomness for the data generator and deterministic mutations. No Math.random and no
 * wall clock anywhere in generation: every value derives from a seed through these functions.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state,
 * 32-bit output), seeded through a string hash so that independent parts of the world draw from
 * independent streams (`Rng.of(seed, 'site', 0, 'issues')`). Adding a draw in one stream never
 * shifts another, which keeps generated data stable as the generator grows.
 */

/** 32-bit FNV-1a over a string's UTF-16 code units, finished with murmur3's avalanche. */
export function hash32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return fmix32(h);
}

/** murmur3 finaliser: a bijective 32-bit mix. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mixes two 32-bit values into one (order matters). */
export function mix32(a: number, b: number): number {
  return fmix32((Math.imul(a >>> 0, 0x9e3779b1) ^ (b >>> 0)) >>> 0);
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(a: number, b: number, c: number, d: number) {
    this.a = a >>> 0;
    this.b = b >>> 0;
    this.c = c >>> 0;
    this.d = d >>> 0;
    // Discard the first outputs: sfc32 needs a few rounds to mix a weak seed.
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A stream named by a seed and a path of labels; equal arguments give equal streams. */
  static of(seed: number, ...path: Array<string | number>): Rng {
    const key = path.join('\u0001');
    const s = seed >>> 0;
    const hi = Math.floor(seed / 0x1_0000_0000) >>> 0;
    return new Rng(hash32(key, s), hash32(key, s ^ 0x5bd1e995), hash32(key, hi ^ 0x27d4eb2f), s ^ 0x9e3779b9);
  }

  /** Uniform 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.next() / 0x1_0000_0000;
  }

  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    if (max <= min) return min;
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** Picks by weight: [[value, weight], ...]. */
  weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, w] of choices) total += w;
    let r = this.float() * total;
    for (const [v, w] of choices) {
      r -= w;
      if (r < 0) return v;
    }
    return choices[choices.length - 1]![0];
  }

  /** Up to k distinct items, in a random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    const n = Math.min(k, items.length);
    if (n <= 0) return [];
    if (n * 4 < items.length) {
      const seen = new Set<number>();
      const out: T[] = [];
      while (out.length < n) {
        const i = Math.floor(this.float() * items.length);
        if (!seen.has(i)) {
          seen.add(i);
          out.push(items[i]!);
        }
      }
      return out;
    }
    const copy = items.slice();
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.float() * (copy.length - i));
      const t = copy[i]!;
      copy[i] = copy[j]!;
      copy[j] = t;
    }
    return copy.slice(0, n);
  }

  /** Geometric-like count: how many successes before a failure, capped. */
  count(p: number, cap: number): number {
    let n = 0;
    while (n < cap && this.chance(p)) n++;
    return n;
  }

  /** Lower-case hex of `chars` digits. */
  hex(chars: number): string {
    let out = '';
    while (out.length < chars) out += this.next().toString(16).padStart(8, '0');
    return out.slice(0, chars);
  }

  /** A version-4-shaped UUID. */
  uuid(): string {
    const h = this.hex(32);
    const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

/** A UUID-shaped id that depends only on the given labels (deterministic, no state). */
export function stableUuid(...path: Array<string | number>): string {
  return Rng.of(0x7157_3a9d, ...path).uuid();
}
