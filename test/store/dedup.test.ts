import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/store/backend/index.js';
import { type Repository, type SnapshotWriter, type TreeEntry, check } from '../../src/store/index.js';
import { type IssueRecord, issue, newRepo, noise, totalBytes, writeIssues } from './helpers.js';

async function backupOnce(
  repo: Repository,
  issues: IssueRecord[],
  files: Record<string, Buffer>,
): Promise<{ id: string; w: SnapshotWriter }> {
  const w = await repo.openSnapshotWriter({ labels: { site: 'acme' } });
  const data = await writeIssues(w, issues);
  const entries: TreeEntry[] = [{ name: 'data', type: 'tree', tree: data }];
  for (const [name, bytes] of Object.entries(files)) {
    // stream the file in odd-sized pieces, as a download would arrive
    const pieces = Array.from({ length: Math.ceil(bytes.length / 70_001) }, (_, i) =>
      bytes.subarray(i * 70_001, (i + 1) * 70_001),
    );
    entries.push({ name, type: 'file', ...(await w.putFile(pieces)) });
  }
  return { id: await w.finish(await w.writeTree(entries)), w };
}

async function delta(backend: Backend, fn: () => Promise<unknown>): Promise<number> {
  const before = await totalBytes(backend);
  await fn();
  return (await totalBytes(backend)) - before;
}

describe('deduplication', () => {
  it('stores identical content once, within a run and across runs', async () => {
    const repo = await newRepo();
    const w = await repo.openSnapshotWriter({ labels: { site: 'acme' } });
    const a = await w.putRecord({ b: 1, a: [1, 2] });
    const b = await w.putRecord({ a: [1, 2], b: 1 }); // same value, other key order: same canonical JSON
    expect(b.id).toBe(a.id);
    const file = noise(300_000, 5);
    const f1 = await w.putFile([file]);
    const f2 = await w.putFile([file.subarray(0, 1000), file.subarray(1000)]);
    expect(f2.chunks).toEqual(f1.chunks);
    expect(w.has(a.id)).toBe(true);
    expect(w.idOf(Buffer.from('{"a":[1,2],"b":1}'))).toBe(a.id);
    await w.finish(await w.writeTree([{ name: 'r', type: 'record', blob: a.id, size: a.size }]));
    expect(w.stats.blobsAdded).toBe(1 + f1.chunks.length + 1); // the record, the chunks, one tree node
    await repo.refreshIndex();
    expect(repo.index.blobCount).toBe(w.stats.blobsAdded);
  });

  it('a second snapshot of unchanged data adds less than 1% of the first one’s bytes', async () => {
    const repo = await newRepo();
    const issues = Array.from({ length: 2000 }, (_, i) => issue(i));
    const files = { 'a.bin': noise(400_000, 1), 'b.log': Buffer.from('line of a log file\n'.repeat(30_000)) };
    let first!: SnapshotWriter;
    const firstBytes = await delta(repo.backend, async () => ({ w: first } = await backupOnce(repo, issues, files)));
    let second!: SnapshotWriter;
    const secondBytes = await delta(repo.backend, async () => ({ w: second } = await backupOnce(repo, issues, files)));
    expect(firstBytes).toBeGreaterThan(500_000);
    expect(secondBytes).toBeGreaterThan(0); // the snapshot file itself
    expect(secondBytes).toBeLessThan(firstBytes * 0.01);
    expect(second.stats.blobsAdded).toBe(0);
    expect(second.stats.blobsDeduplicated).toBe(first.stats.blobsAdded + first.stats.blobsDeduplicated);
    console.log(
      `dedup test: first snapshot ${firstBytes} bytes, unchanged second ${secondBytes} bytes (${((100 * secondBytes) / firstBytes).toFixed(3)} %)`,
    );
  });

  it('a big file with a few changed bytes in the middle adds only the chunks around the change', async () => {
    const repo = await newRepo(); // chunks: min 16 KiB, avg 64 KiB, max 256 KiB
    const original = noise(4 * 1024 * 1024, 9);
    const changed = Buffer.from(original);
    for (const p of [2_000_000, 2_000_017, 2_000_090]) changed[p]! ^= 0xff;
    const { w: w1 } = await backupOnce(repo, [], { 'big.bin': original });
    const { id, w: w2 } = await backupOnce(repo, [], { 'big.bin': changed });
    const firstChunks = w1.stats.blobsAdded - 4; // minus four tree nodes: issues, project, data folder, root
    expect(firstChunks).toBeGreaterThan(30);
    const newChunks = w2.stats.blobsAdded - 1; // minus the new root (the data folder is unchanged)
    expect(newChunks).toBeGreaterThanOrEqual(1);
    expect(newChunks).toBeLessThanOrEqual(2);
    expect(w2.stats.bytesAdded).toBeLessThan(2 * 256 * 1024 + 4096);
    // the new version reads back exactly
    const reader = await repo.openSnapshotReader(id);
    const entry = await reader.lookup(['big.bin']);
    const parts: Buffer[] = [];
    for await (const c of reader.readFile(entry as Extract<TreeEntry, { type: 'file' }>)) parts.push(c);
    expect(Buffer.concat(parts).equals(changed)).toBe(true);
    await reader.close();
    expect((await check(repo, { readData: true })).ok).toBe(true);
  });

  it('compresses where it pays and skips content that is compressed already', async () => {
    const repo = await newRepo();
    const w = await repo.openSnapshotWriter({ labels: { site: 'acme' } });
    const text = await w.putFile([Buffer.from('compressible text, '.repeat(5000))]);
    const random = await w.putFile([noise(50_000, 3)]);
    // a gzip signature followed by very compressible bytes: sniffed as compressed, not even tried
    const gz = await w.putFile([Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(50_000, 65)])]);
    await w.finish(
      await w.writeTree([
        { name: 'text', type: 'file', ...text },
        { name: 'random', type: 'file', ...random },
        { name: 'gz', type: 'file', ...gz },
      ]),
    );
    await repo.refreshIndex();
    const codec = (id: string) =>
      [...repo.index.entries()].find((e) => e.key.endsWith(Buffer.from(id, 'hex').toString('latin1')))!;
    const t = codec(text.chunks[0]!);
    expect(t.compression).toBe(1);
    expect(t.length).toBeLessThan(t.rawLength / 10);
    const r = codec(random.chunks[0]!);
    expect(r.compression).toBe(0);
    expect(r.length).toBe(r.rawLength + 28);
    expect(codec(gz.chunks[0]!).compression).toBe(0);
  });
});
