/** Packs (docs/design.md §6.7): encrypted blobs followed by an encrypted header and a trailer. */
import { createHash } from 'node:crypto';
import { type BlobType, type Compression, type RepoKeys, corrupt, hex, seal, unseal } from './crypto.js';

export const ENTRY_SIZE = 42;
export const TRAILER_SIZE = 8;
const MAGIC = Buffer.from('TMPK', 'ascii');

export interface PackEntry {
  type: BlobType;
  compression: Compression;
  /** Stored length (nonce + ciphertext + tag). */
  length: number;
  rawLength: number;
  id: Buffer;
  offset: number;
}

export interface FinishedPack {
  /** SHA-256 of the pack file, hex. */
  id: string;
  bytes: Buffer;
  type: BlobType;
  entries: PackEntry[];
}

export function packName(id: string): string {
  return `data/${id.slice(0, 2)}/${id}`;
}

/** Collects stored blobs of one type until the pack is full. */
export class PackBuilder {
  readonly entries: PackEntry[] = [];
  private readonly parts: Buffer[] = [];
  size = 0;

  constructor(readonly type: BlobType) {}

  add(id: Buffer, compression: Compression, stored: Buffer, rawLength: number): void {
    this.entries.push({ type: this.type, compression, length: stored.length, rawLength, id, offset: this.size });
    this.parts.push(stored);
    this.size += stored.length;
  }

  get count(): number {
    return this.entries.length;
  }

  finish(keys: RepoKeys): FinishedPack {
    const header = Buffer.alloc(this.entries.length * ENTRY_SIZE);
    this.entries.forEach((e, i) => {
      const o = i * ENTRY_SIZE;
      header.writeUInt8(e.type, o);
      header.writeUInt8(e.compression, o + 1);
      header.writeUInt32LE(e.length, o + 2);
      header.writeUInt32LE(e.rawLength, o + 6);
      e.id.copy(header, o + 10);
    });
    const sealed = seal(keys, 'pack-header', header, false);
    const trailer = Buffer.alloc(TRAILER_SIZE);
    trailer.writeUInt32LE(sealed.length, 0);
    MAGIC.copy(trailer, 4);
    const bytes = Buffer.concat([...this.parts, sealed, trailer]);
    return { id: createHash('sha256').update(bytes).digest('hex'), bytes, type: this.type, entries: this.entries };
  }
}

/** Reads the header length from a pack's last 8 bytes. */
export function parseTrailer(trailer: Buffer, packSize: number, what: string): number {
  if (trailer.length !== TRAILER_SIZE || !trailer.subarray(4).equals(MAGIC))
    throw corrupt(what, 'pack trailer missing');
  const headerLength = trailer.readUInt32LE(0);
  if (headerLength + TRAILER_SIZE > packSize) throw corrupt(what, 'pack header length out of range');
  return headerLength;
}

/** Decrypts and parses a pack header; checks that the blobs exactly fill the space before it. */
export function parseHeader(keys: RepoKeys, sealed: Buffer, packSize: number, what: string): PackEntry[] {
  const header = unseal(keys, 'pack-header', sealed, what);
  if (header.length % ENTRY_SIZE !== 0 || header.length === 0) throw corrupt(what, 'pack header has a bad length');
  const entries: PackEntry[] = [];
  let offset = 0;
  for (let o = 0; o < header.length; o += ENTRY_SIZE) {
    const type = header.readUInt8(o) as BlobType;
    const compression = header.readUInt8(o + 1) as Compression;
    const length = header.readUInt32LE(o + 2);
    const rawLength = header.readUInt32LE(o + 6);
    const id = Buffer.from(header.subarray(o + 10, o + ENTRY_SIZE));
    if (type > 1 || compression > 2)
      throw corrupt(what, `pack header entry ${hex(id)} has an unknown type or compression`);
    entries.push({ type, compression, length, rawLength, id, offset });
    offset += length;
  }
  if (offset + sealed.length + TRAILER_SIZE !== packSize)
    throw corrupt(what, 'pack header does not match the pack size');
  return entries;
}
