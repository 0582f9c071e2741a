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

/** A blob written into a pack, with its id in hex. */
export interface PackedBlob {
  id: string;
  compression: Compression;
  length: number;
  rawLength: number;
  offset: number;
}

export interface FinishedPack {
  /** SHA-256 of the pack file, hex. */
  id: string;
  bytes: Buffer;
  type: BlobType;
  entries: PackedBlob[];
}

export function packName(id: string): string {
  return `data/${id.slice(0, 2)}/${id}`;
}

/**
 * Collects stored blobs of one type until the pack is full. Blobs are copied into one growing
 * buffer: keeping the small buffers themselves would pin the shared allocation pools they were
 * cut from, many times their size.
 */
export class PackBuilder {
  readonly entries: PackedBlob[] = [];
  private buf: Buffer;
  /** The header's plaintext, built as blobs are added. */
  private header: Buffer = Buffer.allocUnsafeSlow(ENTRY_SIZE * 1024);
  size = 0;

  constructor(
    readonly type: BlobType,
    capacity = 1024 * 1024,
  ) {
    this.buf = Buffer.allocUnsafeSlow(capacity);
  }

  private reserve(extra: number): void {
    if (this.size + extra <= this.buf.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.size + extra, Math.ceil(this.buf.length * 1.5)));
    this.buf.copy(grown, 0, 0, this.size);
    this.buf = grown;
  }

  add(id: Uint8Array, compression: Compression, stored: Uint8Array, rawLength: number): void {
    this.reserve(stored.length);
    this.buf.set(stored, this.size);
    const o = this.entries.length * ENTRY_SIZE;
    if (o + ENTRY_SIZE > this.header.length) {
      const grown = Buffer.allocUnsafeSlow(this.header.length * 2);
      this.header.copy(grown, 0, 0, o);
      this.header = grown;
    }
    this.header.writeUInt8(this.type, o);
    this.header.writeUInt8(compression, o + 1);
    this.header.writeUInt32LE(stored.length, o + 2);
    this.header.writeUInt32LE(rawLength, o + 6);
    this.header.set(id, o + 10);
    this.entries.push({ id: hex(id), compression, length: stored.length, rawLength, offset: this.size });
    this.size += stored.length;
  }

  get count(): number {
    return this.entries.length;
  }

  finish(keys: RepoKeys): FinishedPack {
    const sealed = seal(keys, 'pack-header', this.header.subarray(0, this.entries.length * ENTRY_SIZE), false);
    this.reserve(sealed.length + TRAILER_SIZE);
    sealed.copy(this.buf, this.size);
    this.buf.writeUInt32LE(sealed.length, this.size + sealed.length);
    MAGIC.copy(this.buf, this.size + sealed.length + 4);
    const bytes = this.buf.subarray(0, this.size + sealed.length + TRAILER_SIZE);
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
