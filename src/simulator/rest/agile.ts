/**
 * Jira Software (Agile 1.0) routes: boards (+configuration, sprints, backlog, issues, property
 * keys), sprints (read, create, partial/full update with the state machine, delete, issues,
 * membership moves), issue rank and backlog moves.
 *
 * Lists use the Agile page {maxResults, startAt, total?, isLast, values}; issue lists use the
 * SearchResults shape {expand, startAt, maxResults, total, issues}. maxResults is capped
 * silently (boards and sprints 50, issues 100) and echoed. Sprint dates are ISO-8601 strings in
 * UTC ("2026-11-24T09:00:00.000Z"), as Jira Cloud's Agile API writes them; input dates may carry
 * any offset.
 */
import { jiraError } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import {
  createSprint,
  deleteSprint,
  MAX_AGILE_ISSUES,
  moveIssuesToBacklog,
  moveIssuesToSprint,
  RANK_FIELD_TYPE,
  rankFieldId,
  rankIssues,
  updateSprint,
  type SprintChange,
} from '../mutate/agile.js';
import { renderUser, restBase, type RenderContext } from '../render/common.js';
import type { RouteContext, RouteResult } from '../services.js';
import { renderAgileIssue, renderAgileSprint } from '../webhooks/issue-v2.js';
import { JqlError, parseJql, type JqlQuery } from '../search/jql.js';
import type { SearchContext } from '../search/execute.js';
import { findIssue, findProject } from '../world/queries.js';
import type { Board, Issue, Sprint } from '../world/site.js';
import {
  backlogIssues,
  boardIssues,
  boardQuery,
  boardSprints,
  combineQueries,
  equalsClause,
  referencedProjects,
  searchIssues,
  canManageSprints,
  canScheduleIssue,
  canSeePrivateBoard,
  canViewBoard,
  canViewSprint,
  visibleToAccount,
} from './agile-access.js';

const MAX_BOARDS = 50;
const MAX_SPRINTS = 50;
const MAX_ISSUES = 100;

function rc(ctx: RouteContext): RenderContext {
  return { sim: ctx.sim, site: ctx.site, viewerId: ctx.principal.accountId };
}

function agileBase(ctx: RouteContext): string {
  return `${ctx.sim.urls.siteApi(ctx.site.cloudId)}/rest/agile/1.0`;
}

/** A non-negative integer query parameter (400 when it is not one). */
function intParam(ctx: RouteContext, name: string, fallback: number): number {
  const raw = ctx.query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) throw jiraError(400, [`The '${name}' parameter must be a number.`]);
  const n = Number(raw);
  if (n < 0) throw jiraError(400, [`The '${name}' parameter must not be negative.`]);
  return n;
}

function paging(ctx: RouteContext, cap: number, fallback = 50): { startAt: number; maxResults: number } {
  const startAt = intParam(ctx, 'startAt', 0);
  const asked = intParam(ctx, 'maxResults', fallback);
  return { startAt, maxResults: Math.min(asked === 0 ? fallback : asked, cap) };
}

function agilePage<T>(
  all: T[],
  p: { startAt: number; maxResults: number },
  withTotal: boolean,
): { maxResults: number; startAt: number; total?: number; isLast: boolean; values: T[] } {
  const values = all.slice(p.startAt, p.startAt + p.maxResults);
  const out: { maxResults: number; startAt: number; total?: number; isLast: boolean; values: T[] } = {
    maxResults: p.maxResults,
    startAt: p.startAt,
    isLast: p.startAt + values.length >= all.length,
    values,
  };
  if (withTotal) out.total = all.length;
  return out;
}

function idParam(ctx: RouteContext, name: string, what: string): number {
  const raw = ctx.params[name] ?? '';
  if (!/^\d+$/.test(raw)) throw jiraError(400, [`The ${what} id '${raw}' is not a valid number.`]);
  return Number(raw);
}

function requireBoard(ctx: RouteContext): Board {
  const id = idParam(ctx, 'boardId', 'board');
  const board = ctx.site.data.boards.get(id);
  if (!board || !canViewBoard(ctx.site, ctx.principal.accountId, board))
    throw jiraError(404, [`Board with id ${id} does not exist or you do not have permission to see it.`]);
  return board;
}

function requireSprint(ctx: RouteContext): Sprint {
  const id = idParam(ctx, 'sprintId', 'sprint');
  const sprint = ctx.site.data.sprints.get(id);
  if (!sprint || !canViewSprint(ctx.site, ctx.principal.accountId, sprint))
    throw jiraError(404, [`Sprint with id ${id} does not exist or you do not have permission to see it.`]);
  return sprint;
}

// ---------------------------------------------------------------------------------------------
// Boards

function boardLocation(ctx: RouteContext, board: Board): Record<string, unknown> | undefined {
  const p = ctx.site.data.projects.get(board.projectId);
  if (!p) return undefined;
  const display = `${p.name} (${p.key})`;
  return {
    projectId: Number(p.id),
    displayName: display,
    projectName: p.name,
    projectKey: p.key,
    projectTypeKey: p.projectTypeKey,
    avatarURI: `${restBase(rc(ctx)).replace(/\/3$/, '/2')}/universal_avatar/view/type/project/avatar/${p.avatarId}?size=small`,
    name: display,
  };
}

function renderBoard(ctx: RouteContext, board: Board, expand: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: board.id,
    self: `${agileBase(ctx)}/board/${board.id}`,
    name: board.name,
    type: board.type,
  };
  const location = boardLocation(ctx, board);
  if (location) out.location = location;
  if (expand.has('admins')) {
    out.admins = {
      users: board.adminAccountIds.map((id) => {
        const u = renderUser(rc(ctx), id);
        return { self: u.self, accountId: id, displayName: u.displayName, active: u.active };
      }),
      groups: [],
    };
  }
  if (expand.has('permissions')) {
    out.canEdit =
      board.adminAccountIds.includes(ctx.principal.accountId) || ctx.site.admins.has(ctx.principal.accountId);
  }
  out.isPrivate = false;
  return out;
}

function renderPrivateBoard(ctx: RouteContext, board: Board): Record<string, unknown> {
  const out: Record<string, unknown> = { id: board.id, self: `${agileBase(ctx)}/board/${board.id}`, isPrivate: true };
  const location = boardLocation(ctx, board);
  if (location) out.location = location;
  return out;
}

function expandSet(ctx: RouteContext): Set<string> {
  return new Set(
    ctx.query
      .getAll('expand')
      .flatMap((e) => e.split(','))
      .map((e) => e.trim())
      .filter(Boolean),
  );
}

function listBoards(ctx: RouteContext): RouteResult {
  const { site, principal } = ctx;
  const p = paging(ctx, MAX_BOARDS);
  const types = ctx.query
    .getAll('type')
    .flatMap((t) => t.split(','))
    .map((t) => t.trim())
    .filter(Boolean);
  for (const t of types)
    if (!['scrum', 'kanban', 'simple'].includes(t))
      throw jiraError(400, [`The board type '${t}' is not valid. Valid values: scrum, kanban, simple.`]);
  const name = ctx.query.get('name')?.toLowerCase();
  const projectParam = ctx.query.get('projectKeyOrId');
  const project = projectParam ? findProject(site, projectParam) : undefined;
  if (projectParam && !project) throw jiraError(400, [`No project could be found with key '${projectParam}'.`]);
  const filterId = ctx.query.get('filterId');
  const matches = (b: Board): boolean => {
    if (types.length && !types.includes(b.type)) return false;
    if (name && !b.name.toLowerCase().includes(name)) return false;
    if (filterId && b.filterId !== filterId) return false;
    if (project) {
      if (b.projectId === project.id) return true;
      try {
        return referencedProjects(site, boardQuery(site, b)).has(project.id);
      } catch {
        return false;
      }
    }
    return true;
  };
  const all = [...site.data.boards.values()].filter(matches);
  const visible = all.filter((b) => canViewBoard(site, principal.accountId, b));
  const orderBy = ctx.query.get('orderBy');
  if (orderBy) {
    const dir = orderBy.startsWith('-') ? -1 : 1;
    visible.sort((a, b) => dir * a.name.localeCompare(b.name) || a.id - b.id);
  }
  const expand = expandSet(ctx);
  const values: Array<Record<string, unknown>> = visible.map((b) => renderBoard(ctx, b, expand));
  if (ctx.query.get('includePrivate') === 'true') {
    for (const b of all) {
      if (!canViewBoard(site, principal.accountId, b) && canSeePrivateBoard(site, principal.accountId, b))
        values.push(renderPrivateBoard(ctx, b));
    }
  }
  const page = agilePage(values, p, true);
  return { body: page, objects: page.values.length };
}

function getBoard(ctx: RouteContext): RouteResult {
  const id = idParam(ctx, 'boardId', 'board');
  const board = ctx.site.data.boards.get(id);
  if (board && !canViewBoard(ctx.site, ctx.principal.accountId, board) && ctx.site.admins.has(ctx.principal.accountId))
    return { body: renderPrivateBoard(ctx, board), objects: 1 };
  return { body: renderBoard(ctx, requireBoard(ctx), expandSet(ctx)), objects: 1 };
}

function boardConfiguration(ctx: RouteContext): RouteResult {
  const board = requireBoard(ctx);
  const { site } = ctx;
  const base = restBase(rc(ctx));
  const project = site.data.projects.get(board.projectId);
  const out: Record<string, unknown> = {
    id: board.id,
    name: board.name,
    type: board.type,
    self: `${agileBase(ctx)}/board/${board.id}/configuration`,
  };
  if (project) out.location = { type: 'project', projectKeyOrId: project.key };
  out.filter = { id: board.filterId, self: `${base}/filter/${board.filterId}` };
  if (board.type === 'kanban' && board.subQuery) out.subQuery = { query: board.subQuery };
  out.columnConfig = {
    columns: board.columns.map((c) => {
      const col: Record<string, unknown> = {
        name: c.name,
        statuses: c.statusIds.map((id) => ({ id, self: `${base}/status/${id}` })),
      };
      if (c.min !== undefined) col.min = c.min;
      if (c.max !== undefined) col.max = c.max;
      return col;
    }),
    constraintType: board.constraintType ?? 'none',
  };
  if (board.type === 'scrum') {
    const f = board.estimationFieldId ? site.data.fields.get(board.estimationFieldId) : undefined;
    out.estimation = f ? { type: 'field', field: { fieldId: f.id, displayName: f.name } } : { type: 'none' };
  }
  const rank = site.data.fields.get(board.rankFieldId);
  out.ranking = { rankCustomFieldId: Number(rank?.schema.customId ?? board.rankFieldId.replace(/\D/g, '')) };
  return { body: out, objects: 1 };
}

function boardSprintList(ctx: RouteContext): RouteResult {
  const board = requireBoard(ctx);
  // Kanban boards have no sprints; team-managed (`simple`) boards list theirs as scrum boards do.
  if (board.type === 'kanban') throw jiraError(400, ['The board does not support sprints']);
  const states = ctx.query
    .getAll('state')
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of states)
    if (!['future', 'active', 'closed'].includes(s))
      throw jiraError(400, [`The sprint state '${s}' is not valid. Valid values: future, active, closed.`]);
  const sprints = boardSprints(ctx.sim, ctx.site, board, ctx.now)
    .filter((s) => states.length === 0 || states.includes(s.state))
    .filter((s) => canViewSprint(ctx.site, ctx.principal.accountId, s));
  const page = agilePage(
    sprints.map((s) => renderAgileSprint(rc(ctx), s)),
    paging(ctx, MAX_SPRINTS),
    false,
  );
  return { body: page, objects: page.values.length };
}

function searchContext(ctx: RouteContext): SearchContext {
  return { sim: ctx.sim, site: ctx.site, viewerId: ctx.principal.accountId, now: ctx.now };
}

function parseExtraJql(ctx: RouteContext): JqlQuery | undefined {
  const jql = ctx.query.get('jql');
  if (!jql || !jql.trim()) return undefined;
  try {
    return parseJql(jql);
  } catch (e) {
    if (e instanceof JqlError) throw jiraError(400, [e.message]);
    throw e;
  }
}

function fieldFilter(ctx: RouteContext): Set<string> | undefined {
  const fields = ctx.query
    .getAll('fields')
    .flatMap((f) => f.split(','))
    .map((f) => f.trim())
    .filter(Boolean);
  if (fields.length === 0 || fields.includes('*all') || fields.includes('*navigable')) return undefined;
  return new Set(fields);
}

function issuePage(ctx: RouteContext, issues: Issue[]): RouteResult {
  const p = paging(ctx, MAX_ISSUES);
  const only = fieldFilter(ctx);
  const slice = issues.slice(p.startAt, p.startAt + p.maxResults);
  return {
    body: {
      expand: 'schema,names',
      startAt: p.startAt,
      maxResults: p.maxResults,
      total: issues.length,
      issues: slice.map((i) => renderAgileIssue(rc(ctx), i, only)),
    },
    objects: slice.length,
  };
}

function withJqlErrors<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof JqlError) throw jiraError(400, [e.message]);
    throw e;
  }
}

function boardIssueList(ctx: RouteContext): RouteResult {
  const board = requireBoard(ctx);
  const extra = parseExtraJql(ctx);
  return issuePage(
    ctx,
    withJqlErrors(() => boardIssues(searchContext(ctx), board, extra)),
  );
}

function boardBacklog(ctx: RouteContext): RouteResult {
  const board = requireBoard(ctx);
  const extra = parseExtraJql(ctx);
  return issuePage(
    ctx,
    withJqlErrors(() => backlogIssues(searchContext(ctx), board, extra)),
  );
}

function boardPropertyKeys(ctx: RouteContext): RouteResult {
  const board = requireBoard(ctx);
  return {
    body: {
      keys: [...board.properties.keys()].map((key) => ({
        self: `${agileBase(ctx)}/board/${board.id}/properties/${encodeURIComponent(key)}`,
        key,
      })),
    },
  };
}

function boardProperty(ctx: RouteContext): RouteResult {
  const board = requireBoard(ctx);
  const key = ctx.params.propertyKey ?? '';
  if (!board.properties.has(key))
    throw jiraError(404, [`The property with key '${key}' does not exist on board ${board.id}.`]);
  return { body: { key, value: board.properties.get(key) }, objects: 1 };
}

// ---------------------------------------------------------------------------------------------
// Sprints

function getSprint(ctx: RouteContext): RouteResult {
  return { body: renderAgileSprint(rc(ctx), requireSprint(ctx)), objects: 1 };
}

function sprintIssueList(ctx: RouteContext): RouteResult {
  const sprint = requireSprint(ctx);
  const extra = parseExtraJql(ctx);
  // `sprint = {id} AND ({jql})`, in rank order unless the jql orders otherwise.
  const issues = withJqlErrors(() =>
    searchIssues(searchContext(ctx), combineQueries([extra], [equalsClause('sprint', String(sprint.id))])),
  );
  return issuePage(ctx, issues);
}

/** Parses a sprint date: ISO 8601 with a zone ("Z", "+10:00" or "+1000"); null clears. */
function parseDate(value: unknown, field: string): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  if (typeof value !== 'string')
    throw jiraError(400, [], { [field]: 'Invalid date format. Use ISO 8601, e.g. 2015-04-11T15:22:00.000+10:00.' });
  const normalised = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(normalised) ? Date.parse(normalised) : NaN;
  if (Number.isNaN(ms))
    throw jiraError(400, [], { [field]: 'Invalid date format. Use ISO 8601, e.g. 2015-04-11T15:22:00.000+10:00.' });
  return ms;
}

interface SprintBody {
  name?: unknown;
  originBoardId?: unknown;
  startDate?: unknown;
  endDate?: unknown;
  goal?: unknown;
  state?: unknown;
}

async function sprintBody(ctx: RouteContext): Promise<SprintBody> {
  const body = await ctx.json<unknown>();
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw jiraError(400, ['The request body must be a JSON object.']);
  return body as SprintBody;
}

function optString(v: unknown, field: string): string | null | undefined {
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v !== 'string') throw jiraError(400, [], { [field]: `The ${field} must be a string.` });
  return v;
}

async function postSprint(ctx: RouteContext): Promise<RouteResult> {
  const body = await sprintBody(ctx);
  const name = optString(body.name, 'name');
  if (!name || !name.trim()) throw jiraError(400, [], { name: 'The sprint name must not be empty.' });
  if (typeof body.originBoardId !== 'number' || !Number.isInteger(body.originBoardId))
    throw jiraError(400, [], { originBoardId: 'The origin board id is required.' });
  const board = ctx.site.data.boards.get(body.originBoardId);
  if (!board || !canViewBoard(ctx.site, ctx.principal.accountId, board))
    throw jiraError(404, [
      `Board with id ${body.originBoardId} does not exist or you do not have permission to see it.`,
    ]);
  if (!canManageSprints(ctx.site, ctx.principal.accountId, board))
    throw jiraError(403, ['You do not have permission to manage sprints of this board.']);
  const startDate = parseDate(body.startDate, 'startDate') ?? undefined;
  const endDate = parseDate(body.endDate, 'endDate') ?? undefined;
  const goal = optString(body.goal, 'goal') ?? undefined;
  const sprint = createSprint(ctx.site, ctx.principal.accountId, ctx.now, {
    name,
    originBoardId: board.id,
    ...(startDate !== undefined ? { startDate } : {}),
    ...(endDate !== undefined ? { endDate } : {}),
    ...(goal !== undefined ? { goal } : {}),
  });
  return { status: 201, body: renderAgileSprint(rc(ctx), sprint) };
}

function checkState(v: unknown): Sprint['state'] | undefined {
  if (v === undefined || v === null) return undefined;
  if (v === 'future' || v === 'active' || v === 'closed') return v;
  throw jiraError(400, [`The sprint state '${String(v)}' is not valid. Valid values: future, active, closed.`]);
}

function sprintUpdate(full: boolean) {
  return async (ctx: RouteContext): Promise<RouteResult> => {
    const sprint = requireSprint(ctx);
    const board = ctx.site.data.boards.get(sprint.originBoardId);
    if (!board || !canManageSprints(ctx.site, ctx.principal.accountId, board))
      throw jiraError(403, ['You do not have permission to manage this sprint.']);
    const body = await sprintBody(ctx);
    const change: SprintChange = {};
    const name = optString(body.name, 'name');
    if (name === null || (full && name === undefined))
      throw jiraError(400, [], { name: 'The sprint name must not be empty.' });
    if (name !== undefined) change.name = name;
    const goal = optString(body.goal, 'goal');
    if (goal !== undefined || full) change.goal = goal ?? null;
    const state = checkState(body.state);
    if (state !== undefined) change.state = state;
    // A closed sprint takes only name and goal; its dates in the body are ignored, not rejected.
    if (sprint.state !== 'closed') {
      const start = parseDate(body.startDate, 'startDate');
      const end = parseDate(body.endDate, 'endDate');
      if (start !== undefined || full) change.startDate = start ?? null;
      if (end !== undefined || full) change.endDate = end ?? null;
    }
    const updated = updateSprint(ctx.site, ctx.principal.accountId, ctx.now, sprint.id, change);
    return { body: renderAgileSprint(rc(ctx), updated) };
  };
}

function removeSprint(ctx: RouteContext): RouteResult {
  const sprint = requireSprint(ctx);
  const board = ctx.site.data.boards.get(sprint.originBoardId);
  if (!board || !canManageSprints(ctx.site, ctx.principal.accountId, board))
    throw jiraError(403, ['You do not have permission to delete this sprint.']);
  deleteSprint(ctx.site, ctx.principal.accountId, ctx.now, sprint.id);
  return { status: 204 };
}

// ---------------------------------------------------------------------------------------------
// Membership, backlog, rank

interface IssuesBody {
  issues?: unknown;
  rankBeforeIssue?: unknown;
  rankAfterIssue?: unknown;
  rankCustomFieldId?: unknown;
}

async function issuesBody(ctx: RouteContext): Promise<{ body: IssuesBody; refs: string[] }> {
  const body = await ctx.json<unknown>();
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw jiraError(400, ['The request body must be a JSON object.']);
  const b = body as IssuesBody;
  if (!Array.isArray(b.issues) || b.issues.length === 0)
    throw jiraError(400, [], { issues: 'The list of issues must not be empty.' });
  if (b.issues.some((x) => typeof x !== 'string' && typeof x !== 'number'))
    throw jiraError(400, [], { issues: 'Issues must be given by id or key.' });
  const refs = [...new Set(b.issues.map(String))];
  if (refs.length > MAX_AGILE_ISSUES)
    throw jiraError(400, [`At most ${MAX_AGILE_ISSUES} issues can be moved or ranked at once.`]);
  return { body: b, refs };
}

function resolveVisible(ctx: RouteContext, ref: string): Issue {
  const issue = findIssue(ctx.site, ref);
  if (!issue || !visibleToAccount(ctx.site, ctx.principal.accountId, issue))
    throw jiraError(400, [`Issue '${ref}' does not exist or you do not have permission to see it.`]);
  return issue;
}

function rankField(ctx: RouteContext, raw: unknown): string {
  if (raw === undefined || raw === null) {
    const def = rankFieldId(ctx.site);
    if (!def) throw jiraError(400, ['There is no rank field on this site.']);
    return def;
  }
  const id = `customfield_${String(raw)}`;
  if (ctx.site.data.fields.get(id)?.schema.custom !== RANK_FIELD_TYPE)
    throw jiraError(400, [`The field with id ${String(raw)} is not a rank field.`]);
  return id;
}

type Anchor = { before: Issue } | { after: Issue } | undefined;

function anchorOf(ctx: RouteContext, body: IssuesBody, required: boolean): Anchor {
  const before = body.rankBeforeIssue;
  const after = body.rankAfterIssue;
  const has = (v: unknown): boolean => v !== undefined && v !== null && v !== '';
  if (has(before) && has(after)) throw jiraError(400, ['Only one of rankBeforeIssue and rankAfterIssue can be given.']);
  if (has(before)) return { before: resolveVisible(ctx, String(before)) };
  if (has(after)) return { after: resolveVisible(ctx, String(after)) };
  if (required) throw jiraError(400, ['One of rankBeforeIssue and rankAfterIssue is required.']);
  return undefined;
}

async function moveToSprint(ctx: RouteContext): Promise<RouteResult> {
  const sprint = requireSprint(ctx);
  const { body, refs } = await issuesBody(ctx);
  const issues = refs.map((r) => resolveVisible(ctx, r));
  for (const issue of issues)
    if (!canScheduleIssue(ctx.site, ctx.principal.accountId, issue, true))
      throw jiraError(403, [`You do not have permission to move issue ${issue.key} to a sprint.`]);
  const anchor = anchorOf(ctx, body, false);
  const field = anchor ? rankField(ctx, body.rankCustomFieldId) : undefined;
  moveIssuesToSprint(ctx.site, ctx.principal.accountId, ctx.now, sprint.id, issues);
  if (anchor) rankIssues(ctx.site, ctx.principal.accountId, ctx.now, issues, anchor, field);
  return { status: 204 };
}

async function moveToBacklog(ctx: RouteContext): Promise<RouteResult> {
  const { refs } = await issuesBody(ctx);
  const issues = refs.map((r) => resolveVisible(ctx, r));
  for (const issue of issues)
    if (!canScheduleIssue(ctx.site, ctx.principal.accountId, issue, true))
      throw jiraError(403, [`You do not have permission to move issue ${issue.key} to the backlog.`]);
  moveIssuesToBacklog(ctx.site, ctx.principal.accountId, ctx.now, issues);
  return { status: 204 };
}

async function rank(ctx: RouteContext): Promise<RouteResult> {
  const { body, refs } = await issuesBody(ctx);
  const anchor = anchorOf(ctx, body, true)!;
  const field = rankField(ctx, body.rankCustomFieldId);
  const anchorIssue = 'before' in anchor ? anchor.before : anchor.after;
  const entries: Array<Record<string, unknown>> = [];
  const ok: Issue[] = [];
  for (const ref of refs) {
    const issue = findIssue(ctx.site, ref);
    if (!issue || !visibleToAccount(ctx.site, ctx.principal.accountId, issue)) {
      entries.push({
        issueKey: ref,
        status: 404,
        errors: ['Issue does not exist or you do not have permission to see it.'],
      });
    } else if (issue.id === anchorIssue.id) {
      entries.push({
        issueId: Number(issue.id),
        issueKey: issue.key,
        status: 400,
        errors: ['An issue cannot be ranked relative to itself.'],
      });
    } else if (!canScheduleIssue(ctx.site, ctx.principal.accountId, issue, false)) {
      entries.push({
        issueId: Number(issue.id),
        issueKey: issue.key,
        status: 403,
        errors: ['You do not have permission to rank this issue.'],
      });
    } else {
      entries.push({ issueId: Number(issue.id), issueKey: issue.key, status: 200 });
      ok.push(issue);
    }
  }
  if (ok.length > 0) rankIssues(ctx.site, ctx.principal.accountId, ctx.now, ok, anchor, field);
  if (ok.length === refs.length) return { status: 204 };
  return { status: 207, body: { entries } };
}

export function registerAgileRoutes(table: RouteTable): void {
  const A = '/rest/agile/1.0';
  table.get(`${A}/board`, listBoards);
  table.get(`${A}/board/{boardId}`, getBoard);
  table.get(`${A}/board/{boardId}/configuration`, boardConfiguration);
  table.get(`${A}/board/{boardId}/sprint`, boardSprintList);
  table.get(`${A}/board/{boardId}/backlog`, boardBacklog);
  table.get(`${A}/board/{boardId}/issue`, boardIssueList);
  table.get(`${A}/board/{boardId}/properties`, boardPropertyKeys);
  table.get(`${A}/board/{boardId}/properties/{propertyKey}`, boardProperty);
  table.get(`${A}/sprint/{sprintId}`, getSprint);
  table.get(`${A}/sprint/{sprintId}/issue`, sprintIssueList);
  table.post(`${A}/sprint`, { handler: postSprint, write: true });
  table.post(`${A}/sprint/{sprintId}`, { handler: sprintUpdate(false), write: true });
  table.put(`${A}/sprint/{sprintId}`, { handler: sprintUpdate(true), write: true });
  table.delete(`${A}/sprint/{sprintId}`, { handler: removeSprint, write: true });
  table.post(`${A}/sprint/{sprintId}/issue`, { handler: moveToSprint, write: true });
  table.put(`${A}/issue/rank`, { handler: rank, write: true });
  table.post(`${A}/backlog/issue`, { handler: moveToBacklog, write: true });
}
