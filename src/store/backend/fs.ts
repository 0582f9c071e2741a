/**
 * The default backend: a local directory. Files are written atomically (temporary file in `.tmp/`,
 * fsync, rename, fsync of the folder), so a crash leaves either the whole file or none of it.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { TidemarkError } from '../../core/index.js';
import {
  type Backend,
  type FileInfo,
  type GetOptions,
  type PutBody,
  checkName,
  checkPrefix,
  checkRange,
  notFound,
  shortRead,
  storageError,
} from './backend.js';

const TMP = '.tmp';

export class FsBackend implements Backend {
  readonly location: string;
  readonly root: string;
  private readonly knownDirs = new Set<string>();

  constructor(root: string) {
    this.root = path.resolve(root);
    this.location = this.root;
  }

  private file(name: string): string {
    checkName(name);
    return path.join(this.root, ...name.split('/'));
  }

  async put(name: string, body: PutBody): Promise<void> {
    const target = this.file(name);
    const tmpDir = path.join(this.root, TMP);
    await this.ensureDir(tmpDir);
    const tmp = path.join(tmpDir, `${randomBytes(12).toString('hex')}.tmp`);
    let handle: FileHandle | undefined;
    try {
      handle = await open(tmp, 'wx', 0o600);
      if (body instanceof Uint8Array) {
        await handle.writeFile(body);
      } else {
        for await (const part of body) await writeAll(handle, part);
      }
      await handle.sync();
      await handle.close();
      handle = undefined;
      await this.ensureDir(path.dirname(target));
      await rename(tmp, target);
      await syncDir(path.dirname(target));
    } catch (e) {
      await handle?.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw mapFsError(e, `could not write ${name} in ${this.location}`);
    }
  }

  async get(name: string, options?: GetOptions): Promise<Buffer> {
    const file = this.file(name);
    const { offset, length } = checkRange(options);
    let handle: FileHandle | undefined;
    try {
      handle = await open(file, 'r');
      // a ranged read needs no stat: a short read shows up as end of file
      const size = length === undefined ? (await handle.stat()).size : undefined;
      const want = length ?? Math.max(0, size! - offset);
      if (size !== undefined && offset > size) throw shortRead(this.location, name, want, 0);
      const buf = Buffer.allocUnsafe(want);
      let done = 0;
      while (done < want) {
        const { bytesRead } = await handle.read(buf, done, want - done, offset + done);
        if (bytesRead === 0) throw shortRead(this.location, name, want, done);
        done += bytesRead;
      }
      return buf;
    } catch (e) {
      if (isCode(e, 'ENOENT')) throw notFound(this.location, name);
      throw mapFsError(e, `could not read ${name} in ${this.location}`);
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  async *list(prefix: string): AsyncIterable<FileInfo> {
    checkPrefix(prefix);
    const slash = prefix.lastIndexOf('/');
    const dirName = slash < 0 ? '' : prefix.slice(0, slash);
    const start = dirName === '' ? this.root : path.join(this.root, ...dirName.split('/'));
    yield* this.walk(start, dirName, prefix);
  }

  private async *walk(dir: string, rel: string, prefix: string): AsyncIterable<FileInfo> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (isCode(e, 'ENOENT') || isCode(e, 'ENOTDIR')) return;
      throw mapFsError(e, `could not list ${dir}`);
    }
    for (const entry of entries) {
      if (rel === '' && entry.name === TMP) continue;
      const name = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        // descend only into folders that can hold matching names
        if (name.startsWith(prefix) || prefix.startsWith(`${name}/`))
          yield* this.walk(path.join(dir, entry.name), name, prefix);
      } else if (entry.isFile() && name.startsWith(prefix)) {
        try {
          const s = await stat(path.join(dir, entry.name));
          yield { name, size: s.size };
        } catch (e) {
          if (!isCode(e, 'ENOENT')) throw mapFsError(e, `could not stat ${name}`);
        }
      }
    }
  }

  async stat(name: string): Promise<FileInfo> {
    const file = this.file(name);
    try {
      const s = await stat(file);
      if (!s.isFile()) throw notFound(this.location, name);
      return { name, size: s.size };
    } catch (e) {
      if (isCode(e, 'ENOENT')) throw notFound(this.location, name);
      throw mapFsError(e, `could not stat ${name} in ${this.location}`);
    }
  }

  async delete(name: string): Promise<void> {
    const file = this.file(name);
    try {
      await unlink(file);
    } catch (e) {
      if (isCode(e, 'ENOENT')) return;
      throw mapFsError(e, `could not delete ${name} in ${this.location}`);
    }
  }

  /** Deletes temporary files older than `olderThanMs` (left by writers that were killed). */
  async sweep(nowMs: number, olderThanMs: number): Promise<number> {
    const dir = path.join(this.root, TMP);
    let removed = 0;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return 0;
    }
    for (const n of names) {
      try {
        const s = await stat(path.join(dir, n));
        if (nowMs - s.mtimeMs > olderThanMs) {
          await unlink(path.join(dir, n));
          removed++;
        }
      } catch {
        // gone meanwhile
      }
    }
    return removed;
  }

  async close(): Promise<void> {}

  private async ensureDir(dir: string): Promise<void> {
    if (this.knownDirs.has(dir)) return;
    try {
      const created = await mkdir(dir, { recursive: true });
      if (created !== undefined) {
        // make the new folder entries durable: sync every parent from the first created one up
        let d = dir;
        while (d.length >= created.length && d !== path.dirname(d)) {
          await syncDir(path.dirname(d));
          d = path.dirname(d);
        }
      }
    } catch (e) {
      throw mapFsError(e, `could not create folder ${dir}`);
    }
    this.knownDirs.add(dir);
  }
}

async function writeAll(handle: FileHandle, part: Uint8Array): Promise<void> {
  let done = 0;
  while (done < part.byteLength) {
    const { bytesWritten } = await handle.write(part, done, part.byteLength - done);
    done += bytesWritten;
  }
}

async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (e) {
    // some file systems do not support fsync on folders; that is not a write failure
    if (!isCode(e, 'EINVAL') && !isCode(e, 'EISDIR') && !isCode(e, 'EPERM')) throw e;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function isCode(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as NodeJS.ErrnoException).code === code;
}

const TRANSIENT_FS = new Set(['EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE', 'EINTR', 'ETIMEDOUT']);

/** Maps a file-system error: ENOSPC/EDQUOT → `no-space`; EAGAIN, EMFILE… → transient `storage`. */
export function mapFsError(e: unknown, message: string): TidemarkError {
  if (e instanceof TidemarkError) return e;
  const code = typeof e === 'object' && e !== null ? (e as NodeJS.ErrnoException).code : undefined;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new TidemarkError('no-space', `${message}: the disk is full`, {
      cause: e,
      hint: 'Free space on the volume that holds the repository and run the command again; nothing stored before is lost.',
    });
  }
  return storageError(`${message}: ${e instanceof Error ? e.message : String(e)}`, {
    transient: code !== undefined && TRANSIENT_FS.has(code),
    cause: e,
  });
}
