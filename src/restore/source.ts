/**
 * One snapshot as the restore engine reads it (layout: docs/design.md §8.1): the site, the issues
 * (from tree meta, without reading record blobs), one issue with everything hanging off it, the
 * configuration, people, Jira Software and JSM records, and attachment bytes. Reads go through the
 * `SnapshotReader` port; records of a directory are read together (grouped by pack).
 *
 * The lower-level helpers (`listDir`, `readRecordAt`, `listIssues`) are shared with the CLI's
 * `ls`/`show`/`diff`.
 */
import { TidemarkError } from '../core/index.js';
import type { FileEntry, Meta, SnapshotReader, TreeEntry, TreeId } from '../store/index.js';

type Json = Record<string, unknown>;

export interface IssueRef {
  id: string;
  key: string | null;
  project: string | null;
  summary: string | null;
  updated: string | null;
  /** The issue's subtree. */
  tree: TreeId;
  /** The blob of its `issue` record. */
  blob: string;
}

/** An issue as the snapshot lists it (no record read). */
export type IssueEntry = Omit<IssueRef, 'tree' | 'blob'>;

export interface AttachmentEntry {
  id: string;
  /** Path of the file in the snapshot (for `ReadSource`). */
  path: string[];
  filename: string;
  mimeType: string;
  size: number;
  created: string | null;
  /** The attachment as the issue's `attachment` field listed it (author, created, …), if present. */
  author: unknown;
  /** The media file id ADF media nodes use for it (absent in snapshots taken before it was kept). */
  mediaId: string | null;
}

export interface IssueBundle {
  id: string;
  /** The issue record: `{id, key, fields, properties, remoteLinks, watchers, voters, …}`. */
  issue: Json;
  /** Change histories, oldest first. */
  changelog: Json[];
  /** Comments (oldest first), each with `properties` and `jsdPublic`. */
  comments: Json[];
  /** Worklogs (by `started`), each with `properties`. */
  worklogs: Json[];
  attachments: AttachmentEntry[];
}

export async function listDir(reader: SnapshotReader, path: string[]): Promise<TreeEntry[]> {
  const dir = path.length === 0 ? undefined : await reader.lookup(path);
  if (path.length > 0 && (!dir || dir.type !== 'tree')) return [];
  const out: TreeEntry[] = [];
  for await (const e of reader.list(dir?.type === 'tree' ? dir.tree : undefined)) out.push(e);
  return out;
}

/** The record under a path, or undefined. */
export async function readRecordAt<T = Json>(reader: SnapshotReader, path: string[]): Promise<T | undefined> {
  const e = await reader.lookup(path);
  return e && e.type === 'record' ? reader.readRecord<T>(e.blob) : undefined;
}

export function metaString(meta: Meta | undefined, key: string): string | null {
  const v = meta?.[key];
  return typeof v === 'string' ? v : null;
}

/** Every issue of the snapshot (one tree node read per issue; no record is read). */
export async function listIssues(reader: SnapshotReader): Promise<IssueRef[]> {
  const out: IssueRef[] = [];
  for (const dir of await listDir(reader, ['issues'])) {
    if (dir.type !== 'tree') continue;
    for await (const e of reader.list(dir.tree)) {
      if (e.name !== 'issue' || e.type !== 'record') continue;
      out.push({
        id: dir.name,
        key: metaString(e.meta, 'key'),
        project: metaString(e.meta, 'project'),
        summary: metaString(e.meta, 'summary'),
        updated: metaString(e.meta, 'updated'),
        tree: dir.tree,
        blob: e.blob,
      });
      break;
    }
  }
  return out;
}

/** The records of a directory, in entry order. */
export async function recordsOf(reader: SnapshotReader, tree: TreeId): Promise<Json[]> {
  const blobs: string[] = [];
  for await (const e of reader.list(tree)) if (e.type === 'record') blobs.push(e.blob);
  const byBlob = new Map<string, Json>();
  for await (const [id, r] of reader.readRecords<Json>(blobs)) byBlob.set(id, r);
  return blobs.map((b) => byBlob.get(b)!).filter(Boolean);
}

const byTime =
  (field: string) =>
  (a: Json, b: Json): number =>
    String(a[field] ?? '').localeCompare(String(b[field] ?? '')) || Number(a.id ?? 0) - Number(b.id ?? 0);

/** An issue with its changelog, comments, worklogs and attachments (oldest first). */
export async function readIssueBundle(
  reader: SnapshotReader,
  ref: Pick<IssueRef, 'id' | 'tree'>,
): Promise<IssueBundle> {
  const bundle: IssueBundle = { id: ref.id, issue: {}, changelog: [], comments: [], worklogs: [], attachments: [] };
  const files: FileEntry[] = [];
  for await (const e of reader.list(ref.tree)) {
    if (e.name === 'issue' && e.type === 'record') bundle.issue = await reader.readRecord<Json>(e.blob);
    else if (e.name === 'changelog' && e.type === 'record') {
      const cl = await reader.readRecord<{ histories?: Json[] }>(e.blob);
      bundle.changelog = [...(cl.histories ?? [])];
    } else if (e.name === 'comments' && e.type === 'tree') bundle.comments = await recordsOf(reader, e.tree);
    else if (e.name === 'worklogs' && e.type === 'tree') bundle.worklogs = await recordsOf(reader, e.tree);
    else if (e.name === 'attachments' && e.type === 'tree') {
      for await (const f of reader.list(e.tree)) if (f.type === 'file') files.push(f);
    }
  }
  const fields = (bundle.issue.fields ?? {}) as Json;
  const listed = new Map(
    (Array.isArray(fields.attachment) ? (fields.attachment as Json[]) : []).map((a) => [String(a.id), a]),
  );
  for (const f of files) {
    const a = listed.get(f.name);
    bundle.attachments.push({
      id: f.name,
      path: ['issues', ref.id, 'attachments', f.name],
      filename: metaString(f.meta, 'filename') ?? (typeof a?.filename === 'string' ? a.filename : f.name),
      mimeType:
        metaString(f.meta, 'mimeType') ?? (typeof a?.mimeType === 'string' ? a.mimeType : 'application/octet-stream'),
      size: f.size,
      created: metaString(f.meta, 'updated') ?? (typeof a?.created === 'string' ? a.created : null),
      author: a?.author ?? null,
      mediaId: metaString(f.meta, 'mediaId'),
    });
  }
  bundle.changelog.sort(byTime('created'));
  bundle.comments.sort(byTime('created'));
  bundle.worklogs.sort(byTime('started'));
  bundle.attachments.sort((a, b) => (a.created ?? '').localeCompare(b.created ?? '') || Number(a.id) - Number(b.id));
  return bundle;
}

/** A loaded view of one snapshot for the restore engine. */
export class RestoreSource {
  private readonly byId: Map<string, IssueRef>;

  private constructor(
    readonly reader: SnapshotReader,
    readonly site: { cloudId: string; name: string; url: string },
    private readonly refs: IssueRef[],
  ) {
    this.byId = new Map(refs.map((r) => [r.id, r]));
  }

  static async open(reader: SnapshotReader): Promise<RestoreSource> {
    const site = await readRecordAt<Json>(reader, ['site']);
    if (!site || typeof site.cloudId !== 'string') {
      throw new TidemarkError('corrupt', `snapshot ${reader.snapshot.id.slice(0, 8)} has no site record`, {
        hint: 'Only snapshots written by `tidemark backup` can be restored from.',
      });
    }
    const info = { cloudId: site.cloudId, name: String(site.name ?? ''), url: String(site.url ?? '') };
    return new RestoreSource(reader, info, await listIssues(reader));
  }

  get snapshotId(): string {
    return this.reader.snapshot.id;
  }

  /** Every issue in the snapshot, by id order as stored. */
  issues(): IssueEntry[] {
    return this.refs.map(({ id, key, project, summary, updated }) => ({ id, key, project, summary, updated }));
  }

  async issue(id: string): Promise<IssueBundle | undefined> {
    const ref = this.byId.get(id);
    return ref ? readIssueBundle(this.reader, ref) : undefined;
  }

  /** Bundles of the given issues (unknown ids are skipped), in the order given. */
  async *issueBundles(ids: Iterable<string>): AsyncIterable<IssueBundle> {
    for (const id of ids) {
      const ref = this.byId.get(id);
      if (ref) yield await readIssueBundle(this.reader, ref);
    }
  }

  /** The records under a directory path (`['config', 'field']`, `['agile', 'sprints']`, …). */
  async records(path: string[]): Promise<Json[]> {
    const dir = await this.reader.lookup(path);
    return dir?.type === 'tree' ? recordsOf(this.reader, dir.tree) : [];
  }

  config(kind: string): Promise<Json[]> {
    return this.records(['config', kind]);
  }
  users(): Promise<Json[]> {
    return this.records(['people', 'users']);
  }
  groups(): Promise<Json[]> {
    return this.records(['people', 'groups']);
  }
  boards(): Promise<Json[]> {
    return this.records(['agile', 'boards']);
  }
  sprints(): Promise<Json[]> {
    return this.records(['agile', 'sprints']);
  }
  serviceDesks(): Promise<Json[]> {
    return this.records(['jsm', 'service-desks']);
  }
  requestTypes(): Promise<Json[]> {
    return this.records(['jsm', 'request-types']);
  }

  /** The bytes of a file in the snapshot (a `ReadSource`). */
  async *readFile(path: string[]): AsyncIterable<Uint8Array> {
    const e = await this.reader.lookup(path);
    if (!e || e.type !== 'file') {
      throw new TidemarkError('not-found', `snapshot ${this.snapshotId.slice(0, 8)} has no file ${path.join('/')}`);
    }
    yield* this.reader.readFile(e);
  }
}
