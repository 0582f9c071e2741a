/**
 * Remaining configuration reads: priorities and resolutions (PageBean searches), issue link types,
 * labels in use, the time tracking provider, and the caller's permissions (GET /mypermissions) in
 * the global, project, issue or comment context.
 */
import { badRequest, notFound } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import { renderIssueLinkType, renderPriorityFull, renderResolutionFull } from '../render/config.js';
import type { RouteContext, RouteResult } from '../services.js';
import type { Issue, Project } from '../world/site.js';
import { findIssue, findProject, hasProjectPermission, isMember, visibleIssue } from '../world/queries.js';
import {
  boolParam,
  canViewProject,
  checkExpand,
  containsIgnoreCase,
  expandSet,
  isAdmin,
  listParam,
  pageBean,
  pageParams,
  renderContext,
  requireAdmin,
} from './config-common.js';

const API = '/rest/api/3';

// ---------------------------------------------------------------------------------------------
// Priorities and resolutions

function searchPriorities(ctx: RouteContext): RouteResult {
  const q = ctx.query;
  const page = pageParams(q, { defaultMax: 50, cap: 100 });
  const expand = expandSet(q);
  checkExpand(expand, ['schemes']);
  const ids = listParam(q, 'id');
  const name = q.get('priorityName') ?? '';
  const onlyDefault = boolParam(q, 'onlyDefault', false);
  // Priority schemes are not modelled: every priority is available in every project, so the
  // projectId filter (invalid ids ignored) does not narrow the list, and `schemes` adds nothing.
  const list = [...ctx.site.data.priorities.values()].filter(
    (p) =>
      (ids.length === 0 || ids.includes(p.id)) &&
      (!name || containsIgnoreCase(p.name, name)) &&
      (!onlyDefault || p.isDefault),
  );
  const rc = renderContext(ctx);
  const body = pageBean(ctx, list, page, (p) => renderPriorityFull(rc, p));
  return { body, objects: body.values.length };
}

function searchResolutions(ctx: RouteContext): RouteResult {
  const q = ctx.query;
  const page = pageParams(q, { defaultMax: 50, cap: 100 });
  const ids = listParam(q, 'id');
  const onlyDefault = boolParam(q, 'onlyDefault', false);
  const list = [...ctx.site.data.resolutions.values()].filter(
    (r) => (ids.length === 0 || ids.includes(r.id)) && (!onlyDefault || r.isDefault),
  );
  const rc = renderContext(ctx);
  const body = pageBean(ctx, list, page, (r) => renderResolutionFull(rc, r));
  return { body, objects: body.values.length };
}

function issueLinkTypes(ctx: RouteContext): RouteResult {
  if (!ctx.site.data.settings.issueLinkingEnabled) throw notFound('Issue linking is disabled.');
  const rc = renderContext(ctx);
  const issueLinkTypes = [...ctx.site.data.issueLinkTypes.values()].map((t) => renderIssueLinkType(rc, t));
  return { body: { issueLinkTypes }, objects: issueLinkTypes.length };
}

// ---------------------------------------------------------------------------------------------
// Labels

/** Label values of an issue: the system labels field and every custom labels field. */
function labelFieldIds(ctx: RouteContext): string[] {
  return [...ctx.site.data.fields.values()]
    .filter((f) => f.id === 'labels' || f.schema.custom === 'com.atlassian.jira.plugin.system.customfieldtypes:labels')
    .map((f) => f.id);
}

function allLabels(ctx: RouteContext): RouteResult {
  const page = pageParams(ctx.query, { defaultMax: 1000, cap: 1000 });
  const fieldIds = labelFieldIds(ctx);
  if (!fieldIds.includes('labels')) fieldIds.push('labels');
  const labels = new Set<string>();
  for (const issue of ctx.site.data.issues.values()) {
    for (const id of fieldIds) {
      const v = issue.fields[id];
      if (Array.isArray(v)) for (const l of v) if (typeof l === 'string' && l !== '') labels.add(l);
    }
  }
  const sorted = [...labels].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const body = pageBean(ctx, sorted, page, (l) => l);
  return { body, objects: body.values.length };
}

// ---------------------------------------------------------------------------------------------
// Time tracking

function timeTracking(ctx: RouteContext): RouteResult {
  requireAdmin(ctx, 'You do not have permission to view the time tracking configuration.');
  if (!ctx.site.data.settings.timeTrackingEnabled) return { status: 204 };
  return {
    body: { key: 'JIRA', name: 'JIRA provided time tracking', url: '/secure/admin/TimeTrackingAdmin!default.jspa' },
    objects: 1,
  };
}

// ---------------------------------------------------------------------------------------------
// GET /mypermissions

interface PermissionInfo {
  id: string;
  key: string;
  name: string;
  type: 'GLOBAL' | 'PROJECT';
  description: string;
}

const P = (id: number, key: string, name: string, type: 'GLOBAL' | 'PROJECT', description: string): PermissionInfo => ({
  id: String(id),
  key,
  name,
  type,
  description,
});

/** Jira's built-in permissions with their ids, names and descriptions. */
export const PERMISSIONS: readonly PermissionInfo[] = [
  P(
    0,
    'ADMINISTER',
    'Administer Jira',
    'GLOBAL',
    'Create and administer projects, issue types, fields, workflows, and schemes for all projects. Users with this permission can perform most administration tasks, except: managing users, importing data, and editing system email settings.',
  ),
  P(
    44,
    'SYSTEM_ADMIN',
    'Jira System Administrator',
    'GLOBAL',
    'Ability to perform all administration functions. There must be at least one group with this permission.',
  ),
  P(
    27,
    'USER_PICKER',
    'Browse users and groups',
    'GLOBAL',
    'View and select users or groups from the user picker, and share issues. Users with this permission can see the names of all users and groups on your site.',
  ),
  P(
    22,
    'CREATE_SHARED_OBJECTS',
    'Share dashboards and filters',
    'GLOBAL',
    'Share dashboards and filters with other users.',
  ),
  P(
    24,
    'MANAGE_GROUP_FILTER_SUBSCRIPTIONS',
    'Manage group filter subscriptions',
    'GLOBAL',
    'Create and delete group filter subscriptions.',
  ),
  P(
    33,
    'BULK_CHANGE',
    'Make bulk changes',
    'GLOBAL',
    'Modify collections of issues at once. For example, resolve multiple issues in one step.',
  ),
  P(23, 'ADMINISTER_PROJECTS', 'Administer Projects', 'PROJECT', 'Ability to administer a project in Jira.'),
  P(10, 'BROWSE_PROJECTS', 'Browse Projects', 'PROJECT', 'Ability to browse projects and the issues within them.'),
  P(
    29,
    'VIEW_DEV_TOOLS',
    'View Development Tools',
    'PROJECT',
    'Allows users in a software project to view development-related information on the issue, such as commits, reviews and build information.',
  ),
  P(
    45,
    'VIEW_READONLY_WORKFLOW',
    'View Read-Only Workflow',
    'PROJECT',
    'Users with this permission may view a read-only version of a workflow.',
  ),
  P(11, 'CREATE_ISSUES', 'Create Issues', 'PROJECT', 'Ability to create issues.'),
  P(12, 'EDIT_ISSUES', 'Edit Issues', 'PROJECT', 'Ability to edit issues.'),
  P(46, 'TRANSITION_ISSUES', 'Transition Issues', 'PROJECT', 'Ability to transition issues.'),
  P(28, 'SCHEDULE_ISSUES', 'Schedule Issues', 'PROJECT', "Ability to set or edit an issue's due date."),
  P(
    25,
    'MOVE_ISSUES',
    'Move Issues',
    'PROJECT',
    'Ability to move issues between projects or between workflows of the same project (if applicable). Note the user can only move issues to a project they have the create permission for.',
  ),
  P(13, 'ASSIGN_ISSUES', 'Assign Issues', 'PROJECT', 'Ability to assign issues to other people.'),
  P(17, 'ASSIGNABLE_USER', 'Assignable User', 'PROJECT', 'Users with this permission may be assigned to issues.'),
  P(
    14,
    'RESOLVE_ISSUES',
    'Resolve Issues',
    'PROJECT',
    'Ability to resolve and reopen issues. This includes the ability to set a fix version.',
  ),
  P(
    18,
    'CLOSE_ISSUES',
    'Close Issues',
    'PROJECT',
    'Ability to close issues. Often useful where your developers resolve issues, and a QA department closes them.',
  ),
  P(
    30,
    'MODIFY_REPORTER',
    'Modify Reporter',
    'PROJECT',
    'Ability to modify the reporter when creating or editing an issue.',
  ),
  P(16, 'DELETE_ISSUES', 'Delete Issues', 'PROJECT', 'Ability to delete issues.'),
  P(
    21,
    'LINK_ISSUES',
    'Link Issues',
    'PROJECT',
    'Ability to link issues together and create linked issues. Only useful if issue linking is turned on.',
  ),
  P(
    26,
    'SET_ISSUE_SECURITY',
    'Set Issue Security',
    'PROJECT',
    'Ability to set the level of security on an issue so that only people in that security level can see the issue.',
  ),
  P(
    31,
    'VIEW_VOTERS_AND_WATCHERS',
    'View Voters and Watchers',
    'PROJECT',
    'Ability to view the voters and watchers of an issue.',
  ),
  P(32, 'MANAGE_WATCHERS', 'Manage Watchers', 'PROJECT', 'Ability to manage the watchers of an issue.'),
  P(15, 'ADD_COMMENTS', 'Add Comments', 'PROJECT', 'Ability to comment on issues.'),
  P(34, 'EDIT_ALL_COMMENTS', 'Edit All Comments', 'PROJECT', 'Ability to edit all comments made on issues.'),
  P(35, 'EDIT_OWN_COMMENTS', 'Edit Own Comments', 'PROJECT', 'Ability to edit own comments made on issues.'),
  P(36, 'DELETE_ALL_COMMENTS', 'Delete All Comments', 'PROJECT', 'Ability to delete all comments made on issues.'),
  P(37, 'DELETE_OWN_COMMENTS', 'Delete Own Comments', 'PROJECT', 'Ability to delete own comments made on issues.'),
  P(19, 'CREATE_ATTACHMENTS', 'Create Attachments', 'PROJECT', 'Users with this permission may create attachments.'),
  P(
    38,
    'DELETE_ALL_ATTACHMENTS',
    'Delete All Attachments',
    'PROJECT',
    'Users with this permission may delete all attachments.',
  ),
  P(
    39,
    'DELETE_OWN_ATTACHMENTS',
    'Delete Own Attachments',
    'PROJECT',
    'Users with this permission may delete own attachments.',
  ),
  P(
    20,
    'WORK_ON_ISSUES',
    'Work On Issues',
    'PROJECT',
    'Ability to log work done against an issue. Only useful if Time Tracking is turned on.',
  ),
  P(40, 'EDIT_OWN_WORKLOGS', 'Edit Own Worklogs', 'PROJECT', 'Ability to edit own worklogs made on issues.'),
  P(41, 'EDIT_ALL_WORKLOGS', 'Edit All Worklogs', 'PROJECT', 'Ability to edit all worklogs made on issues.'),
  P(42, 'DELETE_OWN_WORKLOGS', 'Delete Own Worklogs', 'PROJECT', 'Ability to delete own worklogs made on issues.'),
  P(43, 'DELETE_ALL_WORKLOGS', 'Delete All Worklogs', 'PROJECT', 'Ability to delete all worklogs made on issues.'),
];

const PERMISSIONS_BY_KEY = new Map(PERMISSIONS.map((p) => [p.key, p]));

/**
 * A project permission outside an issue context: holders that depend on issue data (reporter,
 * assignee) count as held, because any user can be a reporter (Jira's documented rule).
 */
function projectPermissionWithoutIssue(ctx: RouteContext, p: Project, key: string): boolean {
  const me = ctx.principal.accountId;
  const anyIssue = { fields: { reporter: me, assignee: me } } as unknown as Issue;
  return hasProjectPermission(ctx.site, me, p, key, anyIssue);
}

function globalPermission(ctx: RouteContext, key: string): boolean {
  const admin = isAdmin(ctx);
  const member = admin || isMember(ctx.site, ctx.principal.accountId);
  return key === 'ADMINISTER' || key === 'SYSTEM_ADMIN' ? admin : member;
}

function myPermissions(ctx: RouteContext): RouteResult {
  const q = ctx.query;
  const keys = listParam(q, 'permissions');
  if (keys.length === 0) throw badRequest('The permissions query parameter is required.');
  for (const k of keys) {
    if (!PERMISSIONS_BY_KEY.has(k)) throw badRequest(`The permission key '${k}' is not valid.`);
  }
  const commentId = q.get('commentId');
  if (commentId && keys.some((k) => k !== 'BROWSE_PROJECTS'))
    throw badRequest('Only the BROWSE_PROJECTS permission is supported with a commentId.');

  const data = ctx.site.data;
  const me = ctx.principal.accountId;
  let project: Project | undefined;
  let issue: Issue | undefined;
  const issueRef = q.get('issueId') ?? q.get('issueKey');
  const projectRef = q.get('projectId') ?? q.get('projectKey');
  if (commentId) {
    issue = [...data.issues.values()].find((i) => i.comments.some((c) => c.id === commentId));
    if (!issue || !visibleIssue(ctx.site, me, issue.id)) throw notFound('The comment was not found.');
  } else if (issueRef) {
    issue = visibleIssue(ctx.site, me, issueRef);
    if (!issue) {
      const exists = findIssue(ctx.site, issueRef) !== undefined;
      throw notFound(exists ? 'You do not have the permission to see the specified issue.' : 'Issue does not exist.');
    }
  } else if (projectRef) {
    project = findProject(ctx.site, projectRef);
    if (!project || !canViewProject(ctx, project))
      throw notFound(`No project could be found with key '${projectRef}'.`);
  }
  if (issue) project = data.projects.get(issue.projectId);

  const permissions: Record<string, unknown> = {};
  for (const key of keys) {
    const info = PERMISSIONS_BY_KEY.get(key)!;
    let have: boolean;
    if (info.type === 'GLOBAL') have = globalPermission(ctx, key);
    else if (issue && project) have = hasProjectPermission(ctx.site, me, project, key, issue);
    else if (project) have = projectPermissionWithoutIssue(ctx, project, key);
    else
      have = [...data.projects.values()].some((p) => p.status === 'live' && projectPermissionWithoutIssue(ctx, p, key));
    permissions[key] = { ...info, havePermission: have };
  }
  return { body: { permissions }, identityObjects: keys.length };
}

export function registerMiscConfigRoutes(t: RouteTable): void {
  t.get(`${API}/priority/search`, searchPriorities);
  t.get(`${API}/resolution/search`, searchResolutions);
  t.get(`${API}/issueLinkType`, issueLinkTypes);
  t.get(`${API}/label`, allLabels);
  t.get(`${API}/configuration/timetracking`, timeTracking);
  t.get(`${API}/mypermissions`, myPermissions);
}
