/** Repository statistics (cheap: from listings and the index). */
import { listAll } from './backend/index.js';
import { BlobType } from './crypto.js';
import type { Repository } from './repository.js';

export interface RepoStats {
  snapshots: number;
  checkpoints: number;
  keys: number;
  locks: number;
  indexFiles: number;
  indexBytes: number;
  packs: number;
  packBytes: number;
  /** Bytes of every repository file. */
  totalBytes: number;
  dataBlobs: number;
  treeBlobs: number;
  /** Plaintext bytes of the distinct blobs. */
  rawBytes: number;
  /** Stored bytes of the distinct blobs (compressed and encrypted). */
  storedBytes: number;
}

export async function repoStats(repo: Repository): Promise<RepoStats> {
  return repo.withLock(false, async (lock) => {
    const sum = async (prefix: string) => {
      // our own lock is not part of what the repository holds
      const files = (await listAll(repo.backend, prefix)).filter((f) => f.name !== lock.file);
      return { count: files.length, bytes: files.reduce((n, f) => n + f.size, 0) };
    };
    const [keys, locks, index, data, snaps, config] = await Promise.all([
      sum('keys/'),
      sum('locks/'),
      sum('index/'),
      sum('data/'),
      sum('snapshots/'),
      sum('config'),
    ]);
    const snapshots = await repo.listSnapshots();
    const seen = new Set<string>();
    let rawBytes = 0;
    let storedBytes = 0;
    let dataBlobs = 0;
    let treeBlobs = 0;
    for (const e of repo.index.entries()) {
      if (seen.has(e.key)) continue;
      seen.add(e.key);
      rawBytes += e.rawLength;
      storedBytes += e.length;
      if (e.type === BlobType.Tree) treeBlobs++;
      else dataBlobs++;
    }
    return {
      snapshots: snapshots.filter((s) => s.incomplete === undefined).length,
      checkpoints: snapshots.filter((s) => s.incomplete !== undefined).length,
      keys: keys.count,
      locks: locks.count,
      indexFiles: index.count,
      indexBytes: index.bytes,
      packs: data.count,
      packBytes: data.bytes,
      totalBytes: keys.bytes + locks.bytes + index.bytes + data.bytes + snaps.bytes + config.bytes,
      dataBlobs,
      treeBlobs,
      rawBytes,
      storedBytes,
    };
  });
}
