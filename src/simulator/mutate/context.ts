/**
 * What every mutation primitive takes: the world (for accounts, whose names appear in change
 * histories), the site it changes, the time of the change and the acting account.
 *
 * Primitives apply Jira's data semantics (validation, key allocation, histories, derived dates)
 * and announce the change with a SiteEvent. They do not check permissions — routes decide who may
 * call them (queries.ts). Failures are thrown as SimHttpError in Jira's error shapes (400
 * ErrorCollection with per-field `errors`, 404, 409, 413), so a route can let them propagate.
 */
import { jiraError, notFound } from '../http/errors.js';
import type { ChangeHistory, ChangeItem, Issue, JsonValue, Project } from '../world/site.js';
import type { Site, World } from '../world/types.js';
import { nextId } from '../world/factory.js';
import { findIssue, findProject } from '../world/queries.js';

export interface MutationContext {
  readonly world: World;
  readonly site: Site;
  /** Time of the change (epoch ms), from the simulator's clock. */
  readonly now: number;
  /** The account making the change (history author, comment author, …). */
  readonly actorId: string;
}

export function mutationContext(world: World, site: Site, now: number, actorId: string): MutationContext {
  return { world, site, now, actorId };
}

/** Per-issue limits of Jira Cloud; exceeding one answers 413. */
export const ISSUE_LIMITS = {
  comments: 5000,
  worklogs: 10000,
  attachments: 2000,
  issueLinks: 2000,
  remoteLinks: 2000,
} as const;

/** Largest entity property value (characters of JSON). */
export const MAX_PROPERTY_LENGTH = 32768;

export function requireIssue(ctx: MutationContext, idOrKey: string): Issue {
  const issue = findIssue(ctx.site, idOrKey);
  if (!issue) throw notFound();
  return issue;
}

export function requireProject(ctx: MutationContext, idOrKey: string): Project {
  const project = findProject(ctx.site, idOrKey);
  if (!project || project.status === 'deleted') throw notFound(`No project could be found with key '${idOrKey}'.`);
  return project;
}

export function validation(field: string, message: string, status = 400): never {
  throw jiraError(status, [], { [field]: message });
}

export function failure(message: string, status = 400): never {
  throw jiraError(status, [message]);
}

/** Marks an issue changed: `updated` = now (unless told not to) and a new version. */
export function touch(ctx: MutationContext, issue: Issue, bumpUpdated = true): void {
  if (bumpUpdated) issue.updated = ctx.now;
  issue.version += 1;
}

/** Appends a change history with the given items (none written when items is empty). */
export function addHistory(
  ctx: MutationContext,
  issue: Issue,
  items: ChangeItem[],
  historyMetadata?: JsonValue,
): ChangeHistory | undefined {
  if (items.length === 0) return undefined;
  const history: ChangeHistory = {
    id: nextId(ctx.site.data, 'changelog'),
    authorId: ctx.actorId,
    created: ctx.now,
    items,
  };
  if (historyMetadata !== undefined) history.historyMetadata = historyMetadata;
  issue.changelog.push(history);
  return history;
}

export function displayName(world: World, accountId: string): string {
  return world.accounts.get(accountId)?.displayName ?? 'Former user';
}

/** Equality of stored values (order-sensitive for arrays). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}
