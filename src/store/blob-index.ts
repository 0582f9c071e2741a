/**
 * The in-memory master index: blob (type, id) → location, built from the index files
 * (docs/design.md §6.8). Stored column-wise in typed arrays with one Map from a 33-byte binary key
 * to the first slot, so a million blobs take tens of megabytes rather than hundreds.
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
export const INDEX_FILE_BLOBS = 50_000;

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

/** Map key of a blob: its type byte followed by its 32 id bytes, as a one-byte-per-char string. */
export function blobKey(type: BlobType, id: Buffer): string {
  return String.fromCharCode(type) + id.toString('latin1');
}

export function keyFromHex(type: BlobType, id: string): string {
  return String.fromCharCode(type) + Buffer.from(id, 'hex').toString('latin1');
}

export function keyToHex(key: string): string {
  return Buffer.from(key.slice(1), 'latin1').toString('hex');
}

export class BlobIndex {
  private readonly first = new Map<string, number>();
  private keys: string[] = [];
  private pack = new Uint32Array(1024);
  private offset = new Uint32Array(1024);
  private length = new Uint32Array(1024);
  private raw = new Uint32Array(1024);
  private comp = new Uint8Array(1024);
  private count = 0;
  private readonly packIds: string[] = [];
  private readonly packSizes: number[] = [];
  private readonly packTypes: BlobType[] = [];
  private readonly packSlot = new Map<string, number>();

  get blobCount(): number {
    return this.first.size;
  }

  get entryCount(): number {
    return this.count;
  }

  has(key: string): boolean {
    return this.first.has(key);
  }

  get(key: string): BlobLocation | undefined {
    const slot = this.first.get(key);
    return slot === undefined ? undefined : this.location(slot);
  }

  private location(slot: number): BlobLocation {
    return {
      type: this.keys[slot]!.charCodeAt(0) as BlobType,
      pack: this.packIds[this.pack[slot]!]!,
      offset: this.offset[slot]!,
      length: this.length[slot]!,
      rawLength: this.raw[slot]!,
      compression: this.comp[slot] as Compression,
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
    for (const b of pack.blobs) {
      const key = keyFromHex(pack.type, b.id);
      this.grow();
      const s = this.count++;
      this.keys[s] = key;
      this.pack[s] = p;
      this.offset[s] = b.o;
      this.length[s] = b.l;
      this.raw[s] = b.r;
      this.comp[s] = b.c;
      if (!this.first.has(key)) this.first.set(key, s);
    }
  }

  /** Every entry (duplicates included) with its key. */
  *entries(): Iterable<{ key: string } & BlobLocation> {
    for (let s = 0; s < this.count; s++) yield { key: this.keys[s]!, ...this.location(s) };
  }

  private grow(): void {
    if (this.count < this.pack.length) return;
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
    const c = new Uint8Array(n);
    c.set(this.comp);
    this.comp = c;
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
