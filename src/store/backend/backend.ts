/**
 * The Backend port: a flat store of immutable named files. The repository (src/store) is the only
 * user; it never modifies a file, so implementations need atomic create, ranged read, list, stat and
 * delete — nothing more. See docs/design.md §6.1 and §6.12.
 */
import { TidemarkError, toTidemarkError } from '../../core/index.js';

export interface FileInfo {
  /** Slash-separated name relative to the backend's root, e.g. `data/ab/ab12…`. */
  name: string;
  size: number;
}

export interface GetOptions {
  /** Byte offset to start at (default 0). */
  offset?: number;
  /** Number of bytes to read (default: to the end). Reading past the end is a `corrupt` error. */
  length?: number;
}

export type PutBody = Uint8Array | AsyncIterable<Uint8Array>;

export interface Backend {
  /** A human-readable location for messages (never contains credentials). */
  readonly location: string;
  /**
   * Creates the file `name` with the given bytes, atomically: readers see the whole file or no file.
   * Writing the same bytes under an existing name succeeds (names are content hashes, so concurrent
   * writers may do it). Callers never write different bytes under an existing name; a plain backend
   * then keeps one of the two bodies whole, and a verifying wrapper may reject the write.
   */
  put(name: string, body: PutBody): Promise<void>;
  /** Reads a file or a byte range of it. Missing file: `not-found`. Short read: `corrupt`. */
  get(name: string, options?: GetOptions): Promise<Buffer>;
  /** Every file whose name starts with `prefix`, in no particular order. */
  list(prefix: string): AsyncIterable<FileInfo>;
  /** Size of a file. Missing file: `not-found`. */
  stat(name: string): Promise<FileInfo>;
  /** Deletes a file. Deleting a missing file is not an error. */
  delete(name: string): Promise<void>;
  /**
   * Optional: removes leftovers of interrupted writes older than `olderThanMs` (temporary files of
   * the fs backend). Returns how many were removed.
   */
  sweep?(nowMs: number, olderThanMs: number): Promise<number>;
  /** Releases connections and handles. */
  close(): Promise<void>;
}

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** Throws `usage` unless `name` is a safe relative name: segments of [A-Za-z0-9._-], no dot-leading segment. */
export function checkName(name: string): void {
  if (name.length === 0 || name.length > 512 || !name.split('/').every((s) => SEGMENT.test(s))) {
    throw new TidemarkError('usage', `invalid backend file name: ${JSON.stringify(name)}`);
  }
}

/** Prefixes end at a segment boundary or within the last segment; same character set as names. */
export function checkPrefix(prefix: string): void {
  if (prefix === '') return;
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  checkName(trimmed);
}

export function checkRange(options: GetOptions | undefined): { offset: number; length: number | undefined } {
  const offset = options?.offset ?? 0;
  const length = options?.length;
  if (!Number.isSafeInteger(offset) || offset < 0) throw new TidemarkError('usage', `invalid offset ${offset}`);
  if (length !== undefined && (!Number.isSafeInteger(length) || length < 0)) {
    throw new TidemarkError('usage', `invalid length ${length}`);
  }
  return { offset, length };
}

export function notFound(location: string, name: string, cause?: unknown): TidemarkError {
  return new TidemarkError('not-found', `${name} does not exist in ${location}`, { cause });
}

export function shortRead(location: string, name: string, wanted: number, got: number): TidemarkError {
  return new TidemarkError(
    'corrupt',
    `${name} in ${location} is shorter than expected (wanted ${wanted} bytes, got ${got})`,
    {
      hint: 'The file was truncated; run `tidemark check --read-data`.',
      details: { file: name },
    },
  );
}

/**
 * A storage failure. `transient` marks failures worth retrying (network, throttling, 5xx); the
 * retry wrapper retries only those.
 */
export function storageError(message: string, options: { transient: boolean; cause?: unknown }): TidemarkError {
  const mapped = options.cause === undefined ? undefined : toTidemarkError(options.cause, 'storage');
  if (mapped && mapped.kind === 'no-space') return mapped;
  return new TidemarkError('storage', message, {
    cause: options.cause,
    details: options.transient ? { transient: true } : {},
    hint: options.transient ? 'The storage may be temporarily unavailable; try again.' : undefined,
  });
}

export function isTransient(e: unknown): boolean {
  return e instanceof TidemarkError && e.kind === 'storage' && e.details.transient === true;
}

/** Collects a body into one buffer (used by backends that need the whole body). */
export async function bodyToBuffer(body: PutBody): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const parts: Buffer[] = [];
  for await (const part of body) parts.push(Buffer.from(part.buffer, part.byteOffset, part.byteLength));
  return Buffer.concat(parts);
}

/** Reads every file of a listing into an array. */
export async function listAll(backend: Backend, prefix: string): Promise<FileInfo[]> {
  const out: FileInfo[] = [];
  for await (const f of backend.list(prefix)) out.push(f);
  return out;
}
