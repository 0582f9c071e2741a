/**
 * Reconciliation (docs/design.md §9.4): for a step the journal has as `started` without an
 * outcome, find what it wrote on the target, so a crash never duplicates an entity.
 *
 * - issues: by the `tidemark.provenance` property whose `step` is the step id. Jira cannot search
 *   entity properties, and search lags writes, so candidates are the caller's issues created since
 *   shortly before the step started (JQL) plus every id probed upwards from the highest issue id
 *   known when it started (bulk fetch answers live state); one scan per run serves every step;
 * - comments and worklogs: by the same property (lists with `expand=properties`); an internal JSM
 *   comment gets its properties in a second request, so it is also matched by its text;
 * - attachments by file name and size on the issue; links by type and ends; projects by key,
 *   components and versions by name, sprints by name among the board's future sprints (a
 *   created sprint stays future until a later step starts it); a sprint update by the state it sets;
 * - everything else is idempotent (edits, transitions from the live status, properties, watchers,
 *   remote links with a globalId, votes, sprint moves, ranks): not found, so applied again.
 */
import { PROVENANCE_KEY } from '../plan.js';
import type { ReconcileContext, ResolvedStep, StepOutputs } from '../ports.js';
import type { Caller } from './jira.js';
import { adfToText, str } from './requests.js';

type Json = Record<string, unknown>;
type Target = Caller & { cache: Map<string, unknown> };

/** How long before the step started to look (clock skew between this machine and Jira). */
const WINDOW_BEFORE_MS = 60 * 60_000;
const PROBE = 100;

export async function reconcileStep(
  c: Target,
  step: ResolvedStep,
  ctx: ReconcileContext,
): Promise<StepOutputs | undefined> {
  const p = step.payload;
  switch (step.kind) {
    case 'issue.create':
      return (await provenanceIssues(c, ctx)).get(step.id);
    case 'comment.add':
      return findComment(c, step);
    case 'worklog.add':
      return findWorklog(c, step);
    case 'attachment.upload':
      return findAttachment(c, step);
    case 'link.create':
      return findLink(c, step);
    case 'project.create':
      return getOrUndefined(async () => {
        const b = (
          await c.call({
            key: 'GET /rest/api/3/project/{projectIdOrKey}',
            path: { projectIdOrKey: str(p, 'key', step) },
            write: false,
          })
        ).body as Json;
        return { id: String(b.id), key: String(b.key) };
      });
    case 'component.create':
    case 'version.create': {
      const route = step.kind === 'component.create' ? 'components' : 'versions';
      const list = (
        await c.call({
          key: `GET /rest/api/3/project/{projectIdOrKey}/${route}`,
          path: { projectIdOrKey: str(p, 'project', step) },
          write: false,
        })
      ).body as Json[];
      const found = list.find((x) => x.name === p.name);
      return found ? { id: String(found.id) } : undefined;
    }
    case 'sprint.create':
      return findSprint(c, step);
    case 'sprint.update': {
      if (p.state === undefined) return undefined;
      const b = (
        await c.call({
          key: 'GET /rest/agile/1.0/sprint/{sprintId}',
          path: { sprintId: str(p, 'sprint', step) },
          write: false,
        })
      ).body as Json;
      return b.state === p.state ? {} : undefined;
    }
    default:
      return undefined;
  }
}

async function getOrUndefined<T>(f: () => Promise<T>): Promise<T | undefined> {
  try {
    return await f();
  } catch (e) {
    if ((e as { kind?: string }).kind === 'not-found') return undefined;
    throw e;
  }
}

function provenanceStep(v: unknown): string | undefined {
  return typeof v === 'object' && v !== null && typeof (v as Json).step === 'string'
    ? ((v as Json).step as string)
    : undefined;
}

interface Scan {
  /** Lowest id probed so far (the scan covers [from, top]). */
  from: number;
  found: Map<string, StepOutputs>;
}

/** Issues carrying a provenance step, found by a creation-time search plus probing ids upwards. */
async function provenanceIssues(c: Target, ctx: ReconcileContext): Promise<Map<string, StepOutputs>> {
  const floor = Number(ctx.hint?.floorIssueId ?? NaN);
  let scan = c.cache.get('issue-scan') as Scan | undefined;
  if (scan && (Number.isNaN(floor) || floor + 1 >= scan.from)) return scan.found;
  const found = scan?.found ?? new Map<string, StepOutputs>();
  const since = Date.parse(ctx.startedAt ?? '') - WINDOW_BEFORE_MS;
  const candidates = new Set<string>();
  if (!scan && !Number.isNaN(since)) {
    let token: string | undefined;
    do {
      const res = (
        await c.call({
          key: 'POST /rest/api/3/search/jql',
          body: {
            jql: `creator = currentUser() AND created >= ${since} ORDER BY id ASC`,
            fields: ['id'],
            maxResults: 5000,
            ...(token ? { nextPageToken: token } : {}),
          },
          write: false,
          expectObjects: 0,
        })
      ).body as { issues?: Array<{ id: string }>; nextPageToken?: string };
      for (const i of res.issues ?? []) candidates.add(String(i.id));
      token = res.nextPageToken;
    } while (token);
  }
  await fetchProvenance(c, [...candidates], found);
  // Probe ids upwards from the floor: live reads, so issues the search has not indexed yet show.
  let start = floor + 1;
  if (Number.isNaN(floor)) {
    start = Infinity;
    for (const id of candidates) start = Math.min(start, Number(id));
  }
  if (!Number.isFinite(start)) start = await lowerBound(c, since);
  const stopAt = scan?.from;
  let empty = 0;
  for (let id = start; stopAt !== undefined ? id < stopAt : empty < 2; id += PROBE) {
    const ids = Array.from({ length: PROBE }, (_, n) => String(id + n)).filter((x) => !candidates.has(x));
    const n = await fetchProvenance(c, ids, found);
    empty = n === 0 ? empty + 1 : 0;
  }
  scan = { from: Math.min(start, scan?.from ?? Infinity), found };
  c.cache.set('issue-scan', scan);
  return found;
}

/** An id below anything created in the window: the newest indexed issue created before it. */
async function lowerBound(c: Target, since: number): Promise<number> {
  if (Number.isNaN(since)) return 1;
  const res = (
    await c.call({
      key: 'POST /rest/api/3/search/jql',
      body: { jql: `created < ${since} ORDER BY id DESC`, fields: ['id'], maxResults: 1 },
      write: false,
      expectObjects: 0,
    })
  ).body as { issues?: Array<{ id: string }> };
  const id = res.issues?.[0]?.id;
  return id === undefined ? 1 : Number(id) + 1;
}

async function fetchProvenance(c: Target, ids: string[], into: Map<string, StepOutputs>): Promise<number> {
  let seen = 0;
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    const res = (
      await c.call({
        key: 'POST /rest/api/3/issue/bulkfetch',
        body: { issueIdsOrKeys: chunk, fields: ['created'], properties: [PROVENANCE_KEY] },
        write: false,
        expectObjects: chunk.length,
      })
    ).body as { issues?: Array<{ id: string; key: string; properties?: Json }> };
    for (const issue of res.issues ?? []) {
      seen++;
      const s = provenanceStep(issue.properties?.[PROVENANCE_KEY]);
      if (s) into.set(s, { id: String(issue.id), key: issue.key });
    }
  }
  return seen;
}

function propertyStep(list: unknown): string | undefined {
  if (!Array.isArray(list)) return undefined;
  const p = (list as Array<{ key: string; value: unknown }>).find((x) => x.key === PROVENANCE_KEY);
  return p ? provenanceStep(p.value) : undefined;
}

async function findComment(c: Target, step: ResolvedStep): Promise<StepOutputs | undefined> {
  const issue = str(step.payload, 'issue', step);
  const text = adfToText(step.payload.body);
  let textMatch: string | undefined;
  // Paged by what Jira returned (it may answer fewer than asked for), not by the size asked.
  for (let startAt = 0; ;) {
    const page = (
      await c.call({
        key: 'GET /rest/api/3/issue/{issueIdOrKey}/comment',
        path: { issueIdOrKey: issue },
        query: { startAt, maxResults: 100, expand: 'properties' },
        write: false,
        expectObjects: 100,
      })
    ).body as {
      comments?: Array<{ id: string; body: unknown; properties?: unknown; jsdPublic?: boolean }>;
      total?: number;
    };
    const comments = page.comments ?? [];
    for (const cm of comments) {
      if (propertyStep(cm.properties) === step.id) return { id: String(cm.id) };
      if (step.payload.internal === true && cm.jsdPublic === false && adfToText(cm.body) === text)
        textMatch ??= String(cm.id);
    }
    if (comments.length === 0 || startAt + comments.length >= (page.total ?? 0)) break;
    startAt += comments.length;
  }
  return textMatch ? { id: textMatch } : undefined;
}

async function findWorklog(c: Target, step: ResolvedStep): Promise<StepOutputs | undefined> {
  const issue = str(step.payload, 'issue', step);
  for (let startAt = 0; ;) {
    const page = (
      await c.call({
        key: 'GET /rest/api/3/issue/{issueIdOrKey}/worklog',
        path: { issueIdOrKey: issue },
        query: { startAt, maxResults: 1000, expand: 'properties' },
        write: false,
        expectObjects: 1000,
      })
    ).body as { worklogs?: Array<{ id: string; properties?: unknown }>; total?: number };
    const list = page.worklogs ?? [];
    const w = list.find((x) => propertyStep(x.properties) === step.id);
    if (w) return { id: String(w.id) };
    if (list.length === 0 || startAt + list.length >= (page.total ?? 0)) return undefined;
    startAt += list.length;
  }
}

async function findAttachment(c: Target, step: ResolvedStep): Promise<StepOutputs | undefined> {
  const issue = str(step.payload, 'issue', step);
  const b = (
    await c.call({
      key: 'GET /rest/api/3/issue/{issueIdOrKey}',
      path: { issueIdOrKey: issue },
      query: { fields: 'attachment' },
      write: false,
    })
  ).body as { fields?: { attachment?: Array<{ id: string; filename: string; size: number }> } };
  const a = (b.fields?.attachment ?? []).find(
    (x) => x.filename === step.payload.filename && x.size === Number(step.payload.size),
  );
  return a ? { id: String(a.id), mediaId: await c.mediaId(String(a.id), issue) } : undefined;
}

async function findLink(c: Target, step: ResolvedStep): Promise<StepOutputs | undefined> {
  const p = step.payload;
  const inward = String(p.inward);
  const outward = String(p.outward);
  const type = typeof p.type === 'object' && p.type !== null ? (p.type as Json) : { id: p.type };
  const b = (
    await c.call({
      key: 'GET /rest/api/3/issue/{issueIdOrKey}',
      path: { issueIdOrKey: outward },
      query: { fields: 'issuelinks' },
      write: false,
    })
  ).body as { fields?: { issuelinks?: Array<{ type: Json; inwardIssue?: Json }> } };
  const same = (t: Json): boolean => (type.id !== undefined ? String(t.id) === String(type.id) : t.name === type.name);
  // On the outward ("from") issue, the link shows its other end as `inwardIssue`.
  const hit = (b.fields?.issuelinks ?? []).find(
    (l) =>
      same(l.type) &&
      l.inwardIssue !== undefined &&
      (String(l.inwardIssue.id) === inward || l.inwardIssue.key === inward),
  );
  return hit ? {} : undefined;
}

async function findSprint(c: Target, step: ResolvedStep): Promise<StepOutputs | undefined> {
  const p = step.payload;
  let found: Json | undefined; // the newest match
  for (let startAt = 0; ;) {
    const page = (
      await c.call({
        key: 'GET /rest/agile/1.0/board/{boardId}/sprint',
        path: { boardId: str(p, 'board', step) },
        query: { startAt, maxResults: 50 },
        write: false,
        expectObjects: 50,
      })
    ).body as { values?: Json[]; isLast?: boolean };
    // A sprint the step created is still `future` (starting it is a later step that waits for this
    // one): an older sprint of the same name (e.g. the closed original) is never taken for it.
    for (const x of page.values ?? [])
      if (x.name === p.name && String(x.originBoardId) === String(p.board) && x.state === 'future') found = x;
    if (page.isLast !== false || (page.values ?? []).length === 0) break;
    startAt += (page.values ?? []).length;
  }
  return found ? { id: String(found.id) } : undefined;
}
