/** SnapshotReader over a repository (docs/design.md §6.9). */
import { TidemarkError } from '../core/index.js';
import { BlobType, parseJson } from './crypto.js';
import type { SnapshotReader, WalkItem } from './ports.js';
import type { Repository } from './repository.js';
import type { Snapshot } from './snapshot.js';
import type { BlobId, FileEntry, TreeEntry, TreeId, TreeNode } from './tree.js';

const CACHE_NODES = 256;

export class RepoSnapshotReader implements SnapshotReader {
  private readonly cache = new Map<TreeId, TreeNode>();

  constructor(
    private readonly repo: Repository,
    readonly snapshot: Snapshot,
    private readonly onClose: () => Promise<void> = async () => undefined,
  ) {}

  private async node(id: TreeId): Promise<TreeNode> {
    const hit = this.cache.get(id);
    if (hit) {
      this.cache.delete(id);
      this.cache.set(id, hit);
      return hit;
    }
    const node = await this.repo.readTreeNode(id);
    this.cache.set(id, node);
    if (this.cache.size > CACHE_NODES) this.cache.delete(this.cache.keys().next().value!);
    return node;
  }

  async *list(tree: TreeId = this.snapshot.root): AsyncIterable<TreeEntry> {
    const node = await this.node(tree);
    if ('entries' in node) {
      yield* node.entries;
      return;
    }
    for (const part of node.parts) yield* this.list(part.tree);
  }

  async lookup(path: readonly string[]): Promise<TreeEntry | undefined> {
    let tree = this.snapshot.root;
    for (let i = 0; i < path.length; i++) {
      const entry = await this.find(tree, path[i]!);
      if (!entry) return undefined;
      if (i === path.length - 1) return entry;
      if (entry.type !== 'tree') return undefined;
      tree = entry.tree;
    }
    return { name: '', type: 'tree', tree } as TreeEntry;
  }

  private async find(tree: TreeId, name: string): Promise<TreeEntry | undefined> {
    const node = await this.node(tree);
    if ('entries' in node) {
      let lo = 0;
      let hi = node.entries.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const n = node.entries[mid]!.name;
        if (n === name) return node.entries[mid];
        if (n < name) lo = mid + 1;
        else hi = mid - 1;
      }
      return undefined;
    }
    let pick: TreeId | undefined;
    for (const part of node.parts) {
      if (part.first <= name) pick = part.tree;
      else break;
    }
    return pick === undefined ? undefined : this.find(pick, name);
  }

  async *walk(tree: TreeId = this.snapshot.root, prefix: string[] = []): AsyncIterable<WalkItem> {
    for await (const entry of this.list(tree)) {
      const path = [...prefix, entry.name];
      yield { path, entry };
      if (entry.type === 'tree') yield* this.walk(entry.tree, path);
    }
  }

  async readRecord<T = unknown>(id: BlobId): Promise<T> {
    return parseJson(await this.repo.readBlob(BlobType.Data, id), `record ${id}`) as T;
  }

  async *readRecords<T = unknown>(ids: Iterable<BlobId>): AsyncIterable<[BlobId, T]> {
    for await (const [id, bytes] of this.repo.readBlobs(BlobType.Data, new Set(ids))) {
      yield [id, parseJson(bytes, `record ${id}`) as T];
    }
  }

  readBytes(id: BlobId): Promise<Buffer> {
    return this.repo.readBlob(BlobType.Data, id);
  }

  async *readFile(entry: FileEntry): AsyncIterable<Buffer> {
    let total = 0;
    for (const chunk of entry.chunks) {
      const bytes = await this.repo.readBlob(BlobType.Data, chunk);
      total += bytes.length;
      yield bytes;
    }
    if (total !== entry.size) {
      throw new TidemarkError('corrupt', `file ${entry.name} has ${total} bytes instead of ${entry.size}`, {
        hint: 'Run `tidemark check`.',
      });
    }
  }

  close(): Promise<void> {
    return this.onClose();
  }
}
