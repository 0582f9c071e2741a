/**
 * Issue links and remote links.
 *
 * Stored link direction: an IssueLink reads "<inward issue> <type.outward> <outward issue>",
 * e.g. {type Blocks, inwardIssueId A, outwardIssueId B} is "A blocks B" and "B is blocked by A".
 * Issue A lists it with `outwardIssue: B`, issue B with `inwardIssue: A`, as POST /issueLink's
 * inwardIssue/outwardIssue fields name them. Each end gets a 'Link' change item
 * ("This issue blocks B-1" / "This issue is blocked by A-1").
 *
 * Remote links carry no change history and do not move the issue's `updated` (only its version).
 */
import type { Issue, IssueLink, RemoteLink } from '../world/site.js';
import { emitSiteEvent } from '../world/events.js';
import { nextId } from '../world/factory.js';
import { notFound } from '../http/errors.js';
import { ISSUE_LIMITS, type MutationContext, addHistory, failure, touch, validation } from './context.js';
import { plainItem } from './fields.js';

export interface AddIssueLinkInput {
  typeId: string;
  inwardIssueId: string;
  outwardIssueId: string;
}

/** Creates a link; an identical existing link (same type and ends) is returned instead of a duplicate. */
export function addIssueLink(ctx: MutationContext, input: AddIssueLinkInput): IssueLink {
  const data = ctx.site.data;
  if (!data.settings.issueLinkingEnabled) return failure('Issue linking is currently disabled.', 404);
  const type = data.issueLinkTypes.get(input.typeId);
  if (!type) return failure(`No issue link type with id '${input.typeId}' found.`, 404);
  const inward = data.issues.get(input.inwardIssueId);
  const outward = data.issues.get(input.outwardIssueId);
  if (!inward || !outward) return failure('Issue does not exist or you do not have permission to see it.', 404);
  if (inward.id === outward.id) return validation('issuelinks', 'You cannot link an issue to itself.');
  for (const id of inward.linkIds) {
    const l = data.links.get(id);
    if (l && l.typeId === type.id && l.inwardIssueId === inward.id && l.outwardIssueId === outward.id) return l;
  }
  if (inward.linkIds.length >= ISSUE_LIMITS.issueLinks || outward.linkIds.length >= ISSUE_LIMITS.issueLinks)
    return failure(`The limit of ${ISSUE_LIMITS.issueLinks} issue links per issue has been reached.`, 413);
  const link: IssueLink = {
    id: nextId(data, 'link'),
    typeId: type.id,
    inwardIssueId: inward.id,
    outwardIssueId: outward.id,
  };
  data.links.set(link.id, link);
  inward.linkIds.push(link.id);
  outward.linkIds.push(link.id);
  addHistory(ctx, inward, [plainItem('Link', null, null, outward.key, `This issue ${type.outward} ${outward.key}`)]);
  addHistory(ctx, outward, [plainItem('Link', null, null, inward.key, `This issue ${type.inward} ${inward.key}`)]);
  touch(ctx, inward);
  touch(ctx, outward);
  emitSiteEvent(ctx.site, {
    type: 'issuelink_created',
    at: ctx.now,
    actorId: ctx.actorId,
    linkId: link.id,
    inwardIssueId: inward.id,
    outwardIssueId: outward.id,
  });
  return link;
}

/** Removes a link from the site and both ends; with `history`, writes 'Link' removal items. */
export function removeLinkRecord(ctx: MutationContext, linkId: string, history: boolean): IssueLink | undefined {
  const data = ctx.site.data;
  const link = data.links.get(linkId);
  if (!link) return undefined;
  data.links.delete(linkId);
  const type = data.issueLinkTypes.get(link.typeId);
  const inward = data.issues.get(link.inwardIssueId);
  const outward = data.issues.get(link.outwardIssueId);
  for (const issue of [inward, outward]) if (issue) issue.linkIds = issue.linkIds.filter((id) => id !== linkId);
  if (history && inward && outward) {
    addHistory(ctx, inward, [
      plainItem('Link', outward.key, `This issue ${type?.outward ?? 'relates to'} ${outward.key}`, null, null),
    ]);
    addHistory(ctx, outward, [
      plainItem('Link', inward.key, `This issue ${type?.inward ?? 'relates to'} ${inward.key}`, null, null),
    ]);
    touch(ctx, inward);
    touch(ctx, outward);
  } else {
    for (const issue of [inward, outward]) if (issue) touch(ctx, issue, false);
  }
  emitSiteEvent(ctx.site, {
    type: 'issuelink_deleted',
    at: ctx.now,
    actorId: ctx.actorId,
    linkId,
    inwardIssueId: link.inwardIssueId,
    outwardIssueId: link.outwardIssueId,
  });
  return link;
}

export function deleteIssueLink(ctx: MutationContext, linkId: string): IssueLink {
  const link = removeLinkRecord(ctx, linkId, true);
  if (!link) throw notFound(`No issue link with id '${linkId}' exists.`);
  return link;
}

export type RemoteLinkInput = Omit<RemoteLink, 'id'>;

/**
 * Creates a remote link, or updates the one with the same globalId (keeping its id), as
 * POST /issue/{key}/remotelink does. Returns the link and whether it was created.
 */
export function upsertRemoteLink(
  ctx: MutationContext,
  issue: Issue,
  input: RemoteLinkInput,
): { link: RemoteLink; created: boolean } {
  if (!input.object || typeof input.object.url !== 'string' || input.object.url === '')
    return validation('url', "'url' is required.");
  if (typeof input.object.title !== 'string' || input.object.title === '')
    return validation('title', "'title' is required.");
  const existing = input.globalId ? issue.remoteLinks.find((l) => l.globalId === input.globalId) : undefined;
  if (existing) {
    const updated: RemoteLink = { ...structuredClone(input), id: existing.id };
    issue.remoteLinks[issue.remoteLinks.indexOf(existing)] = updated;
    touch(ctx, issue, false);
    return { link: updated, created: false };
  }
  if (issue.remoteLinks.length >= ISSUE_LIMITS.remoteLinks)
    return failure(`The limit of ${ISSUE_LIMITS.remoteLinks} remote links per issue has been reached.`, 413);
  const link: RemoteLink = { ...structuredClone(input), id: nextId(ctx.site.data, 'remoteLink') };
  issue.remoteLinks.push(link);
  touch(ctx, issue, false);
  return { link, created: true };
}

/** Replaces a remote link by id (PUT /issue/{key}/remotelink/{linkId}); the id stays. */
export function updateRemoteLink(
  ctx: MutationContext,
  issue: Issue,
  linkId: string,
  input: RemoteLinkInput,
): RemoteLink {
  const index = issue.remoteLinks.findIndex((l) => l.id === linkId);
  if (index < 0) throw notFound(`No remote link with id '${linkId}' exists on this issue.`);
  if (!input.object || typeof input.object.url !== 'string' || input.object.url === '')
    return validation('url', "'url' is required.");
  if (typeof input.object.title !== 'string' || input.object.title === '')
    return validation('title', "'title' is required.");
  const updated: RemoteLink = { ...structuredClone(input), id: linkId };
  issue.remoteLinks[index] = updated;
  touch(ctx, issue, false);
  return updated;
}

export function deleteRemoteLink(ctx: MutationContext, issue: Issue, linkId: string): RemoteLink {
  const link = issue.remoteLinks.find((l) => l.id === linkId);
  if (!link) throw notFound(`No remote link with id '${linkId}' exists on this issue.`);
  issue.remoteLinks = issue.remoteLinks.filter((l) => l !== link);
  touch(ctx, issue, false);
  return link;
}

export function deleteRemoteLinkByGlobalId(ctx: MutationContext, issue: Issue, globalId: string): RemoteLink {
  const link = issue.remoteLinks.find((l) => l.globalId === globalId);
  if (!link) throw notFound(`No remote link with globalId '${globalId}' exists on this issue.`);
  return deleteRemoteLink(ctx, issue, link.id);
}
