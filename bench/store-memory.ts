/**
 * Peak memory while writing one million small records into one snapshot (streaming tree builder,
 * file-system backend). Run it alone: the figure is the process's peak resident set size.
 *   npx tsx bench/store-memory.ts [records=1000000]
 */
import { mb, peakRssMiB, record, repoBytes, tempRepository } from './store-common.js';

const records = Number(process.argv[2] ?? 1_000_000);
const { repo, cleanup } = await tempRepository('memory');
let peakHeap = 0;
const sample = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 200);
const started = performance.now();
const w = await repo.openSnapshotWriter({ labels: { site: 'bench' } });
const tree = w.treeBuilder();
for (let n = 0; n < records; n++) {
  const r = await w.putRecord(record(n));
  await tree.add({
    name: `BENCH-${String(n).padStart(7, '0')}`,
    type: 'record',
    blob: r.id,
    size: r.size,
    meta: {
      kind: 'issue',
      id: String(100000 + n),
      key: `BENCH-${n}`,
      project: 'BENCH',
      updated: null,
      summary: `Benchmark issue ${n}`,
    },
  });
  if ((n + 1) % 250_000 === 0)
    console.log(`  ${n + 1} records, RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`);
}
const id = await w.finish(await tree.finish());
clearInterval(sample);
const seconds = (performance.now() - started) / 1000;
console.log(
  `${records} records (${mb(w.stats.bytesIn)} MiB of JSON) into snapshot ${id.slice(0, 8)} in ${seconds.toFixed(0)} s ` +
    `(${Math.round(records / seconds)} records/s); repository ${mb(await repoBytes(repo))} MiB, ${w.stats.packsWritten} packs; ` +
    `in-memory index ${repo.index.blobCount} blobs`,
);
console.log(`peak RSS ${peakRssMiB().toFixed(0)} MiB, peak heap used ${(peakHeap / 1024 / 1024).toFixed(0)} MiB`);
cleanup();
