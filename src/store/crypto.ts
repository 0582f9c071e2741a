/**
 * The cryptographic and compression primitives of the repository format (docs/design.md §6.3–6.6):
 * subkey derivation, sealed objects, blob encryption, blob ids, compression codes.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { brotliCompressSync, brotliDecompressSync, constants as zc, deflateRawSync, inflateRawSync } from 'node:zlib';
import { TidemarkError, canonicalJson } from '../core/index.js';

export const FORMAT_VERSION = 1;
const NONCE = 12;
const TAG = 16;
/** Bytes a stored blob adds to its (compressed) plaintext: nonce and tag. */
export const BLOB_OVERHEAD = NONCE + TAG;
/** Largest blob plaintext writers produce and readers accept. */
export const MAX_BLOB = 32 * 1024 * 1024;
/** Largest decompressed sealed-object payload readers accept. */
const MAX_SEALED = 512 * 1024 * 1024;

export type SealedKind = 'config' | 'index' | 'snapshot' | 'lock' | 'pack-header';

export enum Compression {
  None = 0,
  Deflate = 1,
  Brotli = 2,
}

export enum BlobType {
  Data = 0,
  Tree = 1,
}

/** The two working keys derived from the master key. */
export interface RepoKeys {
  readonly enc: Buffer;
  readonly id: Buffer;
}

export function deriveKeys(master: Uint8Array): RepoKeys {
  if (master.length !== 32) throw new TidemarkError('internal', 'master key must be 32 bytes');
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
  return { enc: derive('tidemark v1 encrypt'), id: derive('tidemark v1 blob id') };
}

export function blobId(keys: RepoKeys, plaintext: Uint8Array): Buffer {
  return createHmac('sha256', keys.id).update(plaintext).digest();
}

/** Random nonces drawn from a pooled CSPRNG buffer (one randomBytes call per 1024 nonces). */
let noncePool = Buffer.alloc(0);
let nonceAt = 0;
function freshNonce(): Buffer {
  if (nonceAt + NONCE > noncePool.length) {
    noncePool = randomBytes(NONCE * 1024);
    nonceAt = 0;
  }
  const nonce = noncePool.subarray(nonceAt, nonceAt + NONCE);
  nonceAt += NONCE;
  return nonce;
}

export function gcmEncrypt(key: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Buffer {
  const nonce = freshNonce();
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const final = cipher.final();
  return Buffer.concat([nonce, body, final, cipher.getAuthTag()]);
}

/** Returns the plaintext, or undefined when the tag does not authenticate. */
export function gcmDecrypt(key: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Buffer | undefined {
  if (sealed.length < NONCE + TAG) return undefined;
  const nonce = sealed.subarray(0, NONCE);
  const tag = sealed.subarray(sealed.length - TAG);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    const body = decipher.update(sealed.subarray(NONCE, sealed.length - TAG));
    return Buffer.concat([body, decipher.final()]);
  } catch {
    return undefined;
  }
}

function sealedAad(kind: SealedKind): Buffer {
  return Buffer.concat([Buffer.from([FORMAT_VERSION]), Buffer.from(`tidemark:${kind}`, 'ascii')]);
}

export function corrupt(what: string, problem: string, details: Record<string, unknown> = {}): TidemarkError {
  return new TidemarkError('corrupt', `${what} is damaged: ${problem}`, {
    hint: 'Run `tidemark check --read-data` to see every damaged file; restore them from a copy of the repository if you have one.',
    details: { file: what, ...details },
  });
}

/** Seals a payload: version ‖ nonce ‖ AES-GCM(compression ‖ payload) ‖ tag, AAD bound to the kind. */
export function seal(keys: RepoKeys, kind: SealedKind, payload: Uint8Array, compress = true): Buffer {
  const c = compress ? compressIfWorth(payload, 6) : { codec: Compression.None, bytes: Buffer.from(payload) };
  const plaintext = Buffer.concat([Buffer.from([c.codec]), c.bytes]);
  return Buffer.concat([Buffer.from([FORMAT_VERSION]), gcmEncrypt(keys.enc, sealedAad(kind), plaintext)]);
}

export function unseal(keys: RepoKeys, kind: SealedKind, data: Uint8Array, what: string): Buffer {
  if (data.length < 1 + NONCE + TAG + 1) throw corrupt(what, 'too short');
  if (data[0] !== FORMAT_VERSION) throw corrupt(what, `unknown version byte ${data[0]}`);
  const plaintext = gcmDecrypt(keys.enc, sealedAad(kind), data.subarray(1));
  if (!plaintext) throw corrupt(what, 'authentication failed');
  return decompress(plaintext.subarray(1), plaintext[0] as Compression, undefined, what);
}

export function sealJson(keys: RepoKeys, kind: SealedKind, value: unknown): Buffer {
  return seal(keys, kind, Buffer.from(canonicalJson(value)));
}

export function unsealJson(keys: RepoKeys, kind: SealedKind, data: Uint8Array, what: string): unknown {
  return parseJson(unseal(keys, kind, data, what), what);
}

export function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as unknown;
  } catch {
    throw corrupt(what, 'not valid JSON');
  }
}

function blobAad(type: BlobType, id: Uint8Array, compression: Compression): Buffer {
  return Buffer.concat([Buffer.from([FORMAT_VERSION, type]), id, Buffer.from([compression])]);
}

export function encryptBlob(
  keys: RepoKeys,
  type: BlobType,
  id: Uint8Array,
  compression: Compression,
  body: Uint8Array,
): Buffer {
  return gcmEncrypt(keys.enc, blobAad(type, id, compression), body);
}

/** Decrypts, decompresses and verifies a stored blob against its id and length. */
export function decryptBlob(
  keys: RepoKeys,
  type: BlobType,
  id: Uint8Array,
  compression: Compression,
  stored: Uint8Array,
  rawLength: number,
  what: string,
): Buffer {
  const body = gcmDecrypt(keys.enc, blobAad(type, id, compression), stored);
  if (!body) throw corrupt(what, 'authentication failed');
  const plain = decompress(body, compression, rawLength, what);
  if (plain.length !== rawLength) throw corrupt(what, `length ${plain.length} instead of ${rawLength}`);
  if (!blobId(keys, plain).equals(id)) throw corrupt(what, 'content does not match its id');
  return plain;
}

export function compress(data: Uint8Array, codec: Compression, level = 6): Buffer {
  switch (codec) {
    case Compression.None:
      return Buffer.from(data);
    case Compression.Deflate:
      return deflateRawSync(data, { level });
    case Compression.Brotli:
      return brotliCompressSync(data, { params: { [zc.BROTLI_PARAM_QUALITY]: Math.min(11, level) } });
  }
}

/**
 * Deflates and keeps the result only when it is at most 97 % of the input. Small inputs use a
 * window no larger than themselves (a much cheaper compressor state; any inflater reads it).
 */
export function compressIfWorth(data: Uint8Array, level: number): { codec: Compression; bytes: Buffer } {
  if (data.length >= 64) {
    const windowBits = Math.min(15, Math.max(10, Math.ceil(Math.log2(data.length))));
    // an output buffer about the input's size, not zlib's default 16 KiB for every small record
    const chunkSize = Math.min(64 * 1024, Math.max(1024, data.length + 64));
    const packed = deflateRawSync(data, { level, windowBits, memLevel: windowBits <= 12 ? 5 : 8, chunkSize });
    if (packed.length <= data.length * 0.97) return { codec: Compression.Deflate, bytes: packed };
  }
  return { codec: Compression.None, bytes: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
}

export function decompress(data: Uint8Array, codec: Compression, expected: number | undefined, what: string): Buffer {
  const maxOutputLength = expected ?? MAX_SEALED;
  try {
    switch (codec) {
      case Compression.None:
        return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      case Compression.Deflate:
        return inflateRawSync(data, {
          maxOutputLength: Math.max(1, maxOutputLength),
          chunkSize: Math.min(64 * 1024, Math.max(1024, (expected ?? 0) + 64)),
        });
      case Compression.Brotli:
        return brotliDecompressSync(data, { maxOutputLength: Math.max(1, maxOutputLength) });
      default:
        throw corrupt(what, `unknown compression code ${String(codec)}`);
    }
  } catch (e) {
    if (e instanceof TidemarkError) throw e;
    throw corrupt(what, 'decompression failed');
  }
}

/** Hex of an id. */
export function hex(id: Uint8Array): string {
  return Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex');
}

const HEX64 = /^[0-9a-f]{64}$/;
export function isId(s: unknown): s is string {
  return typeof s === 'string' && HEX64.test(s);
}
