/**
 * Identity routes of Jira REST v3: GET /rest/api/3/myself (the acting user, with groups and
 * applicationRoles expandable) and GET /rest/api/3/serverInfo.
 */
import { jiraTimestamp } from '../../core/index.js';
import type { RouteTable } from '../http/route-table.js';
import { renderUserFull, restBase, type RenderContext } from '../render/common.js';
import type { RouteContext } from '../services.js';
import { groupIdsOf } from '../world/queries.js';
import type { JiraProduct, Site } from '../world/types.js';

/** The Jira Cloud build the simulator reports. */
export const SIM_JIRA_VERSION = { version: '1001.0.0-SNAPSHOT', versionNumbers: [1001, 0, 0], buildNumber: 100289 };
const BUILD_DATE = Date.UTC(2026, 5, 10);
const SCM_INFO = 'e6a8f1c2b3d4e5f60718293a4b5c6d7e8f901234';

const APPLICATION_ROLE_NAMES: Record<JiraProduct, string> = {
  'jira-software': 'Jira Software',
  'jira-servicedesk': 'Jira Service Management',
  'jira-core': 'Jira Work Management',
};

export function registerIdentityRoutes(table: RouteTable): void {
  table.get('/rest/api/3/myself', (ctx) => ({ body: renderMyself(ctx), identityObjects: 1 }));
  table.get('/rest/api/3/serverInfo', (ctx) => ({ body: renderServerInfo(ctx) }));
}

function renderContext(ctx: RouteContext): RenderContext {
  return { sim: ctx.sim, site: ctx.site, viewerId: ctx.principal.accountId };
}

function renderMyself(ctx: RouteContext): Record<string, unknown> {
  const rc = renderContext(ctx);
  const accountId = ctx.principal.accountId;
  const expand = new Set(
    (ctx.query.get('expand') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );
  const groups = [...groupIdsOf(ctx.site, accountId)]
    .map((id) => ctx.site.data.groups.get(id)!)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((g) => ({
      name: g.name,
      groupId: g.groupId,
      self: `${restBase(rc)}/group?groupId=${encodeURIComponent(g.groupId)}`,
    }));
  const roles = ctx.site.members.has(accountId) ? ctx.site.products.map((p) => renderApplicationRole(ctx.site, p)) : [];
  return {
    ...renderUserFull(rc, accountId),
    groups: { size: groups.length, items: expand.has('groups') ? groups : [] },
    applicationRoles: { size: roles.length, items: expand.has('applicationRoles') ? roles : [] },
    expand: 'groups,applicationRoles',
  };
}

function renderApplicationRole(site: Site, key: JiraProduct): Record<string, unknown> {
  const userCount = site.members.size;
  return {
    key,
    groups: [],
    groupDetails: [],
    name: APPLICATION_ROLE_NAMES[key],
    defaultGroups: [],
    defaultGroupsDetails: [],
    selectedByDefault: false,
    defined: false,
    numberOfSeats: Math.max(userCount, 10),
    remainingSeats: Math.max(userCount, 10) - userCount,
    userCount,
    userCountDescription: 'users',
    hasUnlimitedSeats: false,
    platform: key === 'jira-core',
  };
}

function renderServerInfo(ctx: RouteContext): Record<string, unknown> {
  return {
    baseUrl: ctx.site.url,
    displayUrl: ctx.site.url,
    version: SIM_JIRA_VERSION.version,
    versionNumbers: SIM_JIRA_VERSION.versionNumbers,
    deploymentType: 'Cloud',
    buildNumber: SIM_JIRA_VERSION.buildNumber,
    buildDate: jiraTimestamp(BUILD_DATE),
    serverTime: jiraTimestamp(ctx.now),
    scmInfo: SCM_INFO,
    serverTitle: 'Jira',
    serverTimeZone: ctx.site.data.settings.timeZone,
  };
}
