/**
 * Write throughput of the repository on the local file-system backend:
 * small records (issue-like JSON) and large blobs (incompressible and text attachments).
 *   npx tsx bench/store-write.ts [records=200000] [largeMiB=256]
 */
import { randomBytes } from 'node:crypto';
import { canonicalJson } from '../src/core/index.js';
import { mb, peakRssMiB, record, repoBytes, tempRepository } from './store-common.js';

const records = Number(process.argv[2] ?? 200_000);
const largeMiB = Number(process.argv[3] ?? 256);

async function smallRecords(): Promise<void> {
  const { repo, cleanup } = await tempRepository('write-small');
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
      meta: { kind: 'issue', id: String(n) },
    });
  }
  await w.finish(await tree.finish());
  const seconds = (performance.now() - started) / 1000;
  const stored = await repoBytes(repo);
  const avg = canonicalJson(record(records >> 1)).length;
  console.log(
    `small records: ${records} records (~${avg} B each, ${mb(w.stats.bytesIn)} MiB of JSON) in ${seconds.toFixed(1)} s: ` +
      `${(w.stats.bytesIn / 1024 / 1024 / seconds).toFixed(1)} MB/s, ${Math.round(records / seconds)} records/s; ` +
      `repository ${mb(stored)} MiB (${((100 * stored) / w.stats.bytesIn).toFixed(0)} % of the JSON)`,
  );
  cleanup();
}

async function largeBlobs(kind: 'random' | 'text'): Promise<void> {
  const { repo, cleanup } = await tempRepository(`write-${kind}`);
  const piece = 1024 * 1024;
  // a log file: lines with varying times, durations, paths and ids (compressible, never repeating)
  let line = 0;
  const logPiece = (): Buffer => {
    const lines: string[] = [];
    let bytes = 0;
    while (bytes < piece) {
      line++;
      const l = `2026-01-01T${String(Math.floor(line / 3600) % 24).padStart(2, '0')}:${String(Math.floor(line / 60) % 60).padStart(2, '0')}:${String(line % 60).padStart(2, '0')}.${String(line % 1000).padStart(3, '0')}Z INFO request ${line.toString(16)} served in ${(line * 7919) % 997} ms for /rest/api/3/issue/ABC-${(line * 104729) % 100000}\n`;
      lines.push(l);
      bytes += l.length;
    }
    return Buffer.from(lines.join('')).subarray(0, piece);
  };
  async function* source(): AsyncIterable<Buffer> {
    for (let i = 0; i < largeMiB; i++) yield kind === 'random' ? randomBytes(piece) : logPiece();
  }
  const started = performance.now();
  const w = await repo.openSnapshotWriter({ labels: { site: 'bench' } });
  const file = await w.putFile(source());
  await w.finish(await w.writeTree([{ name: 'big', type: 'file', ...file }]));
  const seconds = (performance.now() - started) / 1000;
  const stored = await repoBytes(repo);
  console.log(
    `large blob (${kind}): ${largeMiB} MiB in ${file.chunks.length} chunks in ${seconds.toFixed(1)} s: ` +
      `${(largeMiB / seconds).toFixed(1)} MB/s; repository ${mb(stored)} MiB`,
  );
  cleanup();
}

await smallRecords();
await largeBlobs('random');
await largeBlobs('text');
console.log(`peak RSS ${peakRssMiB().toFixed(0)} MiB`);
