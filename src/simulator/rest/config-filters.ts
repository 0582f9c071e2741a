/**
 * Filters and dashboards: filter search (with every documented expand and the admin-only
 * `overrideSharePermissions`), single filters, their share permissions and columns; dashboard
 * search, single dashboards, their gadgets and the item properties that hold gadget configuration.
 *
 * Visibility follows Jira: a filter or dashboard is visible to its owner and to everyone a share
 * permission reaches (global; logged-in users; a group the caller is in; a project the caller can
 * browse, optionally narrowed to a role it holds there; the caller itself). Jira admins may see
 * every filter with `overrideSharePermissions=true`; there is no such override for dashboards.
 */
import { badRequest, jiraError, notFound } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import { renderUser, restBase } from '../render/common.js';
import {
  dashboardViewUrl,
  filterSearchUrl,
  filterViewUrl,
  renderColumns,
  renderGadget,
  renderSharePermissions,
  renderUserBean,
} from '../render/config.js';
import type { RouteContext, RouteResult } from '../services.js';
import type { Dashboard, Filter, SharePermission } from '../world/site.js';
import { canBrowseProject, isMember, projectRoleIdsOf } from '../world/queries.js';
import {
  boolParam,
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
  renderContext,
  sortBy,
} from './config-common.js';
import { siteUserIds } from './config-users.js';

const API = '/rest/api/3';

// ---------------------------------------------------------------------------------------------
// Share permissions

/** Whether a share permission reaches an account. */
function shareReaches(ctx: RouteContext, sp: SharePermission, accountId: string): boolean {
  const site = ctx.site;
  switch (sp.type) {
    case 'global':
      return true;
    case 'loggedin':
      return isMember(site, accountId) || site.admins.has(accountId);
    case 'group':
      return sp.groupId !== undefined && (site.data.groups.get(sp.groupId)?.members.has(accountId) ?? false);
    case 'user':
      return sp.accountId === accountId;
    case 'project': {
      const p = sp.projectId ? site.data.projects.get(sp.projectId) : undefined;
      if (!p || p.status !== 'live' || !canBrowseProject(site, accountId, p)) return false;
      return !sp.roleId || projectRoleIdsOf(site, p, accountId).has(sp.roleId);
    }
    default:
      return false;
  }
}

function sharedWith(ctx: RouteContext, owner: string, shares: SharePermission[], accountId: string): boolean {
  return owner === accountId || shares.some((sp) => shareReaches(ctx, sp, accountId));
}

const seeProject =
  (ctx: RouteContext) =>
  (projectId: string): boolean => {
    const p = ctx.site.data.projects.get(projectId);
    return p !== undefined && canViewProject(ctx, p);
  };

/** Matches Jira's name search: substring, or every term a word prefix ("full text" mode). */
function nameMatches(name: string, query: string, substring: boolean): boolean {
  if (substring) return containsIgnoreCase(name, query);
  const words = name.toLowerCase().split(/[^\p{L}\p{N}]+/u);
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter((t) => t !== '')
    .every((term) => words.some((w) => w.startsWith(term)));
}

// ---------------------------------------------------------------------------------------------
// Filters

const FILTER_EXPANDS = [
  'description',
  'owner',
  'jql',
  'viewUrl',
  'searchUrl',
  'favourite',
  'favouritedCount',
  'sharePermissions',
  'editPermissions',
  'isWritable',
  'subscriptions',
  'approximateLastUsed',
];
const FILTER_ORDER = ['description', 'favourite_count', 'id', 'is_favourite', 'name', 'owner', 'is_shared'];
const FILTER_NOT_AVAILABLE =
  'The selected filter is not available to you, perhaps it has been deleted or had its permissions changed.';

function canSeeFilter(ctx: RouteContext, f: Filter, override: boolean): boolean {
  if (override && isAdmin(ctx)) return true;
  return sharedWith(ctx, f.ownerAccountId, f.sharePermissions, ctx.principal.accountId);
}

function filterWritable(ctx: RouteContext, f: Filter): boolean {
  const me = ctx.principal.accountId;
  return f.ownerAccountId === me || f.editPermissions.some((sp) => shareReaches(ctx, sp, me));
}

function searchFilters(ctx: RouteContext): RouteResult {
  const q = ctx.query;
  const page = pageParams(q, { defaultMax: 50, cap: 100 });
  const expand = expandSet(q);
  checkExpand(expand, FILTER_EXPANDS);
  const order = orderByParam(q, FILTER_ORDER, 'name')!;
  const accountId = q.get('accountId');
  if (accountId && q.get('owner')) throw badRequest('The owner and accountId parameters cannot be used together.');
  const groupId = q.get('groupId');
  const groupname = q.get('groupname');
  if (groupId && groupname) throw badRequest('The groupname and groupId parameters cannot be used together.');
  const ids = idListParam(q, 'id');
  if (ids.length > 200) throw badRequest('Up to 200 filter IDs can be provided.');
  const projectId = q.get('projectId');
  const name = q.get('filterName') ?? '';
  const substring = boolParam(q, 'isSubstringMatch', false);
  const override = boolParam(q, 'overrideSharePermissions', false);
  const data = ctx.site.data;
  const groupMatch = groupname
    ? [...data.groups.values()].find((g) => g.name.toLowerCase() === groupname.toLowerCase())?.groupId
    : groupId;
  const me = ctx.principal.accountId;
  let list = [...data.filters.values()].filter(
    (f) =>
      canSeeFilter(ctx, f, override) &&
      (ids.length === 0 || ids.includes(f.id)) &&
      (!accountId || f.ownerAccountId === accountId) &&
      (!name || nameMatches(f.name, name, substring)) &&
      (!(groupId || groupname) || f.sharePermissions.some((sp) => sp.type === 'group' && sp.groupId === groupMatch)) &&
      (!projectId || f.sharePermissions.some((sp) => sp.type === 'project' && sp.projectId === projectId)),
  );
  const accounts = ctx.sim.world.accounts;
  const fns: Record<string, (f: Filter) => string | number> = {
    description: (f) => f.description,
    favourite_count: (f) => f.favouritedBy.size,
    id: (f) => Number(f.id),
    is_favourite: (f) => (f.favouritedBy.has(me) ? 1 : 0),
    name: (f) => f.name,
    owner: (f) => accounts.get(f.ownerAccountId)?.displayName ?? '',
    is_shared: (f) => (f.sharePermissions.length > 0 ? 1 : 0),
  };
  list = sortBy(list, fns[order.field]!, order.desc);
  const rc = renderContext(ctx);
  const canSee = seeProject(ctx);
  const body = pageBean(ctx, list, page, (f) => {
    const out: Record<string, unknown> = {
      expand: FILTER_EXPANDS.join(','),
      self: `${restBase(rc)}/filter/${f.id}`,
      id: f.id,
      name: f.name,
    };
    if (expand.has('description')) out.description = f.description;
    if (expand.has('owner')) out.owner = renderUser(rc, f.ownerAccountId);
    if (expand.has('jql')) out.jql = f.jql;
    if (expand.has('viewUrl')) out.viewUrl = filterViewUrl(rc, f);
    if (expand.has('searchUrl')) out.searchUrl = filterSearchUrl(rc, f);
    if (expand.has('favourite')) out.favourite = f.favouritedBy.has(me);
    if (expand.has('favouritedCount')) out.favouritedCount = f.favouritedBy.size;
    if (expand.has('sharePermissions'))
      out.sharePermissions = renderSharePermissions(rc, f.id, f.sharePermissions, 'filter-share', canSee);
    if (expand.has('editPermissions'))
      out.editPermissions = renderSharePermissions(rc, f.id, f.editPermissions, 'filter-edit', canSee);
    // The pinned FilterDetails schema has no isWritable although the expand is documented.
    if (expand.has('isWritable')) out.isWritable = filterWritable(ctx, f);
    // Subscriptions and last use are not modelled: no subscriptions, no last-use time.
    if (expand.has('subscriptions')) out.subscriptions = [];
    return out;
  });
  return { body, objects: body.values.length };
}

/** Filter ids are int64: anything else, an unknown id or an invisible filter answers 400 (as Jira). */
function visibleFilter(ctx: RouteContext, status: 400 | 404): Filter {
  const id = ctx.params.id ?? '';
  const f = /^\d+$/.test(id) ? ctx.site.data.filters.get(id) : undefined;
  const override = boolParam(ctx.query, 'overrideSharePermissions', false);
  if (!f || !canSeeFilter(ctx, f, override)) throw jiraError(status, [FILTER_NOT_AVAILABLE]);
  return f;
}

function sharedUserIds(ctx: RouteContext, f: Filter): string[] {
  const shares = f.sharePermissions;
  if (shares.length === 0) return [];
  return siteUserIds(ctx).filter((id) => shares.some((sp) => shareReaches(ctx, sp, id)));
}

function userList(items: Array<Record<string, unknown>>, size: number): Record<string, unknown> {
  return {
    size,
    items,
    'max-results': 1000,
    'start-index': 0,
    'end-index': items.length > 0 ? items.length - 1 : 0,
  };
}

function getFilter(ctx: RouteContext): RouteResult {
  const f = visibleFilter(ctx, 400);
  const expand = new Set(listParam(ctx.query, 'expand').map((e) => e.replace(/\[.*\]$/, '')));
  checkExpand(expand, ['sharedUsers', 'subscriptions']);
  const rc = renderContext(ctx);
  const canSee = seeProject(ctx);
  const shared = sharedUserIds(ctx, f);
  const body: Record<string, unknown> = {
    self: `${restBase(rc)}/filter/${f.id}`,
    id: f.id,
    name: f.name,
    description: f.description,
    owner: renderUser(rc, f.ownerAccountId),
    jql: f.jql,
    viewUrl: filterViewUrl(rc, f),
    searchUrl: filterSearchUrl(rc, f),
    favourite: f.favouritedBy.has(ctx.principal.accountId),
    favouritedCount: f.favouritedBy.size,
    sharePermissions: renderSharePermissions(rc, f.id, f.sharePermissions, 'filter-share', canSee),
    editPermissions: renderSharePermissions(rc, f.id, f.editPermissions, 'filter-edit', canSee),
    sharedUsers: userList(
      expand.has('sharedUsers') ? shared.slice(0, 1000).map((id) => renderUser(rc, id)) : [],
      shared.length,
    ),
    subscriptions: userList([], 0),
  };
  return { body, objects: 1 };
}

function filterPermissions(ctx: RouteContext): RouteResult {
  const f = visibleFilter(ctx, 404);
  const body = renderSharePermissions(renderContext(ctx), f.id, f.sharePermissions, 'filter-share', seeProject(ctx));
  return { body, identityObjects: body.length };
}

function filterColumns(ctx: RouteContext): RouteResult {
  const f = visibleFilter(ctx, 400);
  if (f.columns.length === 0) throw notFound('No column configuration is set for this filter.');
  const body = renderColumns(renderContext(ctx), f);
  return { body, objects: body.length };
}

// ---------------------------------------------------------------------------------------------
// Dashboards

const DASHBOARD_EXPANDS = [
  'description',
  'owner',
  'viewUrl',
  'favourite',
  'favouritedCount',
  'sharePermissions',
  'editPermissions',
  'isWritable',
];
const DASHBOARD_ORDER = ['description', 'favorite_count', 'id', 'is_favorite', 'name', 'owner'];
const DASHBOARD_NOT_FOUND =
  "The dashboard you requested either does not exist or you don't have the required permissions to perform this action.";

function canSeeDashboard(ctx: RouteContext, d: Dashboard): boolean {
  return sharedWith(ctx, d.ownerAccountId, d.sharePermissions, ctx.principal.accountId);
}

function dashboardWritable(ctx: RouteContext, d: Dashboard): boolean {
  const me = ctx.principal.accountId;
  return d.ownerAccountId === me || d.editPermissions.some((sp) => shareReaches(ctx, sp, me));
}

function renderDashboard(ctx: RouteContext, d: Dashboard, expand: Set<string> | 'all'): Record<string, unknown> {
  const rc = renderContext(ctx);
  const has = (e: string): boolean => expand === 'all' || expand.has(e);
  const canSee = seeProject(ctx);
  const out: Record<string, unknown> = { id: d.id, name: d.name, self: `${restBase(rc)}/dashboard/${d.id}` };
  if (has('description') && d.description) out.description = d.description;
  if (has('owner')) out.owner = renderUserBean(rc, d.ownerAccountId);
  if (has('viewUrl')) out.view = dashboardViewUrl(rc, d);
  if (has('favourite')) out.isFavourite = d.favouritedBy?.has(ctx.principal.accountId) ?? false;
  if (has('favouritedCount')) out.popularity = d.favouritedBy?.size ?? 0;
  if (has('sharePermissions'))
    out.sharePermissions = renderSharePermissions(rc, d.id, d.sharePermissions, 'dashboard-share', canSee);
  if (has('editPermissions'))
    out.editPermissions = renderSharePermissions(rc, d.id, d.editPermissions, 'dashboard-edit', canSee);
  if (has('isWritable')) out.isWritable = dashboardWritable(ctx, d);
  if (expand === 'all') out.systemDashboard = false;
  return out;
}

function searchDashboards(ctx: RouteContext): RouteResult {
  const q = ctx.query;
  const page = pageParams(q, { defaultMax: 50, cap: 100 });
  const expand = expandSet(q);
  checkExpand(expand, DASHBOARD_EXPANDS);
  const order = orderByParam(q, DASHBOARD_ORDER, 'name')!;
  const accountId = q.get('accountId');
  if (accountId && q.get('owner')) throw badRequest('The owner and accountId parameters cannot be used together.');
  const groupId = q.get('groupId');
  const groupname = q.get('groupname');
  if (groupId && groupname) throw badRequest('The groupname and groupId parameters cannot be used together.');
  const status = q.get('status') ?? 'active';
  if (!['active', 'archived', 'deleted'].includes(status)) throw badRequest(`'${status}' is not a valid status.`);
  const projectId = q.get('projectId');
  const name = q.get('dashboardName') ?? '';
  const data = ctx.site.data;
  const groupMatch = groupname
    ? [...data.groups.values()].find((g) => g.name.toLowerCase() === groupname.toLowerCase())?.groupId
    : groupId;
  const me = ctx.principal.accountId;
  // Every simulated dashboard is active.
  let list = [...data.dashboards.values()].filter(
    (d) =>
      status === 'active' &&
      canSeeDashboard(ctx, d) &&
      (!accountId || d.ownerAccountId === accountId) &&
      (!name || containsIgnoreCase(d.name, name)) &&
      (!(groupId || groupname) || d.sharePermissions.some((sp) => sp.type === 'group' && sp.groupId === groupMatch)) &&
      (!projectId || d.sharePermissions.some((sp) => sp.type === 'project' && sp.projectId === projectId)),
  );
  const accounts = ctx.sim.world.accounts;
  const fns: Record<string, (d: Dashboard) => string | number> = {
    description: (d) => d.description,
    favorite_count: (d) => d.favouritedBy?.size ?? 0,
    id: (d) => Number(d.id),
    is_favorite: (d) => (d.favouritedBy?.has(me) ? 1 : 0),
    name: (d) => d.name,
    owner: (d) => accounts.get(d.ownerAccountId)?.displayName ?? '',
  };
  list = sortBy(list, fns[order.field]!, order.desc);
  const body = pageBean(ctx, list, page, (d) => renderDashboard(ctx, d, expand));
  return { body, objects: body.values.length };
}

function visibleDashboard(ctx: RouteContext, id: string): Dashboard {
  const d = ctx.site.data.dashboards.get(id);
  if (!d || !canSeeDashboard(ctx, d)) throw notFound(DASHBOARD_NOT_FOUND);
  return d;
}

function getDashboard(ctx: RouteContext): RouteResult {
  const d = visibleDashboard(ctx, ctx.params.id ?? '');
  return { body: renderDashboard(ctx, d, 'all'), objects: 1 };
}

function dashboardGadgets(ctx: RouteContext): RouteResult {
  const d = visibleDashboard(ctx, ctx.params.dashboardId ?? '');
  const modules = listParam(ctx.query, 'moduleKey');
  const uris = listParam(ctx.query, 'uri');
  const ids = idListParam(ctx.query, 'gadgetId');
  // Simulated gadgets are module-key gadgets; none has a URI.
  const gadgets = d.gadgets
    .filter(
      (g) =>
        (modules.length === 0 || modules.includes(g.moduleKey)) &&
        uris.length === 0 &&
        (ids.length === 0 || ids.includes(g.id)),
    )
    .map(renderGadget);
  return { body: { gadgets }, objects: gadgets.length };
}

function dashboardItem(ctx: RouteContext) {
  const d = visibleDashboard(ctx, ctx.params.dashboardId ?? '');
  const item = d.gadgets.find((g) => g.id === ctx.params.itemId);
  if (!item) throw notFound(DASHBOARD_NOT_FOUND);
  return { d, item };
}

function itemPropertyKeys(ctx: RouteContext): RouteResult {
  const { d, item } = dashboardItem(ctx);
  const base = restBase(renderContext(ctx));
  const keys = [...item.properties.keys()].map((key) => ({
    key,
    self: `${base}/dashboard/${d.id}/items/${item.id}/properties/${encodeURIComponent(key)}`,
  }));
  return { body: { keys }, objects: keys.length };
}

function itemProperty(ctx: RouteContext): RouteResult {
  const { item } = dashboardItem(ctx);
  const key = ctx.params.propertyKey ?? '';
  if (!item.properties.has(key)) throw notFound(`The property with key '${key}' does not exist.`);
  return { body: { key, value: item.properties.get(key) }, objects: 1 };
}

export function registerFilterConfigRoutes(t: RouteTable): void {
  t.get(`${API}/filter/search`, searchFilters);
  t.get(`${API}/filter/{id}`, getFilter);
  t.get(`${API}/filter/{id}/permission`, filterPermissions);
  t.get(`${API}/filter/{id}/columns`, filterColumns);
  t.get(`${API}/dashboard/search`, searchDashboards);
  t.get(`${API}/dashboard/{id}`, getDashboard);
  t.get(`${API}/dashboard/{dashboardId}/gadget`, dashboardGadgets);
  t.get(`${API}/dashboard/{dashboardId}/items/{itemId}/properties`, itemPropertyKeys);
  t.get(`${API}/dashboard/{dashboardId}/items/{itemId}/properties/{propertyKey}`, itemProperty);
}
