/**
 * Empty site data with Jira's fixed parts (status categories) and default settings. The data
 * generator and hand-built test fixtures both start from here.
 */
import type { IdCounters, SiteData, SiteSettings, StatusCategory } from './site.js';
import type { Site } from './types.js';

export const STATUS_CATEGORIES: StatusCategory[] = [
  { id: 1, key: 'undefined', name: 'No Category', colorName: 'medium-gray' },
  { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' },
  { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
  { id: 3, key: 'done', name: 'Done', colorName: 'green' },
];

export const DEFAULT_SETTINGS: SiteSettings = {
  timeTrackingEnabled: true,
  attachmentsEnabled: true,
  attachmentUploadLimit: 1024 * 1024 * 1024,
  votingEnabled: true,
  watchingEnabled: true,
  subtasksEnabled: true,
  issueLinkingEnabled: true,
  timeZone: 'UTC',
  plan: 'standard',
};

/** First ids, in the ranges Jira Cloud uses. */
export function initialIds(): IdCounters {
  return {
    issue: 10000,
    comment: 10000,
    worklog: 10000,
    attachment: 10000,
    content: 1,
    changelog: 10000,
    link: 10000,
    remoteLink: 10000,
    project: 10000,
    component: 10000,
    version: 10000,
    sprint: 1,
    board: 1,
    filter: 10000,
    dashboard: 10000,
    webhook: 1,
    generic: 10000,
    audit: 0,
  };
}

/** Allocates the next id of a kind (as Jira's decimal string). */
export function nextId(data: SiteData, kind: keyof IdCounters): string {
  data.ids[kind] += 1;
  return String(data.ids[kind]);
}

export function emptySiteData(settings: Partial<SiteSettings> = {}): SiteData {
  return {
    settings: { ...DEFAULT_SETTINGS, ...settings },
    ids: initialIds(),
    statusCategories: new Map(STATUS_CATEGORIES.map((c) => [c.id, { ...c }])),
    statuses: new Map(),
    priorities: new Map(),
    resolutions: new Map(),
    issueTypes: new Map(),
    issueTypeSchemes: new Map(),
    fields: new Map(),
    fieldContexts: new Map(),
    workflows: new Map(),
    workflowSchemes: new Map(),
    screens: new Map(),
    screenSchemes: new Map(),
    issueTypeScreenSchemes: new Map(),
    permissionSchemes: new Map(),
    notificationSchemes: new Map(),
    issueSecuritySchemes: new Map(),
    issueLinkTypes: new Map(),
    projectCategories: new Map(),
    roles: new Map(),
    groups: new Map(),
    filters: new Map(),
    dashboards: new Map(),
    projects: new Map(),
    projectKeys: new Map(),
    issues: new Map(),
    issueKeys: new Map(),
    links: new Map(),
    attachments: new Map(),
    contents: new Map(),
    worklogUpdates: [],
    worklogDeletions: [],
    boards: new Map(),
    sprints: new Map(),
    serviceDesks: new Map(),
    requestTypes: new Map(),
    webhooks: new Map(),
    userProperties: new Map(),
    auditRecords: [],
  };
}

export function emptySite(cloudId: string, name: string, url: string): Site {
  return {
    cloudId,
    name,
    url,
    products: ['jira-software', 'jira-servicedesk'],
    members: new Set(),
    admins: new Set(),
    data: emptySiteData(),
  };
}
