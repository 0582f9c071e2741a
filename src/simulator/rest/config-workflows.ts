/**
 * Statuses (the new /statuses API, the classic /status list, status categories), workflows through
 * the new workflow APIs (POST /workflows, GET /workflows/search) and workflow schemes (classic
 * reads, POST /workflowscheme/read, project associations).
 *
 * The new status and workflow APIs answer 401 (not 403) when the caller lacks the permission, as
 * the spec documents: Administer Jira sees everything; Administer projects sees the objects scoped
 * to the team-managed projects it administers (and, for statuses, the global ones).
 */
import { badRequest, jiraError, notFound } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import { renderStatus, renderStatusCategory } from '../render/common.js';
import {
  renderJiraStatus,
  renderWorkflow,
  renderWorkflowScheme,
  renderWorkflowSchemeRead,
  renderWorkflowStatus,
  statusCategoryEnum,
} from '../render/config.js';
import type { RouteContext, RouteResult } from '../services.js';
import type { Project, Status, Workflow, WorkflowScheme } from '../world/site.js';
import {
  administeredProjects,
  byId,
  checkExpand,
  containsIgnoreCase,
  expandSet,
  idListParam,
  isAdmin,
  listParam,
  optionalBool,
  orderByParam,
  pageBean,
  pageParams,
  projectsUsing,
  renderContext,
  requireAdmin,
  sortBy,
  viewableProjects,
  workflowIdFor,
} from './config-common.js';

const API = '/rest/api/3';

const unauthorized = (): never => {
  throw jiraError(401, ['You are not authorized to perform this action. Administrator privileges are required.']);
};

/** What the new status/workflow APIs let the caller see. */
interface ConfigScope {
  all: boolean;
  /** Team-managed projects whose scoped objects are visible. */
  projectIds: Set<string>;
}

function configScope(ctx: RouteContext): ConfigScope {
  if (isAdmin(ctx)) return { all: true, projectIds: new Set() };
  const projects = administeredProjects(ctx);
  if (projects.length === 0) unauthorized();
  return { all: false, projectIds: new Set(projects.map((p) => p.id)) };
}

// ---------------------------------------------------------------------------------------------
// Statuses

const CATEGORIES = ['TODO', 'IN_PROGRESS', 'DONE'];

function statusVisible(scope: ConfigScope, s: Status): boolean {
  return scope.all || !s.projectId || scope.projectIds.has(s.projectId);
}

function searchStatuses(ctx: RouteContext): RouteResult {
  const scope = configScope(ctx);
  const q = ctx.query;
  const page = pageParams(q, { defaultMax: 200, cap: 200 });
  const projectId = q.get('projectId') ?? '';
  const text = q.get('searchString') ?? '';
  if (text.length > 255) throw badRequest('', { searchString: 'The search string must not exceed 255 characters.' });
  const category = q.get('statusCategory') ?? '';
  if (category && !CATEGORIES.includes(category))
    throw badRequest('', { statusCategory: `'${category}' is not a valid status category.` });
  // No projectId searches the global statuses; a projectId searches that project's statuses.
  const list = [...ctx.site.data.statuses.values()].filter(
    (s) =>
      statusVisible(scope, s) &&
      (projectId ? s.projectId === projectId : !s.projectId) &&
      (!text || containsIgnoreCase(s.name, text)) &&
      (!category || statusCategoryEnum(ctx.site, s) === category),
  );
  const rc = renderContext(ctx);
  const body = pageBean(ctx, list, page, (s) => renderJiraStatus(rc, s));
  return { body, objects: body.values.length };
}

function statusesById(ctx: RouteContext): RouteResult {
  const scope = configScope(ctx);
  const ids = listParam(ctx.query, 'id');
  if (ids.length < 1 || ids.length > 50) throw badRequest('', { id: 'Provide between 1 and 50 status IDs.' });
  const rc = renderContext(ctx);
  const data = ctx.site.data;
  const body = [...new Set(ids)]
    .map((id) => data.statuses.get(id))
    .filter((s): s is Status => s !== undefined && statusVisible(scope, s))
    .map((s) => renderJiraStatus(rc, s));
  return { body, objects: body.length };
}

/** Statuses of the workflows that the projects the caller can view use. */
function allStatuses(ctx: RouteContext): RouteResult {
  const data = ctx.site.data;
  const ids = new Set<string>();
  for (const p of viewableProjects(ctx)) {
    for (const workflowId of projectWorkflowIds(ctx, p)) {
      for (const id of data.workflows.get(workflowId)?.statusIds ?? []) ids.add(id);
    }
  }
  const rc = renderContext(ctx);
  const body = [...data.statuses.values()].filter((s) => ids.has(s.id)).map((s) => renderStatus(rc, s));
  return { body, objects: body.length };
}

function projectWorkflowIds(ctx: RouteContext, p: Project): string[] {
  const scheme = ctx.site.data.workflowSchemes.get(p.workflowSchemeId);
  if (!scheme) return [];
  return [scheme.defaultWorkflowId, ...Object.values(scheme.issueTypeMappings)];
}

function statusCategories(ctx: RouteContext): RouteResult {
  const rc = renderContext(ctx);
  const body = [...ctx.site.data.statusCategories.keys()].map((id) => renderStatusCategory(rc, id));
  return { body, objects: body.length };
}

// ---------------------------------------------------------------------------------------------
// Workflows (new API)

function workflowVisible(scope: ConfigScope, w: Workflow): boolean {
  return scope.all || (w.scope.type === 'PROJECT' && scope.projectIds.has(w.scope.projectId));
}

/** The statuses a set of workflows references, each once, as JiraWorkflowStatus. */
function referencedStatuses(ctx: RouteContext, workflows: Workflow[]): Array<Record<string, unknown>> {
  const rc = renderContext(ctx);
  const seen = new Set<string>();
  const out: Array<Record<string, unknown>> = [];
  for (const w of workflows) {
    for (const id of w.statusIds) {
      const s = ctx.site.data.statuses.get(id);
      if (!s || seen.has(id)) continue;
      seen.add(id);
      out.push(renderWorkflowStatus(rc, s));
    }
  }
  return out;
}

function stringArray(value: unknown, name: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw badRequest('', { [name]: `${name} must be a list of strings.` });
  return value as string[];
}

async function readWorkflows(ctx: RouteContext): Promise<RouteResult> {
  const body = await ctx.json<Record<string, unknown>>();
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('The request body is invalid.');
  const scope = configScope(ctx);
  const ids = stringArray(body.workflowIds, 'workflowIds');
  const names = stringArray(body.workflowNames, 'workflowNames');
  const pairsRaw = body.projectAndIssueTypes ?? [];
  if (!Array.isArray(pairsRaw)) throw badRequest('', { projectAndIssueTypes: 'projectAndIssueTypes must be a list.' });
  const data = ctx.site.data;
  const wanted = new Set<string>();
  for (const id of ids) if (data.workflows.has(id)) wanted.add(id);
  for (const name of names) {
    for (const w of data.workflows.values()) if (w.name === name) wanted.add(w.id);
  }
  for (const pair of pairsRaw as Array<Record<string, unknown>>) {
    const projectId = typeof pair?.projectId === 'string' ? pair.projectId : undefined;
    const issueTypeId = typeof pair?.issueTypeId === 'string' ? pair.issueTypeId : undefined;
    if (!projectId || !issueTypeId)
      throw badRequest('', { projectAndIssueTypes: 'Each pair needs a projectId and an issueTypeId.' });
    const p = data.projects.get(projectId);
    if (!p || p.status === 'deleted') continue;
    const id = workflowIdFor(ctx, p, issueTypeId);
    if (id && data.workflows.has(id)) wanted.add(id);
  }
  const workflows = [...data.workflows.values()].filter((w) => wanted.has(w.id) && workflowVisible(scope, w));
  const rc = renderContext(ctx);
  return {
    body: {
      statuses: referencedStatuses(ctx, workflows),
      workflows: workflows.map((w) => renderWorkflow(rc, w, { transitions: true })),
    },
    objects: workflows.length,
  };
}

/** A workflow is active when a project (not in the trash) uses a scheme that maps it. */
function activeWorkflowIds(ctx: RouteContext): Set<string> {
  const out = new Set<string>();
  for (const p of ctx.site.data.projects.values()) {
    if (p.status === 'deleted') continue;
    for (const id of projectWorkflowIds(ctx, p)) out.add(id);
  }
  return out;
}

function searchWorkflows(ctx: RouteContext): RouteResult {
  const scope = configScope(ctx);
  const q = ctx.query;
  const page = pageParams(q, { defaultMax: 50, cap: 100 });
  const expand = expandSet(q);
  checkExpand(expand, ['values.transitions']);
  const order = orderByParam(q, ['name', 'created', 'updated']);
  const wantScope = q.get('scope') ?? '';
  if (wantScope && wantScope !== 'GLOBAL' && wantScope !== 'PROJECT')
    throw badRequest('', { scope: `'${wantScope}' is not a valid scope.` });
  const text = q.get('queryString') ?? '';
  const active = optionalBool(q, 'isActive');
  const activeIds = active === undefined ? undefined : activeWorkflowIds(ctx);
  let list = [...ctx.site.data.workflows.values()].filter(
    (w) =>
      workflowVisible(scope, w) &&
      (!wantScope || w.scope.type === wantScope) &&
      (!text || containsIgnoreCase(w.name, text)) &&
      (activeIds === undefined || activeIds.has(w.id) === active),
  );
  if (order) {
    const fns: Record<string, (w: Workflow) => string | number> = {
      name: (w) => w.name,
      created: (w) => w.created,
      updated: (w) => w.updated,
    };
    list = sortBy(list, fns[order.field]!, order.desc);
  }
  const rc = renderContext(ctx);
  const transitions = expand.has('values.transitions');
  const bean = pageBean(ctx, list, page, (w) => w);
  const body = {
    ...bean,
    statuses: referencedStatuses(ctx, bean.values),
    values: bean.values.map((w) => renderWorkflow(rc, w, { transitions })),
  };
  return { body, objects: body.values.length };
}

// ---------------------------------------------------------------------------------------------
// Workflow schemes

const WF_SCHEME_ADMIN = 'Only Jira administrators can access workflow schemes.';

function workflowSchemes(ctx: RouteContext): RouteResult {
  requireAdmin(ctx, WF_SCHEME_ADMIN);
  const page = pageParams(ctx.query, { defaultMax: 50, cap: 100 });
  const rc = renderContext(ctx);
  const list = [...ctx.site.data.workflowSchemes.values()].sort(byId);
  const body = pageBean(ctx, list, page, (s) => renderWorkflowScheme(rc, s));
  return { body, objects: body.values.length };
}

function getWorkflowScheme(ctx: RouteContext): RouteResult {
  requireAdmin(ctx, WF_SCHEME_ADMIN);
  const id = ctx.params.id ?? '';
  const s = /^\d+$/.test(id) ? ctx.site.data.workflowSchemes.get(id) : undefined;
  if (!s) throw notFound(`The workflow scheme with ID ${id} was not found.`);
  return { body: renderWorkflowScheme(renderContext(ctx), s, { draftFlag: true }), objects: 1 };
}

/** The team-managed project a scheme belongs to, when only team-managed projects use it. */
function schemeProjectScope(ctx: RouteContext, s: WorkflowScheme): string | undefined {
  const users = projectsUsing(ctx, 'workflowSchemeId', s.id);
  if (users.length > 0 && users.every((p) => p.style === 'next-gen')) return users[0]!.id;
  return undefined;
}

async function readWorkflowSchemes(ctx: RouteContext): Promise<RouteResult> {
  const body = await ctx.json<Record<string, unknown>>();
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('The request body is invalid.');
  const ids = stringArray(body.workflowSchemeIds, 'workflowSchemeIds');
  const projectIds = stringArray(body.projectIds, 'projectIds');
  const admin = isAdmin(ctx);
  const administered = admin ? undefined : new Set(administeredProjects(ctx).map((p) => p.id));
  if (administered && administered.size === 0) unauthorized();
  const data = ctx.site.data;
  const wanted: WorkflowScheme[] = [];
  const add = (s: WorkflowScheme | undefined): void => {
    if (s && !wanted.includes(s)) wanted.push(s);
  };
  for (const id of ids) add(data.workflowSchemes.get(id));
  for (const id of projectIds) {
    const p = data.projects.get(id);
    if (p && p.status !== 'deleted') add(data.workflowSchemes.get(p.workflowSchemeId));
  }
  const rc = renderContext(ctx);
  const out = wanted
    .map((s) => ({ s, scopeProjectId: schemeProjectScope(ctx, s) }))
    .filter(({ scopeProjectId }) => admin || (scopeProjectId !== undefined && administered!.has(scopeProjectId)))
    .map(({ s, scopeProjectId }) => renderWorkflowSchemeRead(rc, s, scopeProjectId));
  return { body: out, objects: out.length };
}

function workflowSchemeProjects(ctx: RouteContext): RouteResult {
  requireAdmin(ctx, 'Only Jira administrators can access workflow scheme associations.');
  const ids = idListParam(ctx.query, 'projectId');
  if (ids.length === 0) throw badRequest('', { projectId: 'The ID of a project has to be provided.' });
  if (ids.length > 100) throw badRequest('', { projectId: 'Up to 100 project IDs can be provided.' });
  const data = ctx.site.data;
  const groups = new Map<string, { scheme: WorkflowScheme; projectIds: string[] }>();
  for (const id of ids) {
    const p = data.projects.get(id);
    if (!p || p.status === 'deleted' || p.style !== 'classic') continue;
    const s = data.workflowSchemes.get(p.workflowSchemeId);
    if (!s) continue;
    const g = groups.get(s.id) ?? { scheme: s, projectIds: [] };
    if (!g.projectIds.includes(p.id)) g.projectIds.push(p.id);
    groups.set(s.id, g);
  }
  const rc = renderContext(ctx);
  const values = [...groups.values()].map((g) => ({
    projectIds: g.projectIds,
    workflowScheme: renderWorkflowScheme(rc, g.scheme),
  }));
  return { body: { values }, objects: values.length };
}

export function registerWorkflowConfigRoutes(t: RouteTable): void {
  t.get(`${API}/statuses/search`, searchStatuses);
  t.get(`${API}/statuses`, statusesById);
  t.get(`${API}/status`, allStatuses);
  t.get(`${API}/statuscategory`, statusCategories);
  t.post(`${API}/workflows`, readWorkflows);
  t.get(`${API}/workflows/search`, searchWorkflows);
  t.get(`${API}/workflowscheme`, workflowSchemes);
  t.get(`${API}/workflowscheme/{id}`, getWorkflowScheme);
  t.post(`${API}/workflowscheme/read`, readWorkflowSchemes);
  t.get(`${API}/workflowscheme/project`, workflowSchemeProjects);
}
