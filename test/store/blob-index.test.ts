import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BlobIndex, type IndexFilePack, keyFromHex } from '../../src/store/blob-index.js';

describe('in-memory blob index', () => {
  it('finds every one of many blobs after many rehashes, keeps types apart and counts duplicates once', () => {
    const index = new BlobIndex();
    const packs: IndexFilePack[] = [];
    for (let p = 0; p < 40; p++) {
      packs.push({
        id: randomBytes(32).toString('hex'),
        size: 1_000_000 + p,
        type: p % 2 === 0 ? 0 : 1,
        blobs: Array.from({ length: 1000 }, (_, i) => ({
          id: randomBytes(32).toString('hex'),
          o: i * 100,
          l: 100,
          r: 150 + i,
          c: (i % 3) as 0 | 1 | 2,
        })),
      });
    }
    for (const p of packs) index.addPack(p);
    // the same blob again in a new pack (as two concurrent writers would store it)
    const dupPack: IndexFilePack = {
      id: randomBytes(32).toString('hex'),
      size: 500,
      type: 0,
      blobs: [packs[0]!.blobs[7]!],
    };
    index.addPack(dupPack);
    expect(index.blobCount).toBe(40_000);
    expect(index.entryCount).toBe(40_001);
    for (const p of packs) {
      for (const [i, b] of p.blobs.entries()) {
        expect(index.get(keyFromHex(p.type, b.id))).toEqual({
          type: p.type,
          pack: p.id,
          offset: i * 100,
          length: 100,
          rawLength: 150 + i,
          compression: i % 3,
        });
        expect(index.has(keyFromHex(p.type === 0 ? 1 : 0, b.id))).toBe(false); // same id, other type
      }
    }
    expect(index.get(keyFromHex(0, packs[0]!.blobs[7]!.id))!.pack).toBe(packs[0]!.id); // the first copy wins
    expect(index.has(keyFromHex(0, randomBytes(32).toString('hex')))).toBe(false);
    expect([...index.entries()]).toHaveLength(40_001);
    expect(index.packs().map((p) => p.id)).toEqual([...packs.map((p) => p.id), dupPack.id]);
  });
});
