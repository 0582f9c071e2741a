/**
 * Reading a snapshot the way `ls`, `show` and `diff` need it (layout: docs/design.md §8.1): the
 * issues with their keys (from record `meta`, without reading record blobs), one issue with
 * everything hanging off it, the field definitions (config/field), and the difference between two
 * snapshots — found by comparing tree and blob ids, so unchanged subtrees are never read.
 */
import { canonicalJson, TidemarkError } from '../core/index.js';
import { decodeFieldValue, type FieldInfo } from '../jira/fields.js';
import type { Meta, SnapshotReader, TreeEntry, TreeId } from '../store/index.js';
import { listDir, listIssues, metaString, readIssueBundle, type IssueRef } from '../restore/source.js';

type Json = Record<string, unknown>;

export { listDir, listIssues, readRecordAt, type IssueRef } from '../restore/source.js';

/** Orders issue keys as Jira does: by project key, then by number. */
export function compareKeys(a: string | null, b: string | null): number {
  const pa = /^(.*)-(\d+)$/.exec(a ?? '');
  const pb = /^(.*)-(\d+)$/.exec(b ?? '');
  if (pa && pb) return pa[1]! === pb[1]! ? Number(pa[2]) - Number(pb[2]) : pa[1]! < pb[1]! ? -1 : 1;
  return (a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0;
}

/** The issue with this key (any case) or id; `not-found` with a hint when there is none. */
export async function findIssue(reader: SnapshotReader, keyOrId: string, issues?: IssueRef[]): Promise<IssueRef> {
  const all = issues ?? (await listIssues(reader));
  const want = keyOrId.trim().toUpperCase();
  const hit = all.find((i) => i.key?.toUpperCase() === want) ?? all.find((i) => i.id === keyOrId.trim());
  if (hit) return hit;
  const project = /^(.*)-\d+$/.exec(want)?.[1];
  const inProject = project ? all.filter((i) => i.key?.toUpperCase().startsWith(`${project}-`)).length : 0;
  throw new TidemarkError('not-found', `there is no issue ${keyOrId} in snapshot ${reader.snapshot.id.slice(0, 8)}`, {
    hint:
      inProject > 0
        ? `The snapshot has ${inProject} issue(s) in ${project}; \`tidemark ls ${reader.snapshot.id.slice(0, 8)} ${project}\` lists them.`
        : `\`tidemark ls ${reader.snapshot.id.slice(0, 8)}\` shows the snapshot's projects. (The issue may have been created after the snapshot, or deleted or moved before it.)`,
  });
}

export interface FieldDef extends FieldInfo {
  name: string;
}

/** Field definitions by id, from config/field. */
export async function readFields(reader: SnapshotReader): Promise<Map<string, FieldDef>> {
  const out = new Map<string, FieldDef>();
  const entries = (await listDir(reader, ['config', 'field'])).filter((e) => e.type === 'record');
  const blobs = entries.map((e) => (e.type === 'record' ? e.blob : ''));
  for await (const [, f] of reader.readRecords<Json>(blobs)) {
    const id = String(f.id ?? f.key ?? '');
    if (!id) continue;
    const def: FieldDef = { id, name: typeof f.name === 'string' ? f.name : id };
    if (typeof f.custom === 'boolean') def.custom = f.custom;
    if (f.schema && typeof f.schema === 'object') def.schema = f.schema as FieldInfo['schema'] & object;
    out.set(id, def);
  }
  return out;
}

export interface AttachmentView {
  id: string;
  filename: string;
  mimeType: string | null;
  size: number;
  created: string | null;
}

export interface IssueView {
  ref: IssueRef;
  record: Json;
  histories: Json[];
  comments: Json[];
  worklogs: Json[];
  attachments: AttachmentView[];
}

/** An issue with its changelog, comments, worklogs and attachments (oldest first). */
export async function readIssue(reader: SnapshotReader, ref: IssueRef): Promise<IssueView> {
  const bundle = await readIssueBundle(reader, ref);
  return {
    ref,
    record: bundle.issue,
    histories: bundle.changelog,
    comments: bundle.comments,
    worklogs: bundle.worklogs,
    attachments: bundle.attachments.map((a) => ({
      id: a.id,
      filename: a.filename,
      mimeType: a.mimeType,
      size: a.size,
      created: a.created,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Diff

export type Change = 'added' | 'changed' | 'deleted';

export interface EntityChange {
  change: Change;
  kind: string;
  id: string;
  key: string | null;
  /** The issue it belongs to (comments, worklogs, attachments, changelogs). */
  issue: string | null;
  summary: string | null;
  path: string;
  /** Record blobs (or file chunk lists) before and after. */
  before?: TreeEntry;
  after?: TreeEntry;
}

function entityOf(entry: TreeEntry, path: string[]): { kind: string; id: string; meta: Meta | undefined } | undefined {
  if (entry.type === 'tree') return undefined;
  const meta = entry.meta;
  const kind = metaString(meta, 'kind');
  const id = metaString(meta, 'id');
  if (kind && id) return { kind, id, meta };
  // Records without entity meta (the site record): named by their path.
  return { kind: path.join('/'), id: path.join('/'), meta };
}

function sameContent(a: TreeEntry, b: TreeEntry): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'record' && b.type === 'record') return a.blob === b.blob;
  if (a.type === 'file' && b.type === 'file') return a.size === b.size && a.chunks.join() === b.chunks.join();
  if (a.type === 'tree' && b.type === 'tree') return a.tree === b.tree;
  return false;
}

/**
 * Entities added, changed and deleted between two snapshots. Subtrees with the same id are
 * skipped without reading them; records are compared by blob id (equal content, equal id).
 */
export async function diffSnapshots(
  a: SnapshotReader,
  b: SnapshotReader,
  options: { ignore?: (path: string[]) => boolean } = {},
): Promise<EntityChange[]> {
  const out: EntityChange[] = [];
  const emit = (change: Change, entry: TreeEntry, path: string[], other?: TreeEntry): void => {
    const ent = entityOf(entry, path);
    if (!ent) return;
    const issue = metaString(ent.meta, 'issue') ?? (path[0] === 'issues' ? (path[1] ?? null) : null);
    out.push({
      change,
      kind: ent.kind,
      id: ent.id,
      key: metaString(ent.meta, 'key'),
      issue,
      summary: metaString(ent.meta, 'summary'),
      path: path.join('/'),
      ...(change === 'added'
        ? { after: entry }
        : change === 'deleted'
          ? { before: entry }
          : { before: other!, after: entry }),
    });
  };
  const all = async (reader: SnapshotReader, entry: TreeEntry, path: string[], change: Change): Promise<void> => {
    if (options.ignore?.(path)) return;
    if (entry.type !== 'tree') return emit(change, entry, path);
    for await (const child of reader.list(entry.tree)) await all(reader, child, [...path, child.name], change);
  };
  const walk = async (ta: TreeId | undefined, tb: TreeId | undefined, path: string[]): Promise<void> => {
    if (ta === tb) return;
    const left = new Map<string, TreeEntry>();
    if (ta) for await (const e of a.list(ta)) left.set(e.name, e);
    const right = new Map<string, TreeEntry>();
    if (tb) for await (const e of b.list(tb)) right.set(e.name, e);
    for (const [name, ea] of left) {
      const p = [...path, name];
      if (options.ignore?.(p)) continue;
      const eb = right.get(name);
      if (!eb) await all(a, ea, p, 'deleted');
      else if (sameContent(ea, eb)) continue;
      else if (ea.type === 'tree' && eb.type === 'tree') await walk(ea.tree, eb.tree, p);
      else if (ea.type !== 'tree' && eb.type !== 'tree') emit('changed', eb, p, ea);
      else {
        await all(a, ea, p, 'deleted');
        await all(b, eb, p, 'added');
      }
    }
    for (const [name, eb] of right) {
      const p = [...path, name];
      if (!left.has(name) && !options.ignore?.(p)) await all(b, eb, p, 'added');
    }
  };
  await walk(a.snapshot.root, b.snapshot.root, []);
  return out;
}

export interface FieldChange {
  field: string;
  name: string;
  before: unknown;
  after: unknown;
}

/**
 * Field-level changes of an issue record: every field whose decoded value (jira/fields.ts) differs.
 * Derived fields (updated, votes, watches…) are not values and are left out; changes to the
 * issue's key, properties, remote links, watchers and voters are listed under those names.
 */
export function issueFieldChanges(before: Json, after: Json, fields: Map<string, FieldDef>): FieldChange[] {
  const out: FieldChange[] = [];
  const fa = (before.fields ?? {}) as Json;
  const fb = (after.fields ?? {}) as Json;
  if (before.key !== after.key) out.push({ field: 'key', name: 'Key', before: before.key, after: after.key });
  const ids = [...new Set([...Object.keys(fa), ...Object.keys(fb)])];
  for (const id of ids) {
    const def = fields.get(id) ?? { id, name: id };
    const va = decodeFieldValue(def, fa[id]);
    const vb = decodeFieldValue(def, fb[id]);
    if (va === undefined && vb === undefined) continue;
    const empty = (v: unknown): boolean => v === undefined || v === null || (Array.isArray(v) && v.length === 0);
    if (empty(va) && empty(vb)) continue;
    if (canonicalJson(va ?? null) === canonicalJson(vb ?? null)) continue;
    out.push({ field: id, name: def.name, before: fa[id] ?? null, after: fb[id] ?? null });
  }
  for (const [member, name] of [
    ['properties', 'Properties'],
    ['remoteLinks', 'Remote links'],
    ['watchers', 'Watchers'],
    ['voters', 'Voters'],
  ] as const) {
    if (canonicalJson(before[member] ?? null) !== canonicalJson(after[member] ?? null))
      out.push({ field: member, name, before: before[member] ?? null, after: after[member] ?? null });
  }
  return out.sort((x, y) => x.name.localeCompare(y.name));
}
