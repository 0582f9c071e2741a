import { describe, expect, it } from 'vitest';
import { generateWorld } from '../../src/simulator/generator/world.js';
import { compareByRank, initialRanks, rankBetween, rankFieldId, rankIssues } from '../../src/simulator/mutate/agile.js';
import type { Issue } from '../../src/simulator/world/site.js';

/** A small seeded PRNG (mulberry32) so the insertion sequences are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RANK_SHAPE = /^0\|[0-9a-z]{6}:[0-9a-z]*$/;

describe('LexoRank-like ranks', () => {
  it('always finds a rank strictly between two neighbours, over thousands of random insertions', () => {
    const random = prng(42);
    const order: string[] = [rankBetween(undefined, undefined)];
    for (let n = 0; n < 3000; n++) {
      const at = Math.floor(random() * (order.length + 1));
      const r = rankBetween(order[at - 1], order[at]);
      if (at > 0) expect(r > order[at - 1]!).toBe(true);
      if (at < order.length) expect(r < order[at]!).toBe(true);
      order.splice(at, 0, r);
    }
    expect(order.every((r) => RANK_SHAPE.test(r))).toBe(true);
    expect(new Set(order).size).toBe(order.length);
    expect([...order].sort()).toEqual(order);
  });

  it('keeps inserting into the same gap (the worst case) without running out of room', () => {
    let lo = rankBetween(undefined, undefined);
    const hi = rankBetween(lo, undefined);
    for (let n = 0; n < 500; n++) {
      const r = rankBetween(lo, hi);
      expect(r > lo && r < hi).toBe(true);
      lo = r;
    }
    let up = hi;
    for (let n = 0; n < 500; n++) {
      const r = rankBetween(lo, up);
      expect(r > lo && r < up).toBe(true);
      up = r;
    }
  });

  it('appends and prepends with a fixed step, so ranks stay short', () => {
    let last = rankBetween(undefined, undefined);
    let first = last;
    for (let n = 0; n < 1000; n++) {
      const next = rankBetween(last, undefined);
      expect(next > last).toBe(true);
      last = next;
      const prev = rankBetween(undefined, first);
      expect(prev < first).toBe(true);
      first = prev;
    }
    expect(last.length).toBeLessThanOrEqual(12);
    expect(first.length).toBeLessThanOrEqual(12);
  });

  it('gives n evenly spaced ranks of equal length', () => {
    for (const n of [1, 7, 1000, 100_000]) {
      const ranks = initialRanks(n);
      expect(ranks).toHaveLength(n);
      expect(new Set(ranks.map((r) => r.length)).size).toBe(1);
      expect(ranks.every((r, i) => i === 0 || ranks[i - 1]! < r)).toBe(true);
      // Room remains at both ends and between neighbours.
      expect(rankBetween(undefined, ranks[0]) < ranks[0]!).toBe(true);
      expect(rankBetween(ranks[n - 1], undefined) > ranks[n - 1]!).toBe(true);
    }
  });

  it('refuses bounds in the wrong order', () => {
    const [a, b] = initialRanks(2) as [string, string];
    expect(() => rankBetween(b, a)).toThrow(/not before/);
    expect(() => rankBetween(a, a)).toThrow(/not before/);
  });

  it('orders issues by rank with unranked issues last, by id', () => {
    const [r1, r2] = initialRanks(2) as [string, string];
    const issue = (id: string, rank?: string): Issue => ({ id, fields: rank ? { rank } : {} }) as unknown as Issue;
    const sorted = [issue('5'), issue('1', r2), issue('3'), issue('2', r1)].sort(compareByRank('rank'));
    expect(sorted.map((i) => i.id)).toEqual(['2', '1', '3', '5']);
  });
});

describe('rank change items', () => {
  it('are written in the same form by the generator and by the Agile rank mutation', () => {
    const world = generateWorld({ seed: 4, size: 'tiny' });
    const generated = [...world.sites.values()]
      .flatMap((s) => [...s.data.issues.values()])
      .flatMap((i) => i.changelog.flatMap((h) => h.items))
      .filter((item) => item.field === 'Rank');
    expect(generated.length).toBeGreaterThan(0);
    const site = [...world.sites.values()][0]!;
    const field = rankFieldId(site)!;
    const ranked = [...site.data.issues.values()].filter((i) => typeof i.fields[field] === 'string').slice(0, 2);
    rankIssues(site, ranked[1]!.creatorId, 1, [ranked[1]!], { before: ranked[0]! });
    const mutated = ranked[1]!.changelog.at(-1)!.items[0]!;
    const shape = (item: Record<string, unknown>) => ({ ...item, toString: undefined });
    expect(shape(mutated as never)).toEqual(shape({ ...generated[0]!, fieldId: field } as never));
    expect(mutated.toString).toBe('Ranked higher');
    for (const item of generated) expect(shape(item as never)).toEqual(shape(generated[0] as never));
  });
});
