/**
 * Tampering: flip bytes of every kind of repository file (and truncate or delete some). Each time,
 * reads either fail with a clear `corrupt` error naming the file or return exactly the original
 * content, and `check --read-data` (or opening the repository) reports the damaged file.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock, TidemarkError, canonicalJson } from '../../src/core/index.js';
import { MemBackend, listAll } from '../../src/store/backend/index.js';
import { Repository, check, passphrase } from '../../src/store/index.js';
import { PASS, SMALL, cred, issue, noise, rng, writeIssues } from './helpers.js';

interface Expected {
  records: Map<string, string>;
  files: Map<string, string>;
}

async function buildRepo(): Promise<{ backend: MemBackend; expected: Expected }> {
  const backend = new MemBackend();
  const clock = new FakeClock(Date.UTC(2026, 10, 1));
  const repo = await Repository.init(backend, cred(), { ...SMALL, clock });
  await repo.addKey(passphrase('another passphrase'), { scrypt: SMALL.scrypt });
  const expected: Expected = { records: new Map(), files: new Map() };
  for (const [n, project] of ['ABC', 'XYZ'].entries()) {
    const w = await repo.openSnapshotWriter({ labels: { site: 'acme', project } });
    const issues = Array.from({ length: 30 }, (_, i) => issue(i + n * 30, 0, project));
    const data = await writeIssues(w, issues, project);
    const bytes = noise(90_000, n + 1);
    const file = await w.putFile([bytes]);
    const root = await w.writeTree([
      { name: 'data', type: 'tree', tree: data },
      { name: 'attachment', type: 'file', ...file },
    ]);
    await w.finish(root);
    for (const i of issues) expected.records.set(i.key, canonicalJson(i));
    expected.files.set(project, bytes.toString('base64'));
  }
  // a checkpoint, and a lock left by a process that is still "running"
  const w = await repo.openSnapshotWriter({ labels: { site: 'acme', project: 'NEW' } });
  await w.checkpoint(await writeIssues(w, [issue(99, 0, 'NEW')], 'NEW'));
  await w.abort();
  expected.records.set('NEW-99', canonicalJson(issue(99, 0, 'NEW')));
  await repo.lock(false);
  return { backend, expected };
}

type Outcome = { detectedBy: string[] };

/** Reads everything; returns 'ok' when all content equals the original, or the corrupt error. */
async function readAll(repo: Repository, expected: Expected): Promise<'ok' | TidemarkError> {
  try {
    for (const s of await repo.listSnapshots()) {
      const reader = await repo.openSnapshotReader(s.id);
      try {
        for await (const { entry } of reader.walk()) {
          if (entry.type === 'record') {
            const record = await reader.readRecord<{ key: string }>(entry.blob);
            expect(canonicalJson(record)).toBe(expected.records.get(record.key));
          } else if (entry.type === 'file') {
            const parts: Buffer[] = [];
            for await (const c of reader.readFile(entry)) parts.push(c);
            expect(Buffer.concat(parts).toString('base64')).toBe(expected.files.get(s.labels.project!));
          }
        }
      } finally {
        await reader.close();
      }
    }
    return 'ok';
  } catch (e) {
    if (e instanceof TidemarkError) return e;
    throw e; // a crash, or wrong content (an assertion error): the test fails
  }
}

async function attack(
  pristine: MemBackend,
  expected: Expected,
  name: string,
  mutate: (b: Buffer) => Buffer | undefined,
): Promise<Outcome> {
  // a deleted file cannot be named by the reads that miss it; damaged bytes must be
  const mustName = mutate(Buffer.alloc(1)) !== undefined;
  const backend = pristine.clone();
  const original = await backend.get(name);
  const changed = mutate(Buffer.from(original));
  if (changed === undefined) await backend.delete(name);
  else await backend.put(name, changed);
  const detectedBy: string[] = [];
  let repo: Repository;
  try {
    repo = await Repository.open(backend, cred(), { clock: new FakeClock(Date.UTC(2026, 10, 1, 0, 1)) });
  } catch (e) {
    expect(e).toBeInstanceOf(TidemarkError);
    expect((e as TidemarkError).kind).toBe('corrupt');
    expect((e as TidemarkError).message).toContain(name);
    return { detectedBy: ['open'] };
  }
  const read = await readAll(repo, expected);
  if (read !== 'ok') {
    expect(read.kind).toBe('corrupt');
    if (mustName) {
      expect(read.message + JSON.stringify(read.details), `reading after damage to ${name}`).toContain(name.slice(-64));
    }
    detectedBy.push('read');
  }
  const report = await check(repo, { readData: true });
  const named = report.errors.some(
    (e) => (e.file ?? '').endsWith(name.slice(-64)) || e.message.includes(name.slice(-64)),
  );
  if (named || (!mustName && report.errors.length > 0)) detectedBy.push('check');
  return { detectedBy };
}

/** Both ends, the version byte, nonce, tag and trailer regions, the middle, and random positions. */
function positions(length: number, seed: number, count: number): number[] {
  const next = rng(seed);
  const set = new Set([0, 1, 5, 13, Math.floor(length / 2), length - 17, length - 9, length - 5, length - 1]);
  while (set.size < Math.min(length, count)) set.add(Math.floor(next() * length));
  return [...set].filter((p) => p >= 0 && p < length).sort((a, b) => a - b);
}

describe('tamper detection', () => {
  it('detects a flipped byte anywhere in any repository file, and reads never return altered data', async () => {
    const { backend, expected } = await buildRepo();
    const files = await listAll(backend, '');
    const kinds = new Set(files.map((f) => (f.name === 'config' ? 'config' : f.name.split('/')[0])));
    expect([...kinds].sort()).toEqual(['config', 'data', 'index', 'keys', 'locks', 'snapshots']);
    let attacks = 0;
    for (const [i, f] of files.entries()) {
      // every byte of config (its integrity rests on the AEAD tag alone); a spread of positions elsewhere
      const at = f.name === 'config' ? Array.from({ length: f.size }, (_, k) => k) : positions(f.size, i + 1, 16);
      for (const p of at) {
        const outcome = await attack(backend, expected, f.name, (b) => {
          b[p]! ^= 1 << (p % 8);
          return b;
        });
        attacks++;
        expect(outcome.detectedBy.length, `${f.name} byte ${p}`).toBeGreaterThan(0);
      }
    }
    expect(attacks).toBeGreaterThan(250);
  });

  it('detects truncated and missing files', async () => {
    const { backend, expected } = await buildRepo();
    const files = await listAll(backend, '');
    for (const f of files) {
      const outcome = await attack(backend, expected, f.name, (b) => b.subarray(0, b.length - 1));
      expect(outcome.detectedBy.length, `${f.name} truncated`).toBeGreaterThan(0);
    }
    for (const f of files.filter((x) => /^(data|index)\//.test(x.name))) {
      const outcome = await attack(backend, expected, f.name, () => undefined);
      expect(outcome.detectedBy.length, `${f.name} deleted`).toBeGreaterThan(0);
    }
  });

  it('reports a wrong passphrase as wrong-key, and a damaged key file as damage', async () => {
    const { backend } = await buildRepo();
    await expect(Repository.open(backend, passphrase(`${PASS}!`))).rejects.toMatchObject({ kind: 'wrong-key' });
    for (const k of await listAll(backend, 'keys/')) {
      const copy = backend.clone();
      const bytes = await copy.get(k.name);
      bytes[40]! ^= 0x20;
      await copy.put(k.name, bytes);
      // one of the two passphrases still opens; the other reports the damaged key, not a wrong passphrase
      const results = await Promise.all(
        [PASS, 'another passphrase'].map((p) =>
          Repository.open(copy, passphrase(p)).then(
            () => 'opened',
            (e: TidemarkError) => e.kind,
          ),
        ),
      );
      expect(results.sort()).toEqual(['corrupt', 'opened']);
    }
  });
});
