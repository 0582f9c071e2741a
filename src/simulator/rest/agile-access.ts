/**
 * Jira Software access rules and board computations shared by the Agile routes and webhook
 * delivery.
 *
 * - A board is visible to whoever can see its filter: the filter's owner, holders of one of its
 *   share permissions (global, logged-in, project [+ role], group, user), and the board's admins.
 *   Other users see it, at most, as a *private* board (id and location only).
 * - A sprint is visible to whoever can see its origin board or at least one of its issues.
 * - Managing sprints needs the project permission MANAGE_SPRINTS_PERMISSION on the board's
 *   project; moving issues between sprints and the backlog needs EDIT_ISSUES and SCHEDULE_ISSUES
 *   on each issue; ranking needs SCHEDULE_ISSUES.
 * - Board issues are the issues matching the board filter's JQL, ordered by the board's rank field
 *   (unless the filter orders them otherwise). A kanban board's subQuery is reported in its
 *   configuration but not applied.
 * - Backlog: board issues that are in no future or active sprint and not done — "done" meaning
 *   in a status mapped to the board's last column that has statuses (Jira's rule), or, for a board
 *   without columns, in the done status category.
 */
import { compareByRank, openSprintOf, sprintIdsOf } from '../mutate/agile.js';
import { JqlError, matchesJql, parseJql, type JqlQuery } from '../webhooks/jql.js';
import {
  canBrowseIssue,
  canBrowseProject,
  hasProjectPermission,
  isMember,
  projectRoleIdsOf,
} from '../world/queries.js';
import type { Board, Issue, SharePermission, Sprint } from '../world/site.js';
import type { Site } from '../world/types.js';

function shareAllows(site: Site, accountId: string, sp: SharePermission): boolean {
  switch (sp.type) {
    case 'global':
      return true;
    case 'loggedin':
      return isMember(site, accountId);
    case 'project':
    case 'project-unknown': {
      const p = sp.projectId ? site.data.projects.get(sp.projectId) : undefined;
      if (!p || !canBrowseProject(site, accountId, p)) return false;
      return sp.roleId ? projectRoleIdsOf(site, p, accountId).has(sp.roleId) : true;
    }
    case 'group':
      return sp.groupId !== undefined && (site.data.groups.get(sp.groupId)?.members.has(accountId) ?? false);
    case 'user':
      return sp.accountId === accountId;
  }
}

export function canViewBoard(site: Site, accountId: string, board: Board): boolean {
  if (!isMember(site, accountId)) return false;
  if (board.adminAccountIds.includes(accountId)) return true;
  const filter = site.data.filters.get(board.filterId);
  if (!filter) return false;
  if (filter.ownerAccountId === accountId) return true;
  return filter.sharePermissions.some((sp) => shareAllows(site, accountId, sp));
}

/** Whether the account may learn that a board it cannot view exists (shown as private). */
export function canSeePrivateBoard(site: Site, accountId: string, board: Board): boolean {
  if (site.admins.has(accountId)) return true;
  const p = site.data.projects.get(board.projectId);
  return p !== undefined && canBrowseProject(site, accountId, p);
}

export function canManageSprints(site: Site, accountId: string, board: Board): boolean {
  const p = site.data.projects.get(board.projectId);
  return p !== undefined && hasProjectPermission(site, accountId, p, 'MANAGE_SPRINTS_PERMISSION');
}

export function canScheduleIssue(site: Site, accountId: string, issue: Issue, alsoEdit: boolean): boolean {
  const p = site.data.projects.get(issue.projectId);
  if (!p) return false;
  if (!hasProjectPermission(site, accountId, p, 'SCHEDULE_ISSUES', issue)) return false;
  return !alsoEdit || hasProjectPermission(site, accountId, p, 'EDIT_ISSUES', issue);
}

export function visibleToAccount(site: Site, accountId: string, issue: Issue): boolean {
  return !issue.archived && canBrowseIssue(site, accountId, issue);
}

export function canViewSprint(site: Site, accountId: string, sprint: Sprint): boolean {
  const board = site.data.boards.get(sprint.originBoardId);
  if (board && canViewBoard(site, accountId, board)) return true;
  for (const issue of site.data.issues.values()) {
    if (sprintIdsOf(site, issue).includes(sprint.id) && visibleToAccount(site, accountId, issue)) return true;
  }
  return false;
}

const parsedFilters = new WeakMap<Site, Map<string, JqlQuery>>();

/** The board filter's parsed JQL (cached per site and JQL text). Throws JqlError when unsupported. */
export function boardQuery(site: Site, board: Board): JqlQuery {
  const filter = site.data.filters.get(board.filterId);
  if (!filter) throw new JqlError(`The filter of board ${board.id} does not exist.`);
  let cache = parsedFilters.get(site);
  if (!cache) parsedFilters.set(site, (cache = new Map()));
  let q = cache.get(filter.jql);
  if (!q) cache.set(filter.jql, (q = parseJql(filter.jql)));
  return q;
}

function sortIssues(board: Board, q: JqlQuery, issues: Issue[]): Issue[] {
  const byRank = compareByRank(board.rankFieldId);
  const keys = q.orderBy.length ? q.orderBy : [{ field: 'rank', direction: 'asc' as const }];
  const cmp = (a: Issue, b: Issue): number => {
    for (const k of keys) {
      let c = 0;
      if (k.field === 'rank') c = byRank(a, b);
      else if (k.field === 'key' || k.field === 'id' || k.field === 'issuekey') c = Number(a.id) - Number(b.id);
      else if (k.field === 'created') c = a.created - b.created;
      else if (k.field === 'updated') c = a.updated - b.updated;
      if (c !== 0) return k.direction === 'desc' ? -c : c;
    }
    return Number(a.id) - Number(b.id);
  };
  return issues.sort(cmp);
}

/**
 * Issues of a board visible to the account, in board order. `extra` (the endpoints' `jql`
 * parameter) further restricts them and, when it has ORDER BY, decides the order.
 */
export function boardIssues(site: Site, board: Board, accountId: string, extra?: JqlQuery): Issue[] {
  const q = boardQuery(site, board);
  const ctx = { site, accountId };
  const out: Issue[] = [];
  for (const issue of site.data.issues.values()) {
    if (!visibleToAccount(site, accountId, issue)) continue;
    if (!matchesJql(ctx, q, issue)) continue;
    if (extra && !matchesJql(ctx, extra, issue)) continue;
    out.push(issue);
  }
  return sortIssues(board, extra && extra.orderBy.length ? extra : q, out);
}

/** Status ids of the board's done column (the last column with statuses). */
export function doneStatusIds(board: Board): Set<string> | undefined {
  for (let i = board.columns.length - 1; i >= 0; i--) {
    const c = board.columns[i]!;
    if (c.statusIds.length > 0) return new Set(c.statusIds);
  }
  return undefined;
}

export function isDoneOnBoard(site: Site, board: Board, issue: Issue): boolean {
  const done = doneStatusIds(board);
  const status = String(issue.fields.status);
  if (done) return done.has(status);
  return site.data.statuses.get(status)?.statusCategoryId === 3;
}

export function backlogIssues(site: Site, board: Board, accountId: string, extra?: JqlQuery): Issue[] {
  return boardIssues(site, board, accountId, extra).filter(
    (i) => openSprintOf(site, i) === undefined && !isDoneOnBoard(site, board, i),
  );
}

/**
 * Sprints of a board: those created on it plus those holding any of its issues, ordered as Jira
 * lists them — closed, then active, then future — and by id within a state.
 */
export function boardSprints(site: Site, board: Board): Sprint[] {
  const ids = new Set<number>();
  for (const s of site.data.sprints.values()) if (s.originBoardId === board.id) ids.add(s.id);
  const q = boardQuery(site, board);
  const ctx = { site, accountId: '' };
  for (const issue of site.data.issues.values()) {
    const mine = sprintIdsOf(site, issue);
    if (mine.length === 0 || mine.every((id) => ids.has(id))) continue;
    if (matchesJql(ctx, q, issue)) for (const id of mine) ids.add(id);
  }
  const order = { closed: 0, active: 1, future: 2 };
  return [...ids]
    .map((id) => site.data.sprints.get(id))
    .filter((s): s is Sprint => s !== undefined)
    .sort((a, b) => order[a.state] - order[b.state] || a.id - b.id);
}
