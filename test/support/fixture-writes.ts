/**
 * The fixture site (fixture-site.ts) with the permissions a restore needs granted in OPEN, and a
 * harness serving the issue reads and every write route, for the write-route tests.
 *
 * Grants added to OPEN's scheme (SEC is unchanged):
 *   every site member   Assign issues, Assignable user, Link issues, Schedule issues, Edit/Delete
 *                       own comments, worklogs and attachments (plus the fixture's Browse,
 *                       Create, Edit, Transition, Add comments, Work on issues, Create attachments)
 *   Administrators role (admin only)
 *                       Delete issues, Modify reporter, Set issue security, Manage watchers,
 *                       Edit/Delete all comments and worklogs, Delete all attachments
 * So: admin may do everything; alice and bob are ordinary developers (alice also sees the
 * secret-agents items); dave is a plain member; outsider is not a member of the site.
 */
import type { RouteTable } from '../../src/simulator/http/route-table.js';
import { registerAttachmentRoutes } from '../../src/simulator/rest/attachments.js';
import { registerCommentRoutes } from '../../src/simulator/rest/comments.js';
import { registerIssueReadRoutes } from '../../src/simulator/rest/issues-read.js';
import { registerWorklogRoutes } from '../../src/simulator/rest/worklogs.js';
import { registerWriteRoutes } from '../../src/simulator/rest/writes.js';
import { registerConfigRoutes } from '../../src/simulator/rest/config-routes.js';
import type { PermissionGrant } from '../../src/simulator/world/site.js';
import { buildFixture, ROLES, type Fixture } from './fixture-site.js';
import { harness, READ_SCOPES, type CallResult, type Harness } from './sim-harness.js';
import { expectContract } from './contract.js';

export const WRITE_SCOPES = [...READ_SCOPES, 'write:jira-work', 'manage:jira-project', 'manage:jira-configuration'];

const EVERYONE = [
  'ASSIGN_ISSUES',
  'ASSIGNABLE_USER',
  'LINK_ISSUES',
  'SCHEDULE_ISSUES',
  'EDIT_OWN_COMMENTS',
  'DELETE_OWN_COMMENTS',
  'EDIT_OWN_WORKLOGS',
  'DELETE_OWN_WORKLOGS',
  'DELETE_OWN_ATTACHMENTS',
];
const ADMINS = [
  'DELETE_ISSUES',
  'MODIFY_REPORTER',
  'SET_ISSUE_SECURITY',
  'MANAGE_WATCHERS',
  'EDIT_ALL_COMMENTS',
  'DELETE_ALL_COMMENTS',
  'EDIT_ALL_WORKLOGS',
  'DELETE_ALL_WORKLOGS',
  'DELETE_ALL_ATTACHMENTS',
];

export function buildWritableFixture(): Fixture {
  const fx = buildFixture();
  const scheme = fx.site.data.permissionSchemes.get(fx.projects.open.permissionSchemeId)!;
  let id = 20000;
  const grant = (permission: string, holder: PermissionGrant['holder']): PermissionGrant => ({
    id: String(id++),
    permission,
    holder,
  });
  for (const p of EVERYONE) scheme.permissions.push(grant(p, { type: 'applicationRole' }));
  for (const p of ADMINS) scheme.permissions.push(grant(p, { type: 'projectRole', parameter: ROLES.administrators }));
  return fx;
}

export const WRITE_HARNESS_ROUTES: Array<(t: RouteTable) => void> = [
  registerIssueReadRoutes,
  registerCommentRoutes,
  registerWorklogRoutes,
  registerAttachmentRoutes,
  registerConfigRoutes,
  registerWriteRoutes,
];

/** A harness over the writable fixture; calls carry the write scopes unless told otherwise. */
export function writeHarness(): Harness {
  const h = harness({ routes: WRITE_HARNESS_ROUTES, fixture: buildWritableFixture() });
  const call: Harness['call'] = (method, path, o = {}) => h.call(method, path, { scopes: WRITE_SCOPES, ...o });
  return { ...h, call, get: (p, o) => call('GET', p, o), post: (p, o) => call('POST', p, o) };
}

/** Calls and checks the answer against the pinned spec (success and error answers alike). */
export async function contractCall(
  h: Harness,
  method: string,
  route: string,
  path: string,
  options: Parameters<Harness['call']>[2] = {},
): Promise<CallResult> {
  const res = await h.call(method, path, options);
  expectContract(method, route, res);
  return res;
}

/** A one-paragraph ADF document. */
export function adf(text: string): { version: 1; type: 'doc'; content: unknown[] } {
  return { version: 1, type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}
