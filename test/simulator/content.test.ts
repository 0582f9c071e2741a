import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/core/index.js';
import { contentBytes, contentChunks, contentSha256, contentStream } from '../../src/simulator/world/content.js';
import type { Content } from '../../src/simulator/world/site.js';
import { lexoBetween, rankForIssueId } from '../../src/simulator/world/lexorank.js';
import { Rng } from '../../src/simulator/generator/prng.js';

const gen = (kind: NonNullable<Content['generated']>['kind'], size: number, seed = 7): Content => ({
  id: '1',
  size,
  generated: { seed, kind },
});

const ascii = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

describe('contentBytes', () => {
  it('starts and ends generated files with their formats magic bytes and trailers', () => {
    const png = contentBytes(gen('png', 50_000));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(ascii(png.subarray(12, 16))).toBe('IHDR');
    expect(ascii(png.subarray(png.length - 8, png.length - 4))).toBe('IEND');
    const pdf = contentBytes(gen('pdf', 20_000));
    expect(ascii(pdf.subarray(0, 5))).toBe('%PDF-');
    expect(ascii(pdf.subarray(pdf.length - 6))).toBe('%%EOF\n');
    const zip = contentBytes(gen('zip', 9_000));
    expect([...zip.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
    expect([...zip.subarray(zip.length - 22, zip.length - 18)]).toEqual([0x50, 0x4b, 0x05, 0x06]);
    expect(contentBytes(gen('empty', 0)).length).toBe(0);
    // Smaller than the header: a prefix of the header.
    expect([...contentBytes(gen('png', 3))]).toEqual([0x89, 0x50, 0x4e]);
  });

  it('answers any range with the same bytes as the whole, across block, header and trailer boundaries', () => {
    for (const kind of ['binary', 'text', 'png', 'pdf', 'zip'] as const) {
      const c = gen(kind, 3 * 4096 + 123);
      const whole = contentBytes(c);
      expect(whole.length).toBe(c.size);
      const r = Rng.of(1, kind);
      const ranges: Array<[number, number]> = [
        [0, 1],
        [0, 40],
        [4095, 4097],
        [8191, 8193],
        [c.size - 30, c.size],
        [c.size - 1, c.size + 50],
      ];
      for (let i = 0; i < 20; i++) {
        const s = r.int(0, c.size - 1);
        ranges.push([s, r.int(s, c.size)]);
      }
      for (const [s, e] of ranges)
        expect(Buffer.from(contentBytes(c, s, e)).equals(Buffer.from(whole.subarray(s, e)))).toBe(true);
      expect(contentBytes(c, c.size + 5).length).toBe(0);
    }
  });

  it('reads a range of a huge content without materialising it', () => {
    const huge = gen('binary', 2 ** 40); // 1 TiB: allocating it would fail
    const a = contentBytes(huge, 2 ** 39, 2 ** 39 + 64);
    const b = contentBytes(huge, 2 ** 39 + 32, 2 ** 39 + 64);
    expect(a.length).toBe(64);
    expect(Buffer.from(a.subarray(32)).equals(Buffer.from(b))).toBe(true);
  });

  it('is deterministic per seed, text compresses and binary does not', () => {
    expect(
      Buffer.from(contentBytes(gen('binary', 10_000, 1))).equals(Buffer.from(contentBytes(gen('binary', 10_000, 1)))),
    ).toBe(true);
    expect(
      Buffer.from(contentBytes(gen('binary', 10_000, 1))).equals(Buffer.from(contentBytes(gen('binary', 10_000, 2)))),
    ).toBe(false);
    const text = contentBytes(gen('text', 200_000));
    expect(gzipSync(text).length / text.length).toBeLessThan(0.5);
    expect(/^[\x20-\x7e\n]+$/.test(ascii(text))).toBe(true);
    for (const kind of ['binary', 'png', 'pdf', 'zip'] as const) {
      const bytes = contentBytes(gen(kind, 200_000));
      expect(gzipSync(bytes).length / bytes.length, kind).toBeGreaterThan(0.98);
    }
  });

  it('streams and chunks the same bytes, and hashes them', async () => {
    const c = gen('pdf', 300_000);
    const whole = Buffer.from(contentBytes(c));
    const chunks = [...contentChunks(c, 10, 250_000, 65536)];
    expect(chunks.every((x) => x.length <= 65536)).toBe(true);
    expect(Buffer.concat(chunks).equals(whole.subarray(10, 250_000))).toBe(true);
    const streamed = Buffer.from(await new Response(contentStream(c, 1000)).arrayBuffer());
    expect(streamed.equals(whole.subarray(1000))).toBe(true);
    expect(contentSha256(c)).toBe(sha256Hex(whole));
  });

  it('serves uploaded bytes as they are', () => {
    const data = new TextEncoder().encode('hello, world');
    const c: Content = { id: '2', size: data.length, data };
    expect(ascii(contentBytes(c, 7))).toBe('world');
    expect(contentSha256(c)).toBe(sha256Hex(data));
  });
});

describe('LexoRank', () => {
  it('ranks new issues in id order', () => {
    const ids = [10001, 10002, 10010, 99999, 100000, 1_234_567];
    const ranks = ids.map(rankForIssueId);
    expect([...ranks].sort()).toEqual(ranks);
    expect(ranks[0]).toMatch(/^0\|i[0-9a-z]{5}:$/);
  });

  it('finds ranks strictly between neighbours, repeatedly', () => {
    let lo = rankForIssueId(10001);
    const hi = rankForIssueId(10002);
    for (let i = 0; i < 60; i++) {
      const mid = lexoBetween(lo, hi);
      expect(mid > lo && mid < hi).toBe(true);
      lo = mid;
    }
    const first = lexoBetween(undefined, rankForIssueId(10001));
    expect(first < rankForIssueId(10001)).toBe(true);
    const last = lexoBetween(rankForIssueId(10001));
    expect(last > rankForIssueId(10001)).toBe(true);
    expect(() => lexoBetween(hi, rankForIssueId(10001))).toThrow();
    expect(() => lexoBetween(hi, hi)).toThrow();
  });
});
