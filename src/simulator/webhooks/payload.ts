/**
 * Webhook payloads in Jira's v2 representation, shaped like the recorded Jira Cloud payloads in
 * ../shared/jira-recorded/mattermost-webhooks:
 *
 *   jira:issue_created / jira:issue_updated
 *       {timestamp, webhookEvent, issue_event_type_name, user, issue, changelog{id, items}}
 *   jira:issue_deleted            {timestamp, webhookEvent, user, issue (+ comment, worklog pages)}
 *   comment_created/updated/deleted
 *       {timestamp, webhookEvent, comment, issue}   (issue with summary, issuetype, project,
 *                                                    assignee, priority and status only)
 *   issue_property_set/deleted    {timestamp, webhookEvent, user, issue, property{key, value?}}
 *   sprint_*                      {timestamp, webhookEvent, sprint}
 *   jira:version_*                {timestamp, webhookEvent, version}
 *
 * Deliveries of dynamic webhooks also carry `matchedWebhookIds` (the registrations of the app
 * that matched; Jira merges them into one delivery to the app's single URL).
 */
import type { RenderContext } from '../render/common.js';
import { renderUser, renderVersion } from '../render/common.js';
import type { SiteEvent } from '../world/events.js';
import type { ChangeItem, Issue } from '../world/site.js';
import { renderAgileSprint, renderCommentV2, renderIssueV2, toV2Urls } from './issue-v2.js';

/** SiteEvent type → webhookEvent name, for the events dynamic webhooks can subscribe to. */
export function webhookEventName(event: SiteEvent): string | undefined {
  switch (event.type) {
    case 'issue_created':
      return 'jira:issue_created';
    case 'issue_updated':
      return 'jira:issue_updated';
    case 'issue_deleted':
      return 'jira:issue_deleted';
    case 'comment_created':
    case 'comment_updated':
    case 'comment_deleted':
    case 'issue_property_set':
    case 'issue_property_deleted':
    case 'sprint_created':
    case 'sprint_updated':
    case 'sprint_started':
    case 'sprint_closed':
    case 'sprint_deleted':
    case 'jira:version_created':
    case 'jira:version_updated':
    case 'jira:version_released':
    case 'jira:version_deleted':
      return event.type;
    default:
      return undefined;
  }
}

const COMMENT_ISSUE_FIELDS = new Set(['summary', 'issuetype', 'project', 'assignee', 'priority', 'status']);

/** The changelog written by an issue update, if the event names one. */
export function changelogOf(event: SiteEvent): { id: string; items: ChangeItem[] } | undefined {
  if (event.type !== 'issue_updated' || !event.changelogId) return undefined;
  const h = event.issue.changelog.find((c) => c.id === event.changelogId);
  return h ? { id: h.id, items: h.items } : undefined;
}

function createdItems(ctx: RenderContext, issue: Issue): ChangeItem[] {
  const d = ctx.site.data;
  const f = issue.fields;
  const items: ChangeItem[] = [];
  const add = (field: string, fieldId: string, to: string | null, toString: string | null): void => {
    items.push({ field, fieldtype: 'jira', fieldId, from: null, fromString: null, to, toString });
  };
  if (typeof f.summary === 'string') add('summary', 'summary', null, f.summary);
  const type = d.issueTypes.get(String(f.issuetype));
  if (type) add('issuetype', 'issuetype', type.id, type.name);
  const priority = d.priorities.get(String(f.priority));
  if (priority) add('priority', 'priority', priority.id, priority.name);
  if (typeof f.reporter === 'string')
    add('reporter', 'reporter', f.reporter, ctx.sim.world.accounts.get(f.reporter)?.displayName ?? null);
  if (typeof f.assignee === 'string')
    add('assignee', 'assignee', f.assignee, ctx.sim.world.accounts.get(f.assignee)?.displayName ?? null);
  const status = d.statuses.get(String(f.status));
  if (status) add('Status', 'status', status.id, status.name);
  return items;
}

/** issue_event_type_name of an issue update, from the fields its changelog touched. */
function updateTypeName(event: SiteEvent, items: ChangeItem[] | undefined): string {
  if (event.type === 'issue_updated' && event.movedFrom) return 'issue_moved';
  const ids = (items ?? []).map((i) => i.fieldId ?? i.field.toLowerCase());
  if (ids.length > 0 && ids.every((id) => id === 'assignee')) return 'issue_assigned';
  if (ids.includes('status')) return 'issue_generic';
  return 'issue_updated';
}

export interface PayloadContext extends RenderContext {
  /** Id for the synthesized changelog of jira:issue_created (Jira does not store it). */
  createdChangelogId: () => string;
}

/** Builds the JSON payload of one delivery (before matchedWebhookIds is added). */
export function buildPayload(ctx: PayloadContext, event: SiteEvent, webhookEvent: string): Record<string, unknown> {
  const out: Record<string, unknown> = { timestamp: event.at, webhookEvent };
  const user = (): unknown => toV2Urls(ctx, renderUser(ctx, event.actorId));
  switch (event.type) {
    case 'issue_created':
      out.issue_event_type_name = 'issue_created';
      out.user = user();
      out.issue = renderIssueV2(ctx, event.issue);
      out.changelog = { id: ctx.createdChangelogId(), items: createdItems(ctx, event.issue) };
      return out;
    case 'issue_updated': {
      const changelog = changelogOf(event);
      out.issue_event_type_name = updateTypeName(event, changelog?.items);
      out.user = user();
      out.issue = renderIssueV2(ctx, event.issue);
      if (changelog) out.changelog = { id: changelog.id, items: changelog.items.map((i) => ({ ...i })) };
      return out;
    }
    case 'issue_deleted':
      // The deleted issue's last snapshot embeds its comment and worklog pages (as recorded).
      out.user = user();
      out.issue = renderIssueV2(ctx, event.issue, { commentsAndWorklogs: true });
      return out;
    case 'comment_created':
    case 'comment_updated':
    case 'comment_deleted':
      out.comment = renderCommentV2(ctx, event.issue, event.comment);
      out.issue = renderIssueV2(ctx, event.issue, { only: COMMENT_ISSUE_FIELDS });
      return out;
    case 'issue_property_set':
    case 'issue_property_deleted': {
      out.user = user();
      out.issue = renderIssueV2(ctx, event.issue, { only: COMMENT_ISSUE_FIELDS });
      const property: Record<string, unknown> = { key: event.propertyKey };
      if (event.type === 'issue_property_set') property.value = event.issue.properties.get(event.propertyKey) ?? null;
      out.property = property;
      return out;
    }
    case 'sprint_created':
    case 'sprint_updated':
    case 'sprint_started':
    case 'sprint_closed':
    case 'sprint_deleted':
      out.sprint = renderAgileSprint(ctx, event.sprint);
      return out;
    case 'jira:version_created':
    case 'jira:version_updated':
    case 'jira:version_released':
    case 'jira:version_deleted':
      out.version = toV2Urls(ctx, renderVersion(ctx, event.version));
      return out;
    default:
      return out;
  }
}
