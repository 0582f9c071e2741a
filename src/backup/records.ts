/**
 * Entity records as the snapshot stores them (docs/design.md §8.1): the REST representation, in
 * canonical JSON, with volatile members removed so that an unchanged entity gives the same blob
 * in every snapshot; and the `meta` the catalog indexes (§6.9).
 */
import type { Meta } from '../store/index.js';

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
