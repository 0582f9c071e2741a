/** Shared helpers for repository tests: cheap key derivation, small chunks and packs. */
import { type Backend, MemBackend, listAll } from '../../src/store/backend/index.js';
import {
  type Credential,
  type InitOptions,
  type Labels,
  Repository,
  type RepositoryOptions,
  type SnapshotWriter,
  type TreeEntry,
  passphrase,
} from '../../src/store/index.js';

export const PASS = 'correct horse battery staple';
export const cred = (): Credential => passphrase(PASS);

/** scrypt at its minimum (fast), 16/64/256 KiB chunks, 256 KiB packs. */
export const SMALL: InitOptions = {
  scrypt: { n: 1024, r: 8, p: 1 },
  chunker: { min: 16 * 1024, avg: 64 * 1024, max: 256 * 1024 },
  packSize: 256 * 1024,
};

export async function newRepo(backend: Backend = new MemBackend(), options: InitOptions = {}): Promise<Repository> {
  return Repository.init(backend, cred(), { ...SMALL, ...options });
}

export async function reopen(repo: Repository, options: RepositoryOptions = {}): Promise<Repository> {
  return Repository.open(repo.backend, cred(), options);
}

/** A deterministic pseudo-random generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bytes that do not compress, deterministic for a seed. */
export function noise(size: number, seed: number): Buffer {
  const next = rng(seed);
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) b.writeUInt32LE((next() * 0x100000000) >>> 0, Math.min(i, size - 4));
  return b;
}

export interface IssueRecord {
  id: string;
  key: string;
  fields: { summary: string; description: string; updated: string; project: string };
}

export function issue(n: number, version = 0, project = 'ABC'): IssueRecord {
  return {
    id: String(10000 + n),
    key: `${project}-${n}`,
    fields: {
      summary: `Issue ${n} of ${project}${version ? ` (edit ${version})` : ''}`,
      description: `Steps to reproduce number ${n}. `.repeat(5 + (n % 7)),
      updated: new Date(Date.UTC(2026, 0, 1) + n * 60_000 + version * 3_600_000).toISOString(),
      project,
    },
  };
}

/** Stores issues as entity records (docs/design.md §6.9) in a project folder; returns the root. */
export async function writeIssues(w: SnapshotWriter, issues: IssueRecord[], project = 'ABC'): Promise<string> {
  const entries: TreeEntry[] = [];
  for (const i of issues) {
    const ref = await w.putRecord(i);
    entries.push({
      name: i.key,
      type: 'record',
      blob: ref.id,
      size: ref.size,
      meta: { kind: 'issue', id: i.id, key: i.key, project, updated: i.fields.updated, summary: i.fields.summary },
    });
  }
  const issuesTree = await w.writeTree(entries);
  const projectTree = await w.writeTree([{ name: 'issues', type: 'tree', tree: issuesTree }]);
  return w.writeTree([{ name: project, type: 'tree', tree: projectTree }]);
}

export async function snapshotOf(
  repo: Repository,
  labels: Labels,
  issues: IssueRecord[],
  time?: number,
): Promise<string> {
  const w = await repo.openSnapshotWriter({ labels, time });
  const root = await writeIssues(w, issues);
  return w.finish(root);
}

export async function totalBytes(backend: Backend, prefix = ''): Promise<number> {
  return (await listAll(backend, prefix)).reduce((n, f) => n + f.size, 0);
}

export async function fileNames(backend: Backend, prefix = ''): Promise<string[]> {
  return (await listAll(backend, prefix)).map((f) => f.name).sort();
}

/**
 * A backend wrapper that fails chosen operations, to stop a run at an exact point (a "crash"
 * between two writes) or to simulate a full disk.
 */
export class FaultyBackend implements Backend {
  readonly location: string;
  private rules: Array<{
    op: 'put' | 'delete' | 'get';
    match: (name: string) => boolean;
    times: number;
    error: () => unknown;
  }> = [];

  constructor(readonly inner: Backend) {
    this.location = inner.location;
  }

  failOn(op: 'put' | 'delete' | 'get', match: (name: string) => boolean, error: () => unknown, times = 1): void {
    this.rules.push({ op, match, times, error });
  }

  clear(): void {
    this.rules = [];
  }

  private trip(op: 'put' | 'delete' | 'get', name: string): void {
    const rule = this.rules.find((r) => r.op === op && r.times > 0 && r.match(name));
    if (rule) {
      rule.times--;
      throw rule.error();
    }
  }

  async put(name: string, body: Parameters<Backend['put']>[1]): Promise<void> {
    this.trip('put', name);
    return this.inner.put(name, body);
  }
  async get(name: string, options?: Parameters<Backend['get']>[1]): Promise<Buffer> {
    this.trip('get', name);
    return this.inner.get(name, options);
  }
  list(prefix: string) {
    return this.inner.list(prefix);
  }
  stat(name: string) {
    return this.inner.stat(name);
  }
  async delete(name: string): Promise<void> {
    this.trip('delete', name);
    return this.inner.delete(name);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
