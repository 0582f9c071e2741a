/**
 * Read-back verification of writes: after each put, the file is read back and its SHA-256 compared
 * with the bytes that were sent. This catches storage that acknowledges a write it did not keep, or
 * damages data on the way. (Reads need no wrapper: the repository verifies every read itself,
 * docs/design.md §6.4 and §6.6.)
 */
import { createHash } from 'node:crypto';
import { TidemarkError } from '../../core/index.js';
import type { Backend, FileInfo, GetOptions, PutBody } from './backend.js';

export class VerifyingBackend implements Backend {
  readonly location: string;

  constructor(private readonly inner: Backend) {
    this.location = inner.location;
  }

  async put(name: string, body: PutBody): Promise<void> {
    const hash = createHash('sha256');
    let sent: PutBody;
    if (body instanceof Uint8Array) {
      hash.update(body);
      sent = body;
    } else {
      sent = (async function* () {
        for await (const part of body) {
          hash.update(part);
          yield part;
        }
      })();
    }
    await this.inner.put(name, sent);
    const expected = hash.digest('hex');
    const actual = createHash('sha256')
      .update(await this.inner.get(name))
      .digest('hex');
    if (actual !== expected) {
      throw new TidemarkError('storage', `${name} in ${this.location} reads back different bytes than were written`, {
        hint: 'The storage is damaging or losing writes; check it before trusting new backups.',
        details: { file: name },
      });
    }
  }

  get(name: string, options?: GetOptions): Promise<Buffer> {
    return this.inner.get(name, options);
  }

  list(prefix: string): AsyncIterable<FileInfo> {
    return this.inner.list(prefix);
  }

  stat(name: string): Promise<FileInfo> {
    return this.inner.stat(name);
  }

  delete(name: string): Promise<void> {
    return this.inner.delete(name);
  }

  async sweep(nowMs: number, olderThanMs: number): Promise<number> {
    return (await this.inner.sweep?.(nowMs, olderThanMs)) ?? 0;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
