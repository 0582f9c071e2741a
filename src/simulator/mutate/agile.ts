/**
 * Jira Software mutations: sprints (create, update with the future → active → closed state machine,
 * delete), sprint membership, backlog moves and rank. Every change is applied to the stored site
 * data first and then announced as a SiteEvent (sprint_* for sprints, issue_updated with a change
 * history entry for issues), so the search index and webhook delivery see it.
 *
 * These are primitives: they check the agile *rules* (state transitions, open sprints only,
 * rank anchors) but not the caller's *permissions* — REST handlers do that, the data generator
 * and the control API do not need to.
 *
 * Stored forms (see world/site.ts): the Sprint field (custom type gh-sprint) holds sprint ids,
 * closed sprints first and at most one open (future or active) sprint last, as Jira keeps
 * closed-sprint membership in the field's history; the Rank field (gh-lexo-rank) holds a
 * LexoRank-like string whose plain string order is the rank order.
 */
import { jiraError } from '../http/errors.js';
import { type AuditValues, valuesChanged, valuesSet } from '../world/audit.js';
import { type ConfigChange, emitSiteEvent } from '../world/events.js';
import { nextId } from '../world/factory.js';
import type { ChangeItem, FieldDef, Issue, Sprint } from '../world/site.js';
import type { Site } from '../world/types.js';

export const SPRINT_FIELD_TYPE = 'com.pyxis.greenhopper.jira:gh-sprint';
export const RANK_FIELD_TYPE = 'com.pyxis.greenhopper.jira:gh-lexo-rank';

/** Jira's limit on issues moved or ranked by one Agile request. */
export const MAX_AGILE_ISSUES = 50;
/** Jira Software's limit on sprint names. */
export const MAX_SPRINT_NAME = 30;

// ---------------------------------------------------------------------------------------------
// Field lookups

function fieldOfType(site: Site, custom: string): FieldDef | undefined {
  for (const f of site.data.fields.values()) if (f.schema.custom === custom) return f;
  return undefined;
}

/** Id of the site's Sprint field (customfield_…), if the site has Jira Software fields. */
export function sprintFieldId(site: Site): string | undefined {
  return fieldOfType(site, SPRINT_FIELD_TYPE)?.id;
}

/** Id of the site's default Rank field. */
export function rankFieldId(site: Site): string | undefined {
  return fieldOfType(site, RANK_FIELD_TYPE)?.id;
}

function requireSprintField(site: Site): string {
  const id = sprintFieldId(site);
  if (!id) throw jiraError(500, ['The Sprint field is not configured on this site.']);
  return id;
}

/** The sprint ids stored on an issue (closed first, the open sprint, if any, last). */
export function sprintIdsOf(site: Site, issue: Issue): number[] {
  const id = sprintFieldId(site);
  const v = id ? issue.fields[id] : undefined;
  return Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : [];
}

export function isOpenSprint(s: Sprint | undefined): boolean {
  return s !== undefined && s.state !== 'closed';
}

/** The future or active sprint an issue belongs to, if any. */
export function openSprintOf(site: Site, issue: Issue): Sprint | undefined {
  for (const id of sprintIdsOf(site, issue)) {
    const s = site.data.sprints.get(id);
    if (isOpenSprint(s)) return s;
  }
  return undefined;
}

/** Closed sprints an issue was part of, oldest first. */
export function closedSprintsOf(site: Site, issue: Issue): Sprint[] {
  return sprintIdsOf(site, issue)
    .map((id) => site.data.sprints.get(id))
    .filter((s): s is Sprint => s !== undefined && s.state === 'closed');
}

// ---------------------------------------------------------------------------------------------
// LexoRank-like ranks
//
// A rank is "0|" + six base-36 digits + ":" + further base-36 digits, read as the base-36
// fraction 0.d1d2d3… with no trailing zeros. With a fixed six-digit head and no trailing zeros,
// plain string comparison of two ranks is the comparison of their fractions, and between any two
// different fractions there is always another: rankBetween never runs out of room, the rank just
// grows a digit when two neighbours are adjacent.

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';
const BASE = 36;
const HEAD = 6;

function digitsOf(rank: string): string {
  const m = /^0\|([0-9a-z]{6}):([0-9a-z]*)$/.exec(rank);
  if (!m) throw new Error(`not a rank: ${rank}`);
  return (m[1]! + m[2]!).replace(/0+$/, '');
}

function formatRank(digits: string): string {
  const d = digits.replace(/0+$/, '');
  return `0|${d.slice(0, HEAD).padEnd(HEAD, '0')}:${d.slice(HEAD)}`;
}

/** A digit string strictly between fractions a and b (b undefined = 1). Inputs have no trailing zeros. */
function midpoint(a: string, b: string | undefined): string {
  if (b !== undefined) {
    let n = 0;
    while (n < b.length && (a[n] ?? '0') === b[n]) n++;
    if (n > 0) return b.slice(0, n) + midpoint(a.slice(n), b.slice(n));
  }
  const da = a.length > 0 ? DIGITS.indexOf(a[0]!) : 0;
  const db = b !== undefined && b.length > 0 ? DIGITS.indexOf(b[0]!) : BASE;
  if (db - da > 1) return DIGITS[Math.round((da + db) / 2)]!;
  // Adjacent digits: b[0] alone is already below b when b has more (non-zero) digits.
  if (b !== undefined && b.length > 1) return b[0]!;
  return DIGITS[da]! + midpoint(a.slice(1), undefined);
}

/** Adds `step` to the six-digit head; undefined when it would overflow. */
function headPlus(digits: string, step: number): string | undefined {
  const head = parseInt(digits.slice(0, HEAD).padEnd(HEAD, '0'), BASE) + step;
  if (head <= 0 || head >= BASE ** HEAD) return undefined;
  return head.toString(BASE).padStart(HEAD, '0');
}

/** Step between neighbouring ranks given out at the ends of the order, as LexoRank does. */
const END_STEP = 8;

/**
 * A rank strictly between `before` and `after` (either may be undefined for "the start" / "the
 * end"). Throws when before ≥ after.
 */
export function rankBetween(before: string | undefined, after: string | undefined): string {
  const a = before === undefined ? '' : digitsOf(before);
  const b = after === undefined ? undefined : digitsOf(after);
  if (b !== undefined && !(a < b || (a === '' && b !== ''))) throw new Error(`rank ${before} is not before ${after}`);
  if (b === undefined && a !== '') {
    const head = headPlus(a, END_STEP);
    if (head !== undefined) return formatRank(head);
  }
  if (a === '' && b !== undefined) {
    const head = headPlus(b, -END_STEP);
    if (head !== undefined && head.replace(/0+$/, '') !== '') return formatRank(head);
  }
  return formatRank(midpoint(a, b));
}

/** n evenly spaced ranks of equal length, in order (for generated data). */
export function initialRanks(n: number): string[] {
  if (n <= 0) return [];
  const out: string[] = [];
  // Spread over the middle of the head range, leaving room at both ends.
  const lo = parseInt('100000', BASE);
  const hi = parseInt('y00000', BASE);
  const step = (hi - lo) / (n + 1);
  if (step >= 1) {
    for (let i = 1; i <= n; i++)
      out.push(
        formatRank(
          Math.floor(lo + i * step)
            .toString(BASE)
            .padStart(HEAD, '0'),
        ),
      );
    return out;
  }
  let prev: string | undefined;
  for (let i = 0; i < n; i++) out.push((prev = rankBetween(prev, undefined)));
  return out;
}

/** Compares two issues by a rank field; unranked issues sort last, by id. */
export function compareByRank(rankField: string): (a: Issue, b: Issue) => number {
  return (a, b) => {
    const ra = a.fields[rankField];
    const rb = b.fields[rankField];
    const sa = typeof ra === 'string' ? ra : undefined;
    const sb = typeof rb === 'string' ? rb : undefined;
    if (sa !== undefined && sb !== undefined && sa !== sb) return sa < sb ? -1 : 1;
    if (sa !== undefined && sb === undefined) return -1;
    if (sa === undefined && sb !== undefined) return 1;
    return Number(a.id) - Number(b.id);
  };
}

/** A rank after every ranked issue of the site (for a newly created issue). */
export function rankAfterLast(site: Site, field = rankFieldId(site)): string {
  let last: string | undefined;
  if (field) {
    for (const issue of site.data.issues.values()) {
      const r = issue.fields[field];
      if (typeof r === 'string' && (last === undefined || r > last)) last = r;
    }
  }
  return rankBetween(last, undefined);
}

// ---------------------------------------------------------------------------------------------
// Issue updates

function record(site: Site, issue: Issue, actorId: string, at: number, items: ChangeItem[]): string {
  const id = nextId(site.data, 'changelog');
  issue.changelog.push({ id, authorId: actorId, created: at, items });
  issue.updated = at;
  issue.version += 1;
  return id;
}

function announce(site: Site, issue: Issue, actorId: string, at: number, changelogId: string): void {
  emitSiteEvent(site, { type: 'issue_updated', at, actorId, issue, changelogId });
}

function sprintNames(site: Site, ids: number[]): string {
  return ids.map((id) => site.data.sprints.get(id)?.name ?? String(id)).join(', ');
}

/** Replaces an issue's Sprint field value, writing a change history entry and an event. */
function setSprints(site: Site, issue: Issue, next: number[], actorId: string, at: number): boolean {
  const field = requireSprintField(site);
  const prev = sprintIdsOf(site, issue);
  if (prev.length === next.length && prev.every((v, i) => v === next[i])) return false;
  if (next.length > 0) issue.fields[field] = next;
  else delete issue.fields[field];
  const changelogId = record(site, issue, actorId, at, [
    {
      field: 'Sprint',
      fieldtype: 'custom',
      fieldId: field,
      from: prev.length ? prev.join(', ') : null,
      fromString: prev.length ? sprintNames(site, prev) : null,
      to: next.length ? next.join(', ') : null,
      toString: next.length ? sprintNames(site, next) : null,
    },
  ]);
  announce(site, issue, actorId, at, changelogId);
  return true;
}

/** Ids of the issue's sprints without its open (future/active) sprint. */
function withoutOpenSprints(site: Site, issue: Issue): number[] {
  return sprintIdsOf(site, issue).filter((id) => !isOpenSprint(site.data.sprints.get(id)));
}

function requireSprint(site: Site, sprintId: number): Sprint {
  const s = site.data.sprints.get(sprintId);
  if (!s) throw jiraError(404, [`Sprint with id ${sprintId} does not exist or you do not have permission to see it.`]);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Sprints

export interface SprintInput {
  name: string;
  originBoardId: number;
  startDate?: number;
  endDate?: number;
  goal?: string;
}

/** A sprint as the audit log shows it (world/audit.ts). */
function sprintValues(sprint: Sprint): AuditValues {
  const iso = (ms: number | undefined): string | undefined =>
    ms === undefined ? undefined : new Date(ms).toISOString();
  return {
    Name: sprint.name,
    Goal: sprint.goal,
    'Start date': iso(sprint.startDate),
    'End date': iso(sprint.endDate),
    State: sprint.state,
  };
}

function sprintChange(site: Site, sprint: Sprint, action: ConfigChange['action'], before?: AuditValues): ConfigChange {
  const board = site.data.boards.get(sprint.originBoardId);
  const after = sprintValues(sprint);
  const changedValues = action === 'deleted' ? [] : before ? valuesChanged(before, after) : valuesSet(after);
  return {
    action,
    object: {
      id: String(sprint.id),
      name: sprint.name,
      ...(board ? { parentId: String(board.id), parentName: board.name } : {}),
    },
    changedValues,
    ...(action === 'updated' && changedValues.length === 0 ? { noop: true } : {}),
  };
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw jiraError(400, [], { name: 'The sprint name must not be empty.' });
  if (trimmed.length > MAX_SPRINT_NAME)
    throw jiraError(400, [], {
      name: `The sprint name is too long. It must be ${MAX_SPRINT_NAME} characters or fewer.`,
    });
  return trimmed;
}

function checkDates(start: number | undefined, end: number | undefined): void {
  if (start !== undefined && end !== undefined && end < start)
    throw jiraError(400, [], { endDate: 'The end date must be after the start date.' });
}

/** Creates a future sprint on a board (sprint_created). */
export function createSprint(site: Site, actorId: string, at: number, input: SprintInput): Sprint {
  const board = site.data.boards.get(input.originBoardId);
  if (!board) throw jiraError(404, [`Board with id ${input.originBoardId} does not exist.`]);
  if (board.type !== 'scrum') throw jiraError(400, [`Board ${board.id} does not support sprints.`]);
  const name = checkName(input.name);
  checkDates(input.startDate, input.endDate);
  site.data.ids.sprint += 1;
  const sprint: Sprint = { id: site.data.ids.sprint, name, state: 'future', createdDate: at, originBoardId: board.id };
  if (input.startDate !== undefined) sprint.startDate = input.startDate;
  if (input.endDate !== undefined) sprint.endDate = input.endDate;
  if (input.goal !== undefined && input.goal !== '') sprint.goal = input.goal;
  site.data.sprints.set(sprint.id, sprint);
  emitSiteEvent(site, { type: 'sprint_created', at, actorId, sprint, change: sprintChange(site, sprint, 'created') });
  return sprint;
}

/**
 * A change to a sprint. `undefined` leaves a field as it is; `null` clears it (a full update sends
 * null for every absent field). `name` cannot be cleared.
 */
export interface SprintChange {
  name?: string;
  goal?: string | null;
  startDate?: number | null;
  endDate?: number | null;
  state?: Sprint['state'];
}

function setOpt<K extends 'goal' | 'startDate' | 'endDate'>(s: Sprint, key: K, v: Sprint[K] | null | undefined): void {
  if (v === undefined) return;
  if (v === null || v === '') delete s[key];
  else s[key] = v;
}

/**
 * Updates a sprint following Jira's rules: future → active needs a start and an end date;
 * active → closed sets completeDate to now; no other state change is allowed (a closed sprint
 * cannot be reopened); a closed sprint takes only name and goal changes (other changes are
 * ignored). Emits sprint_started, sprint_closed or sprint_updated.
 */
export function updateSprint(site: Site, actorId: string, at: number, sprintId: number, change: SprintChange): Sprint {
  const sprint = requireSprint(site, sprintId);
  const name = change.name === undefined ? undefined : checkName(change.name);
  const before = sprintValues(sprint);
  const from = sprint.state;
  const to = change.state ?? from;

  if (from === 'closed') {
    if (to !== 'closed') throw jiraError(400, [`A closed sprint cannot be reopened (state '${to}' requested).`]);
    if (name !== undefined) sprint.name = name;
    setOpt(sprint, 'goal', change.goal);
    emitSiteEvent(site, {
      type: 'sprint_updated',
      at,
      actorId,
      sprint,
      change: sprintChange(site, sprint, 'updated', before),
    });
    return sprint;
  }

  const start = change.startDate === undefined ? sprint.startDate : (change.startDate ?? undefined);
  const end = change.endDate === undefined ? sprint.endDate : (change.endDate ?? undefined);
  if (to !== from) {
    if (from === 'future' && to === 'active') {
      if (start === undefined || end === undefined)
        throw jiraError(400, ['A sprint must have a start date and an end date before it can be started.']);
    } else if (from === 'active' && to === 'closed') {
      // Completing: completeDate is set below.
    } else if (from === 'future' && to === 'closed') {
      throw jiraError(400, ['A sprint can only be completed when it is active.']);
    } else {
      throw jiraError(400, [`The state of a sprint cannot be changed from '${from}' to '${to}'.`]);
    }
  } else if (from === 'active' && (start === undefined || end === undefined)) {
    throw jiraError(400, ['An active sprint must have a start date and an end date.']);
  }
  checkDates(start, end);

  if (name !== undefined) sprint.name = name;
  setOpt(sprint, 'goal', change.goal);
  setOpt(sprint, 'startDate', change.startDate);
  setOpt(sprint, 'endDate', change.endDate);
  sprint.state = to;
  if (from === 'active' && to === 'closed') sprint.completeDate = at;
  const type = from === to ? 'sprint_updated' : to === 'active' ? 'sprint_started' : 'sprint_closed';
  emitSiteEvent(site, { type, at, actorId, sprint, change: sprintChange(site, sprint, 'updated', before) });
  return sprint;
}

/**
 * Deletes a future sprint; its issues go back to the backlog (sprint_deleted, and issue_updated
 * for each issue). Active and closed sprints cannot be deleted (403, the status the spec
 * documents for a refused deletion).
 */
export function deleteSprint(site: Site, actorId: string, at: number, sprintId: number): void {
  const sprint = requireSprint(site, sprintId);
  if (sprint.state !== 'future')
    throw jiraError(403, [`Only future sprints can be deleted; sprint ${sprint.id} is ${sprint.state}.`]);
  const field = sprintFieldId(site);
  if (field) {
    for (const issue of site.data.issues.values()) {
      const ids = sprintIdsOf(site, issue);
      if (ids.includes(sprintId))
        setSprints(
          site,
          issue,
          ids.filter((id) => id !== sprintId),
          actorId,
          at,
        );
    }
  }
  site.data.sprints.delete(sprintId);
  emitSiteEvent(site, { type: 'sprint_deleted', at, actorId, sprint, change: sprintChange(site, sprint, 'deleted') });
}

// ---------------------------------------------------------------------------------------------
// Membership and backlog

/**
 * Moves issues into a future or active sprint. Each issue leaves its previous open sprint; its
 * closed sprints stay in the Sprint field, as in Jira. Issues already in the sprint are unchanged.
 */
export function moveIssuesToSprint(site: Site, actorId: string, at: number, sprintId: number, issues: Issue[]): void {
  const sprint = requireSprint(site, sprintId);
  if (sprint.state === 'closed')
    throw jiraError(400, [`Issues can only be moved to future or active sprints; sprint ${sprint.id} is closed.`]);
  checkCount(issues);
  for (const issue of issues) {
    const next = withoutOpenSprints(site, issue).filter((id) => id !== sprintId);
    next.push(sprintId);
    setSprints(site, issue, next, actorId, at);
  }
}

/** Moves issues to the backlog: removes their future and active sprints (closed ones stay). */
export function moveIssuesToBacklog(site: Site, actorId: string, at: number, issues: Issue[]): void {
  checkCount(issues);
  for (const issue of issues) setSprints(site, issue, withoutOpenSprints(site, issue), actorId, at);
}

function checkCount(issues: Issue[]): void {
  if (issues.length > MAX_AGILE_ISSUES)
    throw jiraError(400, [`At most ${MAX_AGILE_ISSUES} issues can be moved or ranked at once.`]);
}

// ---------------------------------------------------------------------------------------------
// Rank

export type RankAnchor = { before: Issue } | { after: Issue };

/**
 * The change item Jira writes for a rank change, in the form the data generator writes too: the
 * field is named 'Rank' whatever the field's display name, and from/to carry no rank strings
 * (empty strings, which the changelog renders as such).
 */
export function rankChangeItem(fieldId: string, oldRank: string | undefined, newRank: string): ChangeItem {
  return {
    field: 'Rank',
    fieldtype: 'custom',
    fieldId,
    from: '',
    fromString: '',
    to: '',
    toString: oldRank === undefined || newRank < oldRank ? 'Ranked higher' : 'Ranked lower',
  };
}

/**
 * Ranks `issues` (in the given order) immediately before or after the anchor issue in the order
 * of `field`. Each moved issue gets a change history entry ("Ranked higher"/"Ranked lower") and
 * an issue_updated event. The anchor must not be one of the moved issues.
 */
export function rankIssues(
  site: Site,
  actorId: string,
  at: number,
  issues: Issue[],
  anchor: RankAnchor,
  field = rankFieldId(site),
): void {
  if (!field) throw jiraError(500, ['The Rank field is not configured on this site.']);
  checkCount(issues);
  const anchorIssue = 'before' in anchor ? anchor.before : anchor.after;
  if (issues.some((i) => i.id === anchorIssue.id))
    throw jiraError(400, ['An issue cannot be ranked relative to itself.']);
  const moving = new Set(issues.map((i) => i.id));
  // The anchor needs a rank to be an anchor; give unranked anchors one at the end.
  if (typeof anchorIssue.fields[field] !== 'string') {
    anchorIssue.fields[field] = rankAfterLast(site, field);
  }
  const order = [...site.data.issues.values()]
    .filter((i) => !moving.has(i.id) && typeof i.fields[field] === 'string')
    .sort(compareByRank(field));
  const anchorIndex = order.findIndex((i) => i.id === anchorIssue.id);
  const anchorRank = anchorIssue.fields[field] as string;
  let lower: string | undefined;
  let upper: string | undefined;
  if ('before' in anchor) {
    lower = anchorIndex > 0 ? (order[anchorIndex - 1]!.fields[field] as string) : undefined;
    upper = anchorRank;
  } else {
    lower = anchorRank;
    upper = anchorIndex + 1 < order.length ? (order[anchorIndex + 1]!.fields[field] as string) : undefined;
  }
  for (const issue of issues) {
    const old = typeof issue.fields[field] === 'string' ? (issue.fields[field] as string) : undefined;
    const rank = rankBetween(lower, upper);
    issue.fields[field] = rank;
    lower = rank;
    const changelogId = record(site, issue, actorId, at, [rankChangeItem(field, old, rank)]);
    announce(site, issue, actorId, at, changelogId);
  }
}
