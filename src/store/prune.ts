/**
 * prune (docs/design.md §6.13): removes what no snapshot reaches, under an exclusive lock, in the
 * order of §6.12 rule 4 (new packs → new index → delete old index files → delete packs).
 */
import { TidemarkError } from '../core/index.js';
import { listAll } from './backend/index.js';
import { INDEX_FILE_BLOBS, type IndexFilePack } from './blob-index.js';
import { type BlobType, decryptBlob, hex } from './crypto.js';
import { PackBuilder, packName } from './pack.js';
import { collectReachable } from './reachable.js';
import type { Repository } from './repository.js';

export interface PruneOptions {
  /** Repack a partly used pack when at least this share of its bytes is unused (default 0.2). */
  repackThreshold?: number;
  dryRun?: boolean;
}

export interface PruneReport {
  dryRun: boolean;
  snapshots: number;
  packsBefore: number;
  packBytesBefore: number;
  packsAfter: number;
  packBytesAfter: number;
  /** Pack bytes removed (before − after). */
  bytesReclaimed: number;
  packsDeleted: number;
  packsRepacked: number;
  packsWritten: number;
  unindexedPacksDeleted: number;
  blobsKept: number;
  blobsRemoved: number;
  indexFilesBefore: number;
  indexFilesAfter: number;
}

interface PackPlan {
  id: string;
  size: number;
  type: BlobType;
  entries: Array<{ key: string; offset: number; length: number; rawLength: number; compression: number }>;
  owned: Set<string>;
  ownedBytes: number;
  action: 'keep' | 'repack' | 'delete';
}

export async function prune(repo: Repository, options: PruneOptions = {}): Promise<PruneReport> {
  const threshold = options.repackThreshold ?? 0.2;
  if (!(threshold >= 0 && threshold <= 1))
    throw new TidemarkError('usage', 'the repack threshold is a share between 0 and 1');
  return repo.withLock(true, async (lock) => {
    const snapshots = await repo.listSnapshots();
    const used = new Set<string>();
    const missing: string[] = [];
    await collectReachable(repo, snapshots, used, (m) =>
      missing.push(`${m.blob} (${m.problem}, snapshot ${m.snapshot.slice(0, 8)} ${m.path})`),
    );
    if (missing.length > 0) {
      throw new TidemarkError(
        'corrupt',
        `prune stopped: snapshots reach ${missing.length} blob(s) that cannot be read, e.g. ${missing[0]}`,
        {
          hint: 'Run `tidemark check` and repair or forget the damaged snapshots first; prune deletes nothing while the repository is damaged.',
        },
      );
    }

    const listed = new Map((await listAll(repo.backend, 'data/')).map((f) => [f.name, f.size]));
    const plans = new Map<string, PackPlan>();
    for (const p of repo.index.packs()) {
      const size = listed.get(packName(p.id));
      if (size === undefined) {
        throw new TidemarkError('corrupt', `prune stopped: indexed pack ${p.id} is missing`, {
          hint: 'Run `tidemark check`.',
        });
      }
      plans.set(p.id, { id: p.id, size, type: p.type, entries: [], owned: new Set(), ownedBytes: 0, action: 'keep' });
    }
    for (const e of repo.index.entries()) {
      plans.get(e.pack)!.entries.push({
        key: e.key,
        offset: e.offset,
        length: e.length,
        rawLength: e.rawLength,
        compression: e.compression,
      });
    }
    // one owner per used blob: the pack with the highest share of used bytes holds it
    const usedShare = (p: PackPlan) =>
      p.entries.reduce((n, e) => n + (used.has(e.key) ? e.length : 0), 0) / Math.max(1, p.size);
    const ordered = [...plans.values()].sort((a, b) => usedShare(b) - usedShare(a) || (a.id < b.id ? -1 : 1));
    const owner = new Map<string, string>();
    for (const p of ordered) {
      for (const e of p.entries) {
        if (used.has(e.key) && !owner.has(e.key)) {
          owner.set(e.key, p.id);
          p.owned.add(e.key);
          p.ownedBytes += e.length;
        }
      }
    }
    for (const p of plans.values()) {
      if (p.owned.size === 0) p.action = 'delete';
      else if ((p.size - p.ownedBytes) / p.size >= threshold && p.size - p.ownedBytes > 0) p.action = 'repack';
    }
    const unindexed = [...listed.keys()].filter((name) => {
      const id = name.slice(name.lastIndexOf('/') + 1);
      return !plans.has(id);
    });

    const packBytesBefore = [...listed.values()].reduce((a, b) => a + b, 0);
    const indexFilesBefore = (await listAll(repo.backend, 'index/')).map((f) => f.name);
    const report: PruneReport = {
      dryRun: options.dryRun ?? false,
      snapshots: snapshots.length,
      packsBefore: listed.size,
      packBytesBefore,
      packsAfter: 0,
      packBytesAfter: 0,
      bytesReclaimed: 0,
      packsDeleted: [...plans.values()].filter((p) => p.action === 'delete').length,
      packsRepacked: [...plans.values()].filter((p) => p.action === 'repack').length,
      packsWritten: 0,
      unindexedPacksDeleted: unindexed.length,
      blobsKept: owner.size,
      blobsRemoved: new Set([...repo.index.entries()].map((e) => e.key).filter((k) => !used.has(k))).size,
      indexFilesBefore: indexFilesBefore.length,
      indexFilesAfter: indexFilesBefore.length,
    };
    const nothingToDo = report.packsDeleted === 0 && report.packsRepacked === 0 && unindexed.length === 0;
    if (report.dryRun || nothingToDo) {
      const keptBytes = [...plans.values()].filter((p) => p.action === 'keep').reduce((n, p) => n + p.size, 0);
      const repackBytes = [...plans.values()]
        .filter((p) => p.action === 'repack')
        .reduce((n, p) => n + p.ownedBytes, 0);
      report.packBytesAfter = nothingToDo ? packBytesBefore : keptBytes + repackBytes;
      report.packsAfter = nothingToDo ? listed.size : [...plans.values()].filter((p) => p.action === 'keep').length;
      report.bytesReclaimed = packBytesBefore - report.packBytesAfter;
      return report;
    }

    // 1. new packs with the reachable blobs of the packs being repacked (stored bytes copied as they are)
    const newPacks: IndexFilePack[] = [];
    const builders = new Map<BlobType, PackBuilder>();
    const seal = async (type: BlobType) => {
      const b = builders.get(type);
      if (!b || b.count === 0) return;
      builders.delete(type);
      const pack = b.finish(repo.keys);
      await repo.backend.put(packName(pack.id), pack.bytes);
      newPacks.push({
        id: pack.id,
        size: pack.bytes.length,
        type,
        blobs: pack.entries.map((e) => ({ id: e.id, o: e.offset, l: e.length, r: e.rawLength, c: e.compression })),
      });
    };
    for (const p of plans.values()) {
      if (p.action !== 'repack') continue;
      const bytes = await repo.backend.get(packName(p.id));
      for (const e of p.entries) {
        if (!p.owned.has(e.key)) continue;
        const stored = bytes.subarray(e.offset, e.offset + e.length);
        const id = Buffer.from(e.key.slice(1), 'latin1');
        decryptBlob(repo.keys, p.type, id, e.compression, stored, e.rawLength, `blob ${hex(id)} in ${packName(p.id)}`);
        let b = builders.get(p.type);
        if (!b) builders.set(p.type, (b = new PackBuilder(p.type)));
        b.add(id, e.compression, Buffer.from(stored), e.rawLength);
        if (b.size >= repo.config.packSize) await seal(p.type);
      }
    }
    for (const type of [...builders.keys()]) await seal(type);
    report.packsWritten = newPacks.length;

    // 2. new index files: every kept pack (all its entries) and the new packs; the last one supersedes the old files
    const keptPacks: IndexFilePack[] = [...plans.values()]
      .filter((p) => p.action === 'keep')
      .map((p) => ({
        id: p.id,
        size: p.size,
        type: p.type,
        blobs: p.entries.map((e) => ({
          id: Buffer.from(e.key.slice(1), 'latin1').toString('hex'),
          o: e.offset,
          l: e.length,
          r: e.rawLength,
          c: e.compression as 0 | 1 | 2,
        })),
      }));
    const all = [...keptPacks, ...newPacks];
    const files: IndexFilePack[][] = [[]];
    let count = 0;
    for (const p of all) {
      if (count + p.blobs.length > INDEX_FILE_BLOBS && files[files.length - 1]!.length > 0) {
        files.push([]);
        count = 0;
      }
      files[files.length - 1]!.push(p);
      count += p.blobs.length;
    }
    const supersedes = indexFilesBefore.map((n) => n.slice('index/'.length));
    lock.assertValid();
    for (const [i, packs] of files.entries()) {
      await repo.writeIndexFile(packs, i === files.length - 1 ? supersedes : []);
    }

    // 3. delete the old index files, 4. then the packs nothing indexes any more
    lock.assertValid();
    for (const n of indexFilesBefore) await repo.backend.delete(n);
    for (const p of plans.values()) if (p.action !== 'keep') await repo.backend.delete(packName(p.id));
    for (const n of unindexed) await repo.backend.delete(n);
    await repo.backend.sweep?.(repo.clock.now(), 24 * 3_600_000);

    await repo.refreshIndex();
    const after = await listAll(repo.backend, 'data/');
    report.packsAfter = after.length;
    report.packBytesAfter = after.reduce((n, f) => n + f.size, 0);
    report.bytesReclaimed = packBytesBefore - report.packBytesAfter;
    report.indexFilesAfter = files.length;
    return report;
  });
}
