/**
 * Jira content of one simulated site, in *stored form*: ids and plain values, never the REST
 * representation. Renderers (src/simulator/render) turn stored values into Jira's JSON, so a
 * renamed status or user shows up everywhere at once, as it does in Jira.
 *
 * Times are epoch milliseconds. Ids are decimal strings, as Jira's are. Maps preserve insertion
 * order; generators insert in id order so iteration is deterministic.
 *
 * Stored forms of field values (Issue.fields), by field schema:
 *   string / url / textfield           string
 *   ADF (description, environment,
 *        textarea custom fields)       AdfDoc
 *   number                             number
 *   date                               'YYYY-MM-DD'
 *   datetime                           epoch ms
 *   user                               accountId
 *   array of user                      accountId[]
 *   group / array of group             groupId / groupId[]
 *   option (select, radio)             option id
 *   array of option (multi, checkbox)  option id[]
 *   option-with-child (cascading)      { id, childId? }
 *   priority, status, resolution,
 *   issuetype, project, security       id
 *   component / version arrays         id[]
 *   labels                             string[]
 *   timetracking                       { originalEstimateSeconds?, remainingEstimateSeconds? }
 *   sprint (customfield gh-sprint)     sprint id[] (numbers)
 *   rank (gh-lexo-rank)                LexoRank string
 *   customer request type (vp-origin)  request type id
 *   parent                             issue id
 * Derived fields (comment, worklog, attachment, issuelinks, subtasks, votes, watches, created,
 * updated, creator, lastViewed, statuscategorychangedate, resolutiondate, aggregate*) are not stored
 * in `fields`; they are computed from the issue record when rendering.
 */

// ---------------------------------------------------------------------------------------------
// Atlassian Document Format

export interface AdfNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  marks?: Array<{ type: string; attrs?: Record<string, unknown> }>;
  text?: string;
}

export interface AdfDoc {
  version: 1;
  type: 'doc';
  content: AdfNode[];
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Entity properties (issue, comment, worklog, project, board, user, …): key → JSON value. */
export type Properties = Map<string, JsonValue>;

// ---------------------------------------------------------------------------------------------
// Configuration

export interface StatusCategory {
  id: number;
  key: 'undefined' | 'new' | 'indeterminate' | 'done';
  name: string;
  colorName: string;
}

export interface Status {
  id: string;
  name: string;
  description: string;
  statusCategoryId: number;
  /** Team-managed projects have project-scoped statuses. */
  projectId?: string;
}

export interface Priority {
  id: string;
  name: string;
  description: string;
  statusColor: string;
  isDefault: boolean;
}

export interface Resolution {
  id: string;
  name: string;
  description: string;
  isDefault: boolean;
}

export interface IssueType {
  id: string;
  name: string;
  description: string;
  subtask: boolean;
  /** -1 subtask, 0 standard, 1 epic (and higher for custom hierarchy levels). */
  hierarchyLevel: number;
  avatarId: number;
  /** Team-managed projects have project-scoped issue types. */
  projectId?: string;
}

export interface IssueTypeScheme {
  id: string;
  name: string;
  description: string;
  defaultIssueTypeId?: string;
  issueTypeIds: string[];
  isDefault: boolean;
}

export type FieldSchemaType =
  | 'string'
  | 'number'
  | 'date'
  | 'datetime'
  | 'user'
  | 'group'
  | 'option'
  | 'option-with-child'
  | 'priority'
  | 'status'
  | 'resolution'
  | 'issuetype'
  | 'project'
  | 'securitylevel'
  | 'component'
  | 'version'
  | 'array'
  | 'timetracking'
  | 'issuelinks'
  | 'comments-page'
  | 'attachment'
  | 'votes'
  | 'watches'
  | 'progress'
  | 'any'
  | 'issuerestriction'
  | 'sd-customerrequesttype'
  | 'team'
  | 'statusCategory'
  | 'issuelink';

export interface FieldSchema {
  type: FieldSchemaType;
  /** Item type of arrays ('string', 'user', 'option', 'component', 'version', 'issuelinks', 'worklog', …). */
  items?: string;
  /** System field name, e.g. 'summary'. */
  system?: string;
  /** Custom field type key, e.g. 'com.atlassian.jira.plugin.system.customfieldtypes:select'. */
  custom?: string;
  customId?: number;
}

export interface FieldDef {
  /** 'summary', 'customfield_10020', … */
  id: string;
  key: string;
  name: string;
  description?: string;
  custom: boolean;
  schema: FieldSchema;
  /** True when the stored value is an ADF document (description, environment, textarea custom fields). */
  adf?: boolean;
  searchable: boolean;
  navigable: boolean;
  orderable: boolean;
  clauseNames: string[];
  /** Team-managed projects have project-scoped custom fields. */
  projectId?: string;
}

export interface FieldOption {
  id: string;
  value: string;
  disabled: boolean;
  /** For cascading selects: the parent option id. */
  optionId?: string;
}

export interface FieldContext {
  id: string;
  fieldId: string;
  name: string;
  description: string;
  isGlobalContext: boolean;
  isAnyIssueType: boolean;
  projectIds: string[];
  issueTypeIds: string[];
  options: FieldOption[];
  defaultOptionIds: string[];
}

export interface WorkflowTransition {
  id: string;
  name: string;
  description: string;
  /** Source status ids; empty for global and initial transitions. */
  from: string[];
  to: string;
  type: 'initial' | 'directed' | 'global';
  /** Screen shown on the transition (fields it can set, e.g. resolution). */
  screenId?: string;
}

export interface Workflow {
  id: string;
  name: string;
  description: string;
  statusIds: string[];
  transitions: WorkflowTransition[];
  /** PROJECT scope for team-managed projects. */
  scope: { type: 'GLOBAL' } | { type: 'PROJECT'; projectId: string };
  created: number;
  updated: number;
  version: number;
}

export interface WorkflowScheme {
  id: string;
  name: string;
  description: string;
  defaultWorkflowId: string;
  /** issue type id → workflow id */
  issueTypeMappings: Record<string, string>;
}

export interface ScreenTab {
  id: string;
  name: string;
  fieldIds: string[];
}

export interface Screen {
  id: string;
  name: string;
  description: string;
  tabs: ScreenTab[];
}

export interface ScreenScheme {
  id: string;
  name: string;
  description: string;
  /** operation ('default' | 'create' | 'edit' | 'view') → screen id */
  screens: Record<string, string>;
}

export interface IssueTypeScreenScheme {
  id: string;
  name: string;
  description: string;
  /** issue type id or 'default' → screen scheme id */
  mappings: Record<string, string>;
}

export type PermissionHolder =
  | { type: 'anyone' }
  | { type: 'applicationRole'; parameter?: string }
  | { type: 'group'; parameter: string }
  | { type: 'projectRole'; parameter: string }
  | { type: 'user'; parameter: string }
  | { type: 'projectLead' }
  | { type: 'reporter' }
  | { type: 'assignee' };

export interface PermissionGrant {
  id: string;
  holder: PermissionHolder;
  /** Permission key, e.g. 'BROWSE_PROJECTS', 'CREATE_ISSUES', 'DELETE_ISSUES', 'ADMINISTER_PROJECTS'. */
  permission: string;
}

export interface PermissionScheme {
  id: string;
  name: string;
  description: string;
  permissions: PermissionGrant[];
}

export interface NotificationEvent {
  eventId: string;
  eventName: string;
  recipients: Array<{ type: string; parameter?: string }>;
}

export interface NotificationScheme {
  id: string;
  name: string;
  description: string;
  events: NotificationEvent[];
}

export interface IssueSecurityLevel {
  id: string;
  name: string;
  description: string;
  members: PermissionHolder[];
}

export interface IssueSecurityScheme {
  id: string;
  name: string;
  description: string;
  defaultLevelId?: string;
  levels: IssueSecurityLevel[];
}

export interface IssueLinkType {
  id: string;
  name: string;
  inward: string;
  outward: string;
}

export interface ProjectCategory {
  id: string;
  name: string;
  description: string;
}

export interface ProjectRole {
  id: string;
  name: string;
  description: string;
}

export interface Group {
  groupId: string;
  name: string;
  members: Set<string>;
}

export interface SharePermission {
  /** Jira's id of the share entry; renderers derive a stable one when absent. */
  id?: string;
  type: 'global' | 'loggedin' | 'project' | 'group' | 'user' | 'project-unknown';
  projectId?: string;
  roleId?: string;
  groupId?: string;
  accountId?: string;
}

export interface Filter {
  id: string;
  name: string;
  description: string;
  ownerAccountId: string;
  jql: string;
  favouritedBy: Set<string>;
  sharePermissions: SharePermission[];
  editPermissions: SharePermission[];
  /** Column field ids shown in the issue navigator. */
  columns: string[];
}

export interface DashboardGadget {
  id: string;
  moduleKey: string;
  title: string;
  color: string;
  position: { row: number; column: number };
  /** Gadget configuration lives in dashboard item properties. */
  properties: Properties;
}

export interface Dashboard {
  id: string;
  name: string;
  description: string;
  ownerAccountId: string;
  layout: string;
  sharePermissions: SharePermission[];
  editPermissions: SharePermission[];
  gadgets: DashboardGadget[];
  /** Accounts that marked the dashboard as a favourite (absent = nobody). */
  favouritedBy?: Set<string>;
}

// ---------------------------------------------------------------------------------------------
// Projects

export interface Component {
  id: string;
  projectId: string;
  name: string;
  description: string;
  leadAccountId?: string;
  assigneeType: 'PROJECT_DEFAULT' | 'COMPONENT_LEAD' | 'PROJECT_LEAD' | 'UNASSIGNED';
}

export interface Version {
  id: string;
  projectId: string;
  name: string;
  description: string;
  archived: boolean;
  released: boolean;
  startDate?: string;
  releaseDate?: string;
}

export type ProjectTypeKey = 'software' | 'service_desk' | 'business';

export interface Project {
  id: string;
  key: string;
  /** Keys the project had before (issues keep resolving through them). */
  previousKeys: string[];
  name: string;
  description: string;
  leadAccountId: string;
  projectTypeKey: ProjectTypeKey;
  /** 'classic' = company-managed, 'next-gen' = team-managed. */
  style: 'classic' | 'next-gen';
  categoryId?: string;
  url?: string;
  assigneeType: 'PROJECT_LEAD' | 'UNASSIGNED';
  avatarId: number;
  isPrivate: boolean;
  /** Live projects only are visible by default; 'deleted' projects sit in the trash, 'archived' are read-only. */
  status: 'live' | 'archived' | 'deleted';
  /** When and by whom the project was archived or moved to the trash (absent when unknown). */
  archivedAt?: number;
  archivedById?: string;
  deletedAt?: number;
  deletedById?: string;
  components: Map<string, Component>;
  versions: Map<string, Version>;
  /** role id → actors */
  roleActors: Map<string, { users: Set<string>; groups: Set<string> }>;
  properties: Properties;
  issueTypeSchemeId: string;
  workflowSchemeId: string;
  screenSchemeId?: string;
  issueTypeScreenSchemeId: string;
  permissionSchemeId: string;
  notificationSchemeId: string;
  issueSecuritySchemeId?: string;
  /** Number of the last issue key allocated (ABC-{n}). */
  issueCounter: number;
}

// ---------------------------------------------------------------------------------------------
// Issues and their sub-resources

export interface Visibility {
  type: 'group' | 'role';
  value: string;
  identifier?: string;
}

export interface Comment {
  id: string;
  issueId: string;
  authorId: string;
  updateAuthorId: string;
  body: AdfDoc;
  created: number;
  updated: number;
  visibility?: Visibility;
  /** JSM: false for internal comments (agents only). True elsewhere. */
  jsdPublic: boolean;
  properties: Properties;
}

export interface Worklog {
  id: string;
  issueId: string;
  authorId: string;
  updateAuthorId: string;
  comment?: AdfDoc;
  created: number;
  updated: number;
  started: number;
  timeSpentSeconds: number;
  visibility?: Visibility;
  properties: Properties;
}

export interface Attachment {
  id: string;
  issueId: string;
  filename: string;
  authorId: string;
  created: number;
  size: number;
  mimeType: string;
  /** Bytes: see SiteData.contents. Several attachments may share one content. */
  contentId: string;
  /** Media-platform file id that ADF media nodes refer to. */
  mediaId: string;
}

/** Attachment bytes. Generated content is a deterministic function of (seed, size, kind). */
export interface Content {
  id: string;
  size: number;
  /** Uploaded bytes; absent for generated content. */
  data?: Uint8Array;
  /** For generated content: what the bytes look like. */
  generated?: { seed: number; kind: 'text' | 'binary' | 'png' | 'pdf' | 'zip' | 'empty' };
}

export interface ChangeItem {
  field: string;
  fieldtype: 'jira' | 'custom';
  fieldId?: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

export interface ChangeHistory {
  id: string;
  authorId: string;
  created: number;
  items: ChangeItem[];
  historyMetadata?: JsonValue;
}

/**
 * A link reads "<inward issue> <type.outward> <outward issue>": {Blocks, inward A, outward B} is
 * "A blocks B"; A lists it with `outwardIssue: B`, B with `inwardIssue: A` (see mutate/links.ts).
 */
export interface IssueLink {
  id: string;
  typeId: string;
  inwardIssueId: string;
  outwardIssueId: string;
}

export interface RemoteLink {
  id: string;
  globalId?: string;
  application?: { type?: string; name?: string };
  relationship?: string;
  object: {
    url: string;
    title: string;
    summary?: string;
    icon?: { url16x16?: string; title?: string };
    status?: { resolved?: boolean; icon?: { url16x16?: string; title?: string } };
  };
}

export interface Issue {
  id: string;
  key: string;
  /** Keys the issue had before moves (GET and bulk fetch still resolve them). */
  previousKeys: string[];
  projectId: string;
  created: number;
  updated: number;
  creatorId: string;
  /** Stored field values by field id (see the file header for stored forms). */
  fields: Record<string, unknown>;
  resolutionDate?: number;
  statusCategoryChangeDate: number;
  comments: Comment[];
  worklogs: Worklog[];
  attachmentIds: string[];
  /** Ids of links (SiteData.links) where this issue is either end. */
  linkIds: string[];
  remoteLinks: RemoteLink[];
  watchers: Set<string>;
  voters: Set<string>;
  properties: Properties;
  /** Oldest first. */
  changelog: ChangeHistory[];
  archived: boolean;
  /** Bumped on every change; the search index and incremental checks compare it. */
  version: number;
}

// ---------------------------------------------------------------------------------------------
// Jira Software and Jira Service Management

export interface Board {
  id: number;
  name: string;
  type: 'scrum' | 'kanban' | 'simple';
  projectId: string;
  filterId: string;
  subQuery?: string;
  columns: Array<{ name: string; statusIds: string[]; min?: number; max?: number }>;
  constraintType?: 'none' | 'issueCount' | 'issueCountExclSubs';
  estimationFieldId?: string;
  rankFieldId: string;
  adminAccountIds: string[];
  properties: Properties;
}

export interface Sprint {
  id: number;
  name: string;
  state: 'future' | 'active' | 'closed';
  startDate?: number;
  endDate?: number;
  completeDate?: number;
  createdDate: number;
  originBoardId: number;
  goal?: string;
}

export interface ServiceDesk {
  id: string;
  projectId: string;
}

export interface RequestType {
  id: string;
  serviceDeskId: string;
  issueTypeId: string;
  name: string;
  description: string;
  helpText: string;
  groupIds: string[];
}

// ---------------------------------------------------------------------------------------------
// Webhooks

export interface WebhookRegistration {
  id: number;
  /** The OAuth app that registered it (one URL per app). */
  clientId: string;
  /** The account that registered it (deliveries of unshared apps need the owner). */
  accountId: string;
  url: string;
  events: string[];
  jqlFilter: string;
  fieldIdsFilter?: string[];
  issuePropertyKeysFilter?: string[];
  expirationDate: number;
}

// ---------------------------------------------------------------------------------------------
// Audit log

/** An object named by an audit record (AssociatedItemBean): the changed object or one involved. */
export interface AuditItem {
  id: string;
  name: string;
  /** 'PROJECT', 'PROJECT_COMPONENT', 'VERSION', 'USER', 'GROUP', 'CUSTOM_FIELD', … */
  typeName: string;
  parentId?: string;
  parentName?: string;
}

/** One changed value of an audit record (ChangedValueBean); absent = no value on that side. */
export interface AuditChangedValue {
  fieldName: string;
  changedFrom?: string;
  changedTo?: string;
}

/**
 * One entry of the site's audit log (GET /auditing/record), written from configuration
 * SiteEvents by world/audit.ts. Issue-level changes and filters are never recorded.
 */
export interface AuditRecord {
  /** Sequential per site (IdCounters.audit). */
  id: number;
  summary: string;
  /** Epoch ms. */
  created: number;
  category: string;
  eventSource: string;
  authorAccountId: string;
  objectItem: AuditItem;
  associatedItems: AuditItem[];
  changedValues: AuditChangedValue[];
  remoteAddress?: string;
  description?: string;
}

// ---------------------------------------------------------------------------------------------
// The site

/** The site's Jira plan; audit logs are not available when every Jira product is on Free. */
export type SitePlan = 'free' | 'standard' | 'premium' | 'enterprise';

export interface SiteSettings {
  timeTrackingEnabled: boolean;
  attachmentsEnabled: boolean;
  /** Bytes. */
  attachmentUploadLimit: number;
  votingEnabled: boolean;
  watchingEnabled: boolean;
  subtasksEnabled: boolean;
  issueLinkingEnabled: boolean;
  /** Jira's default time zone for rendered timestamps. */
  timeZone: string;
  /** The plan of the site's Jira products (one plan for all of them here). */
  plan: SitePlan;
}

/** One worklog change, for the /worklog/updated and /worklog/deleted feeds (append-only, time order). */
export interface WorklogChange {
  worklogId: string;
  issueId: string;
  updatedTime: number;
}

/** Monotonic id counters per entity kind. */
export interface IdCounters {
  issue: number;
  comment: number;
  worklog: number;
  attachment: number;
  content: number;
  changelog: number;
  link: number;
  remoteLink: number;
  project: number;
  component: number;
  version: number;
  sprint: number;
  board: number;
  filter: number;
  dashboard: number;
  webhook: number;
  generic: number;
  /** Audit record ids (the last one given; records count from 1). */
  audit: number;
}

export interface SiteData {
  settings: SiteSettings;
  ids: IdCounters;

  statusCategories: Map<number, StatusCategory>;
  statuses: Map<string, Status>;
  priorities: Map<string, Priority>;
  resolutions: Map<string, Resolution>;
  issueTypes: Map<string, IssueType>;
  issueTypeSchemes: Map<string, IssueTypeScheme>;
  fields: Map<string, FieldDef>;
  fieldContexts: Map<string, FieldContext>;
  workflows: Map<string, Workflow>;
  workflowSchemes: Map<string, WorkflowScheme>;
  screens: Map<string, Screen>;
  screenSchemes: Map<string, ScreenScheme>;
  issueTypeScreenSchemes: Map<string, IssueTypeScreenScheme>;
  permissionSchemes: Map<string, PermissionScheme>;
  notificationSchemes: Map<string, NotificationScheme>;
  issueSecuritySchemes: Map<string, IssueSecurityScheme>;
  issueLinkTypes: Map<string, IssueLinkType>;
  projectCategories: Map<string, ProjectCategory>;
  roles: Map<string, ProjectRole>;
  groups: Map<string, Group>;
  filters: Map<string, Filter>;
  dashboards: Map<string, Dashboard>;

  projects: Map<string, Project>;
  /** Current and previous project keys → project id. */
  projectKeys: Map<string, string>;

  issues: Map<string, Issue>;
  /** Current and previous issue keys → issue id. */
  issueKeys: Map<string, string>;
  links: Map<string, IssueLink>;
  attachments: Map<string, Attachment>;
  contents: Map<string, Content>;
  worklogUpdates: WorklogChange[];
  worklogDeletions: WorklogChange[];

  boards: Map<number, Board>;
  sprints: Map<number, Sprint>;
  serviceDesks: Map<string, ServiceDesk>;
  requestTypes: Map<string, RequestType>;

  webhooks: Map<number, WebhookRegistration>;
  /** Properties of users (per account), app properties etc. */
  userProperties: Map<string, Properties>;

  /** The audit log, oldest first (appended in event order; see world/audit.ts). */
  auditRecords: AuditRecord[];
}
