/**
 * Entity records as the snapshot stores them (docs/design.md §8.1): the REST representation, in
 * canonical JSON, with volatile members removed so that an unchanged entity gives the same blob
 * in every snapshot; and the `meta` the catalog indexes (§6.9).
 */
import type { BlobWriter, Meta, TreeEntry, TreeId } from '../store/index.js';

type Json = Record<string, unknown>;

/** Members that change without the entity changing: links, avatars, expand markers, view times. */
const VOLATILE = new Set(['self', 'avatarUrls', 'expand', 'lastViewed', 'iconUrl', 'thumbnail', 'content']);

/** A deep copy without volatile members. `content`/`thumbnail` URLs are dropped; attachment bytes are files. */
export function stable<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => stable(v)) as T;
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) {
      if (VOLATILE.has(k) && (typeof v === 'string' || (k === 'avatarUrls' && typeof v === 'object'))) continue;
      if (k === 'expand' && typeof v === 'string') continue;
      out[k] = stable(v);
    }
    return out as T;
  }
  return value;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

export function issueMeta(bean: Json): Meta {
  const fields = (bean.fields ?? {}) as Json;
  const project = (fields.project ?? {}) as Json;
  return {
    kind: 'issue',
    id: String(bean.id),
    key: str(bean.key),
    project: str(project.key),
    updated: str(fields.updated),
    summary: str(fields.summary),
  };
}

export function childMeta(
  kind: 'comment' | 'worklog' | 'changelog' | 'attachment',
  id: string,
  issue: { id: string; projectKey: string | null },
  updated: unknown,
): Meta {
  return { kind, id, key: null, project: issue.projectKey, updated: str(updated), summary: null, issue: issue.id };
}

/** Meta of a configuration or people record (`summary` is its name, for search). */
export function configMeta(kind: string, id: string, name: unknown, project: string | null = null): Meta {
  return { kind, id, key: kind === 'project' ? project : null, project, updated: null, summary: str(name) };
}

/** One entity of a directory of records: `<id>` with `configMeta(kind, id, name, project)`. */
export interface EntityRecord {
  id: string;
  name: unknown;
  /** Key of the project it belongs to, if any. */
  project?: string | null;
  record: unknown;
}

/**
 * Writes a directory of entity records, one per id (the first of duplicates wins), each stored as
 * `stable(record)`. Returns the directory and the number of records.
 */
export async function writeRecordDir(
  writer: BlobWriter,
  kind: string,
  list: readonly EntityRecord[],
  extra: readonly TreeEntry[] = [],
): Promise<{ tree: TreeId; count: number }> {
  const entries: TreeEntry[] = [...extra];
  const seen = new Set<string>();
  for (const o of list) {
    if (seen.has(o.id)) continue;
    seen.add(o.id);
    const stored = await writer.putRecord(stable(o.record));
    entries.push({
      name: o.id,
      type: 'record',
      blob: stored.id,
      size: stored.size,
      meta: configMeta(kind, o.id, o.name, o.project ?? null),
    });
  }
  return { tree: await writer.writeTree(entries), count: seen.size };
}
