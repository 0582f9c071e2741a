/**
 * Reads restored entities back from the target, frugally: issues 100 a bulk fetch (all fields, the
 * provenance property and up to four more property keys), comments and worklogs through the list
 * endpoints (1,000 ids a request) when the issue's embedded page was complete and per issue
 * otherwise, remote links, watchers, voters and other properties only for issues whose snapshot
 * has some. Attachment metadata comes with the issue (`fields.attachment`).
 */
import { chunks, mapLimit } from '../../core/index.js';
import { items, type JiraClient } from '../../jira/index.js';
import { PROVENANCE_KEY } from '../plan.js';
import type { Json } from './context.js';

const BULK = 100;
const LIST_IDS = 1_000;
const CONCURRENCY = 4;

export interface TargetIssue {
  bean: Json;
  fields: Json;
  properties: Json;
  comments: Json[];
  worklogs: Json[];
  remoteLinks?: Json[];
  watchers?: string[];
  voters?: string[];
}

/** Issues by target id, with the provenance property and `extraKeys` (at most 4) of their properties. */
export async function fetchIssues(
  client: JiraClient,
  ids: readonly string[],
  options: { extraKeys?: string[]; changelog?: boolean; onBatch?: (n: number) => void } = {},
): Promise<Map<string, TargetIssue>> {
  const out = new Map<string, TargetIssue>();
  const properties = [PROVENANCE_KEY, ...(options.extraKeys ?? []).slice(0, 4)];
  await mapLimit(chunks([...new Set(ids)], BULK), 2, async (batch) => {
    const res = await client.request('POST /rest/api/3/issue/bulkfetch', {
      body: {
        issueIdsOrKeys: batch,
        fields: ['*all'],
        properties,
        ...(options.changelog ? { expand: ['changelog'] } : {}),
      },
      expectObjects: batch.length,
    });
    for (const bean of (res.body as { issues?: Json[] }).issues ?? []) {
      const fields = (bean.fields ?? {}) as Json;
      out.set(String(bean.id), {
        bean,
        fields,
        properties: (bean.properties ?? {}) as Json,
        comments: [],
        worklogs: [],
      });
    }
    options.onBatch?.(batch.length);
  });
  return out;
}

/** Property values per issue for keys the bulk fetch could not carry (one read per key). */
export async function fetchProperties(
  client: JiraClient,
  wanted: Map<string, string[]>,
  issues: Map<string, TargetIssue>,
): Promise<void> {
  await mapLimit([...wanted], CONCURRENCY, async ([id, keys]) => {
    const t = issues.get(id);
    if (!t) return;
    const have = await client.request('GET /rest/api/3/issue/{issueIdOrKey}/properties', {
      path: { issueIdOrKey: id },
      expectObjects: 0,
    });
    const present = new Set(((have.body as { keys?: Array<{ key?: string }> }).keys ?? []).map((k) => k.key));
    for (const key of keys) {
      if (!present.has(key) || key in t.properties) continue;
      const v = await client.request('GET /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', {
        path: { issueIdOrKey: id, propertyKey: key },
        expectObjects: 1,
      });
      t.properties[key] = (v.body as { value?: unknown }).value;
    }
  });
}

function embedded(fields: Json, field: 'comment' | 'worklog'): { list: Json[]; total: number } {
  const p = fields[field] as { total?: number; comments?: Json[]; worklogs?: Json[] } | undefined;
  const list = (field === 'comment' ? p?.comments : p?.worklogs) ?? [];
  return { list, total: typeof p?.total === 'number' ? p.total : list.length };
}

/** Comments or worklogs (with properties) of the given issues. */
export async function fetchChildren(
  client: JiraClient,
  issues: Map<string, TargetIssue>,
  ids: readonly string[],
  field: 'comment' | 'worklog',
): Promise<void> {
  const viaList: string[] = [];
  const owner = new Map<string, TargetIssue>();
  const perIssue: string[] = [];
  for (const id of ids) {
    const t = issues.get(id);
    if (!t) continue;
    const { list, total } = embedded(t.fields, field);
    if (total === 0) continue;
    if (list.length >= total)
      for (const c of list) {
        viaList.push(String(c.id));
        owner.set(String(c.id), t);
      }
    else perIssue.push(id);
  }
  const put = (t: TargetIssue | undefined, x: Json): void => {
    if (t) (field === 'comment' ? t.comments : t.worklogs).push(x);
  };
  await mapLimit(chunks(viaList, LIST_IDS), 2, async (batch) => {
    if (field === 'comment') {
      for await (const c of items<'POST /rest/api/3/comment/list', Json>(
        client,
        'POST /rest/api/3/comment/list',
        'page-bean',
        {
          body: { ids: batch.map(Number) },
          query: { expand: 'properties' },
          expectObjects: batch.length,
        },
      ))
        put(owner.get(String(c.id)), c);
    } else {
      const res = await client.request('POST /rest/api/3/worklog/list', {
        body: { ids: batch.map(Number) },
        query: { expand: 'properties' },
        expectObjects: batch.length,
      });
      for (const w of (res.body as unknown as Json[]) ?? []) put(owner.get(String(w.id)), w);
    }
  });
  await mapLimit(perIssue, CONCURRENCY, async (id) => {
    const t = issues.get(id)!;
    const total = Math.min(5_000, embedded(t.fields, field).total);
    const path = { issueIdOrKey: id };
    const query = { expand: 'properties', maxResults: 5_000 };
    if (field === 'comment') {
      for await (const c of items<'GET /rest/api/3/issue/{issueIdOrKey}/comment', Json>(
        client,
        'GET /rest/api/3/issue/{issueIdOrKey}/comment',
        { legacy: 'comments' },
        { path, query, expectObjects: total },
      ))
        put(t, c);
    } else {
      for await (const w of items<'GET /rest/api/3/issue/{issueIdOrKey}/worklog', Json>(
        client,
        'GET /rest/api/3/issue/{issueIdOrKey}/worklog',
        { legacy: 'worklogs' },
        { path, query, expectObjects: total },
      ))
        put(t, w);
    }
  });
}

const accountIds = (users: unknown): string[] =>
  Array.isArray(users) ? users.map((u) => String((u as Json).accountId ?? '')).filter((a) => a !== '') : [];

/** Remote links, watchers and voters of the issues that need them. */
export async function fetchSocial(
  client: JiraClient,
  issues: Map<string, TargetIssue>,
  need: Map<string, { remoteLinks: boolean; watchers: boolean; voters: boolean }>,
): Promise<void> {
  await mapLimit([...need], CONCURRENCY, async ([id, n]) => {
    const t = issues.get(id);
    if (!t) return;
    const path = { issueIdOrKey: id };
    if (n.remoteLinks) {
      const r = await client.request('GET /rest/api/3/issue/{issueIdOrKey}/remotelink', { path });
      t.remoteLinks = (r.body as unknown as Json[]) ?? [];
    }
    if (n.watchers) {
      const count = Number(((t.fields.watches ?? {}) as Json).watchCount ?? 1);
      const r = await client.request('GET /rest/api/3/issue/{issueIdOrKey}/watchers', { path, expectObjects: count });
      t.watchers = accountIds((r.body as { watchers?: unknown }).watchers);
    }
    if (n.voters) {
      const count = Number(((t.fields.votes ?? {}) as Json).votes ?? 0);
      if (count === 0) t.voters = [];
      else {
        const r = await client.request('GET /rest/api/3/issue/{issueIdOrKey}/votes', { path, expectObjects: count });
        t.voters = accountIds((r.body as { voters?: unknown }).voters);
      }
    }
  });
}
