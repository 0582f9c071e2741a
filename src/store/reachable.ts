/** Walks snapshots' trees to find every blob they reach. */
import { keyFromHex } from './blob-index.js';
import { BlobType } from './crypto.js';
import type { Repository } from './repository.js';
import type { Snapshot } from './snapshot.js';

export interface MissingBlob {
  snapshot: string;
  path: string;
  blob: string;
  type: BlobType;
  problem: string;
}

/**
 * Adds to `used` the key of every blob reachable from the snapshots (trees read once each).
 * Problems — blobs not indexed, trees that cannot be read — go to `onMissing`.
 */
export async function collectReachable(
  repo: Repository,
  snapshots: readonly Snapshot[],
  used: Set<string>,
  onMissing: (m: MissingBlob) => void,
  has: (key: string) => boolean = (k) => repo.index.has(k),
): Promise<void> {
  for (const s of snapshots) {
    const stack: Array<{ tree: string; path: string }> = [{ tree: s.root, path: '/' }];
    while (stack.length > 0) {
      const { tree, path } = stack.pop()!;
      const key = keyFromHex(BlobType.Tree, tree);
      if (used.has(key)) continue;
      if (!has(key)) {
        onMissing({ snapshot: s.id, path, blob: tree, type: BlobType.Tree, problem: 'tree not in the index' });
        continue;
      }
      used.add(key);
      let node;
      try {
        node = await repo.readTreeNode(tree);
      } catch (e) {
        onMissing({
          snapshot: s.id,
          path,
          blob: tree,
          type: BlobType.Tree,
          problem: e instanceof Error ? e.message : String(e),
        });
        continue;
      }
      if ('parts' in node) {
        for (const p of node.parts) stack.push({ tree: p.tree, path });
        continue;
      }
      for (const e of node.entries) {
        const at = `${path === '/' ? '' : path}/${e.name}`;
        if (e.type === 'tree') {
          stack.push({ tree: e.tree, path: at });
          continue;
        }
        for (const blob of e.type === 'record' ? [e.blob] : e.chunks) {
          const k = keyFromHex(BlobType.Data, blob);
          if (used.has(k)) continue;
          if (!has(k))
            onMissing({ snapshot: s.id, path: at, blob, type: BlobType.Data, problem: 'data blob not in the index' });
          else used.add(k);
        }
      }
    }
  }
}
