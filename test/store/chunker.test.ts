import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Chunker } from '../../src/store/index.js';
import { noise } from './helpers.js';

// fixed seeds keep every test deterministic
const params = { seed: Buffer.alloc(32, 11).toString('base64'), min: 2048, avg: 8192, max: 32768 };

/** The cut rule of docs/design.md §6.9 written naively, byte by byte, straight from the text. */
function referenceCuts(data: Buffer, p: typeof params): number[] {
  const seed = Buffer.from(p.seed, 'base64');
  const gear: number[] = [];
  for (let b = 0; b < 256; b++) {
    gear.push(
      createHmac('sha256', seed)
        .update(Buffer.concat([Buffer.from('gear'), Buffer.from([b])]))
        .digest()
        .readUInt32LE(0),
    );
  }
  const bits = Math.log2(p.avg);
  const top = (k: number) => Number((0xffffffffn << BigInt(32 - k)) & 0xffffffffn);
  const maskS = top(bits + 2);
  const maskL = top(bits - 2);
  const lengths: number[] = [];
  let start = 0;
  while (start < data.length) {
    let h = 0;
    let n = 0;
    let cut = 0;
    for (let i = start; i < data.length; i++) {
      h = (h * 2 + gear[data[i]!]!) % 2 ** 32;
      n++;
      const hit = (mask: number) => Number(BigInt(h) & BigInt(mask)) === 0;
      if ((n >= p.min && n < p.avg && hit(maskS)) || (n >= p.avg && hit(maskL)) || n === p.max) {
        cut = n;
        break;
      }
    }
    if (cut === 0) cut = data.length - start;
    lengths.push(cut);
    start += cut;
  }
  return lengths;
}

async function lengths(c: Chunker, pieces: Iterable<Uint8Array>): Promise<number[]> {
  const out: number[] = [];
  for await (const chunk of c.chunks(pieces)) out.push(chunk.length);
  return out;
}

describe('content-defined chunker', () => {
  const c = new Chunker(params);
  const data = noise(600_000, 7);

  it('cuts exactly where the format text says', async () => {
    expect(await lengths(c, [data])).toEqual(referenceCuts(data, params));
  });

  it('keeps every chunk within [min, max] except the last, and covers the input', async () => {
    const ls = await lengths(c, [data]);
    expect(ls.reduce((a, b) => a + b, 0)).toBe(data.length);
    for (const l of ls.slice(0, -1)) {
      expect(l).toBeGreaterThanOrEqual(params.min);
      expect(l).toBeLessThanOrEqual(params.max);
    }
    const mean = data.length / ls.length;
    expect(mean).toBeGreaterThan(params.min);
    expect(mean).toBeLessThan(params.max);
  });

  it('does not depend on how the input stream is cut into pieces', async () => {
    const whole = await lengths(c, [data]);
    const pieces: Buffer[] = [];
    for (let i = 0, k = 1; i < data.length; i += k, k = (k * 7 + 3) % 50_000) pieces.push(data.subarray(i, i + k));
    expect(await lengths(c, pieces)).toEqual(whole);
  });

  it('resynchronises after an insertion: most chunks stay the same', async () => {
    const edited = Buffer.concat([
      data.subarray(0, 300_000),
      Buffer.from('a few inserted bytes'),
      data.subarray(300_000),
    ]);
    const ids = async (b: Buffer) => {
      const out: string[] = [];
      for await (const ch of c.chunks([b])) out.push(ch.toString('base64'));
      return out;
    };
    const before = new Set(await ids(data));
    const after = await ids(edited);
    const fresh = after.filter((x) => !before.has(x));
    expect(fresh.length).toBeLessThanOrEqual(2);
    expect(after.length - fresh.length).toBeGreaterThan(after.length * 0.8);
  });

  it('forces a cut at max for input without cut points, and gives nothing for empty input', async () => {
    const flat = Buffer.alloc(100_000, 0); // constant bytes: the hash never hits the mask
    const ls = await lengths(c, [flat]);
    expect(ls.slice(0, -1).every((l) => l === params.max)).toBe(true);
    expect(await lengths(c, [])).toEqual([]);
  });

  it('cuts differently under another seed (chunk sizes do not fingerprint content)', async () => {
    const other = new Chunker({ ...params, seed: Buffer.alloc(32, 12).toString('base64') });
    expect(await lengths(other, [data])).not.toEqual(await lengths(c, [data]));
  });
});
