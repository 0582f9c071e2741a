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
 * - Board issues are the issues matching the board filter's JQL — evaluated by the shared search
 *   engine (src/simulator/search) over the site's search index, so they follow the same JQL
 *   subset, permissions and index lag as /search/jql — ordered by rank unless the filter (or the
 *   endpoint's `jql` parameter) has ORDER BY. A kanban board's subQuery is reported in its
 *   configuration but not applied.
 * - Backlog: board issues that are in no future or active sprint and not done — "done" meaning
 *   in a status mapped to the board's last column that has statuses (Jira's rule), or, for a board
 *   without columns, in the done status category.
 */
import { openSprintOf, sprintIdsOf } from '../mutate/agile.js';
import { compileJql, docFieldIds, searchDocOf } from '../search/compile.js';
import { BrowseChecker, compileQueryFor, searchHits, type SearchContext } from '../search/execute.js';
import { JqlError, parseJql, type JqlClause, type JqlQuery, type JqlSort } from '../search/jql.js';
import type { SimServices } from '../services.js';
import {
  canBrowseIssue,
  canBrowseProject,
  findIssue,
  findProject,
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

/** The board filter's parsed JQL (cached per site and JQL text). Throws JqlError when invalid. */
export function boardQuery(site: Site, board: Board): JqlQuery {
  const filter = site.data.filters.get(board.filterId);
  if (!filter) throw new JqlError(`The filter of board ${board.id} does not exist.`);
  let cache = parsedFilters.get(site);
  if (!cache) parsedFilters.set(site, (cache = new Map()));
  let q = cache.get(filter.jql);
  if (!q) cache.set(filter.jql, (q = parseJql(filter.jql)));
  return q;
}

const BY_RANK: JqlSort[] = [{ field: 'rank', direction: 'asc', pos: 0 }];

/**
 * One query out of several restrictions (AND), ordered by the first query that has ORDER BY,
 * else by rank — the board order.
 */
export function combineQueries(queries: Array<JqlQuery | undefined>, extra: JqlClause[] = []): JqlQuery {
  const parts = [...queries.map((q) => q?.where), ...extra].filter((c): c is JqlClause => c !== undefined);
  const where: JqlClause | undefined =
    parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : { kind: 'and', clauses: parts };
  const ordered = [...queries].reverse().find((q) => q && q.orderBy.length > 0);
  return { where, orderBy: ordered ? ordered.orderBy : BY_RANK };
}

/** A `field = value` clause (for restrictions the endpoints add, like the sprint of a sprint's issues). */
export function equalsClause(field: string, value: string): JqlClause {
  return { kind: 'term', field, pos: 0, op: '=', operand: { kind: 'value', value, quoted: false, pos: 0 } };
}

/** Issues matching a query for the viewer, in result order (search index, Browse permission). */
export function searchIssues(ctx: SearchContext, query: JqlQuery): Issue[] {
  const browse = new BrowseChecker(ctx.site, ctx.viewerId);
  const compiled = compileQueryFor(ctx, query, browse);
  return searchHits(ctx, compiled, browse).map((h) => h.doc.issue);
}

/**
 * Issues of a board visible to the viewer, in board order. `extra` (the endpoints' `jql`
 * parameter) further restricts them and, when it has ORDER BY, decides the order.
 */
export function boardIssues(ctx: SearchContext, board: Board, extra?: JqlQuery): Issue[] {
  return searchIssues(ctx, combineQueries([boardQuery(ctx.site, board), extra]));
}

/** Projects a query names in `project =` / `project in` clauses (boards listed by project). */
export function referencedProjects(site: Site, query: JqlQuery): Set<string> {
  const out = new Set<string>();
  const values = (o: Extract<JqlClause, { kind: 'term' }>['operand']): string[] =>
    o.kind === 'value' ? [o.value] : o.kind === 'list' ? o.items.flatMap(values) : [];
  const walk = (c: JqlClause | undefined): void => {
    if (!c) return;
    if (c.kind === 'and' || c.kind === 'or') c.clauses.forEach(walk);
    else if (c.kind === 'term' && c.field.toLowerCase() === 'project' && (c.op === '=' || c.op === 'in')) {
      for (const v of values(c.operand)) {
        const p =
          findProject(site, v) ??
          [...site.data.projects.values()].find((x) => x.name.toLowerCase() === v.toLowerCase());
        if (p) out.add(p.id);
      }
    }
  };
  walk(query.where);
  return out;
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

export function backlogIssues(ctx: SearchContext, board: Board, extra?: JqlQuery): Issue[] {
  return boardIssues(ctx, board, extra).filter(
    (i) => openSprintOf(ctx.site, i) === undefined && !isDoneOnBoard(ctx.site, board, i),
  );
}

/**
 * Sprints of a board: those created on it plus those holding any of its issues, ordered as Jira
 * lists them — closed, then active, then future — and by id within a state.
 */
export function boardSprints(sim: SimServices, site: Site, board: Board, now: number): Sprint[] {
  const ids = new Set<number>();
  for (const s of site.data.sprints.values()) if (s.originBoardId === board.id) ids.add(s.id);
  // Which issues belong to a board does not depend on who asks: the filter is evaluated on the
  // live issues with every project visible.
  const compiled = compileJql(boardQuery(site, board), {
    site,
    viewerId: '',
    now,
    timeZone: site.data.settings.timeZone,
    accounts: sim.world.accounts,
    projectVisible: () => true,
    resolveIssue: (keyOrId) => findIssue(site, keyOrId)?.id,
  });
  const fieldIds = docFieldIds(site);
  for (const issue of site.data.issues.values()) {
    const mine = sprintIdsOf(site, issue);
    if (mine.length === 0 || mine.every((id) => ids.has(id))) continue;
    if (compiled.matches(searchDocOf(site, issue, fieldIds))) for (const id of mine) ids.add(id);
  }
  const order = { closed: 0, active: 1, future: 2 };
  return [...ids]
    .map((id) => site.data.sprints.get(id))
    .filter((s): s is Sprint => s !== undefined)
    .sort((a, b) => order[a.state] - order[b.state] || a.id - b.id);
}
