/**
 * Plumbing shared by the write routes (issues-write.ts, issue-children-write.ts,
 * attachments-write.ts, links-write.ts, social-write.ts, config-write.ts): the mutation context
 * of a request, permission checks with the status each operation documents, Jira's input parsing
 * of durations and timestamps, and the collection of per-field validation errors into one
 * ErrorCollection (Jira reports every bad field of a request at once).
 *
 * Permission statuses follow the pinned spec of each operation: 404 when the caller cannot see
 * the issue (Browse projects or its security level); for a visible issue, 403 where the operation
 * documents 403, otherwise the status its description names for a missing permission (400 for
 * comment and worklog writes and transitions, 404 for issue links and link types).
 */
import { SimHttpError, jiraError, notFound } from '../http/errors.js';
import { type MutationContext, mutationContext } from '../mutate/context.js';
import type { RouteContext } from '../services.js';
import type { Issue, Project } from '../world/site.js';
import { findIssue, hasProjectPermission, isSiteAdmin } from '../world/queries.js';
import { ISSUE_NOT_FOUND, rendererFor } from './read-params.js';
import { INVALID_PAYLOAD } from './search.js';

export { INVALID_PAYLOAD };

/** The mutation context of a request: the caller acts at the simulator's time of the request. */
export function mutationOf(ctx: RouteContext): MutationContext {
  return mutationContext(ctx.sim.world, ctx.site, ctx.now, ctx.principal.accountId);
}

/** The id of the issue named by `{issueIdOrKey}` (RouteSpec.issueOf: per-issue write limits). */
export function pathIssueId(ctx: Pick<RouteContext, 'site' | 'params'>): string | undefined {
  return findIssue(ctx.site, ctx.params.issueIdOrKey ?? '')?.id;
}

export function projectOfIssue(ctx: RouteContext, issue: Issue): Project {
  return ctx.site.data.projects.get(issue.projectId)!;
}

/** True when the caller holds a project permission (issue-scoped grants need the issue). */
export function holds(ctx: RouteContext, project: Project, permission: string, issue?: Issue): boolean {
  return hasProjectPermission(ctx.site, ctx.principal.accountId, project, permission, issue);
}

/** The issue named in the path if the caller may browse it; Jira's 404 otherwise. */
export function visibleIssue(ctx: RouteContext, idOrKey = ctx.params.issueIdOrKey ?? ''): Issue {
  const issue = findIssue(ctx.site, idOrKey);
  if (!issue || !rendererFor(ctx).canBrowse(issue)) throw notFound(ISSUE_NOT_FOUND);
  return issue;
}

/** Throws `status` with `message` unless the caller holds the permission on the issue's project. */
export function requireIssuePermission(
  ctx: RouteContext,
  issue: Issue,
  permission: string,
  status: number,
  message: string,
): void {
  if (!holds(ctx, projectOfIssue(ctx, issue), permission, issue)) throw jiraError(status, [message]);
}

/**
 * Own-or-all permissions (EDIT_OWN_COMMENTS / EDIT_ALL_COMMENTS, …): the caller may act on an
 * item they authored with either, on someone else's only with the "all" one.
 */
export function ownOrAll(
  ctx: RouteContext,
  issue: Issue,
  authorId: string,
  own: string,
  all: string,
  status: number,
  message: string,
): void {
  const project = projectOfIssue(ctx, issue);
  const ok =
    holds(ctx, project, all, issue) || (authorId === ctx.principal.accountId && holds(ctx, project, own, issue));
  if (!ok) throw jiraError(status, [message]);
}

export function isAdmin(ctx: RouteContext): boolean {
  return isSiteAdmin(ctx.site, ctx.principal.accountId);
}

// ---------------------------------------------------------------------------------------------
// Bodies

/** The JSON body as an object; 400 (Jira's wording) for anything else. */
export async function bodyObject(ctx: RouteContext): Promise<Record<string, unknown>> {
  const body = await ctx.json<unknown>();
  if (!isObject(body)) throw jiraError(400, [INVALID_PAYLOAD]);
  return body;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// Collected validation errors

/**
 * Per-field errors of one request, reported together as `{errorMessages, errors}` (Jira lists
 * every invalid field of a create or edit at once). `attempt` runs a conversion and files the
 * 400 it throws under its field.
 */
export class FieldErrors {
  readonly errors: Record<string, string> = {};
  readonly messages: string[] = [];
  /** The highest-priority status seen (403 beats 400). */
  status = 400;

  add(field: string, message: string): void {
    if (!(field in this.errors)) this.errors[field] = message;
  }

  /** Runs fn; a 400 it throws is recorded (its field errors, or its messages) and undefined returned. */
  attempt<T>(field: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof SimHttpError) || e.status !== 400) throw e;
      const body = e.body as { errorMessages?: string[]; errors?: Record<string, string> };
      const errs = Object.entries(body.errors ?? {});
      if (errs.length === 0) this.add(field, (body.errorMessages ?? [])[0] ?? 'The value is not valid.');
      for (const [k, v] of errs) this.add(k, v);
      return undefined;
    }
  }

  get empty(): boolean {
    return Object.keys(this.errors).length === 0 && this.messages.length === 0;
  }

  /** Throws the collected errors as one ErrorCollection, if there are any. */
  throwIfAny(): void {
    if (!this.empty) throw jiraError(this.status, [...this.messages], { ...this.errors });
  }
}

/** Jira's message for a field that is not on the screen of the operation (or unknown). */
export function notOnScreen(fieldId: string): string {
  return `Field '${fieldId}' cannot be set. It is not on the appropriate screen, or unknown.`;
}

// ---------------------------------------------------------------------------------------------
// Durations and timestamps

const UNIT_SECONDS: Record<string, number> = { w: 5 * 8 * 3600, d: 8 * 3600, h: 3600, m: 60 };

/**
 * Seconds of a Jira duration ("1w 2d 3h 30m", "90m", "1.5h"; a bare number is minutes, Jira's
 * default unit), with Jira's default time-tracking settings (8-hour days, 5-day weeks).
 * Undefined when the text is not a duration.
 */
export function parseDuration(text: unknown): number | undefined {
  if (typeof text === 'number' && Number.isFinite(text) && text >= 0) return Math.round(text * 60);
  if (typeof text !== 'string') return undefined;
  const t = text.trim().toLowerCase();
  if (t === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 60);
  let total = 0;
  let rest = t;
  const part = /^(\d+(?:\.\d+)?)\s*([wdhm])\s*/;
  while (rest !== '') {
    const m = part.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return Math.round(total);
}

/**
 * Epoch ms of a Jira timestamp: ISO-8601 with an offset written `+hhmm`, `+hh:mm` or `Z`
 * ("2021-01-17T12:34:00.000+0000"), seconds and milliseconds optional. Undefined otherwise.
 */
export function parseJiraDateTime(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const zone = m[4] === 'Z' ? 'Z' : `${m[4]!.slice(0, 3)}:${m[4]!.slice(-2)}`;
  const seconds = m[3] ? m[3].replace(/(\.\d{3})\d+$/, '$1') : ':00';
  const ms = Date.parse(`${m[1]}T${m[2]}${seconds}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}
