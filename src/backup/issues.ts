/**
 * Issues: the id walk, hydration in groups, and everything hanging off an issue, fetched with as
 * few points as the cost model allows (docs/design.md §8.2):
 *
 * - bulk fetch 100 issues a request with `*all` fields and the embedded changelog;
 * - changelogs that did not fit the embedded page through the changelog bulk fetch (1,000 issues);
 * - comments and worklogs with their properties through the list endpoints (1,000 ids a request)
 *   when the embedded page was complete, otherwise from the issue's sub-resource;
 * - remote links and property keys per issue (no bulk form exists), watchers and voters only when
 *   the issue's counts say there are some;
 * - attachment bytes once per attachment id.
 *
 * One issue becomes one subtree: issue, changelog, comments/, worklogs/, attachments/.
 */
import { chunks, mapLimit } from '../core/index.js';
import { items, pages } from '../jira/index.js';
import type { FileEntry, TreeEntry, TreeId } from '../store/index.js';
import { backupAttachment } from './attachments.js';
import type { BackupContext } from './context.js';
import { childMeta, issueMeta, stable } from './records.js';

type Json = Record<string, unknown>;

const BULK_ISSUES = 100;
const BULK_CHANGELOG_ISSUES = 1_000;
const BULK_LIST_IDS = 1_000;

/**
 * A batch size no larger than `max` and small enough that one request's points (one per object,
 * plus the request) stay within a quarter of the hourly cap: a request bigger than what an hour
 * still allows would wait for an empty hour and leave the rest of the hour unused.
 */
function batchSize(ctx: BackupContext, max: number): number {
  return Math.max(1, Math.min(max, Math.floor(ctx.client.governor.hourlyCap / 4) - 1));
}
const ID_PAGE = 5_000;

/** What a previous snapshot knows of an issue. */
export interface KnownIssue {
  tree: TreeId;
  /** `fields.updated` as stored, when read. */
  updated?: string | null;
  /** The key it had. */
  key?: string | null;
  /**
   * Re-fetch even when `updated` is unchanged: something it shows changed without Jira moving
   * `updated` (an issue it linked to was deleted).
   */
  force?: boolean;
}

/** Attachment files already in the parent snapshot, by attachment id (their bytes never change). */
export type KnownAttachments = Map<string, FileEntry>;

export interface HydrateResult {
  /** Subtree entries of issues that were found, by issue id. */
  entries: Map<string, TreeEntry>;
  /** Ids that Jira no longer returns (deleted, or no longer visible). */
  missing: string[];
  /** Issues fetched whose key differs from the one `known` gave (moved or re-keyed). */
  rekeyed: string[];
  /** Ids of issues linked from the issues fetched (for following moves). */
  linked: Map<string, string[]>;
  /** Issues fetched in full (the others were missing or unchanged since the parent). */
  fetched: number;
}

/** Every issue id of a project, in ascending id order, from identifier-only search pages. */
export async function walkIssueIds(ctx: BackupContext, projectId: string, extraJql = ''): Promise<string[]> {
  const ids: string[] = [];
  const jql = `project = ${projectId}${extraJql ? ` AND ${extraJql}` : ''} ORDER BY id ASC`;
  for await (const page of pages(ctx.client, 'POST /rest/api/3/search/jql', 'token', {
    body: { jql, fields: ['id'], maxResults: ID_PAGE },
    expectObjects: 0,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  })) {
    for (const issue of (page.body as { issues?: Array<{ id?: string }> }).issues ?? [])
      if (issue.id) ids.push(String(issue.id));
  }
  return ids;
}

/**
 * Issues newer than the search index knows: Jira's index is eventually consistent, so issues
 * created moments ago may be missing from the id walk. Issue ids grow site-wide, so the ids just
 * above the highest one seen are asked for directly (identifier-only bulk fetches, 100 a request)
 * until a window finds none.
 */
export async function probeNewerIssues(ctx: BackupContext, highestId: number, window = BULK_ISSUES): Promise<string[]> {
  const found: string[] = [];
  let from = highestId + 1;
  for (;;) {
    const ids = Array.from({ length: window }, (_, i) => String(from + i));
    const res = await ctx.client.request('POST /rest/api/3/issue/bulkfetch', {
      body: { issueIdsOrKeys: ids, fields: ['id'] },
      expectObjects: 0,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    const got = ((res.body as { issues?: Array<{ id?: string }> }).issues ?? [])
      .map((i) => String(i.id))
      .filter((id) => id !== 'undefined');
    if (got.length === 0) return found;
    found.push(...got);
    from = got.reduce((m, id) => Math.max(m, Number(id)), from) + 1;
  }
}

interface Hydrated {
  bean: Json;
  id: string;
  projectKey: string | null;
  histories?: Json[];
  comments?: Json[];
  worklogs?: Json[];
  properties?: Record<string, unknown>;
  remoteLinks?: Json[];
  watchers?: string[];
  voters?: string[];
}

function page(bean: Json, field: string): { items: Json[]; total: number } | undefined {
  const fields = (bean.fields ?? {}) as Json;
  const p = fields[field] as { total?: number; comments?: Json[]; worklogs?: Json[] } | undefined;
  if (!p || typeof p !== 'object') return undefined;
  const list = (field === 'comment' ? p.comments : p.worklogs) ?? [];
  return { items: list, total: typeof p.total === 'number' ? p.total : list.length };
}

function accountIds(users: unknown): string[] {
  return Array.isArray(users) ? users.map((u) => String((u as Json).accountId ?? '')).filter((a) => a !== '') : [];
}

/**
 * Fetches a group of issues completely and writes their subtrees. Issues whose `updated` equals
 * `known` (an incremental run's de-duplication) reuse the parent's subtree without further calls.
 */
export async function hydrateIssues(
  ctx: BackupContext,
  ids: readonly string[],
  known: ReadonlyMap<string, KnownIssue>,
  knownAttachments: KnownAttachments,
): Promise<HydrateResult> {
  const signal = ctx.signal ? { signal: ctx.signal } : {};
  // 1. Issues in bulk.
  const beans = new Map<string, Json>();
  await mapLimit(chunks(ids, batchSize(ctx, BULK_ISSUES)), ctx.concurrency.bulk, async (batch) => {
    const res = await ctx.client.request('POST /rest/api/3/issue/bulkfetch', {
      body: { issueIdsOrKeys: batch, fields: ['*all'], expand: ['changelog'] },
      expectObjects: batch.length,
      ...signal,
    });
    for (const issue of (res.body as { issues?: Json[] }).issues ?? []) beans.set(String(issue.id), issue);
  });
  const missing = ids.filter((id) => !beans.has(id));

  const entries = new Map<string, TreeEntry>();
  const work: Hydrated[] = [];
  const rekeyed: string[] = [];
  const linked = new Map<string, string[]>();
  for (const [id, bean] of beans) {
    const prior = known.get(id);
    const fields = (bean.fields ?? {}) as Json;
    const updated = fields.updated;
    if (prior?.key && prior.key !== bean.key) rekeyed.push(id);
    const links = ((fields.issuelinks as Json[] | undefined) ?? [])
      .map((l) => String(((l.outwardIssue ?? l.inwardIssue) as Json | undefined)?.id ?? ''))
      .filter((x) => x !== '');
    if (links.length > 0) linked.set(id, links);
    if (prior && !prior.force && prior.updated !== undefined && prior.updated === updated) {
      entries.set(id, { name: id, type: 'tree', tree: prior.tree });
      ctx.counts.reuse('issue');
      continue;
    }
    const project = ((bean.fields ?? {}) as Json).project as Json | undefined;
    work.push({ bean, id, projectKey: typeof project?.key === 'string' ? project.key : null });
  }

  // 2. Changelogs: embedded when complete, otherwise in bulk.
  const overflow: string[] = [];
  for (const w of work) {
    const cl = w.bean.changelog as { histories?: Json[]; total?: number } | undefined;
    const histories = cl?.histories ?? [];
    if ((cl?.total ?? histories.length) > histories.length) overflow.push(w.id);
    else w.histories = histories;
  }
  if (overflow.length > 0) {
    const byIssue = new Map<string, Json[]>();
    await mapLimit(chunks(overflow, BULK_CHANGELOG_ISSUES), ctx.concurrency.bulk, async (batch) => {
      for await (const p of pages(ctx.client, 'POST /rest/api/3/changelog/bulkfetch', 'bulk-token', {
        body: { issueIdsOrKeys: batch, maxResults: 10_000 },
        expectObjects: 1_000,
        ...signal,
      })) {
        for (const log of (p.body as { issueChangeLogs?: Array<{ issueId?: string; changeHistories?: Json[] }> })
          .issueChangeLogs ?? []) {
          const list = byIssue.get(String(log.issueId)) ?? [];
          list.push(...(log.changeHistories ?? []));
          byIssue.set(String(log.issueId), list);
        }
      }
    });
    for (const w of work) if (overflow.includes(w.id)) w.histories = byIssue.get(w.id) ?? [];
  }

  // 3. Comments and worklogs with their properties.
  await Promise.all([fetchChildren(ctx, work, 'comment'), fetchChildren(ctx, work, 'worklog')]);

  // 4. Per-issue extras where Jira has no bulk form.
  await mapLimit(work, ctx.concurrency.perIssue, async (w) => {
    const path = { issueIdOrKey: w.id };
    const remote = await ctx.client.request('GET /rest/api/3/issue/{issueIdOrKey}/remotelink', { path, ...signal });
    const fields = (w.bean.fields ?? {}) as Json;
    w.remoteLinks = (remote.body as unknown as Json[]) ?? [];
    const keys = await ctx.client.request('GET /rest/api/3/issue/{issueIdOrKey}/properties', {
      path,
      expectObjects: 0,
      ...signal,
    });
    const props: Record<string, unknown> = {};
    for (const k of (keys.body as { keys?: Array<{ key?: string }> }).keys ?? []) {
      if (!k.key) continue;
      const v = await ctx.client.request('GET /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', {
        path: { issueIdOrKey: w.id, propertyKey: k.key },
        expectObjects: 1,
        ...signal,
      });
      props[k.key] = (v.body as { value?: unknown }).value;
    }
    w.properties = props;
    const watchCount = Number((fields.watches as Json | undefined)?.watchCount ?? 0);
    const votes = Number((fields.votes as Json | undefined)?.votes ?? 0);
    if (watchCount > 0) {
      const res = await ctx.client.request('GET /rest/api/3/issue/{issueIdOrKey}/watchers', {
        path,
        expectObjects: watchCount,
        ...signal,
      });
      w.watchers = accountIds((res.body as { watchers?: unknown }).watchers).sort();
    } else w.watchers = [];
    if (votes > 0) {
      const res = await ctx.client.request('GET /rest/api/3/issue/{issueIdOrKey}/votes', {
        path,
        expectObjects: votes,
        ...signal,
      });
      w.voters = accountIds((res.body as { voters?: unknown }).voters).sort();
    } else w.voters = [];
  });

  // 5. Attachments and records → one subtree per issue.
  await mapLimit(work, ctx.concurrency.attachments, async (w) => {
    entries.set(w.id, { name: w.id, type: 'tree', tree: await writeIssueTree(ctx, w, knownAttachments) });
  });
  return { entries, missing, rekeyed, linked, fetched: work.length };
}

/** Comments or worklogs of many issues: list endpoints for complete embedded pages, sub-resources otherwise. */
async function fetchChildren(ctx: BackupContext, work: Hydrated[], field: 'comment' | 'worklog'): Promise<void> {
  const signal = ctx.signal ? { signal: ctx.signal } : {};
  const viaList: string[] = [];
  const owner = new Map<string, Hydrated>();
  const incomplete: Hydrated[] = [];
  for (const w of work) {
    const p = page(w.bean, field);
    if (!p || p.total === 0) {
      if (field === 'comment') w.comments = [];
      else w.worklogs = [];
      continue;
    }
    if (p.items.length >= p.total) {
      for (const c of p.items) {
        viaList.push(String(c.id));
        owner.set(String(c.id), w);
      }
      if (field === 'comment') w.comments = [];
      else w.worklogs = [];
    } else incomplete.push(w);
  }
  await mapLimit(chunks(viaList, batchSize(ctx, BULK_LIST_IDS)), ctx.concurrency.bulk, async (batch) => {
    if (field === 'comment') {
      for await (const c of items<'POST /rest/api/3/comment/list', Json>(
        ctx.client,
        'POST /rest/api/3/comment/list',
        'page-bean',
        {
          body: { ids: batch.map(Number) },
          query: { expand: 'properties' },
          expectObjects: batch.length,
          ...signal,
        },
      ))
        owner.get(String(c.id))?.comments?.push(c);
    } else {
      const res = await ctx.client.request('POST /rest/api/3/worklog/list', {
        body: { ids: batch.map(Number) },
        query: { expand: 'properties' },
        expectObjects: batch.length,
        ...signal,
      });
      for (const wl of (res.body as unknown as Json[]) ?? []) owner.get(String(wl.id))?.worklogs?.push(wl);
    }
  });
  await mapLimit(incomplete, ctx.concurrency.perIssue, async (w) => {
    const path = { issueIdOrKey: w.id };
    // The embedded page says how many there are: a tight bound for the points reserved.
    const total = Math.min(5_000, page(w.bean, field)?.total ?? 5_000);
    if (field === 'comment') {
      w.comments = [];
      for await (const c of items<'GET /rest/api/3/issue/{issueIdOrKey}/comment', Json>(
        ctx.client,
        'GET /rest/api/3/issue/{issueIdOrKey}/comment',
        { legacy: 'comments' },
        { path, query: { expand: 'properties', maxResults: 5_000 }, expectObjects: total, ...signal },
      ))
        w.comments.push(c);
    } else {
      w.worklogs = [];
      for await (const wl of items<'GET /rest/api/3/issue/{issueIdOrKey}/worklog', Json>(
        ctx.client,
        'GET /rest/api/3/issue/{issueIdOrKey}/worklog',
        { legacy: 'worklogs' },
        { path, query: { expand: 'properties', maxResults: 5_000 }, expectObjects: total, ...signal },
      ))
        w.worklogs.push(wl);
    }
  });
}

async function writeIssueTree(ctx: BackupContext, w: Hydrated, knownAttachments: KnownAttachments): Promise<TreeId> {
  const fields = { ...((w.bean.fields ?? {}) as Json) };
  delete fields.comment;
  delete fields.worklog;
  const issueRecord = stable({
    id: w.id,
    key: w.bean.key,
    fields,
    properties: w.properties ?? {},
    remoteLinks: w.remoteLinks ?? [],
    watchers: w.watchers ?? [],
    voters: w.voters ?? [],
  });
  const ref = { id: w.id, projectKey: w.projectKey };
  const entries: TreeEntry[] = [];
  const issue = await ctx.writer.putRecord(issueRecord);
  entries.push({ name: 'issue', type: 'record', blob: issue.id, size: issue.size, meta: issueMeta(w.bean) });
  ctx.counts.add('issue');

  const histories = [...(w.histories ?? [])].sort((a, b) => Number(a.id) - Number(b.id));
  const changelog = await ctx.writer.putRecord(stable({ issueId: w.id, histories }));
  entries.push({
    name: 'changelog',
    type: 'record',
    blob: changelog.id,
    size: changelog.size,
    meta: childMeta('changelog', w.id, ref, null),
  });
  ctx.counts.add('changelog-entry', histories.length);

  for (const [dir, kind, list] of [
    ['comments', 'comment', w.comments ?? []],
    ['worklogs', 'worklog', w.worklogs ?? []],
  ] as const) {
    if (list.length === 0) continue;
    const children: TreeEntry[] = [];
    for (const item of list) {
      const stored = await ctx.writer.putRecord(stable(item));
      children.push({
        name: String(item.id),
        type: 'record',
        blob: stored.id,
        size: stored.size,
        meta: childMeta(kind, String(item.id), ref, item.updated),
      });
    }
    ctx.counts.add(kind, list.length);
    entries.push({ name: dir, type: 'tree', tree: await ctx.writer.writeTree(children) });
  }

  const attachments = Array.isArray(fields.attachment) ? (fields.attachment as Json[]) : [];
  if (attachments.length > 0) {
    const files: TreeEntry[] = [];
    for (const a of attachments) {
      const id = String(a.id);
      const meta = {
        ...childMeta('attachment', id, ref, a.created),
        filename: typeof a.filename === 'string' ? a.filename : null,
        mimeType: typeof a.mimeType === 'string' ? a.mimeType : null,
      };
      const prior = knownAttachments.get(id);
      if (prior) {
        const mediaId = prior.meta?.mediaId;
        files.push({ ...prior, name: id, meta: typeof mediaId === 'string' ? { ...meta, mediaId } : meta });
        ctx.counts.reuse('attachment');
        continue;
      }
      const file = await backupAttachment(ctx, id, Number(a.size ?? 0));
      files.push({
        name: id,
        type: 'file',
        chunks: file.chunks,
        size: file.size,
        meta: file.mediaId ? { ...meta, mediaId: file.mediaId } : meta,
      });
      ctx.counts.add('attachment');
    }
    entries.push({ name: 'attachments', type: 'tree', tree: await ctx.writer.writeTree(files) });
  }
  return ctx.writer.writeTree(entries);
}
