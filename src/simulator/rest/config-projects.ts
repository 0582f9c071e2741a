/**
 * Project configuration reads: project search and details, project properties, components,
 * versions, roles (and their actors), statuses per issue type, the project's permission and
 * notification schemes, project categories and the site's project roles.
 */
import { badRequest, forbidden, notFound } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import {
  renderComponent,
  renderNotificationScheme,
  renderPermissionScheme,
  renderProject,
  renderProjectCategory,
  renderProjectRole,
  renderRoleActors,
  renderRoleDetails,
  renderVersionFull,
  projectIssueTypes,
  type ProjectInsight,
  type VersionIssueStatus,
} from '../render/config.js';
import { renderStatus, restBase } from '../render/common.js';
import type { RouteContext, RouteResult } from '../services.js';
import type { Component, Issue, Project, Version } from '../world/site.js';
import { findProject, hasProjectPermission, projectRoleIdsOf } from '../world/queries.js';
import {
  boolParam,
  canAdministerProject,
  canViewProject,
  checkExpand,
  containsIgnoreCase,
  expandSet,
  idListParam,
  isAdmin,
  listParam,
  orderByParam,
  pageBean,
  pageParams,
  projectsUsing,
  renderContext,
  requireAdmin,
  sortBy,
  workflowIdFor,
} from './config-common.js';

const API = '/rest/api/3';

// ---------------------------------------------------------------------------------------------
// Lookups

/** The project if the caller may view it; 404 with Jira's message otherwise. */
export function visibleProject(ctx: RouteContext, idOrKey: string): Project {
  const p = findProject(ctx.site, idOrKey);
  if (!p || !canViewProject(ctx, p)) {
    const what = /^\d+$/.test(idOrKey) ? 'id' : 'key';
    throw notFound(`No project could be found with ${what} '${idOrKey}'.`);
  }
  return p;
}

function projectParam(ctx: RouteContext): Project {
  return visibleProject(ctx, ctx.params.projectIdOrKey ?? ctx.params.projectKeyOrId ?? '');
}

/** Issue counts and last update per project, in one pass over the issues. */
function projectInsights(ctx: RouteContext): Map<string, ProjectInsight> {
  const out = new Map<string, ProjectInsight>();
  for (const issue of ctx.site.data.issues.values()) {
    if (issue.archived) continue;
    const cur = out.get(issue.projectId) ?? { totalIssueCount: 0 };
    cur.totalIssueCount += 1;
    if (cur.lastIssueUpdateTime === undefined || issue.updated > cur.lastIssueUpdateTime)
      cur.lastIssueUpdateTime = issue.updated;
    out.set(issue.projectId, cur);
  }
  return out;
}

function projectIssues(ctx: RouteContext, p: Project): Issue[] {
  return [...ctx.site.data.issues.values()].filter((i) => i.projectId === p.id && !i.archived);
}

function idsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function today(ctx: RouteContext): string {
  return new Date(ctx.now).toISOString().slice(0, 10);
}

/** Issue counts per status category of the issues that have a version as fix version. */
function versionIssueStatus(ctx: RouteContext, v: Version): VersionIssueStatus {
  const out: VersionIssueStatus = { toDo: 0, inProgress: 0, done: 0, unmapped: 0 };
  const data = ctx.site.data;
  for (const issue of data.issues.values()) {
    if (issue.projectId !== v.projectId || !idsOf(issue.fields.fixVersions).includes(v.id)) continue;
    const status = data.statuses.get(String(issue.fields.status));
    const key = status ? data.statusCategories.get(status.statusCategoryId)?.key : undefined;
    if (key === 'new') out.toDo += 1;
    else if (key === 'indeterminate') out.inProgress += 1;
    else if (key === 'done') out.done += 1;
    else out.unmapped += 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// GET /project/search

const PROJECT_EXPANDS = ['description', 'lead', 'issueTypes', 'url', 'projectKeys', 'permissions', 'insight'];
const PROJECT_ORDER = [
  'category',
  'key',
  'name',
  'owner',
  'issueCount',
  'lastIssueUpdatedDate',
  'archivedDate',
  'deletedDate',
];
const PROJECT_STATUSES = ['live', 'archived', 'deleted'];

function searchProjects(ctx: RouteContext): RouteResult {
  const q = ctx.query;
  const page = pageParams(q, { defaultMax: 50, cap: 100 });
  const expand = expandSet(q);
  checkExpand(expand, PROJECT_EXPANDS);
  const order = orderByParam(q, PROJECT_ORDER, 'key')!;
  const statuses = listParam(q, 'status');
  for (const s of statuses) {
    if (!PROJECT_STATUSES.includes(s)) throw badRequest(`The value '${s}' is not a valid project status.`);
  }
  const wanted = new Set(statuses.length > 0 ? statuses : ['live']);
  const ids = idListParam(q, 'id');
  const keys = listParam(q, 'keys').map((k) => k.toUpperCase());
  if (ids.length > 50 || keys.length > 50) throw badRequest('Up to 50 project IDs or keys can be provided.');
  const text = q.get('query') ?? '';
  const types = listParam(q, 'typeKey');
  const categoryId = q.get('categoryId');
  if (categoryId && !ctx.site.data.projectCategories.has(categoryId))
    throw notFound(`No project category could be found with id '${categoryId}'.`);
  const action = q.get('action') ?? 'view';
  if (!['view', 'browse', 'edit', 'create'].includes(action)) throw badRequest(`'${action}' is not a valid action.`);
  const admin = isAdmin(ctx);
  const me = ctx.principal.accountId;

  const permitted = (p: Project): boolean => {
    if (p.status !== 'live') return admin && action !== 'browse' && action !== 'create';
    switch (action) {
      case 'browse':
        return hasProjectPermission(ctx.site, me, p, 'BROWSE_PROJECTS');
      case 'edit':
        return canAdministerProject(ctx, p);
      case 'create':
        return hasProjectPermission(ctx.site, me, p, 'CREATE_ISSUES');
      default:
        return canViewProject(ctx, p);
    }
  };

  const matches = [...ctx.site.data.projects.values()].filter((p) => {
    if (!wanted.has(p.status) || !permitted(p)) return false;
    if (ids.length > 0 && !ids.includes(p.id)) return false;
    if (keys.length > 0 && !keys.includes(p.key) && !p.previousKeys.some((k) => keys.includes(k))) return false;
    if (text && !containsIgnoreCase(p.key, text) && !containsIgnoreCase(p.name, text)) return false;
    if (types.length > 0 && !types.includes(p.projectTypeKey)) return false;
    if (categoryId && p.categoryId !== categoryId) return false;
    return true;
  });

  const needInsight = expand.has('insight') || order.field === 'issueCount' || order.field === 'lastIssueUpdatedDate';
  const insights = needInsight ? projectInsights(ctx) : new Map<string, ProjectInsight>();
  const insightOf = (p: Project): ProjectInsight => insights.get(p.id) ?? { totalIssueCount: 0 };
  const accounts = ctx.sim.world.accounts;
  const categories = ctx.site.data.projectCategories;
  const keyFns: Record<string, (p: Project) => string | number> = {
    category: (p) => (p.categoryId ? (categories.get(p.categoryId)?.name ?? '') : ''),
    key: (p) => p.key,
    name: (p) => p.name,
    owner: (p) => accounts.get(p.leadAccountId)?.displayName ?? '',
    issueCount: (p) => insightOf(p).totalIssueCount,
    lastIssueUpdatedDate: (p) => insightOf(p).lastIssueUpdateTime ?? 0,
    archivedDate: (p) => p.archivedAt ?? 0,
    deletedDate: (p) => p.deletedAt ?? 0,
  };
  sortBy(matches, keyFns[order.field]!, order.desc);

  const rc = renderContext(ctx);
  const propertyKeys = listParam(q, 'properties');
  const body = pageBean(ctx, matches, page, (p) =>
    renderProject(rc, p, {
      expand,
      full: false,
      propertyKeys,
      insight: insightOf(p),
      canEdit: canAdministerProject(ctx, p),
    }),
  );
  return { body, objects: body.values.length };
}

// ---------------------------------------------------------------------------------------------
// GET /project/{projectIdOrKey} and properties

function getProject(ctx: RouteContext): RouteResult {
  const p = projectParam(ctx);
  const expand = expandSet(ctx.query);
  const rc = renderContext(ctx);
  const body = renderProject(rc, p, {
    expand,
    full: true,
    propertyKeys: listParam(ctx.query, 'properties'),
    insight: projectInsights(ctx).get(p.id) ?? { totalIssueCount: 0 },
    canEdit: canAdministerProject(ctx, p),
  });
  return { body, objects: 1 };
}

function projectPropertyKeys(ctx: RouteContext): RouteResult {
  const p = projectParam(ctx);
  const base = restBase(renderContext(ctx));
  const keys = [...p.properties.keys()].map((key) => ({
    key,
    self: `${base}/project/${p.id}/properties/${encodeURIComponent(key)}`,
  }));
  // A list of property keys names no objects (as for issue properties): it costs the base point.
  return { body: { keys } };
}

function projectProperty(ctx: RouteContext): RouteResult {
  const p = projectParam(ctx);
  const key = ctx.params.propertyKey ?? '';
  if (!p.properties.has(key)) throw notFound(`The property with key '${key}' does not exist.`);
  return { body: { key, value: p.properties.get(key) }, objects: 1 };
}

// ---------------------------------------------------------------------------------------------
// Components

function componentIssueCounts(ctx: RouteContext, p: Project): Map<string, number> {
  const counts = new Map<string, number>();
  for (const issue of projectIssues(ctx, p)) {
    for (const id of idsOf(issue.fields.components)) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

function projectComponentsPage(ctx: RouteContext): RouteResult {
  const p = projectParam(ctx);
  const q = ctx.query;
  const page = pageParams(q, { defaultMax: 50, cap: 100 });
  const order = orderByParam(q, ['description', 'issueCount', 'lead', 'name']);
  const source = q.get('componentSource') ?? 'jira';
  if (!['jira', 'compass', 'auto'].includes(source)) throw badRequest(`'${source}' is not a valid component source.`);
  const text = q.get('query') ?? '';
  // The simulated projects are not opted into Compass: `compass` has no components, `auto` gives Jira's.
  let list: Component[] =
    source === 'compass'
      ? []
      : [...p.components.values()].filter(
          (c) => !text || containsIgnoreCase(c.name, text) || containsIgnoreCase(c.description, text),
        );
  const counts = componentIssueCounts(ctx, p);
  if (order) {
    const accounts = ctx.sim.world.accounts;
    const fns: Record<string, (c: Component) => string | number> = {
      description: (c) => c.description,
      issueCount: (c) => counts.get(c.id) ?? 0,
      lead: (c) => (c.leadAccountId ? (accounts.get(c.leadAccountId)?.displayName ?? '') : ''),
      name: (c) => c.name,
    };
    list = sortBy(list, fns[order.field]!, order.desc);
  }
  const rc = renderContext(ctx);
  const body = pageBean(ctx, list, page, (c) => renderComponent(rc, c, p, counts.get(c.id) ?? 0));
  return { body, objects: body.values.length };
}

function projectComponents(ctx: RouteContext): RouteResult {
  const p = projectParam(ctx);
  const source = ctx.query.get('componentSource') ?? 'jira';
  const rc = renderContext(ctx);
  const body = source === 'compass' ? [] : [...p.components.values()].map((c) => renderComponent(rc, c, p));
  return { body, objects: body.length };
}

function getComponent(ctx: RouteContext): RouteResult {
  const id = ctx.params.id ?? '';
  for (const p of ctx.site.data.projects.values()) {
    const c = p.components.get(id);
    if (c && canViewProject(ctx, p)) return { body: renderComponent(renderContext(ctx), c, p), objects: 1 };
  }
  throw notFound(`The component with id ${id} does not exist.`);
}

// ---------------------------------------------------------------------------------------------
// Versions

const VERSION_EXPANDS = ['issuesstatus', 'operations', 'driver', 'approvers'];

function versionMatchesStatus(v: Version, statuses: string[]): boolean {
  if (statuses.length === 0) return true;
  return statuses.some((s) =>
    s === 'archived' ? v.archived : s === 'released' ? v.released && !v.archived : !v.released && !v.archived,
  );
}

function projectVersionsPage(ctx: RouteContext): RouteResult {
  const p = projectParam(ctx);
  const q = ctx.query;
  const page = pageParams(q, { defaultMax: 50, cap: 100 });
  const order = orderByParam(q, ['description', 'name', 'releaseDate', 'sequence', 'startDate']);
  const expand = expandSet(q);
  checkExpand(expand, VERSION_EXPANDS);
  const statuses = listParam(q, 'status');
  for (const s of statuses) {
    if (!['released', 'unreleased', 'archived'].includes(s)) throw badRequest(`'${s}' is not a valid version status.`);
  }
  const text = q.get('query') ?? '';
  let list = [...p.versions.values()].filter(
    (v) =>
      versionMatchesStatus(v, statuses) &&
      (!text || containsIgnoreCase(v.name, text) || containsIgnoreCase(v.description, text)),
  );
  if (order && order.field !== 'sequence') {
    // Versions without the date sort last, in either direction.
    const missing = order.desc ? '' : '\uffff';
    const fns: Record<string, (v: Version) => string> = {
      description: (v) => v.description,
      name: (v) => v.name,
      releaseDate: (v) => v.releaseDate ?? missing,
      startDate: (v) => v.startDate ?? missing,
    };
    list = sortBy(list, fns[order.field]!, order.desc);
  } else if (order?.desc) list.reverse();
  const rc = renderContext(ctx);
  const day = today(ctx);
  const body = pageBean(ctx, list, page, (v) =>
    renderVersionFull(rc, v, {
      today: day,
      operations: expand.has('operations'),
      ...(expand.has('issuesstatus') ? { issuesStatus: versionIssueStatus(ctx, v) } : {}),
    }),
  );
  return { body, objects: body.values.length };
}

function projectVersions(ctx: RouteContext): RouteResult {
  const p = projectParam(ctx);
  const expand = expandSet(ctx.query);
  const rc = renderContext(ctx);
  const day = today(ctx);
  const body = [...p.versions.values()].map((v) =>
    renderVersionFull(rc, v, { today: day, operations: expand.has('operations') }),
  );
  return { body, objects: body.length };
}

function getVersion(ctx: RouteContext): RouteResult {
  const id = ctx.params.id ?? '';
  const expand = expandSet(ctx.query);
  for (const p of ctx.site.data.projects.values()) {
    const v = p.versions.get(id);
    if (!v || !canViewProject(ctx, p)) continue;
    const body = renderVersionFull(renderContext(ctx), v, {
      today: today(ctx),
      operations: expand.has('operations'),
      ...(expand.has('issuesstatus') ? { issuesStatus: versionIssueStatus(ctx, v) } : {}),
    });
    return { body, objects: 1 };
  }
  throw notFound(`Could not find version for id '${id}'`);
}

// ---------------------------------------------------------------------------------------------
// Roles

/**
 * Project role reads need Administer projects (for this project, or for any project in the case of
 * the name → URL map) or Administer Jira. Jira answers 404 when the caller lacks it.
 */
function roleProject(ctx: RouteContext, anyProject: boolean): Project {
  const p = projectParam(ctx);
  const allowed = anyProject
    ? isAdmin(ctx) || [...ctx.site.data.projects.values()].some((x) => canAdministerProject(ctx, x))
    : canAdministerProject(ctx, p);
  if (!allowed) throw notFound(`No project could be found with key '${ctx.params.projectIdOrKey}'.`);
  return p;
}

function projectRoles(ctx: RouteContext): RouteResult {
  const p = roleProject(ctx, true);
  const base = restBase(renderContext(ctx));
  const body: Record<string, string> = {};
  for (const r of ctx.site.data.roles.values()) body[r.name] = `${base}/project/${p.id}/role/${r.id}`;
  return { body, objects: ctx.site.data.roles.size };
}

function projectRole(ctx: RouteContext): RouteResult {
  const rawId = ctx.params.id ?? '';
  if (!/^\d+$/.test(rawId)) throw badRequest(`The project role id '${rawId}' is not valid.`);
  const p = roleProject(ctx, false);
  const role = ctx.site.data.roles.get(rawId);
  if (!role) throw notFound(`Can not retrieve a role actor for a null project role.`);
  const rc = renderContext(ctx);
  const actors = renderRoleActors(rc, p, role, {
    excludeInactiveUsers: boolParam(ctx.query, 'excludeInactiveUsers', false),
  });
  const mine = projectRoleIdsOf(ctx.site, p, ctx.principal.accountId);
  return {
    body: renderProjectRole(rc, role, { project: p, actors, currentUserRole: mine.has(role.id) }),
    objects: 1,
    identityObjects: actors.length,
  };
}

function projectRoleDetails(ctx: RouteContext): RouteResult {
  const p = roleProject(ctx, false);
  const rc = renderContext(ctx);
  const onlyMine = boolParam(ctx.query, 'currentMember', false);
  const mine = projectRoleIdsOf(ctx.site, p, ctx.principal.accountId);
  const body = [...ctx.site.data.roles.values()]
    .filter((r) => !onlyMine || mine.has(r.id))
    .map((r) => renderRoleDetails(rc, r, p));
  return { body, objects: body.length };
}

function allRoles(ctx: RouteContext): RouteResult {
  requireAdmin(ctx, 'You do not have permission to view project roles.');
  const rc = renderContext(ctx);
  // Default actors of roles are not modelled: every role lists none.
  const body = [...ctx.site.data.roles.values()].map((r) => renderProjectRole(rc, r, { actors: [] }));
  return { body, objects: body.length };
}

// ---------------------------------------------------------------------------------------------
// Statuses, schemes, categories

function projectStatuses(ctx: RouteContext): RouteResult {
  const p = projectParam(ctx);
  const rc = renderContext(ctx);
  const data = ctx.site.data;
  const body = projectIssueTypes(ctx.site, p).map((t) => {
    const wf = data.workflows.get(workflowIdFor(ctx, p, t.id) ?? '');
    const statuses = (wf?.statusIds ?? [])
      .map((id) => data.statuses.get(id))
      .filter((s) => s !== undefined)
      .map((s) => renderStatus(rc, s));
    return { self: `${restBase(rc)}/issuetype/${t.id}`, id: t.id, name: t.name, subtask: t.subtask, statuses };
  });
  return { body, objects: body.length };
}

function projectPermissionScheme(ctx: RouteContext): RouteResult {
  const p = projectParam(ctx);
  if (!canAdministerProject(ctx, p)) throw forbidden("You don't have permission to view the project's configuration.");
  const scheme = ctx.site.data.permissionSchemes.get(p.permissionSchemeId);
  if (!scheme) throw notFound('The permission scheme of the project was not found.');
  const body = renderPermissionScheme(renderContext(ctx), scheme, expandSet(ctx.query));
  return { body, identityObjects: 1 };
}

function projectNotificationScheme(ctx: RouteContext): RouteResult {
  const p = projectParam(ctx);
  if (!canAdministerProject(ctx, p))
    throw notFound(`No project could be found with key '${ctx.params.projectKeyOrId}'.`);
  const scheme = ctx.site.data.notificationSchemes.get(p.notificationSchemeId);
  if (!scheme) throw notFound('The notification scheme of the project was not found.');
  const users = projectsUsing(ctx, 'notificationSchemeId', scheme.id).map((x) => x.id);
  const body = renderNotificationScheme(renderContext(ctx), scheme, expandSet(ctx.query), users);
  return { body, objects: 1 };
}

function projectCategories(ctx: RouteContext): RouteResult {
  const rc = renderContext(ctx);
  const body = [...ctx.site.data.projectCategories.values()].map((c) => renderProjectCategory(rc, c));
  return { body, objects: body.length };
}

export function registerProjectConfigRoutes(t: RouteTable): void {
  t.get(`${API}/project/search`, searchProjects);
  t.get(`${API}/project/{projectIdOrKey}`, getProject);
  t.get(`${API}/project/{projectIdOrKey}/properties`, projectPropertyKeys);
  t.get(`${API}/project/{projectIdOrKey}/properties/{propertyKey}`, projectProperty);
  t.get(`${API}/project/{projectIdOrKey}/component`, projectComponentsPage);
  t.get(`${API}/project/{projectIdOrKey}/components`, projectComponents);
  t.get(`${API}/project/{projectIdOrKey}/version`, projectVersionsPage);
  t.get(`${API}/project/{projectIdOrKey}/versions`, projectVersions);
  t.get(`${API}/project/{projectIdOrKey}/role`, projectRoles);
  t.get(`${API}/project/{projectIdOrKey}/role/{id}`, projectRole);
  t.get(`${API}/project/{projectIdOrKey}/roledetails`, projectRoleDetails);
  t.get(`${API}/project/{projectIdOrKey}/statuses`, projectStatuses);
  t.get(`${API}/project/{projectKeyOrId}/permissionscheme`, projectPermissionScheme);
  t.get(`${API}/project/{projectKeyOrId}/notificationscheme`, projectNotificationScheme);
  t.get(`${API}/projectCategory`, projectCategories);
  t.get(`${API}/role`, allRoles);
  t.get(`${API}/component/{id}`, getComponent);
  t.get(`${API}/version/{id}`, getVersion);
}
