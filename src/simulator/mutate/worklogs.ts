/**
 * Worklogs. Every add and edit appends to the site's worklog-updated feed, every delete to the
 * worklog-deleted feed (both append-only in time order; the feeds' readers keep the latest entry
 * per worklog). Jira writes change items for time spent ('timespent', totals in seconds),
 * 'WorklogId', and the remaining estimate ('timeestimate') when it is adjusted, and bumps
 * `updated`.
 *
 * adjustEstimate as in the REST API: 'auto' (default; add reduces the remaining estimate by the
 * time spent, never below 0; delete adds it back), 'leave', 'new' (set to newEstimateSeconds),
 * 'manual' (reduce or increase by the given seconds).
 */
import { notFound } from '../http/errors.js';
import { emitSiteEvent } from '../world/events.js';
import { nextId } from '../world/factory.js';
import { propertiesFrom } from '../world/empty.js';
import type { AdfDoc, ChangeItem, Issue, JsonValue, Visibility, Worklog } from '../world/site.js';
import { ISSUE_LIMITS, type MutationContext, addHistory, failure, touch, validation } from './context.js';
import { plainItem } from './fields.js';
import { normaliseVisibility } from './comments.js';

export type AdjustEstimate =
  | { mode: 'auto' }
  | { mode: 'leave' }
  | { mode: 'new'; newEstimateSeconds: number }
  | { mode: 'manual'; seconds: number };

export interface AddWorklogInput {
  started: number;
  timeSpentSeconds: number;
  comment?: AdfDoc;
  visibility?: Visibility;
  properties?: Record<string, JsonValue>;
  adjustEstimate?: AdjustEstimate;
}

export function totalTimeSpent(issue: Issue): number {
  let total = 0;
  for (const w of issue.worklogs) total += w.timeSpentSeconds;
  return total;
}

interface Tracking {
  originalEstimateSeconds?: number;
  remainingEstimateSeconds?: number;
}

function checkEnabled(ctx: MutationContext): void {
  if (!ctx.site.data.settings.timeTrackingEnabled) failure('Time tracking is disabled.', 400);
}

function checkSeconds(n: unknown, field = 'timeLogged'): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0)
    return validation(field, 'You must indicate the time spent working.');
  return n;
}

/** Applies an estimate adjustment of `delta` seconds spent (negative when time is given back). */
function adjust(issue: Issue, delta: number, how: AdjustEstimate | undefined): ChangeItem[] {
  const mode = how ?? { mode: 'auto' };
  if (mode.mode === 'leave') return [];
  const tt = (issue.fields.timetracking as Tracking | undefined) ?? {};
  const before = tt.remainingEstimateSeconds;
  let after: number | undefined;
  if (mode.mode === 'new') after = Math.max(0, Math.floor(mode.newEstimateSeconds));
  else if (mode.mode === 'manual') after = Math.max(0, (before ?? 0) + (delta > 0 ? -mode.seconds : mode.seconds));
  else if (before === undefined) return [];
  else after = Math.max(0, before - delta);
  if (after === before) return [];
  issue.fields.timetracking = { ...tt, remainingEstimateSeconds: after };
  const a = before === undefined ? null : String(before);
  const b = String(after);
  return [plainItem('timeestimate', a, a, b, b, 'timeestimate')];
}

function spentItem(before: number, after: number): ChangeItem {
  const a = before === 0 ? null : String(before);
  const b = after === 0 ? null : String(after);
  return plainItem('timespent', a, a, b, b, 'timespent');
}

export function addWorklog(ctx: MutationContext, issue: Issue, input: AddWorklogInput): Worklog {
  checkEnabled(ctx);
  const seconds = checkSeconds(input.timeSpentSeconds);
  if (typeof input.started !== 'number' || !Number.isSafeInteger(input.started))
    return validation('started', 'Started date is required.');
  if (issue.worklogs.length >= ISSUE_LIMITS.worklogs)
    return failure(`The limit of ${ISSUE_LIMITS.worklogs} worklogs per issue has been reached.`, 413);
  const before = totalTimeSpent(issue);
  const worklog: Worklog = {
    id: nextId(ctx.site.data, 'worklog'),
    issueId: issue.id,
    authorId: ctx.actorId,
    updateAuthorId: ctx.actorId,
    created: ctx.now,
    updated: ctx.now,
    started: input.started,
    timeSpentSeconds: seconds,
    properties: propertiesFrom(input.properties),
  };
  if (input.comment) worklog.comment = input.comment;
  const visibility = normaliseVisibility(ctx, input.visibility);
  if (visibility) worklog.visibility = visibility;
  issue.worklogs.push(worklog);
  const items = [spentItem(before, before + seconds), plainItem('WorklogId', null, null, worklog.id, worklog.id)];
  items.push(...adjust(issue, seconds, input.adjustEstimate));
  addHistory(ctx, issue, items);
  touch(ctx, issue);
  ctx.site.data.worklogUpdates.push({ worklogId: worklog.id, issueId: issue.id, updatedTime: ctx.now });
  emitSiteEvent(ctx.site, { type: 'worklog_created', at: ctx.now, actorId: ctx.actorId, issue, worklog });
  return worklog;
}

function findWorklog(issue: Issue, worklogId: string): Worklog {
  const w = issue.worklogs.find((x) => x.id === worklogId);
  if (!w) throw notFound(`Cannot find worklog with id: ${worklogId}.`);
  return w;
}

export interface EditWorklogInput {
  started?: number;
  timeSpentSeconds?: number;
  comment?: AdfDoc | null;
  visibility?: Visibility | null;
  adjustEstimate?: AdjustEstimate;
}

export function editWorklog(ctx: MutationContext, issue: Issue, worklogId: string, input: EditWorklogInput): Worklog {
  checkEnabled(ctx);
  const worklog = findWorklog(issue, worklogId);
  const items: ChangeItem[] = [];
  if (input.timeSpentSeconds !== undefined) {
    const seconds = checkSeconds(input.timeSpentSeconds);
    const before = totalTimeSpent(issue);
    const delta = seconds - worklog.timeSpentSeconds;
    worklog.timeSpentSeconds = seconds;
    if (delta !== 0) {
      items.push(spentItem(before, before + delta));
      items.push(...adjust(issue, delta, input.adjustEstimate));
    }
  }
  if (input.started !== undefined) {
    if (!Number.isSafeInteger(input.started)) return validation('started', 'Started date is required.');
    worklog.started = input.started;
  }
  if (input.comment === null) delete worklog.comment;
  else if (input.comment !== undefined) worklog.comment = input.comment;
  if (input.visibility === null) delete worklog.visibility;
  else if (input.visibility !== undefined) worklog.visibility = normaliseVisibility(ctx, input.visibility)!;
  worklog.updated = ctx.now;
  worklog.updateAuthorId = ctx.actorId;
  addHistory(ctx, issue, items);
  touch(ctx, issue);
  ctx.site.data.worklogUpdates.push({ worklogId: worklog.id, issueId: issue.id, updatedTime: ctx.now });
  emitSiteEvent(ctx.site, { type: 'worklog_updated', at: ctx.now, actorId: ctx.actorId, issue, worklog });
  return worklog;
}

export function deleteWorklog(
  ctx: MutationContext,
  issue: Issue,
  worklogId: string,
  adjustEstimate?: AdjustEstimate,
): Worklog {
  checkEnabled(ctx);
  const worklog = findWorklog(issue, worklogId);
  const before = totalTimeSpent(issue);
  issue.worklogs = issue.worklogs.filter((w) => w !== worklog);
  const items = [
    spentItem(before, before - worklog.timeSpentSeconds),
    plainItem('WorklogId', worklog.id, worklog.id, null, null),
  ];
  items.push(...adjust(issue, -worklog.timeSpentSeconds, adjustEstimate));
  addHistory(ctx, issue, items);
  touch(ctx, issue);
  ctx.site.data.worklogDeletions.push({ worklogId: worklog.id, issueId: issue.id, updatedTime: ctx.now });
  emitSiteEvent(ctx.site, { type: 'worklog_deleted', at: ctx.now, actorId: ctx.actorId, issue, worklog });
  return worklog;
}
