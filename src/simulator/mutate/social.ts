/**
 * Watchers and votes. Neither writes a change history nor moves the issue's `updated` (as in
 * Jira Cloud), so an incremental backup that relies on `updated` alone misses them; only the
 * issue's internal version changes.
 *
 * Votes follow Jira's rules: the caller votes for themselves only, cannot vote on an issue they
 * reported, nor on a resolved issue.
 */
import type { Issue } from '../world/site.js';
import { EMPTY_SET } from '../world/empty.js';
import { type MutationContext, failure, touch } from './context.js';

function checkWatching(ctx: MutationContext): void {
  if (!ctx.site.data.settings.watchingEnabled) failure('Watching is disabled.', 404);
}

/** Adds a watcher (the actor when accountId is omitted). Returns false when already watching. */
export function addWatcher(ctx: MutationContext, issue: Issue, accountId: string = ctx.actorId): boolean {
  checkWatching(ctx);
  const account = ctx.world.accounts.get(accountId);
  if (!account) return failure(`The user "${accountId}" does not exist.`, 404);
  if (issue.watchers.has(accountId)) return false;
  if (issue.watchers === EMPTY_SET) issue.watchers = new Set();
  issue.watchers.add(accountId);
  touch(ctx, issue, false);
  return true;
}

export function removeWatcher(ctx: MutationContext, issue: Issue, accountId: string = ctx.actorId): boolean {
  checkWatching(ctx);
  if (!issue.watchers.delete(accountId)) return false;
  touch(ctx, issue, false);
  return true;
}

/** The actor votes for the issue. Returns false when they had already voted. */
export function addVote(ctx: MutationContext, issue: Issue): boolean {
  if (!ctx.site.data.settings.votingEnabled) return failure('Voting is disabled.', 404);
  if (issue.fields.reporter === ctx.actorId) return failure('You cannot vote for an issue you have reported.', 404);
  if (issue.fields.resolution !== undefined)
    return failure('You cannot vote or change your vote on resolved issues.', 404);
  if (issue.voters.has(ctx.actorId)) return false;
  if (issue.voters === EMPTY_SET) issue.voters = new Set();
  issue.voters.add(ctx.actorId);
  touch(ctx, issue, false);
  return true;
}

/** Withdraws the actor's vote. Returns false when they had not voted. */
export function removeVote(ctx: MutationContext, issue: Issue): boolean {
  if (!ctx.site.data.settings.votingEnabled) return failure('Voting is disabled.', 404);
  if (issue.fields.resolution !== undefined)
    return failure('You cannot vote or change your vote on resolved issues.', 404);
  if (!issue.voters.delete(ctx.actorId)) return false;
  touch(ctx, issue, false);
  return true;
}
