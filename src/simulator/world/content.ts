/**
 * Attachment bytes. Uploaded content keeps its bytes (Content.data); generated content is never
 * materialised: its bytes are a deterministic function of (seed, size, kind), computed on demand
 * for just the range asked for (text in independent 4 KiB blocks of words, everything else from an
 * AES-CTR keystream that can start at any offset).
 *
 * Kinds: 'text' (compressible ASCII lines), 'binary' (incompressible), 'png', 'pdf', 'zip'
 * (start with the format's magic bytes and a plausible header, end with its trailer, with
 * incompressible bodies, like real compressed formats), 'empty' (0 bytes).
 *
 * Ranges follow JavaScript slicing: `start` inclusive, `end` exclusive (HTTP Range's last-byte-pos
 * is inclusive; convert with end = last + 1).
 */
import { createCipheriv, createHash } from 'node:crypto';
import type { Content } from './site.js';
import { pngChunk } from '../../core/index.js';

export type ContentKind = NonNullable<Content['generated']>['kind'];

const BLOCK = 4096;

function u32be(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

function pngPrefix(seed: number): Uint8Array {
  const width = 64 + (seed % 1024);
  const height = 48 + ((seed >>> 10) % 768);
  const ihdr = [...u32be(width), ...u32be(height), 8, 6, 0, 0, 0];
  // Signature and IHDR; the body stands in for the (compressed, incompressible) IDAT data.
  return new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...pngChunk('IHDR', new Uint8Array(ihdr))]);
}

const PNG_SUFFIX = pngChunk('IEND', new Uint8Array(0));
const PDF_PREFIX = new Uint8Array([...Buffer.from('%PDF-1.7\n%', 'latin1'), 0xe2, 0xe3, 0xcf, 0xd3, 0x0a]);
const PDF_SUFFIX = new Uint8Array(Buffer.from('\nstartxref\n0\n%%EOF\n', 'latin1'));
const ZIP_NAME = Buffer.from('data.bin', 'latin1');
const ZIP_PREFIX = new Uint8Array([
  0x50,
  0x4b,
  0x03,
  0x04,
  0x14,
  0x00,
  0x00,
  0x00,
  0x08,
  0x00,
  0x00,
  0x00,
  0x21,
  0x00,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  ZIP_NAME.length,
  0x00,
  0x00,
  0x00,
  ...ZIP_NAME,
]);
const ZIP_SUFFIX = new Uint8Array([0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const EMPTY = new Uint8Array(0);

interface Layout {
  prefix: Uint8Array;
  suffix: Uint8Array;
  text: boolean;
}

function layout(kind: ContentKind, seed: number): Layout {
  switch (kind) {
    case 'png':
      return { prefix: pngPrefix(seed), suffix: PNG_SUFFIX, text: false };
    case 'pdf':
      return { prefix: PDF_PREFIX, suffix: PDF_SUFFIX, text: false };
    case 'zip':
      return { prefix: ZIP_PREFIX, suffix: ZIP_SUFFIX, text: false };
    case 'text':
      return { prefix: EMPTY, suffix: EMPTY, text: true };
    default:
      return { prefix: EMPTY, suffix: EMPTY, text: false };
  }
}

/** sfc32 step over a 4-word state, inlined for block generation speed. */
function blockState(seed: number, block: number, salt: number): Uint32Array {
  const s = new Uint32Array([seed ^ 0x243f6a88, block ^ 0x85a308d3, salt ^ 0x13198a2e, 0x03707344]);
  for (let i = 0; i < 12; i++) sfcStep(s);
  return s;
}

function sfcStep(s: Uint32Array): number {
  const t = (((s[0]! + s[1]!) >>> 0) + s[3]!) >>> 0;
  s[3] = (s[3]! + 1) >>> 0;
  s[0] = s[1]! ^ (s[1]! >>> 9);
  s[1] = (s[2]! + (s[2]! << 3)) >>> 0;
  s[2] = ((s[2]! << 21) | (s[2]! >>> 11)) >>> 0;
  s[2] = (s[2]! + t) >>> 0;
  return t;
}

const TEXT_WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an ' +
  'they you were her all she there would their we him been has when who will more no if out so said what up ' +
  'its about into than them can only other new some could time these two may then do first any my now such ' +
  'like our over man me even most made after also did many before must through back years where much your way ' +
  'well down should because each just those people how too little state good very make world still own see men ' +
  'work long get here between both life being under never day same another know while last might us great old ' +
  'year off come since against go came right used take three request timeout error warning info debug server ' +
  'client connection retry failed succeeded payload header status response latency cache queue worker'
)
  .split(' ')
  .map((w) => Buffer.from(w, 'latin1'));

function fillTextBlock(out: Uint8Array, seed: number, block: number): void {
  const s = blockState(seed, block, 0x74657874);
  // Log-like text lines of words; every block is self-contained (fixed length, ASCII).
  let pos = 0;
  let line = 0;
  while (pos < out.length) {
    const word = TEXT_WORDS[sfcStep(s) % TEXT_WORDS.length]!;
    if (line > 0 && line + word.length + 1 > 78) {
      out[pos++] = 0x0a;
      line = 0;
      continue;
    }
    if (line > 0) {
      out[pos++] = 0x20;
      line++;
      if (pos >= out.length) break;
    }
    const n = Math.min(word.length, out.length - pos);
    out.set(word.subarray(0, n), pos);
    pos += n;
    line += n;
  }
}

const keys = new Map<number, Buffer>();

/**
 * Incompressible bytes [from, to) for a seed: the AES-128-CTR keystream under a key derived from
 * the seed, with the block counter starting at from / 16 — random access at native speed.
 */
function keystream(seed: number, from: number, to: number): Uint8Array {
  let key = keys.get(seed);
  if (!key) {
    key = createHash('sha256').update(`tidemark-sim-content:${seed}`).digest().subarray(0, 16);
    if (keys.size > 4096) keys.clear();
    keys.set(seed, key);
  }
  const firstBlock = Math.floor(from / 16);
  const iv = Buffer.alloc(16);
  iv.writeUIntBE(firstBlock, 10, 6);
  const cipher = createCipheriv('aes-128-ctr', key, iv);
  const skip = from - firstBlock * 16;
  const stream = cipher.update(Buffer.alloc(to - from + skip));
  return stream.subarray(skip);
}

/** Writes bytes [start, end) of generated content into `out` (length end - start). */
function writeGenerated(content: Content, start: number, end: number, out: Uint8Array): void {
  const gen = content.generated!;
  if (gen.kind === 'empty' || end <= start) return;
  const { prefix, suffix, text } = layout(gen.kind, gen.seed);
  const size = content.size;
  const hasSuffix = size >= prefix.length + suffix.length;
  const suffixStart = hasSuffix ? size - suffix.length : size;
  const bodyStart = Math.min(prefix.length, size);
  // Body blocks (aligned to absolute offsets).
  const from = Math.max(start, bodyStart);
  const to = Math.min(end, suffixStart);
  if (from < to && !text) {
    out.set(keystream(gen.seed, from, to), from - start);
  } else if (from < to) {
    const block = new Uint8Array(BLOCK);
    for (let b = Math.floor(from / BLOCK); b * BLOCK < to; b++) {
      fillTextBlock(block, gen.seed, b);
      const bs = b * BLOCK;
      const lo = Math.max(from, bs);
      const hi = Math.min(to, bs + BLOCK);
      out.set(block.subarray(lo - bs, hi - bs), lo - start);
    }
  }
  // Prefix and suffix overlays.
  for (let i = Math.max(start, 0); i < Math.min(end, bodyStart); i++) out[i - start] = prefix[i]!;
  if (hasSuffix) {
    for (let i = Math.max(start, suffixStart); i < end; i++) out[i - start] = suffix[i - suffixStart]!;
  }
}

function clampRange(content: Content, start?: number, end?: number): [number, number] {
  const s = Math.max(0, Math.min(start ?? 0, content.size));
  const e = Math.max(s, Math.min(end ?? content.size, content.size));
  return [s, e];
}

/**
 * The bytes [start, end) of a content (whole content by default). Only the requested range is
 * computed.
 */
export function contentBytes(content: Content, start?: number, end?: number): Uint8Array {
  const [s, e] = clampRange(content, start, end);
  if (content.data) return content.data.subarray(s, e);
  const out = new Uint8Array(e - s);
  if (content.generated) writeGenerated(content, s, e, out);
  return out;
}

/** The bytes [start, end) in chunks of at most `chunkSize` (default 64 KiB). */
export function* contentChunks(
  content: Content,
  start?: number,
  end?: number,
  chunkSize = 64 * 1024,
): Generator<Uint8Array> {
  const [s, e] = clampRange(content, start, end);
  for (let pos = s; pos < e; pos += chunkSize) yield contentBytes(content, pos, Math.min(e, pos + chunkSize));
}

/** A web stream of the bytes [start, end), produced as the consumer pulls. */
export function contentStream(content: Content, start?: number, end?: number): ReadableStream<Uint8Array> {
  const chunks = contentChunks(content, start, end);
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
}

const shaCache = new WeakMap<Content, string>();

/** SHA-256 (hex) of a content's bytes, computed once per Content object. */
export function contentSha256(content: Content): string {
  let hex = shaCache.get(content);
  if (hex === undefined) {
    const h = createHash('sha256');
    for (const chunk of contentChunks(content, 0, content.size, 1024 * 1024)) h.update(chunk);
    hex = h.digest('hex');
    shaCache.set(content, hex);
  }
  return hex;
}

/** The MIME type Jira reports for a generated kind. */
export function mimeTypeOfKind(kind: ContentKind): string {
  switch (kind) {
    case 'text':
      return 'text/plain';
    case 'png':
      return 'image/png';
    case 'pdf':
      return 'application/pdf';
    case 'zip':
      return 'application/zip';
    case 'empty':
      return 'text/plain';
    default:
      return 'application/octet-stream';
  }
}
