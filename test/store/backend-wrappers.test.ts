import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeClock, TidemarkError } from '../../src/core/index.js';
import {
  type Backend,
  FsBackend,
  MemBackend,
  RetryBackend,
  VerifyingBackend,
  mapFsError,
  storageError,
} from '../../src/store/backend/index.js';

/** A backend whose next `failures` calls of `op` fail with `error`. */
class Flaky extends MemBackend {
  calls = 0;
  constructor(
    private failures: number,
    private readonly error: () => unknown,
  ) {
    super();
  }
  failNext(n: number): void {
    this.failures = n;
  }
  override async get(name: string): Promise<Buffer> {
    this.calls++;
    if (this.failures > 0) {
      this.failures--;
      throw this.error();
    }
    return super.get(name);
  }
  override async put(name: string, body: Parameters<Backend['put']>[1]): Promise<void> {
    this.calls++;
    if (this.failures > 0) {
      this.failures--;
      throw this.error();
    }
    return super.put(name, body);
  }
}

describe('RetryBackend', () => {
  const clock = new FakeClock(0, { autoAdvance: true });
  it('retries transient failures and succeeds', async () => {
    const flaky = new Flaky(0, () => storageError('503', { transient: true }));
    await flaky.put('f', Buffer.from('x'));
    flaky.failNext(2);
    const retries: number[] = [];
    const b = new RetryBackend(flaky, { clock, onRetry: (i) => retries.push(i.attempt) });
    expect((await b.get('f')).toString()).toBe('x');
    expect(retries).toEqual([1, 2]);
  });
  it('gives up after the configured attempts', async () => {
    const flaky = new Flaky(10, () => storageError('503', { transient: true }));
    const b = new RetryBackend(flaky, { clock, attempts: 3 });
    await expect(b.get('f')).rejects.toMatchObject({ kind: 'storage' });
    expect(flaky.calls).toBe(3);
  });
  it('does not retry permanent failures', async () => {
    for (const error of [
      () => new TidemarkError('not-found', 'gone'),
      () => new TidemarkError('corrupt', 'bad'),
      () => mapFsError(Object.assign(new Error('full'), { code: 'ENOSPC' }), 'write'),
      () => storageError('denied', { transient: false }),
    ]) {
      const flaky = new Flaky(1, error);
      const b = new RetryBackend(flaky, { clock });
      await expect(b.get('f')).rejects.toBeInstanceOf(TidemarkError);
      expect(flaky.calls).toBe(1);
    }
  });
  it('does not replay a streamed body', async () => {
    const flaky = new Flaky(1, () => storageError('503', { transient: true }));
    const b = new RetryBackend(flaky, { clock });
    async function* body() {
      yield Buffer.from('x');
    }
    await expect(b.put('s', body())).rejects.toMatchObject({ kind: 'storage' });
    expect(flaky.calls).toBe(1);
    await b.put('s', Buffer.from('x'));
  });
});

describe('VerifyingBackend', () => {
  it('rejects a write that reads back different bytes', async () => {
    class Lossy extends MemBackend {
      override async put(name: string, body: Parameters<Backend['put']>[1]): Promise<void> {
        const buf = Buffer.from(body as Uint8Array);
        buf[0] ^= 1;
        return super.put(name, buf);
      }
    }
    const b = new VerifyingBackend(new Lossy());
    await expect(b.put('x', Buffer.from('hello'))).rejects.toMatchObject({ kind: 'storage' });
  });
  it('accepts faithful writes, streamed or not', async () => {
    const b = new VerifyingBackend(new MemBackend());
    await b.put('x', Buffer.from('hello'));
    async function* body() {
      yield Buffer.from('he');
      yield Buffer.from('llo');
    }
    await b.put('y', body());
    expect((await b.get('y')).toString()).toBe('hello');
  });
});

describe('full disks', () => {
  it('maps a real ENOSPC (writing /dev/full) to kind no-space with a hint', () => {
    let error: unknown;
    try {
      writeFileSync('/dev/full', 'x');
    } catch (e) {
      error = e;
    }
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    const mapped = mapFsError(error, 'could not write data/x');
    expect(mapped.kind).toBe('no-space');
    expect(mapped.hint).toMatch(/Free space/);
  });

  // A real full file system needs a tmpfs mount, which only root can make; elsewhere this is skipped.
  const canMount = (() => {
    try {
      return execFileSync('id', ['-u']).toString().trim() === '0';
    } catch {
      return false;
    }
  })();
  it.runIf(canMount)('FsBackend on a full tmpfs fails with no-space and leaves earlier files intact', async (ctx) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tidemark-full-'));
    try {
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir], { stdio: 'ignore' });
      } catch {
        ctx.skip();
        return;
      }
      try {
        const b = new FsBackend(dir);
        await b.put('keep', Buffer.alloc(1000, 7));
        await expect(b.put('big', Buffer.alloc(1024 * 1024))).rejects.toMatchObject({ kind: 'no-space' });
        await expect(b.stat('big')).rejects.toMatchObject({ kind: 'not-found' });
        expect((await b.get('keep')).equals(Buffer.alloc(1000, 7))).toBe(true);
        await b.put('small-after', Buffer.alloc(100, 1)); // the failed temporary file was removed
      } finally {
        execFileSync('umount', [dir]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
