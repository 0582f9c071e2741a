/**
 * Worklog reads: GET /issue/{k}/worklog (legacy page `worklogs[]`), GET /issue/{k}/worklog/{id},
 * worklog properties, the change feeds GET /worklog/updated and /worklog/deleted, and POST
 * /worklog/list (a bare array).
 *
 * Feeds (docs/design.md §5.11): entries come from SiteData.worklogUpdates / worklogDeletions (one
 * entry per change; a worklog updated twice is listed once, at its latest time). `since` is
 * inclusive (epoch ms), pages hold at most 1000 entries oldest first, changes from the last 60 s
 * are left out, `until` is the time of the youngest entry on the page (or `since` on an empty
 * page) and `nextPage` always points at `since=until`; `lastPage` says whether more entries
 * follow. The updated feed lists only worklogs that still exist and that the caller may see
 * (Browse on the issue, visibility restriction); the deleted feed lists every deletion.
 */
import { badRequest, notFound } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import { propertyList, type IssueRenderer } from '../render/issue.js';
import { restBase } from '../render/common.js';
import type { RouteContext, RouteResult } from '../services.js';
import type { Issue, WorklogChange, Worklog } from '../world/site.js';
import type { Site } from '../world/types.js';
import {
  browsableIssue,
  idList,
  intParam,
  jsonObject,
  listParam,
  optionalIntParam,
  rendererFor,
} from './read-params.js';

export const WORKLOG_PAGE_DEFAULT = 5000;
export const WORKLOG_FEED_PAGE = 1000;
export const WORKLOG_FEED_QUIET_MS = 60_000;
export const WORKLOG_LIST_MAX_IDS = 1000;

function timeTrackingOn(ctx: RouteContext): void {
  if (!ctx.site.data.settings.timeTrackingEnabled)
    throw notFound('Time tracking is disabled. Enable time tracking to access worklogs.');
}

function issueWorklogs(ctx: RouteContext): RouteResult {
  const renderer = rendererFor(ctx);
  const issue = browsableIssue(ctx, ctx.params.issueIdOrKey ?? '', renderer);
  timeTrackingOn(ctx);
  // The spec documents 404 for non-numeric paging parameters of this operation.
  const startAt = Math.max(0, intParam(ctx.query, 'startAt', 0, 404));
  const maxResults = Math.min(
    WORKLOG_PAGE_DEFAULT,
    Math.max(1, intParam(ctx.query, 'maxResults', WORKLOG_PAGE_DEFAULT, 404)),
  );
  const after = optionalIntParam(ctx.query, 'startedAfter');
  const before = optionalIntParam(ctx.query, 'startedBefore');
  const withProperties = listParam(ctx.query, 'expand').includes('properties');
  const all = renderer
    .visibleWorklogs(issue)
    .filter((w) => (after === undefined || w.started >= after) && (before === undefined || w.started < before))
    .sort((a, b) => a.created - b.created || Number(a.id) - Number(b.id));
  const page = all.slice(startAt, startAt + maxResults);
  return {
    body: {
      startAt,
      maxResults,
      total: all.length,
      worklogs: page.map((w) => renderer.worklog(issue, w, { properties: withProperties })),
    },
    objects: page.length,
  };
}

function visibleWorklog(ctx: RouteContext, renderer: IssueRenderer): { issue: Issue; worklog: Worklog } {
  const issue = browsableIssue(ctx, ctx.params.issueIdOrKey ?? '', renderer);
  timeTrackingOn(ctx);
  const id = ctx.params.id ?? ctx.params.worklogId ?? '';
  const worklog = renderer.visibleWorklogs(issue).find((w) => w.id === id);
  if (!worklog) throw notFound(`Cannot find worklog with id: ${id}.`);
  return { issue, worklog };
}

function issueWorklog(ctx: RouteContext): RouteResult {
  const renderer = rendererFor(ctx);
  const { issue, worklog } = visibleWorklog(ctx, renderer);
  const withProperties = listParam(ctx.query, 'expand').includes('properties');
  return { body: renderer.worklog(issue, worklog, { properties: withProperties }), objects: 1 };
}

function worklogPropertyKeys(ctx: RouteContext): RouteResult {
  const renderer = rendererFor(ctx);
  const { issue, worklog } = visibleWorklog(ctx, renderer);
  const base = restBase(renderer.ctx);
  return {
    body: {
      keys: [...worklog.properties.keys()].map((key) => ({
        self: `${base}/issue/${issue.key}/worklog/${worklog.id}/properties/${encodeURIComponent(key)}`,
        key,
      })),
    },
  };
}

function worklogProperty(ctx: RouteContext): RouteResult {
  const renderer = rendererFor(ctx);
  const { worklog } = visibleWorklog(ctx, renderer);
  const key = ctx.params.propertyKey ?? '';
  if (!worklog.properties.has(key)) throw notFound(`The property with key '${key}' does not exist.`);
  return { body: { key, value: worklog.properties.get(key) }, objects: 1 };
}

/** Finds worklogs by id across the site's issues (one scan for a batch). */
export function locateWorklogs(site: Site, ids: ReadonlySet<string>): Map<string, { issue: Issue; worklog: Worklog }> {
  const out = new Map<string, { issue: Issue; worklog: Worklog }>();
  if (ids.size === 0) return out;
  for (const issue of site.data.issues.values()) {
    for (const worklog of issue.worklogs) if (ids.has(worklog.id)) out.set(worklog.id, { issue, worklog });
    if (out.size === ids.size) break;
  }
  return out;
}

/** The latest change per worklog, in time order (ties by worklog id). */
function latestChanges(changes: readonly WorklogChange[]): WorklogChange[] {
  const latest = new Map<string, WorklogChange>();
  for (const c of changes) {
    const prev = latest.get(c.worklogId);
    if (!prev || c.updatedTime >= prev.updatedTime) latest.set(c.worklogId, c);
  }
  return [...latest.values()].sort(
    (a, b) => a.updatedTime - b.updatedTime || Number(a.worklogId) - Number(b.worklogId),
  );
}

function feed(ctx: RouteContext, kind: 'updated' | 'deleted'): RouteResult {
  const since = Math.max(0, intParam(ctx.query, 'since', 0));
  const withProperties = kind === 'updated' && listParam(ctx.query, 'expand').includes('properties');
  const horizon = ctx.now - WORKLOG_FEED_QUIET_MS;
  const changes = latestChanges(
    kind === 'updated' ? ctx.site.data.worklogUpdates : ctx.site.data.worklogDeletions,
  ).filter((c) => c.updatedTime >= since && c.updatedTime <= horizon);
  const renderer = rendererFor(ctx);
  const deleted = new Set(ctx.site.data.worklogDeletions.map((d) => d.worklogId));
  const located = kind === 'updated' ? locateWorklogs(ctx.site, new Set(changes.map((c) => c.worklogId))) : undefined;
  const eligible =
    kind === 'deleted'
      ? changes
      : changes.filter((c) => {
          const found = located!.get(c.worklogId);
          if (!found || deleted.has(c.worklogId)) return false;
          return renderer.canBrowse(found.issue) && renderer.canSee(found.issue, found.worklog);
        });
  const page = eligible.slice(0, WORKLOG_FEED_PAGE);
  const until = page.length > 0 ? page[page.length - 1]!.updatedTime : since;
  const base = `${restBase(renderer.ctx)}/worklog/${kind}`;
  return {
    body: {
      values: page.map((c) => ({
        worklogId: Number(c.worklogId),
        updatedTime: c.updatedTime,
        properties: withProperties ? propertyList(located!.get(c.worklogId)!.worklog.properties) : [],
      })),
      since,
      until,
      self: `${base}?since=${since}`,
      nextPage: `${base}?since=${until}`,
      lastPage: eligible.length <= page.length,
    },
  };
}

async function worklogList(ctx: RouteContext): Promise<RouteResult> {
  const body = await jsonObject(ctx);
  const ids = idList(body.ids, 'ids');
  if (ids.length === 0) throw badRequest('The list of worklog IDs must not be empty.');
  if (ids.length > WORKLOG_LIST_MAX_IDS)
    throw badRequest(`You can request at most ${WORKLOG_LIST_MAX_IDS} worklog IDs.`);
  const renderer = rendererFor(ctx);
  const withProperties = listParam(ctx.query, 'expand').includes('properties');
  const values = [...locateWorklogs(ctx.site, new Set(ids)).values()]
    .filter((f) => renderer.canBrowse(f.issue) && renderer.canSee(f.issue, f.worklog))
    .sort((a, b) => Number(a.worklog.id) - Number(b.worklog.id))
    .map((f) => renderer.worklog(f.issue, f.worklog, { properties: withProperties }));
  return { body: values, objects: values.length };
}

export function registerWorklogRoutes(table: RouteTable): void {
  table.get('/rest/api/3/issue/{issueIdOrKey}/worklog', issueWorklogs);
  table.get('/rest/api/3/issue/{issueIdOrKey}/worklog/{id}', issueWorklog);
  table.get('/rest/api/3/issue/{issueIdOrKey}/worklog/{worklogId}/properties', worklogPropertyKeys);
  table.get('/rest/api/3/issue/{issueIdOrKey}/worklog/{worklogId}/properties/{propertyKey}', worklogProperty);
  table.get('/rest/api/3/worklog/updated', (ctx) => feed(ctx, 'updated'));
  table.get('/rest/api/3/worklog/deleted', (ctx) => feed(ctx, 'deleted'));
  table.post('/rest/api/3/worklog/list', worklogList);
}
