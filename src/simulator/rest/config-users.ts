/**
 * Users and groups: the user directory of the site (GET /users/search, bare array, up to 1000 per
 * page, inactive users included), single and bulk user reads, a user's groups, groups in bulk and
 * group membership pages (1–50 per page).
 *
 * Everything here needs the *Browse users and groups* global permission, which Jira Cloud grants to
 * every user with product access: site members and Jira admins have it; a caller without Jira
 * access on the site gets 403. E-mail addresses follow profile visibility (Account.emailAddress
 * null → the property is omitted).
 */
import { badRequest, forbidden, notFound } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import { renderUser, renderUserFull } from '../render/common.js';
import { renderGroupDetails, renderGroupName } from '../render/config.js';
import type { RouteContext, RouteResult } from '../services.js';
import type { Group } from '../world/site.js';
import { groupIdsOf } from '../world/queries.js';
import {
  boolParam,
  canBrowseUsers,
  checkExpand,
  expandSet,
  listParam,
  pageBean,
  pageParams,
  renderContext,
  sortBy,
} from './config-common.js';

const API = '/rest/api/3';
const BROWSE_USERS = 'Browse users and groups permission is required to view users.';

function requireBrowseUsers(ctx: RouteContext, message = BROWSE_USERS): void {
  if (!canBrowseUsers(ctx)) throw forbidden(message);
}

/** The site's users: members, admins and members of its groups, each once, in that order. */
export function siteUserIds(ctx: RouteContext): string[] {
  const ids = new Set<string>([...ctx.site.members, ...ctx.site.admins]);
  for (const g of ctx.site.data.groups.values()) for (const id of g.members) ids.add(id);
  return [...ids].filter((id) => ctx.sim.world.accounts.has(id));
}

const PRODUCT_NAMES: Record<string, string> = {
  'jira-software': 'Jira Software',
  'jira-servicedesk': 'Jira Service Management',
  'jira-core': 'Jira Work Management',
};

function usersSearch(ctx: RouteContext): RouteResult {
  requireBrowseUsers(ctx);
  const page = pageParams(ctx.query, { defaultMax: 50, cap: 1000 });
  const rc = renderContext(ctx);
  const body = siteUserIds(ctx)
    .slice(page.startAt, page.startAt + page.maxResults)
    .map((id) => renderUser(rc, id));
  return { body, identityObjects: body.length };
}

function getUser(ctx: RouteContext): RouteResult {
  requireBrowseUsers(ctx);
  const accountId = ctx.query.get('accountId') ?? '';
  const expand = expandSet(ctx.query);
  checkExpand(expand, ['groups', 'applicationRoles']);
  if (!accountId || !ctx.sim.world.accounts.has(accountId))
    throw notFound(`Specified user does not exist or you do not have required permissions`);
  const rc = renderContext(ctx);
  const groups = [...groupIdsOf(ctx.site, accountId)].map((id) => ctx.site.data.groups.get(id)!);
  const member = ctx.site.members.has(accountId) || ctx.site.admins.has(accountId);
  const products = member ? ctx.site.products : [];
  const body: Record<string, unknown> = {
    ...renderUserFull(rc, accountId),
    groups: {
      size: groups.length,
      items: expand.has('groups') ? groups.map((g) => renderGroupName(rc, g)) : [],
    },
    applicationRoles: {
      size: products.length,
      items: expand.has('applicationRoles') ? products.map((key) => ({ key, name: PRODUCT_NAMES[key] ?? key })) : [],
    },
    expand: 'groups,applicationRoles',
  };
  return { body, identityObjects: 1 };
}

function bulkUsers(ctx: RouteContext): RouteResult {
  const ids = listParam(ctx.query, 'accountId');
  if (ids.length === 0) throw badRequest('', { accountId: 'You must specify at least one accountId.' });
  const page = pageParams(ctx.query, { defaultMax: 10, cap: 100 });
  const accounts = ctx.sim.world.accounts;
  const found = [...new Set(ids)].filter((id) => accounts.has(id));
  const rc = renderContext(ctx);
  const body = pageBean(ctx, found, page, (id) => renderUser(rc, id));
  return { body, identityObjects: body.values.length };
}

function userGroups(ctx: RouteContext): RouteResult {
  requireBrowseUsers(ctx);
  const accountId = ctx.query.get('accountId') ?? '';
  if (!accountId || !ctx.sim.world.accounts.has(accountId))
    throw notFound(`Specified user does not exist or you do not have required permissions`);
  const rc = renderContext(ctx);
  const body = [...ctx.site.data.groups.values()]
    .filter((g) => g.members.has(accountId))
    .map((g) => renderGroupName(rc, g));
  return { body, identityObjects: body.length };
}

const ACCESS_TYPES = ['site-admin', 'admin', 'user'];
const APPLICATION_KEYS = ['jira-servicedesk', 'jira-software', 'jira-product-discovery', 'jira-core'];

function bulkGroups(ctx: RouteContext): RouteResult {
  requireBrowseUsers(ctx, 'Browse users and groups permission is required to view groups.');
  const q = ctx.query;
  const page = pageParams(q, { defaultMax: 50, cap: 100 });
  const ids = listParam(q, 'groupId');
  const names = listParam(q, 'groupName').map((n) => n.toLowerCase());
  const accessType = q.get('accessType');
  if (accessType && !ACCESS_TYPES.includes(accessType)) throw badRequest(`'${accessType}' is not a valid access type.`);
  const appKey = q.get('applicationKey');
  if (appKey && !APPLICATION_KEYS.includes(appKey)) throw badRequest(`'${appKey}' is not a valid application key.`);
  // Group access types and product default groups are not modelled; those filters match every group.
  let list = [...ctx.site.data.groups.values()].filter(
    (g) =>
      (ids.length === 0 || ids.includes(g.groupId)) && (names.length === 0 || names.includes(g.name.toLowerCase())),
  );
  list = sortBy(list, (g) => g.name);
  const body = pageBean(ctx, list, page, renderGroupDetails);
  return { body, identityObjects: body.values.length };
}

function findGroup(ctx: RouteContext): Group {
  const id = ctx.query.get('groupId');
  const name = ctx.query.get('groupname') ?? ctx.query.get('groupName');
  if (id && name) throw badRequest('You cannot specify both a group name and a group ID.');
  if (!id && !name) throw badRequest('You must specify a group name or a group ID.');
  const groups = ctx.site.data.groups;
  const g = id ? groups.get(id) : [...groups.values()].find((x) => x.name.toLowerCase() === name!.toLowerCase());
  if (!g) throw notFound(`Group with ${id ? `id '${id}'` : `name '${name}'`} does not exist.`);
  return g;
}

function groupMembers(ctx: RouteContext): RouteResult {
  requireBrowseUsers(ctx, 'You do not have the permission to browse users and groups.');
  const g = findGroup(ctx);
  const page = pageParams(ctx.query, { defaultMax: 50, cap: 50 });
  const includeInactive = boolParam(ctx.query, 'includeInactiveUsers', false);
  const accounts = ctx.sim.world.accounts;
  let members = [...g.members].filter((id) => {
    const a = accounts.get(id);
    return a !== undefined && (includeInactive || a.active);
  });
  // Jira orders members by username, which it no longer shows; display name is the closest stable order.
  members = sortBy(
    sortBy(members, (id) => id),
    (id) => accounts.get(id)!.displayName,
  );
  const rc = renderContext(ctx);
  const body = pageBean(ctx, members, page, (id) => renderUser(rc, id));
  return { body, identityObjects: body.values.length };
}

export function registerUserConfigRoutes(t: RouteTable): void {
  t.get(`${API}/users/search`, usersSearch);
  t.get(`${API}/user`, getUser);
  t.get(`${API}/user/bulk`, bulkUsers);
  t.get(`${API}/user/groups`, userGroups);
  t.get(`${API}/group/bulk`, bulkGroups);
  t.get(`${API}/group/member`, groupMembers);
}
