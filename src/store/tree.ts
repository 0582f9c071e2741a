/**
 * Trees (docs/design.md §6.9): directories of named entries, stored as one or more tree nodes.
 * TreeBuilder writes a directory of any size with bounded memory, splitting it by content so that
 * unchanged directories give identical nodes and a change rewrites about one leaf.
 */
import { TidemarkError } from '../core/index.js';
import { corrupt, isId } from './crypto.js';

export type BlobId = string;
export type TreeId = string;
export type MetaValue = string | number | boolean | null;
export type Meta = Record<string, MetaValue>;

export type TreeEntry =
  | { name: string; type: 'tree'; tree: TreeId }
  | { name: string; type: 'record'; blob: BlobId; size: number; meta?: Meta }
  | { name: string; type: 'file'; chunks: BlobId[]; size: number; meta?: Meta };

export type RecordEntry = Extract<TreeEntry, { type: 'record' }>;
export type FileEntry = Extract<TreeEntry, { type: 'file' }>;
export type DirEntry = Extract<TreeEntry, { type: 'tree' }>;

export interface TreePart {
  first: string;
  count: number;
  tree: TreeId;
}

export type TreeNode = { v: 1; entries: TreeEntry[] } | { v: 1; parts: TreePart[] };

export const LEAF_MIN = 64;
export const NODE_MAX = 4096;
export const SPLIT_MODULUS = 512;

export function nameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'names are non-empty strings';
  if (name.length > 1024) return 'names are at most 1024 characters';
  if (name === '.' || name === '..') return 'names cannot be . or ..';
  if (name.includes('/') || name.includes('\0')) return 'names cannot contain / or NUL';
  return undefined;
}

export function checkName(name: string): void {
  const problem = nameProblem(name);
  if (problem) throw new TidemarkError('usage', `invalid tree entry name ${JSON.stringify(name)}: ${problem}`);
}

function isMeta(m: unknown): m is Meta {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return false;
  return Object.values(m).every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v));
}

const isSize = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

function entryProblem(e: unknown): string | undefined {
  const x = e as Partial<Record<string, unknown>> | null;
  if (typeof x !== 'object' || x === null) return 'entry is not an object';
  const np = nameProblem(x.name);
  if (np) return np;
  switch (x.type) {
    case 'tree':
      return isId(x.tree) ? undefined : 'bad tree id';
    case 'record':
      if (!isId(x.blob) || !isSize(x.size)) return 'bad record entry';
      return x.meta === undefined || isMeta(x.meta) ? undefined : 'bad meta';
    case 'file':
      if (!Array.isArray(x.chunks) || !x.chunks.every(isId) || !isSize(x.size)) return 'bad file entry';
      return x.meta === undefined || isMeta(x.meta) ? undefined : 'bad meta';
    default:
      return `unknown entry type ${String(x.type)}`;
  }
}

/** Checks a caller's entry before it is written. */
export function checkEntry(e: TreeEntry): void {
  const problem = entryProblem(e);
  if (problem) throw new TidemarkError('usage', `invalid tree entry ${JSON.stringify(e.name)}: ${problem}`);
}

export function validateNode(doc: unknown, what: string): TreeNode {
  const d = doc as { v?: unknown; entries?: unknown; parts?: unknown } | null;
  if (typeof d !== 'object' || d === null || d.v !== 1) throw corrupt(what, 'not a tree node of version 1');
  let previous: string | undefined;
  const ordered = (name: string) => {
    if (previous !== undefined && !(previous < name)) throw corrupt(what, 'tree names are not in increasing order');
    previous = name;
  };
  if (Array.isArray(d.entries)) {
    for (const e of d.entries as unknown[]) {
      const problem = entryProblem(e);
      if (problem) throw corrupt(what, problem);
      ordered((e as TreeEntry).name);
    }
    return d as TreeNode;
  }
  if (Array.isArray(d.parts) && d.parts.length > 0) {
    for (const p of d.parts as unknown[]) {
      const part = p as Partial<TreePart> | null;
      if (
        typeof part !== 'object' ||
        part === null ||
        !isId(part.tree) ||
        nameProblem(part.first) ||
        !isSize(part.count)
      ) {
        throw corrupt(what, 'bad tree part');
      }
      ordered(part.first!);
    }
    return d as TreeNode;
  }
  throw corrupt(what, 'a tree node has entries or parts');
}

/** Where the writer stores nodes and how it decides splits. */
export interface TreeSink {
  putNode(node: TreeNode): Promise<TreeId>;
  /** True when a node at `level` may end after the item named `name`. */
  splitAfter(level: number, name: string): boolean;
}

/**
 * Builds one directory from entries given in strictly increasing name order. Memory holds one leaf
 * and one reference per finished leaf.
 */
export class TreeBuilder {
  private leaf: TreeEntry[] = [];
  private readonly parts: TreePart[] = [];
  private last: string | undefined;
  private total = 0;
  private finished = false;

  constructor(private readonly sink: TreeSink) {}

  /** Number of entries added so far. */
  get count(): number {
    return this.total;
  }

  async add(entry: TreeEntry): Promise<void> {
    if (this.finished) throw new TidemarkError('usage', 'this tree builder is finished');
    checkEntry(entry);
    if (this.last !== undefined && !(this.last < entry.name)) {
      throw new TidemarkError(
        'usage',
        `tree entries must come in increasing name order: ${JSON.stringify(entry.name)} after ${JSON.stringify(this.last)}`,
      );
    }
    this.last = entry.name;
    this.leaf.push(entry);
    this.total++;
    if (this.leaf.length >= NODE_MAX || (this.leaf.length >= LEAF_MIN && this.sink.splitAfter(0, entry.name))) {
      await this.flushLeaf();
    }
  }

  private async flushLeaf(): Promise<void> {
    const entries = this.leaf;
    this.leaf = [];
    const tree = await this.sink.putNode({ v: 1, entries });
    this.parts.push({ first: entries[0]!.name, count: entries.length, tree });
  }

  /** Writes the remaining nodes and returns the directory's id. The builder cannot be used afterwards. */
  async finish(): Promise<TreeId> {
    if (this.finished) throw new TidemarkError('usage', 'this tree builder is finished');
    this.finished = true;
    if (this.parts.length === 0) return this.sink.putNode({ v: 1, entries: this.leaf });
    if (this.leaf.length > 0) await this.flushLeaf();
    return buildLevels(this.sink, this.parts);
  }

  /** The id of a directory holding every entry added so far (for checkpoints); the builder stays open. */
  async peek(): Promise<TreeId> {
    if (this.parts.length === 0) return this.sink.putNode({ v: 1, entries: [...this.leaf] });
    const parts = [...this.parts];
    if (this.leaf.length > 0) {
      const tree = await this.sink.putNode({ v: 1, entries: [...this.leaf] });
      parts.push({ first: this.leaf[0]!.name, count: this.leaf.length, tree });
    }
    return buildLevels(this.sink, parts);
  }
}

async function buildLevels(sink: TreeSink, bottom: TreePart[]): Promise<TreeId> {
  let parts = bottom;
  for (let level = 1; parts.length > 1; level++) {
    const next: TreePart[] = [];
    let node: TreePart[] = [];
    const flush = async () => {
      const tree = await sink.putNode({ v: 1, parts: node });
      next.push({ first: node[0]!.first, count: node.reduce((n, p) => n + p.count, 0), tree });
      node = [];
    };
    for (const p of parts) {
      node.push(p);
      if (node.length >= NODE_MAX || (node.length >= LEAF_MIN && sink.splitAfter(level, p.first))) await flush();
    }
    if (node.length > 0) await flush();
    parts = next;
  }
  return parts[0]!.tree;
}

/** Sorts entries by name (UTF-16 code units) and refuses duplicates. */
export function sortEntries(entries: readonly TreeEntry[]): TreeEntry[] {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i - 1]!.name === sorted[i]!.name) {
      throw new TidemarkError('usage', `duplicate tree entry name ${JSON.stringify(sorted[i]!.name)}`);
    }
  }
  return sorted;
}
