/**
 * The in-memory master index: blob (type, id) → location, built from the index files
 * (docs/design.md §6.8).
 */
import { type BlobType, type Compression, corrupt, isId } from './crypto.js';

export interface BlobLocation {
  type: BlobType;
  /** Pack id (hex). */
  pack: string;
  offset: number;
  length: number;
  rawLength: number;
  compression: Compression;
}

/** Blobs per index file: writers write one when this many are waiting; prune splits its rewrite. */
export const INDEX_FILE_BLOBS = 20_000;

export interface IndexFileBlob {
  id: string;
  o: number;
  l: number;
  r: number;
  c: Compression;
}
export interface IndexFilePack {
  id: string;
  size: number;
  type: BlobType;
  blobs: IndexFileBlob[];
}
export interface IndexFileDoc {
  v: 1;
  supersedes: string[];
  packs: IndexFilePack[];
}

/** Set key of a blob: its type byte followed by its 32 id bytes, as a one-byte-per-char string. */
export function blobKey(type: BlobType, id: Buffer): string {
  return String.fromCharCode(type) + id.toString('latin1');
}

export function keyFromHex(type: BlobType, id: string): string {
  return String.fromCharCode(type) + Buffer.from(id, 'hex').toString('latin1');
}

export function keyToHex(key: string): string {
  return Buffer.from(key.slice(1), 'latin1').toString('hex');
}

/**
 * Entries are stored column-wise: the 32 id bytes in one buffer, the location fields in typed
 * arrays, and an open-addressing hash table (linear probing) of entry numbers keyed by the id's
 * first bytes — ids are HMAC outputs, so they are uniformly distributed. About 60 bytes per blob,
 * nothing per blob on the JavaScript heap.
 */
export class BlobIndex {
  private ids = Buffer.allocUnsafeSlow(32 * 1024);
  private typeComp = new Uint8Array(1024);
  private pack = new Uint32Array(1024);
  private offset = new Uint32Array(1024);
  private length = new Uint32Array(1024);
  private raw = new Uint32Array(1024);
  private count = 0;
  private unique = 0;
  /** Hash slots holding entry number + 1 (0 = empty). */
  private table = new Int32Array(2048);
  private readonly packIds: string[] = [];
  private readonly packSizes: number[] = [];
  private readonly packTypes: BlobType[] = [];
  private readonly packSlot = new Map<string, number>();

  get blobCount(): number {
    return this.unique;
  }

  get entryCount(): number {
    return this.count;
  }

  private slotOf(type: BlobType, id: Uint8Array): number {
    const mask = this.table.length - 1;
    let slot = ((id[0]! | (id[1]! << 8) | (id[2]! << 16) | (id[3]! << 24)) ^ type) & mask;
    for (;;) {
      const e = this.table[slot]!;
      if (e === 0) return slot;
      const at = (e - 1) * 32;
      if ((this.typeComp[e - 1]! & 0x0f) === type && this.ids.compare(id, 0, 32, at, at + 32) === 0) return slot;
      slot = (slot + 1) & mask;
    }
  }

  /** Entry number of a blob, or -1. */
  private find(type: BlobType, id: Uint8Array): number {
    return this.table[this.slotOf(type, id)]! - 1;
  }

  hasId(type: BlobType, id: Uint8Array): boolean {
    return this.find(type, id) >= 0;
  }

  has(key: string): boolean {
    return this.find(key.charCodeAt(0) as BlobType, Buffer.from(key.slice(1), 'latin1')) >= 0;
  }

  get(key: string): BlobLocation | undefined {
    const e = this.find(key.charCodeAt(0) as BlobType, Buffer.from(key.slice(1), 'latin1'));
    return e < 0 ? undefined : this.location(e);
  }

  private location(e: number): BlobLocation {
    return {
      type: (this.typeComp[e]! & 0x0f) as BlobType,
      pack: this.packIds[this.pack[e]!]!,
      offset: this.offset[e]!,
      length: this.length[e]!,
      rawLength: this.raw[e]!,
      compression: (this.typeComp[e]! >> 4) as Compression,
    };
  }

  hasPack(id: string): boolean {
    return this.packSlot.has(id);
  }

  /** Every indexed pack with its recorded size and type. */
  packs(): Array<{ id: string; size: number; type: BlobType }> {
    return this.packIds.map((id, i) => ({ id, size: this.packSizes[i]!, type: this.packTypes[i]! }));
  }

  addPack(pack: IndexFilePack): void {
    let p = this.packSlot.get(pack.id);
    if (p === undefined) {
      p = this.packIds.length;
      this.packSlot.set(pack.id, p);
      this.packIds.push(pack.id);
      this.packSizes.push(pack.size);
      this.packTypes.push(pack.type);
    }
    const id = Buffer.alloc(32);
    for (const b of pack.blobs) {
      id.write(b.id, 'hex');
      this.grow();
      const e = this.count++;
      id.copy(this.ids, e * 32);
      this.typeComp[e] = pack.type | (b.c << 4);
      this.pack[e] = p;
      this.offset[e] = b.o;
      this.length[e] = b.l;
      this.raw[e] = b.r;
      const slot = this.slotOf(pack.type, id);
      if (this.table[slot] === 0) {
        this.table[slot] = e + 1;
        this.unique++;
      }
    }
  }

  /** Every entry (duplicates included) with its key. */
  *entries(): Iterable<{ key: string } & BlobLocation> {
    for (let e = 0; e < this.count; e++) {
      const type = this.typeComp[e]! & 0x0f;
      yield { key: String.fromCharCode(type) + this.ids.toString('latin1', e * 32, e * 32 + 32), ...this.location(e) };
    }
  }

  private grow(): void {
    if (this.count >= this.pack.length) {
      const n = this.pack.length * 2;
      const grow32 = (a: Uint32Array) => {
        const b = new Uint32Array(n);
        b.set(a);
        return b;
      };
      this.pack = grow32(this.pack);
      this.offset = grow32(this.offset);
      this.length = grow32(this.length);
      this.raw = grow32(this.raw);
      const tc = new Uint8Array(n);
      tc.set(this.typeComp);
      this.typeComp = tc;
      const ids = Buffer.allocUnsafeSlow(n * 32);
      this.ids.copy(ids, 0, 0, this.count * 32);
      this.ids = ids;
    }
    // keep the table at most half full
    if ((this.unique + 1) * 2 > this.table.length) {
      const old = this.table;
      this.table = new Int32Array(old.length * 2);
      for (const e of old) {
        if (e === 0) continue;
        const at = (e - 1) * 32;
        this.table[this.slotOf((this.typeComp[e - 1]! & 0x0f) as BlobType, this.ids.subarray(at, at + 32))] = e;
      }
    }
  }
}

const isUint = (x: unknown): x is number =>
  typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 && x <= 0xffffffff;

/** Validates a decrypted index file. */
export function validateIndexFile(doc: unknown, what: string): IndexFileDoc {
  const d = doc as Partial<IndexFileDoc> | null;
  if (typeof d !== 'object' || d === null || d.v !== 1) throw corrupt(what, 'not an index file of version 1');
  if (!Array.isArray(d.supersedes) || !d.supersedes.every(isId)) throw corrupt(what, 'bad supersedes');
  if (!Array.isArray(d.packs)) throw corrupt(what, 'missing packs');
  for (const p of d.packs as unknown[]) {
    const pack = p as Partial<IndexFilePack>;
    if (!isId(pack.id) || !isUint(pack.size) || (pack.type !== 0 && pack.type !== 1) || !Array.isArray(pack.blobs)) {
      throw corrupt(what, 'bad pack entry');
    }
    for (const b of pack.blobs as unknown[]) {
      const blob = b as Partial<IndexFileBlob>;
      if (
        !isId(blob.id) ||
        !isUint(blob.o) ||
        !isUint(blob.l) ||
        !isUint(blob.r) ||
        (blob.c !== 0 && blob.c !== 1 && blob.c !== 2)
      ) {
        throw corrupt(what, `bad blob entry in pack ${pack.id}`);
      }
    }
  }
  return d as IndexFileDoc;
}
