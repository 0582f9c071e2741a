/**
 * Every change to a site's content is announced as a SiteEvent after it is applied. The search
 * index (eventual consistency) and webhook delivery listen; mutation code never calls them directly.
 * Configuration events carry a ConfigChange, from which the bus itself writes the site's audit
 * log (world/audit.ts) before any listener runs, whoever applied the change.
 */
import { recordAudit } from './audit.js';
import type { AuditChangedValue, AuditItem, Comment, Issue, Sprint, Version, Worklog } from './site.js';
import type { Site } from './types.js';

/** The kinds of `config_changed` events (each has an entry in world/audit.ts). */
export type ConfigKind =
  | 'component'
  | 'status'
  | 'priority'
  | 'issuetype'
  | 'field'
  | 'fieldOption'
  | 'group'
  | 'filter'
  | 'projectRoleActors'
  | 'issueLinkType';

/**
 * What a configuration change did, in the terms of Jira's audit log: the changed object, what
 * happened to it and the values that changed.
 */
export interface ConfigChange {
  /** `added`/`removed`: membership changes (a user added to a group, actors added to a role). */
  action: 'created' | 'updated' | 'deleted' | 'added' | 'removed';
  /** The changed object (for group membership: the user added or removed). */
  object: { id: string; name: string; parentId?: string; parentName?: string };
  /** The values set on creation; from → to on updates; none on deletions. */
  changedValues: AuditChangedValue[];
  /** Other objects involved: a component's project, the group of a membership change. */
  associated?: AuditItem[];
  /** Nothing actually changed (a rename to the same name, adding a present member): not audited. */
  noop?: boolean;
}

export type SiteEvent =
  | { type: 'issue_created'; at: number; actorId: string; issue: Issue }
  | {
      type: 'issue_updated';
      at: number;
      actorId: string;
      issue: Issue;
      /** The change history entry written for this update, if any. */
      changelogId?: string;
      /** Set when the update was a move to another project (old key). */
      movedFrom?: { key: string; projectId: string };
    }
  | { type: 'issue_deleted'; at: number; actorId: string; issue: Issue }
  | {
      type: 'comment_created' | 'comment_updated' | 'comment_deleted';
      at: number;
      actorId: string;
      issue: Issue;
      comment: Comment;
    }
  | {
      type: 'worklog_created' | 'worklog_updated' | 'worklog_deleted';
      at: number;
      actorId: string;
      issue: Issue;
      worklog: Worklog;
    }
  | {
      type: 'issue_property_set' | 'issue_property_deleted';
      at: number;
      actorId: string;
      issue: Issue;
      propertyKey: string;
    }
  | {
      type: 'attachment_created' | 'attachment_deleted';
      at: number;
      actorId: string;
      issue: Issue;
      attachmentId: string;
    }
  | {
      type: 'issuelink_created' | 'issuelink_deleted';
      at: number;
      actorId: string;
      linkId: string;
      inwardIssueId: string;
      outwardIssueId: string;
    }
  | {
      type: 'sprint_created' | 'sprint_updated' | 'sprint_started' | 'sprint_closed' | 'sprint_deleted';
      at: number;
      actorId: string;
      sprint: Sprint;
      change: ConfigChange;
    }
  | {
      type: 'jira:version_created' | 'jira:version_updated' | 'jira:version_released' | 'jira:version_deleted';
      at: number;
      actorId: string;
      version: Version;
      change: ConfigChange;
    }
  | {
      type: 'project_created' | 'project_updated' | 'project_deleted';
      at: number;
      actorId: string;
      projectId: string;
      change: ConfigChange;
    }
  | { type: 'config_changed'; at: number; actorId: string; kind: ConfigKind; id: string; change: ConfigChange };

export type SiteListener = (site: Site, event: SiteEvent) => void;

/** Listeners per site. Kept beside the world so the data stays plain and dumpable. */
const listeners = new WeakMap<Site, SiteListener[]>();

export function onSiteEvent(site: Site, listener: SiteListener): () => void {
  const list = listeners.get(site) ?? [];
  list.push(listener);
  listeners.set(site, list);
  return () => {
    const current = listeners.get(site) ?? [];
    listeners.set(
      site,
      current.filter((l) => l !== listener),
    );
  };
}

export function emitSiteEvent(site: Site, event: SiteEvent): void {
  recordAudit(site, event);
  for (const listener of listeners.get(site) ?? []) listener(site, event);
}
