/**
 * The Backend contract (src/store/backend/backend.ts), run against every implementation: fs, mem,
 * and s3 (against s3rver started on loopback by this file). Wrappers are run through it too.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Backend,
  FsBackend,
  MemBackend,
  RetryBackend,
  S3Backend,
  VerifyingBackend,
  listAll,
} from '../../src/store/backend/index.js';
import { type S3rverHandle, s3rverClientConfig, startS3rver } from './s3rver.js';

interface Subject {
  backend: Backend;
  cleanup(): Promise<void>;
}

function contract(
  label: string,
  make: () => Promise<Subject>,
  options: { bigStream?: number; raw?: boolean } = {},
): void {
  const bigStream = options.bigStream ?? 3 * 1024 * 1024;
  describe(`Backend contract: ${label}`, () => {
    let subject: Subject;
    let b: Backend;
    beforeAll(async () => {
      subject = await make();
      b = subject.backend;
    });
    afterAll(async () => {
      await b.close();
      await subject.cleanup();
    });

    it('round-trips bytes exactly, including an empty file', async () => {
      const data = randomBytes(70_000);
      await b.put('rt/one', data);
      await b.put('rt/empty', new Uint8Array(0));
      expect((await b.get('rt/one')).equals(data)).toBe(true);
      expect((await b.get('rt/empty')).length).toBe(0);
      expect(await b.stat('rt/one')).toEqual({ name: 'rt/one', size: 70_000 });
      expect(await b.stat('rt/empty')).toEqual({ name: 'rt/empty', size: 0 });
    });

    it('reads byte ranges and refuses reads past the end', async () => {
      const data = randomBytes(10_000);
      await b.put('range/f', data);
      expect((await b.get('range/f', { offset: 100, length: 50 })).equals(data.subarray(100, 150))).toBe(true);
      expect((await b.get('range/f', { offset: 9_990 })).equals(data.subarray(9_990))).toBe(true);
      expect((await b.get('range/f', { offset: 0, length: 10_000 })).equals(data)).toBe(true);
      expect((await b.get('range/f', { offset: 10_000, length: 0 })).length).toBe(0);
      await expect(b.get('range/f', { offset: 9_990, length: 20 })).rejects.toMatchObject({ kind: 'corrupt' });
      await expect(b.get('range/f', { offset: 20_000, length: 5 })).rejects.toMatchObject({ kind: 'corrupt' });
    });

    it('reports missing files as not-found and deletes idempotently', async () => {
      await expect(b.get('missing/x')).rejects.toMatchObject({ kind: 'not-found' });
      await expect(b.get('missing/x', { offset: 1, length: 1 })).rejects.toMatchObject({ kind: 'not-found' });
      await expect(b.stat('missing/x')).rejects.toMatchObject({ kind: 'not-found' });
      await b.put('del/a', Buffer.from('a'));
      await b.delete('del/a');
      await expect(b.get('del/a')).rejects.toMatchObject({ kind: 'not-found' });
      await b.delete('del/a');
      await b.delete('never/was');
      expect(await listAll(b, 'del/')).toEqual([]);
    });

    it('lists exactly the names under a prefix, with sizes, across nested folders', async () => {
      const names = ['ls/data/00/aa', 'ls/data/00/ab', 'ls/data/ff/ff', 'ls/index/1', 'ls/indexes', 'lsx/other'];
      for (const [i, n] of names.entries()) await b.put(n, Buffer.alloc(i + 1, i));
      const sorted = async (p: string) => (await listAll(b, p)).sort((x, y) => x.name.localeCompare(y.name));
      expect(await sorted('ls/data/')).toEqual([
        { name: 'ls/data/00/aa', size: 1 },
        { name: 'ls/data/00/ab', size: 2 },
        { name: 'ls/data/ff/ff', size: 3 },
      ]);
      expect((await sorted('ls/index')).map((f) => f.name)).toEqual(['ls/index/1', 'ls/indexes']);
      expect((await sorted('ls/data/00/a')).map((f) => f.name)).toEqual(['ls/data/00/aa', 'ls/data/00/ab']);
      expect(await sorted('ls/nothing/')).toEqual([]);
      expect((await sorted('ls/')).length).toBe(5);
    });

    it('lists more names than fit in one page', async () => {
      const names = Array.from({ length: 23 }, (_, i) => `page/${String(i).padStart(3, '0')}`);
      await Promise.all(names.map((n) => b.put(n, Buffer.from(n))));
      expect((await listAll(b, 'page/')).map((f) => f.name).sort()).toEqual(names);
    });

    it('accepts the same bytes written twice under one name, concurrently', async () => {
      const body = randomBytes(5000);
      await Promise.all([b.put('same/x', body), b.put('same/x', body)]);
      expect((await b.get('same/x')).equals(body)).toBe(true);
    });

    it.runIf(options.raw !== false)(
      'keeps one whole body when a name is written twice with different bytes',
      async () => {
        const one = Buffer.alloc(5000, 1);
        const two = Buffer.alloc(5000, 2);
        await Promise.all([b.put('twice/x', one), b.put('twice/x', two)]);
        const got = await b.get('twice/x');
        expect(got.equals(one) || got.equals(two)).toBe(true);
      },
    );

    it('accepts streamed bodies of many pieces', async () => {
      const pieces = Array.from({ length: 24 }, () => randomBytes(Math.ceil(bigStream / 24)));
      async function* body() {
        yield* pieces;
      }
      await b.put('stream/big', body());
      const got = await b.get('stream/big');
      expect(got.equals(Buffer.concat(pieces))).toBe(true);
    });

    it('leaves no file when a streamed body fails half-way', async () => {
      async function* failing() {
        yield randomBytes(1000);
        throw new Error('source broke');
      }
      await expect(b.put('broken/x', failing())).rejects.toThrow();
      await expect(b.stat('broken/x')).rejects.toMatchObject({ kind: 'not-found' });
      expect(await listAll(b, 'broken/')).toEqual([]);
    });

    it('rejects names that could escape the root', async () => {
      for (const bad of ['', '../x', 'a/../b', '/abs', 'a//b', '.hidden', 'a/.tmp/x', 'sp ace', 'a\\b']) {
        await expect(b.put(bad, Buffer.from('x'))).rejects.toMatchObject({ kind: 'usage' });
        await expect(b.get(bad)).rejects.toMatchObject({ kind: 'usage' });
      }
    });
  });
}

contract('mem', async () => ({ backend: new MemBackend(), cleanup: async () => undefined }));

contract('fs', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tidemark-fs-'));
  return { backend: new FsBackend(dir), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

contract(
  'retry(verify(mem))',
  async () => ({
    backend: new RetryBackend(new VerifyingBackend(new MemBackend())),
    cleanup: async () => undefined,
  }),
  { raw: false },
);

let s3: S3rverHandle | undefined;
beforeAll(async () => {
  s3 = await startS3rver();
});
afterAll(async () => {
  await s3?.stop();
});

// 11 MiB streamed through 5 MiB parts: a three-part multipart upload.
contract(
  's3 (s3rver, path-style, multipart, small list pages)',
  async () => {
    const client = new S3Client(s3rverClientConfig(s3!));
    const backend = new S3Backend({
      bucket: s3!.bucket,
      prefix: `run-${randomBytes(4).toString('hex')}/repo`,
      client,
      multipartThreshold: 5 * 1024 * 1024,
      partSize: 5 * 1024 * 1024,
      listPageSize: 7,
    });
    return { backend, cleanup: async () => client.destroy() };
  },
  { bigStream: 11 * 1024 * 1024 },
);

describe('fs backend specifics', () => {
  it('writes through a temporary folder that listings never show, and leaves nothing there', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tidemark-fs-'));
    try {
      const b = new FsBackend(dir);
      await b.put('keys/k', Buffer.from('k'));
      expect((await listAll(b, '')).map((f) => f.name)).toEqual(['keys/k']);
      expect(readdirSync(path.join(dir, '.tmp'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a repository on S3 (s3rver)', () => {
  it('writes snapshots, reads them back and checks clean, data included', async () => {
    const { Repository, check, passphrase } = await import('../../src/store/index.js');
    const client = new S3Client(s3rverClientConfig(s3!));
    const backend = new S3Backend({
      bucket: s3!.bucket,
      prefix: `repo-${randomBytes(4).toString('hex')}`,
      client,
      listPageSize: 5,
    });
    const repo = await Repository.init(backend, passphrase('s3 passphrase'), {
      scrypt: { n: 1024, r: 8, p: 1 },
      chunker: { min: 16 * 1024, avg: 64 * 1024, max: 256 * 1024 },
      packSize: 64 * 1024,
    });
    const w = await repo.openSnapshotWriter({ labels: { site: 's3' } });
    const file = randomBytes(300_000);
    const f = await w.putFile([file]);
    const r = await w.putRecord({ hello: 'world' });
    const id = await w.finish(
      await w.writeTree([
        { name: 'f', type: 'file', ...f },
        { name: 'r', type: 'record', blob: r.id, size: r.size },
      ]),
    );
    const reader = await (await Repository.open(backend, passphrase('s3 passphrase'))).openSnapshotReader(id);
    const entry = await reader.lookup(['f']);
    const parts: Buffer[] = [];
    for await (const c of reader.readFile(entry as Extract<typeof entry, { type: 'file' }> & object)) parts.push(c);
    expect(Buffer.concat(parts).equals(file)).toBe(true);
    expect(await reader.readRecord(r.id)).toEqual({ hello: 'world' });
    await reader.close();
    const report = await check(repo, { readData: true });
    expect(report.errors).toEqual([]);
    expect(report.counts.packsRead).toBeGreaterThan(3);
    client.destroy();
  });
});
