/**
 * Contract tests of the configuration reads: for every operation of the `config` group, a
 * representative success request and the documented error answers, each validated against the
 * pinned OpenAPI schema of the operation (call() checks every response).
 */
import { describe, expect, it } from 'vitest';
import { REQUIRED_OPERATIONS } from './required-operations.js';
import { createSimulator } from '../../src/simulator/create.js';
import { call, harness } from './config-harness.js';
import { ADMIN, ALICE, BOB, OUTSIDER } from '../support/fixture-config.js';

const A = '/rest/api/3';

interface Case {
  op: string;
  path: string;
  status: number;
  as?: string;
  body?: unknown;
  scopes?: string[];
}

/**
 * A token whose scopes match no configuration operation: the gateway answers 401 {code, message}.
 * Used as the error case of operations whose only documented error is a schema-less 401.
 */
const NO_SCOPES = ['write:jira-work'];

const CASES: Case[] = [
  // Projects
  {
    op: `GET ${A}/project/search`,
    path: `${A}/project/search?expand=description,lead,issueTypes,url,projectKeys,permissions,insight`,
    status: 200,
  },
  { op: `GET ${A}/project/search`, path: `${A}/project/search?status=bogus`, status: 400 },
  { op: `GET ${A}/project/search`, path: `${A}/project/search?categoryId=99999`, status: 404 },
  {
    op: `GET ${A}/project/{projectIdOrKey}`,
    path: `${A}/project/ALPHA?expand=projectKeys,issueTypeHierarchy&properties=alpha.flag`,
    status: 200,
  },
  { op: `GET ${A}/project/{projectIdOrKey}`, path: `${A}/project/NOPE`, status: 404 },
  { op: `GET ${A}/project/{projectIdOrKey}/properties`, path: `${A}/project/ALPHA/properties`, status: 200 },
  { op: `GET ${A}/project/{projectIdOrKey}/properties`, path: `${A}/project/SECRET/properties`, status: 404, as: BOB },
  {
    op: `GET ${A}/project/{projectIdOrKey}/properties/{propertyKey}`,
    path: `${A}/project/ALPHA/properties/alpha.config`,
    status: 200,
  },
  {
    op: `GET ${A}/project/{projectIdOrKey}/properties/{propertyKey}`,
    path: `${A}/project/ALPHA/properties/missing`,
    status: 404,
  },
  {
    op: `GET ${A}/project/{projectIdOrKey}/component`,
    path: `${A}/project/ALPHA/component?orderBy=-issueCount`,
    status: 200,
  },
  { op: `GET ${A}/project/{projectIdOrKey}/component`, path: `${A}/project/NOPE/component`, status: 404 },
  { op: `GET ${A}/project/{projectIdOrKey}/components`, path: `${A}/project/ALPHA/components`, status: 200 },
  { op: `GET ${A}/project/{projectIdOrKey}/components`, path: `${A}/project/NOPE/components`, status: 404 },
  {
    op: `GET ${A}/project/{projectIdOrKey}/version`,
    path: `${A}/project/ALPHA/version?expand=issuesstatus,operations&status=released,unreleased`,
    status: 200,
  },
  { op: `GET ${A}/project/{projectIdOrKey}/version`, path: `${A}/project/NOPE/version`, status: 404 },
  {
    op: `GET ${A}/project/{projectIdOrKey}/versions`,
    path: `${A}/project/ALPHA/versions?expand=operations`,
    status: 200,
  },
  { op: `GET ${A}/project/{projectIdOrKey}/versions`, path: `${A}/project/NOPE/versions`, status: 404 },
  { op: `GET ${A}/project/{projectIdOrKey}/role`, path: `${A}/project/ALPHA/role`, status: 200, as: ALICE },
  { op: `GET ${A}/project/{projectIdOrKey}/role`, path: `${A}/project/ALPHA/role`, status: 404, as: BOB },
  { op: `GET ${A}/project/{projectIdOrKey}/role/{id}`, path: `${A}/project/ALPHA/role/10001`, status: 200, as: ALICE },
  { op: `GET ${A}/project/{projectIdOrKey}/role/{id}`, path: `${A}/project/ALPHA/role/abc`, status: 400 },
  { op: `GET ${A}/project/{projectIdOrKey}/role/{id}`, path: `${A}/project/ALPHA/role/10001`, status: 404, as: BOB },
  { op: `GET ${A}/project/{projectIdOrKey}/roledetails`, path: `${A}/project/ALPHA/roledetails`, status: 200 },
  { op: `GET ${A}/project/{projectIdOrKey}/roledetails`, path: `${A}/project/ALPHA/roledetails`, status: 404, as: BOB },
  { op: `GET ${A}/project/{projectIdOrKey}/statuses`, path: `${A}/project/ALPHA/statuses`, status: 200 },
  { op: `GET ${A}/project/{projectIdOrKey}/statuses`, path: `${A}/project/NOPE/statuses`, status: 404 },
  {
    op: `GET ${A}/project/{projectKeyOrId}/permissionscheme`,
    path: `${A}/project/ALPHA/permissionscheme?expand=all`,
    status: 200,
  },
  {
    op: `GET ${A}/project/{projectKeyOrId}/permissionscheme`,
    path: `${A}/project/ALPHA/permissionscheme`,
    status: 403,
    as: BOB,
  },
  {
    op: `GET ${A}/project/{projectKeyOrId}/permissionscheme`,
    path: `${A}/project/SECRET/permissionscheme`,
    status: 404,
    as: BOB,
  },
  {
    op: `GET ${A}/project/{projectKeyOrId}/notificationscheme`,
    path: `${A}/project/ALPHA/notificationscheme?expand=all`,
    status: 200,
  },
  {
    op: `GET ${A}/project/{projectKeyOrId}/notificationscheme`,
    path: `${A}/project/ALPHA/notificationscheme`,
    status: 404,
    as: BOB,
  },
  { op: `GET ${A}/projectCategory`, path: `${A}/projectCategory`, status: 200 },
  { op: `GET ${A}/projectCategory`, path: `${A}/projectCategory`, status: 401, scopes: NO_SCOPES },
  { op: `GET ${A}/role`, path: `${A}/role`, status: 200 },
  { op: `GET ${A}/role`, path: `${A}/role`, status: 403, as: BOB },
  { op: `GET ${A}/component/{id}`, path: `${A}/component/10000`, status: 200 },
  { op: `GET ${A}/component/{id}`, path: `${A}/component/99999`, status: 404 },
  { op: `GET ${A}/version/{id}`, path: `${A}/version/10000?expand=issuesstatus`, status: 200 },
  { op: `GET ${A}/version/{id}`, path: `${A}/version/99999`, status: 404 },

  // Issue types and schemes
  { op: `GET ${A}/issuetype`, path: `${A}/issuetype`, status: 200 },
  { op: `GET ${A}/issuetype/{id}`, path: `${A}/issuetype/10002`, status: 200 },
  { op: `GET ${A}/issuetype/{id}`, path: `${A}/issuetype/abc`, status: 400 },
  { op: `GET ${A}/issuetype/{id}`, path: `${A}/issuetype/99999`, status: 404 },
  { op: `GET ${A}/issuetypescheme`, path: `${A}/issuetypescheme?expand=projects,issueTypes`, status: 200 },
  { op: `GET ${A}/issuetypescheme`, path: `${A}/issuetypescheme`, status: 403, as: BOB },
  { op: `GET ${A}/issuetypescheme`, path: `${A}/issuetypescheme?orderBy=colour`, status: 400 },
  { op: `GET ${A}/issuetypescheme/mapping`, path: `${A}/issuetypescheme/mapping`, status: 200 },
  { op: `GET ${A}/issuetypescheme/mapping`, path: `${A}/issuetypescheme/mapping`, status: 403, as: ALICE },
  {
    op: `GET ${A}/issuetypescheme/project`,
    path: `${A}/issuetypescheme/project?projectId=10000&projectId=10001`,
    status: 200,
  },
  { op: `GET ${A}/issuetypescheme/project`, path: `${A}/issuetypescheme/project`, status: 400 },
  {
    op: `GET ${A}/issuetypescheme/project`,
    path: `${A}/issuetypescheme/project?projectId=10000`,
    status: 403,
    as: BOB,
  },
  { op: `GET ${A}/issuetypescreenscheme`, path: `${A}/issuetypescreenscheme?expand=projects`, status: 200 },
  { op: `GET ${A}/issuetypescreenscheme`, path: `${A}/issuetypescreenscheme`, status: 403, as: BOB },
  { op: `GET ${A}/issuetypescreenscheme/mapping`, path: `${A}/issuetypescreenscheme/mapping`, status: 200 },
  { op: `GET ${A}/issuetypescreenscheme/mapping`, path: `${A}/issuetypescreenscheme/mapping`, status: 403, as: BOB },
  {
    op: `GET ${A}/issuetypescreenscheme/project`,
    path: `${A}/issuetypescreenscheme/project?projectId=10000`,
    status: 200,
  },
  { op: `GET ${A}/issuetypescreenscheme/project`, path: `${A}/issuetypescreenscheme/project`, status: 400 },

  // Fields
  { op: `GET ${A}/field`, path: `${A}/field`, status: 200 },
  { op: `GET ${A}/field`, path: `${A}/field`, status: 401, scopes: NO_SCOPES },
  {
    op: `GET ${A}/field/search`,
    path: `${A}/field/search?expand=key,stableId,lastUsed,screensCount,contextsCount,isLocked,searcherKey`,
    status: 200,
  },
  { op: `GET ${A}/field/search`, path: `${A}/field/search?type=bogus`, status: 400 },
  { op: `GET ${A}/field/search`, path: `${A}/field/search`, status: 403, as: BOB },
  { op: `GET ${A}/field/{fieldId}/context`, path: `${A}/field/customfield_10020/context`, status: 200 },
  { op: `GET ${A}/field/{fieldId}/context`, path: `${A}/field/customfield_99999/context`, status: 404 },
  { op: `GET ${A}/field/{fieldId}/context`, path: `${A}/field/customfield_10020/context`, status: 403, as: ALICE },
  {
    op: `GET ${A}/field/{fieldId}/context/projectmapping`,
    path: `${A}/field/customfield_10020/context/projectmapping`,
    status: 200,
  },
  {
    op: `GET ${A}/field/{fieldId}/context/projectmapping`,
    path: `${A}/field/summary/context/projectmapping`,
    status: 404,
  },
  {
    op: `GET ${A}/field/{fieldId}/context/projectmapping`,
    path: `${A}/field/customfield_10020/context/projectmapping`,
    status: 403,
    as: BOB,
  },
  {
    op: `GET ${A}/field/{fieldId}/context/issuetypemapping`,
    path: `${A}/field/customfield_10020/context/issuetypemapping`,
    status: 200,
  },
  {
    op: `GET ${A}/field/{fieldId}/context/issuetypemapping`,
    path: `${A}/field/customfield_10020/context/issuetypemapping`,
    status: 403,
    as: BOB,
  },
  {
    op: `GET ${A}/field/{fieldId}/context/{contextId}/option`,
    path: `${A}/field/customfield_10022/context/10103/option`,
    status: 200,
  },
  {
    op: `GET ${A}/field/{fieldId}/context/{contextId}/option`,
    path: `${A}/field/customfield_10023/context/10104/option`,
    status: 400,
  },
  {
    op: `GET ${A}/field/{fieldId}/context/{contextId}/option`,
    path: `${A}/field/customfield_10020/context/10103/option`,
    status: 404,
  },
  {
    op: `GET ${A}/field/{fieldId}/context/{contextId}/option`,
    path: `${A}/field/customfield_10020/context/10100/option`,
    status: 403,
    as: BOB,
  },

  // Statuses and workflows
  { op: `GET ${A}/statuses/search`, path: `${A}/statuses/search?statusCategory=IN_PROGRESS`, status: 200 },
  { op: `GET ${A}/statuses/search`, path: `${A}/statuses/search?statusCategory=bogus`, status: 400 },
  { op: `GET ${A}/statuses/search`, path: `${A}/statuses/search`, status: 401, as: BOB },
  { op: `GET ${A}/statuses`, path: `${A}/statuses?id=10000&id=10010`, status: 200 },
  { op: `GET ${A}/statuses`, path: `${A}/statuses`, status: 400 },
  { op: `GET ${A}/status`, path: `${A}/status`, status: 200 },
  { op: `GET ${A}/status`, path: `${A}/status`, status: 401, scopes: NO_SCOPES },
  { op: `GET ${A}/statuscategory`, path: `${A}/statuscategory`, status: 200 },
  { op: `GET ${A}/statuscategory`, path: `${A}/statuscategory`, status: 401, scopes: NO_SCOPES },
  {
    op: `POST ${A}/workflows`,
    path: `${A}/workflows`,
    body: {
      workflowNames: ['Business Workflow'],
      projectAndIssueTypes: [{ projectId: '10000', issueTypeId: '10002' }],
    },
    status: 200,
  },
  { op: `POST ${A}/workflows`, path: `${A}/workflows`, body: { workflowIds: 'nope' }, status: 400 },
  { op: `POST ${A}/workflows`, path: `${A}/workflows`, body: { workflowIds: ['10000'] }, status: 401, as: BOB },
  { op: `GET ${A}/workflows/search`, path: `${A}/workflows/search?expand=values.transitions`, status: 200 },
  { op: `GET ${A}/workflows/search`, path: `${A}/workflows/search?scope=bogus`, status: 400 },
  { op: `GET ${A}/workflows/search`, path: `${A}/workflows/search`, status: 401, as: BOB },
  { op: `GET ${A}/workflowscheme`, path: `${A}/workflowscheme`, status: 200 },
  { op: `GET ${A}/workflowscheme`, path: `${A}/workflowscheme`, status: 403, as: ALICE },
  { op: `GET ${A}/workflowscheme/{id}`, path: `${A}/workflowscheme/10000`, status: 200 },
  { op: `GET ${A}/workflowscheme/{id}`, path: `${A}/workflowscheme/99999`, status: 404 },
  { op: `GET ${A}/workflowscheme/{id}`, path: `${A}/workflowscheme/10000`, status: 403, as: BOB },
  {
    op: `POST ${A}/workflowscheme/read`,
    path: `${A}/workflowscheme/read`,
    body: { projectIds: ['10000', '10002'] },
    status: 200,
  },
  { op: `POST ${A}/workflowscheme/read`, path: `${A}/workflowscheme/read`, body: { projectIds: 10000 }, status: 400 },
  {
    op: `POST ${A}/workflowscheme/read`,
    path: `${A}/workflowscheme/read`,
    body: { projectIds: ['10000'] },
    status: 401,
    as: BOB,
  },
  {
    op: `GET ${A}/workflowscheme/project`,
    path: `${A}/workflowscheme/project?projectId=10000&projectId=10001&projectId=10002`,
    status: 200,
  },
  { op: `GET ${A}/workflowscheme/project`, path: `${A}/workflowscheme/project`, status: 400 },
  { op: `GET ${A}/workflowscheme/project`, path: `${A}/workflowscheme/project?projectId=10000`, status: 403, as: BOB },

  // Screens
  { op: `GET ${A}/screens`, path: `${A}/screens`, status: 200 },
  { op: `GET ${A}/screens`, path: `${A}/screens`, status: 403, as: BOB },
  { op: `GET ${A}/screens/{screenId}/tabs`, path: `${A}/screens/1/tabs`, status: 200 },
  { op: `GET ${A}/screens/{screenId}/tabs`, path: `${A}/screens/abc/tabs`, status: 400 },
  { op: `GET ${A}/screens/{screenId}/tabs`, path: `${A}/screens/99999/tabs`, status: 404 },
  { op: `GET ${A}/screens/{screenId}/tabs`, path: `${A}/screens/1/tabs`, status: 403, as: BOB },
  { op: `GET ${A}/screens/{screenId}/tabs/{tabId}/fields`, path: `${A}/screens/1/tabs/10000/fields`, status: 200 },
  { op: `GET ${A}/screens/{screenId}/tabs/{tabId}/fields`, path: `${A}/screens/1/tabs/10002/fields`, status: 404 },
  {
    op: `GET ${A}/screens/{screenId}/tabs/{tabId}/fields`,
    path: `${A}/screens/1/tabs/10000/fields`,
    status: 403,
    as: BOB,
  },
  { op: `GET ${A}/screenscheme`, path: `${A}/screenscheme?expand=issueTypeScreenSchemes`, status: 200 },
  { op: `GET ${A}/screenscheme`, path: `${A}/screenscheme`, status: 403, as: BOB },

  // Permission, notification and security schemes
  { op: `GET ${A}/permissionscheme`, path: `${A}/permissionscheme?expand=all`, status: 200, as: BOB },
  { op: `GET ${A}/permissionscheme`, path: `${A}/permissionscheme`, status: 401, scopes: NO_SCOPES },
  { op: `GET ${A}/permissionscheme/{schemeId}`, path: `${A}/permissionscheme/10000?expand=permissions`, status: 200 },
  { op: `GET ${A}/permissionscheme/{schemeId}`, path: `${A}/permissionscheme/99999`, status: 404 },
  { op: `GET ${A}/notificationscheme`, path: `${A}/notificationscheme?expand=all`, status: 200 },
  { op: `GET ${A}/notificationscheme`, path: `${A}/notificationscheme?id=abc`, status: 400 },
  { op: `GET ${A}/notificationscheme/{id}`, path: `${A}/notificationscheme/10000?expand=all`, status: 200 },
  { op: `GET ${A}/notificationscheme/{id}`, path: `${A}/notificationscheme/abc`, status: 400 },
  { op: `GET ${A}/notificationscheme/{id}`, path: `${A}/notificationscheme/10000`, status: 404, as: BOB },
  { op: `GET ${A}/issuesecurityschemes`, path: `${A}/issuesecurityschemes`, status: 200 },
  { op: `GET ${A}/issuesecurityschemes`, path: `${A}/issuesecurityschemes`, status: 403, as: BOB },

  // Priorities, resolutions, link types. The only error these two searches document is Jira's own
  // 401 (ErrorCollection); a token without scopes is refused earlier by the gateway ({code, message}).
  { op: `GET ${A}/priority/search`, path: `${A}/priority/search`, status: 200 },
  { op: `GET ${A}/resolution/search`, path: `${A}/resolution/search`, status: 200 },
  { op: `GET ${A}/issueLinkType`, path: `${A}/issueLinkType`, status: 200 },
  { op: `GET ${A}/issueLinkType`, path: `${A}/issueLinkType`, status: 401, scopes: NO_SCOPES },

  // Filters and dashboards
  {
    op: `GET ${A}/filter/search`,
    path: `${A}/filter/search?expand=description,owner,jql,viewUrl,searchUrl,favourite,favouritedCount,sharePermissions,editPermissions,isWritable,subscriptions,approximateLastUsed`,
    status: 200,
    as: ALICE,
  },
  { op: `GET ${A}/filter/search`, path: `${A}/filter/search?expand=colour`, status: 400 },
  { op: `GET ${A}/filter/{id}`, path: `${A}/filter/10003?expand=sharedUsers`, status: 200, as: ALICE },
  { op: `GET ${A}/filter/{id}`, path: `${A}/filter/10000`, status: 400, as: BOB },
  { op: `GET ${A}/filter/{id}/permission`, path: `${A}/filter/10004/permission`, status: 200, as: ALICE },
  { op: `GET ${A}/filter/{id}/permission`, path: `${A}/filter/10005/permission`, status: 404, as: BOB },
  { op: `GET ${A}/filter/{id}/columns`, path: `${A}/filter/10000/columns`, status: 200, as: ALICE },
  { op: `GET ${A}/filter/{id}/columns`, path: `${A}/filter/10000/columns`, status: 400, as: BOB },
  { op: `GET ${A}/filter/{id}/columns`, path: `${A}/filter/10001/columns`, status: 404, as: BOB },
  {
    op: `GET ${A}/dashboard/search`,
    path: `${A}/dashboard/search?expand=description,owner,viewUrl,favourite,favouritedCount,sharePermissions,editPermissions,isWritable`,
    status: 200,
    as: ALICE,
  },
  { op: `GET ${A}/dashboard/search`, path: `${A}/dashboard/search?orderBy=colour`, status: 400 },
  { op: `GET ${A}/dashboard/{id}`, path: `${A}/dashboard/10000`, status: 200, as: BOB },
  { op: `GET ${A}/dashboard/{id}`, path: `${A}/dashboard/10001`, status: 404, as: BOB },
  { op: `GET ${A}/dashboard/{dashboardId}/gadget`, path: `${A}/dashboard/10000/gadget`, status: 200, as: BOB },
  { op: `GET ${A}/dashboard/{dashboardId}/gadget`, path: `${A}/dashboard/10002/gadget`, status: 404, as: BOB },
  {
    op: `GET ${A}/dashboard/{dashboardId}/items/{itemId}/properties`,
    path: `${A}/dashboard/10000/items/10000/properties`,
    status: 200,
    as: BOB,
  },
  {
    op: `GET ${A}/dashboard/{dashboardId}/items/{itemId}/properties`,
    path: `${A}/dashboard/10000/items/99999/properties`,
    status: 404,
    as: BOB,
  },
  {
    op: `GET ${A}/dashboard/{dashboardId}/items/{itemId}/properties/{propertyKey}`,
    path: `${A}/dashboard/10000/items/10000/properties/config`,
    status: 200,
    as: BOB,
  },
  {
    op: `GET ${A}/dashboard/{dashboardId}/items/{itemId}/properties/{propertyKey}`,
    path: `${A}/dashboard/10000/items/10000/properties/missing`,
    status: 404,
    as: BOB,
  },

  // Users and groups
  { op: `GET ${A}/users/search`, path: `${A}/users/search?maxResults=5`, status: 200, as: BOB },
  { op: `GET ${A}/users/search`, path: `${A}/users/search`, status: 403, as: OUTSIDER },
  { op: `GET ${A}/users/search`, path: `${A}/users/search?startAt=-1`, status: 400, as: BOB },
  { op: `GET ${A}/user`, path: `${A}/user?accountId=${ALICE}&expand=groups,applicationRoles`, status: 200, as: BOB },
  { op: `GET ${A}/user`, path: `${A}/user?accountId=acc-nobody`, status: 404, as: BOB },
  { op: `GET ${A}/user`, path: `${A}/user?accountId=${ALICE}`, status: 403, as: OUTSIDER },
  { op: `GET ${A}/user/bulk`, path: `${A}/user/bulk?accountId=${ALICE}&accountId=${BOB}`, status: 200, as: BOB },
  { op: `GET ${A}/user/bulk`, path: `${A}/user/bulk`, status: 400, as: BOB },
  { op: `GET ${A}/user/groups`, path: `${A}/user/groups?accountId=${ALICE}`, status: 200, as: BOB },
  { op: `GET ${A}/user/groups`, path: `${A}/user/groups?accountId=acc-nobody`, status: 404, as: BOB },
  { op: `GET ${A}/user/groups`, path: `${A}/user/groups?accountId=${ALICE}`, status: 403, as: OUTSIDER },
  { op: `GET ${A}/group/bulk`, path: `${A}/group/bulk`, status: 200, as: BOB },
  { op: `GET ${A}/group/bulk`, path: `${A}/group/bulk?accessType=everyone`, status: 400, as: BOB },
  { op: `GET ${A}/group/bulk`, path: `${A}/group/bulk`, status: 403, as: OUTSIDER },
  {
    op: `GET ${A}/group/member`,
    path: `${A}/group/member?groupname=developers&includeInactiveUsers=true`,
    status: 200,
    as: ADMIN,
  },
  { op: `GET ${A}/group/member`, path: `${A}/group/member`, status: 400, as: ADMIN },
  { op: `GET ${A}/group/member`, path: `${A}/group/member?groupId=no-such-group`, status: 404, as: ADMIN },
  { op: `GET ${A}/group/member`, path: `${A}/group/member?groupname=developers`, status: 403, as: OUTSIDER },

  // Misc
  { op: `GET ${A}/label`, path: `${A}/label`, status: 200, as: BOB },
  { op: `GET ${A}/configuration/timetracking`, path: `${A}/configuration/timetracking`, status: 200 },
  { op: `GET ${A}/configuration/timetracking`, path: `${A}/configuration/timetracking`, status: 403, as: BOB },
  {
    op: `GET ${A}/mypermissions`,
    path: `${A}/mypermissions?permissions=BROWSE_PROJECTS,ADMINISTER&projectKey=ALPHA`,
    status: 200,
    as: BOB,
  },
  { op: `GET ${A}/mypermissions`, path: `${A}/mypermissions?permissions=NOT_A_PERMISSION`, status: 400, as: BOB },
  {
    op: `GET ${A}/mypermissions`,
    path: `${A}/mypermissions?permissions=BROWSE_PROJECTS&projectKey=SECRET`,
    status: 404,
    as: BOB,
  },
];

describe('configuration reads: contract', () => {
  const h = harness();

  it('covers every operation of the config group, and nothing else', () => {
    const ops = new Set(CASES.map((c) => c.op));
    expect([...ops].sort()).toEqual([...REQUIRED_OPERATIONS.config!].sort());
    const registered = new Set(h.sim.routes.keys());
    expect(REQUIRED_OPERATIONS.config!.filter((op) => !registered.has(op))).toEqual([]);
  });

  it('is registered by createSimulator', () => {
    const registered = new Set(createSimulator().routes.keys());
    expect(REQUIRED_OPERATIONS.config!.filter((op) => !registered.has(op))).toEqual([]);
  });

  it('answers every operation with a success case', () => {
    const ok = new Set(CASES.filter((c) => c.status < 300).map((c) => c.op));
    expect(REQUIRED_OPERATIONS.config!.filter((op) => !ok.has(op))).toEqual([]);
  });

  for (const c of CASES) {
    it(`${c.op} → ${c.status} (${c.path.replace(A, '')}${c.as ? ` as ${c.as}` : ''})`, async () => {
      const r = await call(h, {
        op: c.op,
        path: c.path,
        as: c.as ?? ADMIN,
        ...(c.body !== undefined ? { body: c.body } : {}),
        ...(c.scopes ? { scopes: c.scopes } : {}),
      });
      expect(r.status).toBe(c.status);
      if (c.status >= 400 && c.status !== 401) expect(r.body.errorMessages ?? r.body.errors).toBeDefined();
    });
  }
});
