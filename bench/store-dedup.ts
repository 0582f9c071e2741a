/**
 * Deduplication figures:
 * 1. an unchanged second snapshot of records and attachments, against the first one;
 * 2. a 50 MiB file with a few bytes changed in the middle (default chunker: 512 KiB / 1 MiB / 8 MiB).
 *   npx tsx bench/store-dedup.ts [records=100000]
 */
import { randomBytes } from 'node:crypto';
import type { Repository, TreeEntry } from '../src/store/index.js';
import { mb, record, repoBytes, tempRepository } from './store-common.js';

const records = Number(process.argv[2] ?? 100_000);

async function snapshot(
  repo: Repository,
  files: Record<string, Buffer>,
  changed = 0,
): Promise<{ added: number; blobsAdded: number; chunks: Record<string, number> }> {
  const before = await repoBytes(repo);
  const w = await repo.openSnapshotWriter({ labels: { site: 'bench' } });
  const tree = w.treeBuilder();
  for (let n = 0; n < records; n++) {
    // `changed` records, spread evenly, get a new version
    const r = await w.putRecord(record(n, changed > 0 && n % Math.round(records / changed) === 0 ? 1 : 0));
    await tree.add({ name: `BENCH-${String(n).padStart(7, '0')}`, type: 'record', blob: r.id, size: r.size });
  }
  const entries: TreeEntry[] = [{ name: 'issues', type: 'tree', tree: await tree.finish() }];
  const chunks: Record<string, number> = {};
  for (const [name, bytes] of Object.entries(files)) {
    const f = await w.putFile([bytes]);
    chunks[name] = f.chunks.length;
    entries.push({ name, type: 'file', ...f });
  }
  await w.finish(await w.writeTree(entries));
  return { added: (await repoBytes(repo)) - before, blobsAdded: w.stats.blobsAdded, chunks };
}

{
  const { repo, cleanup } = await tempRepository('dedup-unchanged');
  const files = Object.fromEntries(
    Array.from({ length: 20 }, (_, i) => [`attachment-${i}.bin`, randomBytes(1024 * 1024)]),
  );
  const first = await snapshot(repo, files);
  const second = await snapshot(repo, files);
  console.log(
    `unchanged data (${records} records + 20 × 1 MiB attachments): first snapshot added ${mb(first.added)} MiB, ` +
      `second added ${second.added} bytes in ${second.blobsAdded} new blobs = ${((100 * second.added) / first.added).toFixed(4)} % of the first`,
  );
  const third = await snapshot(repo, files, records / 100);
  console.log(
    `1 % of the records changed (${records / 100}): third snapshot added ${mb(third.added)} MiB in ${third.blobsAdded} new blobs = ` +
      `${((100 * third.added) / first.added).toFixed(2)} % of the first`,
  );
  cleanup();
}

{
  const { repo, cleanup } = await tempRepository('dedup-50mib');
  const original = randomBytes(50 * 1024 * 1024);
  const changed = Buffer.from(original);
  for (const p of [25 * 1024 * 1024, 25 * 1024 * 1024 + 1000, 25 * 1024 * 1024 + 4000]) changed[p] = changed[p]! ^ 0xff;
  const w1 = await (async () => {
    const before = await repoBytes(repo);
    const w = await repo.openSnapshotWriter({ labels: { site: 'bench' } });
    const f = await w.putFile([original]);
    await w.finish(await w.writeTree([{ name: 'big.bin', type: 'file', ...f }]));
    return { added: (await repoBytes(repo)) - before, chunks: f.chunks.length };
  })();
  const w2 = await (async () => {
    const before = await repoBytes(repo);
    const w = await repo.openSnapshotWriter({ labels: { site: 'bench' } });
    const f = await w.putFile([changed]);
    await w.finish(await w.writeTree([{ name: 'big.bin', type: 'file', ...f }]));
    return {
      added: (await repoBytes(repo)) - before,
      chunks: f.chunks.length,
      newChunks: w.stats.blobsAdded - 1,
      newBytes: w.stats.bytesAdded,
    };
  })();
  console.log(
    `50 MiB file, 3 bytes changed within 4 KiB in the middle: first version ${mb(w1.added)} MiB in ${w1.chunks} chunks; ` +
      `second version added ${w2.newChunks} new chunk(s), ${mb(w2.newBytes)} MiB of plaintext, ${mb(w2.added)} MiB on disk ` +
      `(${((100 * w2.added) / w1.added).toFixed(1)} % of the first)`,
  );
  cleanup();
}
