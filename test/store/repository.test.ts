import { describe, expect, it } from 'vitest';
import { FakeClock, TidemarkError } from '../../src/core/index.js';
import { MemBackend } from '../../src/store/backend/index.js';
import {
  Repository,
  type TreeEntry,
  check,
  newKeyFileCredential,
  parseKeyFileCredential,
  passphrase,
} from '../../src/store/index.js';
import { PASS, SMALL, cred, fileNames, issue, newRepo, noise, reopen, snapshotOf, writeIssues } from './helpers.js';

describe('repository: init, open, keys', () => {
  it('creates the documented files and opens again with the passphrase', async () => {
    const repo = await newRepo();
    const names = await fileNames(repo.backend);
    expect(names).toHaveLength(2);
    expect(names[0]).toBe('config');
    expect(names[1]).toMatch(/^keys\/[0-9a-f]{64}$/);
    const again = await reopen(repo);
    expect(again.id).toBe(repo.id);
    expect(again.config.chunker).toEqual(repo.config.chunker);
  });

  it('refuses to create a repository twice', async () => {
    const repo = await newRepo();
    await expect(Repository.init(repo.backend, cred(), SMALL)).rejects.toMatchObject({ kind: 'conflict' });
  });

  it('reports a missing repository as a config error', async () => {
    await expect(Repository.open(new MemBackend(), cred())).rejects.toMatchObject({ kind: 'config' });
  });

  it('gives a clear wrong-key error for a wrong passphrase, without the passphrase in it', async () => {
    const repo = await newRepo();
    const err = await Repository.open(repo.backend, passphrase('not the passphrase at all')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TidemarkError);
    expect(err).toMatchObject({ kind: 'wrong-key' });
    expect(JSON.stringify((err as TidemarkError).toJSON())).not.toContain('not the passphrase');
    expect((err as TidemarkError).message).toMatch(/passphrase does not match/);
  });

  it('adds a key file credential, opens with it, and refuses a wrong key file', async () => {
    const repo = await newRepo();
    const { keyFileText, id } = await repo.addKey(undefined, { label: 'ops' });
    expect(keyFileText).toMatch(/^tidemark-keyfile-v1:/);
    const viaFile = await Repository.open(repo.backend, parseKeyFileCredential(keyFileText!));
    expect(viaFile.keyId).toBe(id);
    const other = newKeyFileCredential();
    await expect(Repository.open(repo.backend, other.credential)).rejects.toMatchObject({ kind: 'wrong-key' });
    expect(() => parseKeyFileCredential('garbage')).toThrow(/not a Tidemark key file/);
    // no secret reaches the key file in clear
    const files = await fileNames(repo.backend, 'keys/');
    for (const f of files) {
      const text = (await repo.backend.get(f)).toString();
      expect(text).not.toContain(keyFileText!.trim().split(':')[1]);
      expect(text).not.toContain(PASS);
    }
    const keys = await repo.listKeys();
    expect(keys.map((k) => k.kind).sort()).toEqual(['keyfile', 'passphrase']);
    expect(keys.find((k) => k.id === id)?.label).toBe('ops');
  });

  it('removes keys but never the last one or the one in use, and changes a passphrase', async () => {
    const repo = await newRepo();
    await expect(repo.removeKey(repo.keyId)).rejects.toMatchObject({ kind: 'usage' });
    const second = await repo.addKey(passphrase('second passphrase'), { scrypt: SMALL.scrypt });
    const viaSecond = await Repository.open(repo.backend, passphrase('second passphrase'));
    await viaSecond.removeKey(repo.keyId.slice(0, 8));
    await expect(Repository.open(repo.backend, cred())).rejects.toMatchObject({ kind: 'wrong-key' });
    await expect(viaSecond.removeKey(second.id)).rejects.toMatchObject({ kind: 'usage' });
    // rotate the credential: the new passphrase works, the old one no longer does
    await viaSecond.changeKey(passphrase('third passphrase'), { scrypt: SMALL.scrypt });
    await expect(Repository.open(repo.backend, passphrase('second passphrase'))).rejects.toMatchObject({
      kind: 'wrong-key',
    });
    const viaThird = await Repository.open(repo.backend, passphrase('third passphrase'));
    expect(viaThird.id).toBe(repo.id);
    expect(await viaThird.listKeys()).toHaveLength(1);
  });
});

describe('repository: snapshots, trees, records, files', () => {
  it('round-trips records, files and nested trees', async () => {
    const repo = await newRepo();
    const w = await repo.openSnapshotWriter({ labels: { site: 'acme.example', project: 'ABC' } });
    const big = noise(700_000, 1);
    const file = await w.putFile([big.subarray(0, 100_000), big.subarray(100_000)]);
    const issues = Array.from({ length: 50 }, (_, i) => issue(i));
    const issuesRoot = await writeIssues(w, issues);
    const root = await w.writeTree([
      { name: 'data', type: 'tree', tree: issuesRoot },
      { name: 'logo.bin', type: 'file', ...file, meta: { mediaType: 'application/octet-stream' } },
    ]);
    const id = await w.finish(root, { issues: 50 });
    expect(file.chunks.length).toBeGreaterThan(2);

    const reader = await (await reopen(repo)).openSnapshotReader(id.slice(0, 10));
    expect(reader.snapshot.labels).toEqual({ site: 'acme.example', project: 'ABC' });
    expect(reader.snapshot.stats.issues).toBe(50);
    const entry = await reader.lookup(['data', 'ABC', 'issues', 'ABC-7']);
    expect(entry?.type).toBe('record');
    expect(await reader.readRecord((entry as Extract<TreeEntry, { type: 'record' }>).blob)).toEqual(issue(7));
    const f = await reader.lookup(['logo.bin']);
    const parts: Buffer[] = [];
    for await (const c of reader.readFile(f as Extract<TreeEntry, { type: 'file' }>)) parts.push(c);
    expect(Buffer.concat(parts).equals(big)).toBe(true);
    const paths: string[] = [];
    for await (const item of reader.walk()) paths.push(item.path.join('/'));
    expect(paths).toContain('data/ABC/issues/ABC-49');
    expect(paths.filter((p) => p.startsWith('data/ABC/issues/'))).toHaveLength(50);
    expect(await reader.lookup(['data', 'nope'])).toBeUndefined();
    await reader.close();
  });

  it('splits big directories into parts that read back in order, and finds every name', async () => {
    const repo = await newRepo();
    const w = await repo.openSnapshotWriter({ labels: { site: 's' } });
    const builder = w.treeBuilder();
    const names = Array.from({ length: 9000 }, (_, i) => `e${String(i).padStart(5, '0')}`);
    const blob = await w.putRecord({ x: 1 });
    for (const name of names) await builder.add({ name, type: 'record', blob: blob.id, size: blob.size });
    await expect(builder.add({ name: 'a', type: 'record', blob: blob.id, size: 1 })).rejects.toMatchObject({
      kind: 'usage',
    });
    const root = await builder.finish();
    const id = await w.finish(root);
    const reader = await repo.openSnapshotReader(id);
    const root0 = await repo.readTreeNode(root);
    expect('parts' in root0).toBe(true); // 9000 entries do not fit one node
    const listed: string[] = [];
    for await (const e of reader.list()) listed.push(e.name);
    expect(listed).toEqual(names);
    for (const n of ['e00000', 'e04567', 'e08999']) expect((await reader.lookup([n]))?.name).toBe(n);
    expect(await reader.lookup(['e09000'])).toBeUndefined();
    await reader.close();
  });

  it('peeks at a big directory under construction (for checkpoints) and then finishes it', async () => {
    const repo = await newRepo();
    const w = await repo.openSnapshotWriter({ labels: { site: 's' } });
    const blob = await w.putRecord({ x: 1 });
    const builder = w.treeBuilder();
    const name = (i: number) => `n${String(i).padStart(5, '0')}`;
    for (let i = 0; i < 3000; i++) await builder.add({ name: name(i), type: 'record', blob: blob.id, size: blob.size });
    const partial = await builder.peek();
    const cp = await w.checkpoint(partial);
    for (let i = 3000; i < 5000; i++)
      await builder.add({ name: name(i), type: 'record', blob: blob.id, size: blob.size });
    const done = await w.finish(await builder.finish());
    const count = async (id: string) => {
      const r = await repo.openSnapshotReader(id);
      const names: string[] = [];
      for await (const e of r.list()) names.push(e.name);
      await r.close();
      return names;
    };
    expect(await count(done)).toEqual(Array.from({ length: 5000 }, (_, i) => name(i)));
    // the checkpoint was superseded by the finished snapshot, but its tree is still readable by id
    const reader = await repo.openSnapshotReader(done);
    const early: string[] = [];
    for await (const e of reader.list(partial)) early.push(e.name);
    await reader.close();
    expect(early).toEqual(Array.from({ length: 3000 }, (_, i) => name(i)));
    expect((await repo.listSnapshots()).map((s) => s.id)).toEqual([done]);
    expect(cp).not.toBe(done);
  });

  it('gives an unchanged directory the same tree id, and a one-entry change a different one', async () => {
    const repo = await newRepo();
    const issues = Array.from({ length: 300 }, (_, i) => issue(i));
    const a = await snapshotOf(repo, { site: 's' }, issues);
    const b = await snapshotOf(repo, { site: 's' }, issues);
    const changed = issues.map((x, i) => (i === 150 ? issue(150, 1) : x));
    const c = await snapshotOf(repo, { site: 's' }, changed);
    const [sa, sb, sc] = await Promise.all([a, b, c].map((id) => repo.loadSnapshot(id)));
    expect(sa!.root).toBe(sb!.root);
    expect(sc!.root).not.toBe(sa!.root);
  });

  it('rejects bad labels, bad names and duplicate names', async () => {
    const repo = await newRepo();
    await expect(repo.openSnapshotWriter({ labels: { Site: 'x' } })).rejects.toMatchObject({ kind: 'usage' });
    const w = await repo.openSnapshotWriter({ labels: { site: 'x' } });
    const r = await w.putRecord({});
    await expect(w.writeTree([{ name: 'a/b', type: 'record', blob: r.id, size: 2 }])).rejects.toMatchObject({
      kind: 'usage',
    });
    await expect(
      w.writeTree([
        { name: 'a', type: 'record', blob: r.id, size: 2 },
        { name: 'a', type: 'record', blob: r.id, size: 2 },
      ]),
    ).rejects.toMatchObject({ kind: 'usage' });
    await expect(w.finish('0'.repeat(64))).rejects.toMatchObject({ kind: 'usage' });
    await expect(w.putRecord({})).rejects.toMatchObject({ kind: 'usage' }); // finished
  });

  it('continues a checkpoint: the next run sees what was done and removes the checkpoint when it finishes', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const repo = await newRepo(new MemBackend(), { clock });
    const labels = { site: 'acme', project: 'ABC' };
    const first = await repo.openSnapshotWriter({ labels });
    const done = Array.from({ length: 40 }, (_, i) => issue(i));
    const cp1 = await first.checkpoint(await writeIssues(first, done.slice(0, 20)));
    const cp2 = await first.checkpoint(await writeIssues(first, done));
    expect((await repo.listSnapshots()).map((s) => s.id)).toEqual([cp2]); // the earlier checkpoint is gone
    expect(cp1).not.toBe(cp2);
    await first.abort(); // the run stops here (a crash would leave the same state plus a stale lock)

    clock.advance(60_000);
    const cp = await repo.findCheckpoint(labels);
    expect(cp?.id).toBe(cp2);
    expect(cp?.incomplete).toBe('checkpoint');
    const second = await repo.openSnapshotWriter({ labels, continueFrom: cp!.id });
    const seen = new Set<string>();
    for await (const item of second.resumedFrom!.walk()) if (item.entry.type === 'record') seen.add(item.entry.name);
    expect(seen.size).toBe(40);
    const all = Array.from({ length: 60 }, (_, i) => issue(i));
    const final = await second.finish(await writeIssues(second, all));
    expect(second.stats.blobsDeduplicated).toBeGreaterThanOrEqual(40); // the 40 done records were not stored again
    const snaps = await repo.listSnapshots();
    expect(snaps.map((s) => s.id)).toEqual([final]);
    expect(snaps[0]!.incomplete).toBeUndefined();
    expect(await repo.findCheckpoint(labels)).toBeUndefined();
    expect((await check(repo)).ok).toBe(true);
  });
});
