/**
 * Issue types, issue type schemes and issue type screen schemes (with their item mappings and
 * project associations). Scheme reads need Administer Jira and list only schemes used by
 * company-managed projects, as Jira's do.
 */
import { badRequest, notFound } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import {
  nestedPage,
  projectIssueTypes,
  renderIssueTypeDetails,
  renderIssueTypeScheme,
  renderIssueTypeScreenScheme,
  renderProjectDetails,
} from '../render/config.js';
import type { RouteContext, RouteResult } from '../services.js';
import type { IssueType, IssueTypeScheme, IssueTypeScreenScheme, Project } from '../world/site.js';
import {
  byId,
  checkExpand,
  containsIgnoreCase,
  expandSet,
  idListParam,
  isAdmin,
  isClassicScheme,
  orderByParam,
  pageBean,
  pageParams,
  projectsUsing,
  renderContext,
  requireAdmin,
  sortBy,
  viewableProjects,
} from './config-common.js';

const API = '/rest/api/3';
const PAGE = { defaultMax: 50, cap: 100 };

/** Issue types the caller may see: all for Jira admins, else those of the projects they can view. */
function visibleIssueTypes(ctx: RouteContext): IssueType[] {
  const all = [...ctx.site.data.issueTypes.values()];
  if (isAdmin(ctx)) return all;
  const ids = new Set<string>();
  for (const p of viewableProjects(ctx)) for (const t of projectIssueTypes(ctx.site, p)) ids.add(t.id);
  return all.filter((t) => ids.has(t.id));
}

function allIssueTypes(ctx: RouteContext): RouteResult {
  const rc = renderContext(ctx);
  const body = visibleIssueTypes(ctx).map((t) => renderIssueTypeDetails(rc, t));
  return { body, objects: body.length };
}

function getIssueType(ctx: RouteContext): RouteResult {
  const id = ctx.params.id ?? '';
  if (!/^\d+$/.test(id)) throw badRequest(`The issue type ID '${id}' is invalid.`);
  const t = visibleIssueTypes(ctx).find((x) => x.id === id);
  if (!t) throw notFound(`Issue type with ID '${id}' could not be found.`);
  return { body: renderIssueTypeDetails(renderContext(ctx), t), objects: 1 };
}

// ---------------------------------------------------------------------------------------------
// Issue type schemes

function classicIssueTypeSchemes(ctx: RouteContext): IssueTypeScheme[] {
  return [...ctx.site.data.issueTypeSchemes.values()].filter((s) =>
    isClassicScheme(projectsUsing(ctx, 'issueTypeSchemeId', s.id)),
  );
}

const SCHEME_ADMIN = 'Only Jira administrators can access issue type schemes.';

function issueTypeSchemes(ctx: RouteContext): RouteResult {
  requireAdmin(ctx, SCHEME_ADMIN);
  const q = ctx.query;
  const page = pageParams(q, PAGE);
  const ids = idListParam(q, 'id');
  const order = orderByParam(q, ['name', 'id'], 'id')!;
  const expand = expandSet(q);
  checkExpand(expand, ['projects', 'issueTypes']);
  const text = q.get('queryString') ?? '';
  let list = classicIssueTypeSchemes(ctx).filter(
    (s) => (ids.length === 0 || ids.includes(s.id)) && (!text || containsIgnoreCase(s.name, text)),
  );
  list = sortBy(list, order.field === 'name' ? (s) => s.name : (s) => Number(s.id), order.desc);
  const rc = renderContext(ctx);
  const body = pageBean(ctx, list, page, (s) => {
    const out = renderIssueTypeScheme(s);
    if (expand.has('projects')) {
      const users = projectsUsing(ctx, 'issueTypeSchemeId', s.id).filter((p) => p.style === 'classic');
      if (users.length > 0) out.projects = nestedPage(users.map((p) => renderProjectDetails(rc, p)));
    }
    if (expand.has('issueTypes')) {
      const types = s.issueTypeIds
        .map((id) => ctx.site.data.issueTypes.get(id))
        .filter((t) => t !== undefined)
        .map((t) => renderIssueTypeDetails(rc, t));
      out.issueTypes = nestedPage(types);
    }
    return out;
  });
  return { body, objects: body.values.length };
}

function issueTypeSchemeMapping(ctx: RouteContext): RouteResult {
  requireAdmin(ctx, SCHEME_ADMIN);
  const q = ctx.query;
  const page = pageParams(q, PAGE);
  const ids = idListParam(q, 'issueTypeSchemeId');
  const rows: Array<{ issueTypeSchemeId: string; issueTypeId: string }> = [];
  for (const s of classicIssueTypeSchemes(ctx).sort(byId)) {
    if (ids.length > 0 && !ids.includes(s.id)) continue;
    for (const issueTypeId of s.issueTypeIds) rows.push({ issueTypeSchemeId: s.id, issueTypeId });
  }
  const body = pageBean(ctx, rows, page, (r) => r);
  return { body, objects: body.values.length };
}

/** Groups the requested company-managed projects by the scheme they use. */
function groupProjects<S extends { id: string }>(
  ctx: RouteContext,
  schemeOf: (p: Project) => S | undefined,
): Array<{ scheme: S; projectIds: string[] }> {
  const requested = idListParam(ctx.query, 'projectId');
  if (requested.length === 0) throw badRequest('', { projectId: 'The ID of a project has to be provided.' });
  const groups = new Map<string, { scheme: S; projectIds: string[] }>();
  for (const id of requested) {
    const p = ctx.site.data.projects.get(id);
    if (!p || p.status === 'deleted' || p.style !== 'classic') continue;
    const scheme = schemeOf(p);
    if (!scheme) continue;
    const g = groups.get(scheme.id) ?? { scheme, projectIds: [] };
    if (!g.projectIds.includes(p.id)) g.projectIds.push(p.id);
    groups.set(scheme.id, g);
  }
  return [...groups.values()].sort((a, b) => byId(a.scheme, b.scheme));
}

function issueTypeSchemeProjects(ctx: RouteContext): RouteResult {
  requireAdmin(ctx, SCHEME_ADMIN);
  const page = pageParams(ctx.query, PAGE);
  const groups = groupProjects(ctx, (p) => ctx.site.data.issueTypeSchemes.get(p.issueTypeSchemeId));
  const body = pageBean(ctx, groups, page, (g) => ({
    issueTypeScheme: renderIssueTypeScheme(g.scheme),
    projectIds: g.projectIds,
  }));
  return { body, objects: body.values.length };
}

// ---------------------------------------------------------------------------------------------
// Issue type screen schemes

const SCREEN_SCHEME_ADMIN = 'Only Jira administrators can access issue type screen schemes.';

function classicScreenSchemes(ctx: RouteContext): IssueTypeScreenScheme[] {
  return [...ctx.site.data.issueTypeScreenSchemes.values()].filter((s) =>
    isClassicScheme(projectsUsing(ctx, 'issueTypeScreenSchemeId', s.id)),
  );
}

function issueTypeScreenSchemes(ctx: RouteContext): RouteResult {
  requireAdmin(ctx, SCREEN_SCHEME_ADMIN);
  const q = ctx.query;
  const page = pageParams(q, PAGE);
  const ids = idListParam(q, 'id');
  const order = orderByParam(q, ['name', 'id'], 'id')!;
  const expand = expandSet(q);
  checkExpand(expand, ['projects']);
  const text = q.get('queryString') ?? '';
  let list = classicScreenSchemes(ctx).filter(
    (s) => (ids.length === 0 || ids.includes(s.id)) && (!text || containsIgnoreCase(s.name, text)),
  );
  list = sortBy(list, order.field === 'name' ? (s) => s.name : (s) => Number(s.id), order.desc);
  const rc = renderContext(ctx);
  const body = pageBean(ctx, list, page, (s) => {
    const out = renderIssueTypeScreenScheme(s);
    if (expand.has('projects')) {
      const users = projectsUsing(ctx, 'issueTypeScreenSchemeId', s.id).filter((p) => p.style === 'classic');
      if (users.length > 0) out.projects = nestedPage(users.map((p) => renderProjectDetails(rc, p)));
    }
    return out;
  });
  return { body, objects: body.values.length };
}

function issueTypeScreenSchemeMapping(ctx: RouteContext): RouteResult {
  requireAdmin(ctx, SCREEN_SCHEME_ADMIN);
  const q = ctx.query;
  const page = pageParams(q, PAGE);
  const ids = idListParam(q, 'issueTypeScreenSchemeId');
  const rows: Array<{ issueTypeScreenSchemeId: string; issueTypeId: string; screenSchemeId: string }> = [];
  for (const s of classicScreenSchemes(ctx).sort(byId)) {
    if (ids.length > 0 && !ids.includes(s.id)) continue;
    for (const [issueTypeId, screenSchemeId] of Object.entries(s.mappings)) {
      rows.push({ issueTypeScreenSchemeId: s.id, issueTypeId, screenSchemeId });
    }
  }
  const body = pageBean(ctx, rows, page, (r) => r);
  return { body, objects: body.values.length };
}

function issueTypeScreenSchemeProjects(ctx: RouteContext): RouteResult {
  requireAdmin(ctx, SCREEN_SCHEME_ADMIN);
  const page = pageParams(ctx.query, PAGE);
  const groups = groupProjects(ctx, (p) => ctx.site.data.issueTypeScreenSchemes.get(p.issueTypeScreenSchemeId));
  const body = pageBean(ctx, groups, page, (g) => ({
    issueTypeScreenScheme: renderIssueTypeScreenScheme(g.scheme),
    projectIds: g.projectIds,
  }));
  return { body, objects: body.values.length };
}

export function registerIssueTypeConfigRoutes(t: RouteTable): void {
  t.get(`${API}/issuetype`, allIssueTypes);
  t.get(`${API}/issuetype/{id}`, getIssueType);
  t.get(`${API}/issuetypescheme`, issueTypeSchemes);
  t.get(`${API}/issuetypescheme/mapping`, issueTypeSchemeMapping);
  t.get(`${API}/issuetypescheme/project`, issueTypeSchemeProjects);
  t.get(`${API}/issuetypescreenscheme`, issueTypeScreenSchemes);
  t.get(`${API}/issuetypescreenscheme/mapping`, issueTypeScreenSchemeMapping);
  t.get(`${API}/issuetypescreenscheme/project`, issueTypeScreenSchemeProjects);
}
