/**
 * Lookups and Jira permission evaluation over a site's stored data. Route handlers use these so
 * that "404 for issues the caller cannot browse" and "403 for forbidden actions" follow one rule.
 *
 * Permissions follow Jira's model: a project's permission scheme grants each permission key to
 * holders (anyone, application role, group, project role, user, project lead, reporter, assignee);
 * issue security levels further restrict who sees an issue. Site admins hold Administer Jira, which
 * does not by itself grant Browse projects (as in Jira); schemes decide that.
 */
import type { Issue, PermissionHolder, Project } from './site.js';
import type { Site } from './types.js';

/** Resolves an issue by id or by current/previous key (keys are case-insensitive in Jira). */
export function findIssue(site: Site, idOrKey: string): Issue | undefined {
  const data = site.data;
  if (/^\d+$/.test(idOrKey)) return data.issues.get(idOrKey);
  const id = data.issueKeys.get(idOrKey.toUpperCase());
  return id === undefined ? undefined : data.issues.get(id);
}

/** Resolves a project by id or by current/previous key. */
export function findProject(site: Site, idOrKey: string): Project | undefined {
  const data = site.data;
  if (/^\d+$/.test(idOrKey)) return data.projects.get(idOrKey);
  const id = data.projectKeys.get(idOrKey.toUpperCase());
  return id === undefined ? undefined : data.projects.get(id);
}

export function isSiteAdmin(site: Site, accountId: string): boolean {
  return site.admins.has(accountId);
}

export function isMember(site: Site, accountId: string): boolean {
  return site.members.has(accountId);
}

/** Group ids the account belongs to on this site. */
export function groupIdsOf(site: Site, accountId: string): Set<string> {
  const out = new Set<string>();
  for (const g of site.data.groups.values()) if (g.members.has(accountId)) out.add(g.groupId);
  return out;
}

/** Project role ids the account holds in a project (directly or through a group). */
export function projectRoleIdsOf(site: Site, project: Project, accountId: string): Set<string> {
  const groups = groupIdsOf(site, accountId);
  const out = new Set<string>();
  for (const [roleId, actors] of project.roleActors) {
    if (actors.users.has(accountId) || [...actors.groups].some((g) => groups.has(g))) out.add(roleId);
  }
  return out;
}

function holds(
  site: Site,
  project: Project,
  accountId: string,
  holder: PermissionHolder,
  issue: Issue | undefined,
): boolean {
  switch (holder.type) {
    case 'anyone':
      return true;
    case 'applicationRole':
      return isMember(site, accountId);
    case 'group':
      return site.data.groups.get(holder.parameter)?.members.has(accountId) ?? false;
    case 'projectRole':
      return projectRoleIdsOf(site, project, accountId).has(holder.parameter);
    case 'user':
      return holder.parameter === accountId;
    case 'projectLead':
      return project.leadAccountId === accountId;
    case 'reporter':
      return issue !== undefined && issue.fields.reporter === accountId;
    case 'assignee':
      return issue !== undefined && issue.fields.assignee === accountId;
  }
}

/**
 * True when the account holds a project permission (e.g. 'BROWSE_PROJECTS', 'CREATE_ISSUES',
 * 'EDIT_ISSUES', 'DELETE_ISSUES', 'ADD_COMMENTS', 'ADMINISTER_PROJECTS'). Pass the issue for
 * reporter/assignee grants.
 */
export function hasProjectPermission(
  site: Site,
  accountId: string,
  project: Project,
  permission: string,
  issue?: Issue,
): boolean {
  if (!isMember(site, accountId) || project.status === 'deleted') return false;
  const scheme = site.data.permissionSchemes.get(project.permissionSchemeId);
  if (!scheme) return false;
  return scheme.permissions.some(
    (g) => g.permission === permission && holds(site, project, accountId, g.holder, issue),
  );
}

export function canBrowseProject(site: Site, accountId: string, project: Project): boolean {
  return hasProjectPermission(site, accountId, project, 'BROWSE_PROJECTS');
}

/** Browse permission on the project and membership of the issue's security level, if it has one. */
export function canBrowseIssue(site: Site, accountId: string, issue: Issue): boolean {
  const project = site.data.projects.get(issue.projectId);
  if (!project || !hasProjectPermission(site, accountId, project, 'BROWSE_PROJECTS', issue)) return false;
  const levelId = issue.fields.security as string | undefined;
  if (!levelId || !project.issueSecuritySchemeId) return true;
  const scheme = site.data.issueSecuritySchemes.get(project.issueSecuritySchemeId);
  const level = scheme?.levels.find((l) => l.id === levelId);
  if (!level) return true;
  return level.members.some((holder) => holds(site, project, accountId, holder, issue));
}

/** The issue if the account may see it; undefined otherwise (Jira answers 404 either way). */
export function visibleIssue(site: Site, accountId: string, idOrKey: string): Issue | undefined {
  const issue = findIssue(site, idOrKey);
  return issue && !issue.archived && canBrowseIssue(site, accountId, issue) ? issue : undefined;
}
