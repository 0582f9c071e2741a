/**
 * Permission schemes, notification schemes and issue security schemes.
 *
 * Permission schemes are readable by every user with access to Jira. Notification schemes list only
 * the schemes of projects the caller administers (all of them for Jira admins). Issue security
 * schemes need Administer Jira (or, for one scheme, Administer projects in a project using it).
 */
import { badRequest, forbidden, notFound } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import { renderNotificationScheme, renderPermissionScheme, renderSecurityScheme } from '../render/config.js';
import type { RouteContext, RouteResult } from '../services.js';
import type { NotificationScheme } from '../world/site.js';
import {
  administeredProjects,
  boolParam,
  byId,
  checkExpand,
  expandSet,
  idListParam,
  isAdmin,
  pageBean,
  pageParams,
  projectsUsing,
  renderContext,
  requireAdmin,
  sortBy,
} from './config-common.js';

const API = '/rest/api/3';
const PERMISSION_EXPANDS = ['permissions', 'user', 'group', 'projectRole', 'field', 'all'];
const NOTIFICATION_EXPANDS = ['all', 'field', 'group', 'notificationSchemeEvents', 'projectRole', 'user'];

// ---------------------------------------------------------------------------------------------
// Permission schemes (permission objects count as identity objects in the points model)

function permissionSchemes(ctx: RouteContext): RouteResult {
  const expand = expandSet(ctx.query);
  checkExpand(expand, PERMISSION_EXPANDS);
  const rc = renderContext(ctx);
  const list = [...ctx.site.data.permissionSchemes.values()].sort(byId);
  const permissionSchemes = list.map((s) => renderPermissionScheme(rc, s, expand));
  return { body: { permissionSchemes }, identityObjects: permissionSchemes.length };
}

function permissionScheme(ctx: RouteContext): RouteResult {
  const expand = expandSet(ctx.query);
  checkExpand(expand, PERMISSION_EXPANDS);
  const id = ctx.params.schemeId ?? '';
  const s = /^\d+$/.test(id) ? ctx.site.data.permissionSchemes.get(id) : undefined;
  if (!s) throw notFound(`Permission scheme with id ${id} does not exist.`);
  return { body: renderPermissionScheme(renderContext(ctx), s, expand), identityObjects: 1 };
}

// ---------------------------------------------------------------------------------------------
// Notification schemes

/** Schemes the caller may see: all for Jira admins, else those of projects it administers. */
function visibleNotificationSchemes(ctx: RouteContext): NotificationScheme[] {
  const all = [...ctx.site.data.notificationSchemes.values()];
  if (isAdmin(ctx)) return all;
  const ids = new Set(administeredProjects(ctx).map((p) => p.notificationSchemeId));
  return all.filter((s) => ids.has(s.id));
}

/** The site's default notification scheme: the one with the lowest id. */
function defaultNotificationSchemeId(ctx: RouteContext): string | undefined {
  return [...ctx.site.data.notificationSchemes.values()].sort(byId)[0]?.id;
}

function notificationSchemes(ctx: RouteContext): RouteResult {
  const q = ctx.query;
  const page = pageParams(q, { defaultMax: 50, cap: 100 });
  const expand = expandSet(q);
  checkExpand(expand, NOTIFICATION_EXPANDS);
  const ids = idListParam(q, 'id');
  const projectIds = idListParam(q, 'projectId');
  const onlyDefault = boolParam(q, 'onlyDefault', false);
  const defaultId = defaultNotificationSchemeId(ctx);
  const data = ctx.site.data;
  const projectSchemes = new Set(
    projectIds.map((id) => data.projects.get(id)?.notificationSchemeId).filter((id) => id !== undefined),
  );
  let list = visibleNotificationSchemes(ctx).filter(
    (s) =>
      (ids.length === 0 || ids.includes(s.id)) &&
      (projectIds.length === 0 || projectSchemes.has(s.id)) &&
      (!onlyDefault || s.id === defaultId),
  );
  list = sortBy(list, (s) => s.name);
  const rc = renderContext(ctx);
  const body = pageBean(ctx, list, page, (s) =>
    renderNotificationScheme(
      rc,
      s,
      expand,
      projectsUsing(ctx, 'notificationSchemeId', s.id).map((p) => p.id),
    ),
  );
  return { body, objects: body.values.length };
}

function notificationScheme(ctx: RouteContext): RouteResult {
  const expand = expandSet(ctx.query);
  checkExpand(expand, NOTIFICATION_EXPANDS);
  const id = ctx.params.id ?? '';
  if (!/^\d+$/.test(id)) throw badRequest(`${id} is not a valid value. id must be zero or a positive integer.`);
  const s = visibleNotificationSchemes(ctx).find((x) => x.id === id);
  if (!s) throw notFound(`Notification scheme with id ${id} not found.`);
  const users = projectsUsing(ctx, 'notificationSchemeId', s.id).map((p) => p.id);
  return { body: renderNotificationScheme(renderContext(ctx), s, expand, users), objects: 1 };
}

// ---------------------------------------------------------------------------------------------
// Issue security schemes

function securitySchemes(ctx: RouteContext): RouteResult {
  requireAdmin(ctx, 'You do not have permission to administer issue security schemes.');
  const rc = renderContext(ctx);
  const issueSecuritySchemes = [...ctx.site.data.issueSecuritySchemes.values()]
    .sort(byId)
    .map((s) => renderSecurityScheme(rc, s, false));
  return { body: { issueSecuritySchemes }, objects: issueSecuritySchemes.length };
}

function securityScheme(ctx: RouteContext): RouteResult {
  const id = ctx.params.id ?? '';
  const s = /^\d+$/.test(id) ? ctx.site.data.issueSecuritySchemes.get(id) : undefined;
  const allowed =
    isAdmin(ctx) || (s !== undefined && administeredProjects(ctx).some((p) => p.issueSecuritySchemeId === s.id));
  if (!allowed) throw forbidden('You do not have permission to administer issue security schemes.');
  if (!s) throw notFound(`Issue security scheme with id ${id} does not exist.`);
  return { body: renderSecurityScheme(renderContext(ctx), s, true), objects: 1 };
}

export function registerSchemeConfigRoutes(t: RouteTable): void {
  t.get(`${API}/permissionscheme`, permissionSchemes);
  t.get(`${API}/permissionscheme/{schemeId}`, permissionScheme);
  t.get(`${API}/notificationscheme`, notificationSchemes);
  t.get(`${API}/notificationscheme/{id}`, notificationScheme);
  t.get(`${API}/issuesecurityschemes`, securitySchemes);
  t.get(`${API}/issuesecurityschemes/{id}`, securityScheme);
}
