/**
 * The configuration of a generated site: statuses and workflows (company-managed software,
 * business and service desk), priorities, resolutions, issue types with hierarchy, system and
 * custom fields with contexts and options, screens and schemes, permission schemes (a default
 * one and a restricted one), an issue security scheme, a notification scheme, link types,
 * project categories, roles and groups. Ids follow Jira Cloud's ranges and, where a fresh site
 * has well-known ids, those ids.
 */
import type {
  FieldContext,
  FieldDef,
  FieldSchema,
  FieldSchemaType,
  IssueType,
  PermissionGrant,
  PermissionHolder,
  Status,
  Workflow,
  WorkflowTransition,
} from '../world/site.js';
import type { Site } from '../world/types.js';
import { nextId } from '../world/factory.js';
import { CUSTOM_TYPES, FIELD_IDS } from '../world/fields.js';
import type { ProjectSchemes } from '../mutate/projects.js';
import { type Rng, stableUuid } from './prng.js';

export interface SiteConfig {
  priorities: string[];
  resolutions: { done: string; wontDo: string; duplicate: string; cannotReproduce: string };
  types: {
    epic: string;
    story: string;
    task: string;
    bug: string;
    subtask: string;
    serviceRequest: string;
    incident: string;
    problem: string;
  };
  schemes: {
    software: ProjectSchemes;
    business: ProjectSchemes;
    serviceDesk: ProjectSchemes;
    restricted: ProjectSchemes;
  };
  groups: {
    siteAdmins: string;
    jiraAdmins: string;
    softwareUsers: string;
    jsmUsers: string;
    developers: string;
    qa: string;
    agents: string;
    managers: string;
    hostile: string;
  };
  roles: {
    administrators: string;
    addons: string;
    member: string;
    viewer: string;
    sdTeam: string;
    sdCustomers: string;
  };
  linkTypes: { blocks: string; cloners: string; duplicate: string; relates: string };
  categories: string[];
  securityLevels: string[];
  /** Global field context ids by field id (custom fields). */
  contexts: Map<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Fields

interface SystemFieldSpec {
  id: string;
  name: string;
  type: FieldSchemaType;
  items?: string;
  clauses: string[];
  orderable?: boolean;
  navigable?: boolean;
  searchable?: boolean;
  adf?: boolean;
}

const SYSTEM_FIELDS: SystemFieldSpec[] = [
  { id: 'summary', name: 'Summary', type: 'string', clauses: ['summary'], orderable: true },
  { id: 'description', name: 'Description', type: 'string', clauses: ['description'], orderable: true, adf: true },
  { id: 'environment', name: 'Environment', type: 'string', clauses: ['environment'], orderable: true, adf: true },
  { id: 'issuetype', name: 'Issue Type', type: 'issuetype', clauses: ['issuetype', 'type'], orderable: true },
  { id: 'project', name: 'Project', type: 'project', clauses: ['project'], orderable: true },
  { id: 'status', name: 'Status', type: 'status', clauses: ['status'] },
  { id: 'priority', name: 'Priority', type: 'priority', clauses: ['priority'], orderable: true },
  { id: 'resolution', name: 'Resolution', type: 'resolution', clauses: ['resolution'], orderable: true },
  { id: 'assignee', name: 'Assignee', type: 'user', clauses: ['assignee'], orderable: true },
  { id: 'reporter', name: 'Reporter', type: 'user', clauses: ['reporter'], orderable: true },
  { id: 'creator', name: 'Creator', type: 'user', clauses: ['creator'] },
  { id: 'labels', name: 'Labels', type: 'array', items: 'string', clauses: ['labels'], orderable: true },
  { id: 'components', name: 'Components', type: 'array', items: 'component', clauses: ['component'], orderable: true },
  {
    id: 'versions',
    name: 'Affects versions',
    type: 'array',
    items: 'version',
    clauses: ['affectedVersion'],
    orderable: true,
  },
  {
    id: 'fixVersions',
    name: 'Fix versions',
    type: 'array',
    items: 'version',
    clauses: ['fixVersion'],
    orderable: true,
  },
  { id: 'duedate', name: 'Due date', type: 'date', clauses: ['due', 'duedate'], orderable: true },
  {
    id: 'timetracking',
    name: 'Time tracking',
    type: 'timetracking',
    clauses: [],
    orderable: true,
    navigable: false,
    searchable: false,
  },
  { id: 'security', name: 'Security Level', type: 'securitylevel', clauses: ['level'], orderable: true },
  { id: 'parent', name: 'Parent', type: 'any', clauses: ['parent'], orderable: true },
  { id: 'created', name: 'Created', type: 'datetime', clauses: ['created', 'createdDate'] },
  { id: 'updated', name: 'Updated', type: 'datetime', clauses: ['updated', 'updatedDate'] },
  { id: 'resolutiondate', name: 'Resolved', type: 'datetime', clauses: ['resolutiondate', 'resolved'] },
  {
    id: 'statuscategorychangedate',
    name: 'Status Category Changed',
    type: 'datetime',
    clauses: ['statusCategoryChangedDate'],
  },
  { id: 'lastViewed', name: 'Last Viewed', type: 'datetime', clauses: ['lastViewed'] },
  { id: 'comment', name: 'Comment', type: 'comments-page', clauses: ['comment'], orderable: true, navigable: false },
  {
    id: 'worklog',
    name: 'Log Work',
    type: 'array',
    items: 'worklog',
    clauses: [],
    orderable: true,
    navigable: false,
    searchable: false,
  },
  {
    id: 'attachment',
    name: 'Attachment',
    type: 'array',
    items: 'attachment',
    clauses: ['attachments'],
    orderable: true,
  },
  {
    id: 'issuelinks',
    name: 'Linked Issues',
    type: 'array',
    items: 'issuelinks',
    clauses: ['issueLink'],
    orderable: true,
  },
  { id: 'subtasks', name: 'Sub-tasks', type: 'array', items: 'issuelinks', clauses: ['subtasks'] },
  { id: 'votes', name: 'Votes', type: 'votes', clauses: ['votes'] },
  { id: 'watches', name: 'Watchers', type: 'watches', clauses: ['watchers'] },
  { id: 'timespent', name: 'Time Spent', type: 'number', clauses: ['timespent'] },
  { id: 'timeestimate', name: 'Remaining Estimate', type: 'number', clauses: ['remainingEstimate', 'timeestimate'] },
  {
    id: 'timeoriginalestimate',
    name: 'Original estimate',
    type: 'number',
    clauses: ['originalEstimate', 'timeoriginalestimate'],
  },
  { id: 'aggregatetimespent', name: 'Σ Time Spent', type: 'number', clauses: [] },
  { id: 'aggregatetimeestimate', name: 'Σ Remaining Estimate', type: 'number', clauses: [] },
  { id: 'aggregatetimeoriginalestimate', name: 'Σ Original Estimate', type: 'number', clauses: [] },
  { id: 'progress', name: 'Progress', type: 'progress', clauses: ['progress'] },
  { id: 'aggregateprogress', name: 'Σ Progress', type: 'progress', clauses: [] },
  { id: 'workratio', name: 'Work Ratio', type: 'number', clauses: ['workratio'] },
  {
    id: 'issuerestriction',
    name: 'Restrict to',
    type: 'issuerestriction',
    clauses: ['issuerestriction'],
    orderable: true,
  },
];

interface CustomFieldSpec {
  id: string;
  name: string;
  custom: string;
  type: FieldSchemaType;
  items?: string;
  adf?: boolean;
  description?: string;
  options?: Array<string | [string, string[]]>;
  searchable?: boolean;
}

const HOSTILE_FIELD_NAME = `Ünïcödé 字段 — حقل — 🚀 <b>&amp;</b> ${'long field name '.repeat(10)}`.slice(0, 200);

export const CUSTOM_FIELDS: CustomFieldSpec[] = [
  {
    id: FIELD_IDS.requestType,
    name: 'Request Type',
    custom: CUSTOM_TYPES.requestType,
    type: 'sd-customerrequesttype',
    description: 'Holds information about which Service Desk was used to create a ticket.',
  },
  {
    id: FIELD_IDS.requestParticipants,
    name: 'Request participants',
    custom: CUSTOM_TYPES.requestParticipants,
    type: 'array',
    items: 'user',
  },
  { id: FIELD_IDS.startDate, name: 'Start date', custom: CUSTOM_TYPES.datepicker, type: 'date' },
  {
    id: FIELD_IDS.storyPointEstimate,
    name: 'Story point estimate',
    custom: CUSTOM_TYPES.storyPoints,
    type: 'number',
    description: 'Measurement of complexity and/or size of a requirement.',
  },
  {
    id: FIELD_IDS.rank,
    name: 'Rank',
    custom: CUSTOM_TYPES.rank,
    type: 'any',
    description: 'Global rank field for JIRA Software use only.',
  },
  {
    id: FIELD_IDS.sprint,
    name: 'Sprint',
    custom: CUSTOM_TYPES.sprint,
    type: 'array',
    items: 'json',
    description: 'Jira Software sprint field',
  },
  {
    id: FIELD_IDS.flagged,
    name: 'Flagged',
    custom: CUSTOM_TYPES.multicheckboxes,
    type: 'array',
    items: 'option',
    description: 'Allows to flag issues with impediments.',
    options: ['Impediment'],
  },
  { id: FIELD_IDS.storyPoints, name: 'Story Points', custom: CUSTOM_TYPES.float, type: 'number' },
  { id: 'customfield_10030', name: 'Team notes', custom: CUSTOM_TYPES.textfield, type: 'string' },
  { id: 'customfield_10031', name: 'Acceptance criteria', custom: CUSTOM_TYPES.textarea, type: 'string', adf: true },
  {
    id: 'customfield_10032',
    name: 'Customer impact',
    custom: CUSTOM_TYPES.select,
    type: 'option',
    options: ['None', 'Minor', 'Major', 'Critical', 'Ünïcödé ✓ <i>option</i>'],
  },
  {
    id: 'customfield_10033',
    name: 'Platforms',
    custom: CUSTOM_TYPES.multiselect,
    type: 'array',
    items: 'option',
    options: ['Web', 'iOS', 'Android', 'Windows', 'macOS', 'Linux'],
  },
  {
    id: 'customfield_10034',
    name: 'Severity',
    custom: CUSTOM_TYPES.radiobuttons,
    type: 'option',
    options: ['Sev-1', 'Sev-2', 'Sev-3', 'Sev-4'],
  },
  {
    id: 'customfield_10035',
    name: 'Environment flags',
    custom: CUSTOM_TYPES.multicheckboxes,
    type: 'array',
    items: 'option',
    options: ['Production', 'Staging', 'Development'],
  },
  {
    id: 'customfield_10036',
    name: 'Product categorization',
    custom: CUSTOM_TYPES.cascadingselect,
    type: 'option-with-child',
    options: [
      ['Hardware', ['Laptop', 'Monitor', 'Phone']],
      ['Software', ['Licence', 'Installation', 'Bug']],
      ['Access', ['VPN', 'SSO', 'Badge']],
    ],
  },
  { id: 'customfield_10037', name: 'Reviewer', custom: CUSTOM_TYPES.userpicker, type: 'user' },
  {
    id: 'customfield_10038',
    name: 'Collaborators',
    custom: CUSTOM_TYPES.multiuserpicker,
    type: 'array',
    items: 'user',
  },
  { id: 'customfield_10039', name: 'Owning group', custom: CUSTOM_TYPES.grouppicker, type: 'group' },
  {
    id: 'customfield_10040',
    name: 'Approver groups',
    custom: CUSTOM_TYPES.multigrouppicker,
    type: 'array',
    items: 'group',
  },
  { id: 'customfield_10041', name: 'Tags', custom: CUSTOM_TYPES.labels, type: 'array', items: 'string' },
  { id: 'customfield_10042', name: 'Design doc', custom: CUSTOM_TYPES.url, type: 'string' },
  { id: 'customfield_10043', name: 'Go-live', custom: CUSTOM_TYPES.datetime, type: 'datetime' },
  { id: 'customfield_10044', name: 'Budget', custom: CUSTOM_TYPES.float, type: 'number' },
  { id: 'customfield_10045', name: HOSTILE_FIELD_NAME, custom: CUSTOM_TYPES.textfield, type: 'string' },
];

/** Custom field ids by role, for the issue generator. */
export const CF = {
  teamNotes: 'customfield_10030',
  acceptance: 'customfield_10031',
  impact: 'customfield_10032',
  platforms: 'customfield_10033',
  severity: 'customfield_10034',
  envFlags: 'customfield_10035',
  category: 'customfield_10036',
  reviewer: 'customfield_10037',
  collaborators: 'customfield_10038',
  owningGroup: 'customfield_10039',
  approverGroups: 'customfield_10040',
  tags: 'customfield_10041',
  designDoc: 'customfield_10042',
  goLive: 'customfield_10043',
  budget: 'customfield_10044',
  hostile: 'customfield_10045',
} as const;

function customClauses(spec: CustomFieldSpec): string[] {
  const n = spec.id.slice('customfield_'.length);
  return [`cf[${n}]`, spec.name];
}

// ---------------------------------------------------------------------------------------------
// Builders

function addStatus(site: Site, id: string, name: string, category: number, description = ''): string {
  const s: Status = { id, name, description, statusCategoryId: category };
  site.data.statuses.set(id, s);
  return id;
}

function transition(
  id: string,
  name: string,
  to: string,
  from: string[],
  type: WorkflowTransition['type'] = 'directed',
  screenId?: string,
): WorkflowTransition {
  const t: WorkflowTransition = { id, name, description: '', from, to, type };
  if (screenId) t.screenId = screenId;
  return t;
}

function addWorkflow(
  site: Site,
  name: string,
  description: string,
  statusIds: string[],
  transitions: WorkflowTransition[],
  at: number,
): string {
  const w: Workflow = {
    id: stableUuid('workflow', site.cloudId, name),
    name,
    description,
    statusIds,
    transitions,
    scope: { type: 'GLOBAL' },
    created: at,
    updated: at,
    version: 1,
  };
  site.data.workflows.set(w.id, w);
  return w.id;
}

const PERMISSIONS = [
  'BROWSE_PROJECTS',
  'CREATE_ISSUES',
  'EDIT_ISSUES',
  'TRANSITION_ISSUES',
  'SCHEDULE_ISSUES',
  'MOVE_ISSUES',
  'ASSIGN_ISSUES',
  'ASSIGNABLE_USER',
  'RESOLVE_ISSUES',
  'CLOSE_ISSUES',
  'MODIFY_REPORTER',
  'DELETE_ISSUES',
  'LINK_ISSUES',
  'SET_ISSUE_SECURITY',
  'VIEW_VOTERS_AND_WATCHERS',
  'MANAGE_WATCHERS',
  'ADD_COMMENTS',
  'EDIT_ALL_COMMENTS',
  'EDIT_OWN_COMMENTS',
  'DELETE_ALL_COMMENTS',
  'DELETE_OWN_COMMENTS',
  'CREATE_ATTACHMENTS',
  'DELETE_ALL_ATTACHMENTS',
  'DELETE_OWN_ATTACHMENTS',
  'WORK_ON_ISSUES',
  'EDIT_OWN_WORKLOGS',
  'EDIT_ALL_WORKLOGS',
  'DELETE_OWN_WORKLOGS',
  'DELETE_ALL_WORKLOGS',
  'ADMINISTER_PROJECTS',
  'MANAGE_SPRINTS_PERMISSION',
  'VIEW_DEV_TOOLS',
  'VIEW_READONLY_WORKFLOW',
];

const ADMIN_ONLY = new Set([
  'DELETE_ISSUES',
  'ADMINISTER_PROJECTS',
  'DELETE_ALL_COMMENTS',
  'DELETE_ALL_ATTACHMENTS',
  'DELETE_ALL_WORKLOGS',
  'EDIT_ALL_WORKLOGS',
  'EDIT_ALL_COMMENTS',
  'MODIFY_REPORTER',
  'SET_ISSUE_SECURITY',
]);

function grants(site: Site, everyone: PermissionHolder[], admins: PermissionHolder[]): PermissionGrant[] {
  const out: PermissionGrant[] = [];
  for (const permission of PERMISSIONS) {
    const holders = ADMIN_ONLY.has(permission) ? admins : [...everyone, ...admins];
    for (const holder of holders) out.push({ id: nextId(site.data, 'generic'), holder, permission });
  }
  return out;
}

function field(spec: SystemFieldSpec): FieldDef {
  const schema: FieldSchema = { type: spec.type, system: spec.id };
  if (spec.items) schema.items = spec.items;
  const def: FieldDef = {
    id: spec.id,
    key: spec.id,
    name: spec.name,
    custom: false,
    schema,
    searchable: spec.searchable ?? true,
    navigable: spec.navigable ?? true,
    orderable: spec.orderable ?? false,
    clauseNames: spec.clauses,
  };
  if (spec.adf) def.adf = true;
  return def;
}

function customField(spec: CustomFieldSpec): FieldDef {
  const schema: FieldSchema = {
    type: spec.type,
    custom: spec.custom,
    customId: Number(spec.id.slice('customfield_'.length)),
  };
  if (spec.items) schema.items = spec.items;
  const def: FieldDef = {
    id: spec.id,
    key: spec.id,
    name: spec.name,
    custom: true,
    schema,
    searchable: spec.searchable ?? true,
    navigable: true,
    orderable: true,
    clauseNames: customClauses(spec),
  };
  if (spec.description) def.description = spec.description;
  if (spec.adf) def.adf = true;
  return def;
}

/** Builds the site's configuration; `at` stamps workflow creation. */
export function buildSiteConfig(site: Site, rng: Rng, at: number): SiteConfig {
  const d = site.data;
  const gen = (): string => nextId(d, 'generic');

  // Priorities and resolutions (Jira's fixed ids).
  const priorities = [
    ['1', 'Highest', '#d04437', 'This problem will block progress.'],
    ['2', 'High', '#f15C75', 'Serious problem that could block progress.'],
    ['3', 'Medium', '#f79232', 'Has the potential to affect progress.'],
    ['4', 'Low', '#707070', 'Minor problem or easily worked around.'],
    ['5', 'Lowest', '#999999', 'Trivial problem with little or no impact on progress.'],
  ] as const;
  for (const [id, name, statusColor, description] of priorities)
    d.priorities.set(id, { id, name, description, statusColor, isDefault: id === '3' });
  const resolutions = [
    ['10000', 'Done', 'Work has been completed on this issue.'],
    ['10001', "Won't Do", "This issue won't be actioned."],
    ['10002', 'Duplicate', 'The problem is a duplicate of an existing issue.'],
    ['10003', 'Cannot Reproduce', 'All attempts at reproducing this issue failed.'],
  ] as const;
  for (const [id, name, description] of resolutions)
    d.resolutions.set(id, { id, name, description, isDefault: id === '10000' });

  // Issue types.
  const type = (name: string, level: number, avatarId: number, description: string): string => {
    const t: IssueType = { id: gen(), name, description, subtask: level < 0, hierarchyLevel: level, avatarId };
    d.issueTypes.set(t.id, t);
    return t.id;
  };
  const types = {
    epic: type('Epic', 1, 10307, 'A big user story that needs to be broken down.'),
    story: type('Story', 0, 10315, 'Functionality or a feature expressed as a user goal.'),
    task: type('Task', 0, 10318, 'A small, distinct piece of work.'),
    bug: type('Bug', 0, 10303, 'A problem or error.'),
    subtask: type('Subtask', -1, 10316, 'A small piece of work that is part of a larger task.'),
    serviceRequest: type('[System] Service request', 0, 10320, 'Created by Jira Service Management.'),
    incident: type('[System] Incident', 0, 10321, 'For system outages or incidents.'),
    problem: type('[System] Problem', 0, 10322, 'Track underlying causes of incidents.'),
  };
  const its = (name: string, ids: string[], def: string, isDefault = false): string => {
    const id = gen();
    d.issueTypeSchemes.set(id, { id, name, description: '', defaultIssueTypeId: def, issueTypeIds: ids, isDefault });
    return id;
  };
  its('Default Issue Type Scheme', [types.task, types.subtask, types.epic, types.story, types.bug], types.task, true);
  const softwareTypes = its(
    'Software Issue Type Scheme',
    [types.epic, types.story, types.task, types.bug, types.subtask],
    types.story,
  );
  const businessTypes = its('Business Issue Type Scheme', [types.epic, types.task, types.subtask], types.task);
  const serviceDeskTypes = its(
    'Service Desk Issue Type Scheme',
    [types.serviceRequest, types.incident, types.problem, types.task, types.subtask],
    types.serviceRequest,
  );

  // Fields and contexts.
  for (const spec of SYSTEM_FIELDS) d.fields.set(spec.id, field(spec));
  const contexts = new Map<string, string>();
  for (const spec of CUSTOM_FIELDS) {
    d.fields.set(spec.id, customField(spec));
    const ctx: FieldContext = {
      id: gen(),
      fieldId: spec.id,
      name: `Default Configuration Scheme for ${spec.name}`,
      description: `Default configuration scheme generated by Jira`,
      isGlobalContext: true,
      isAnyIssueType: true,
      projectIds: [],
      issueTypeIds: [],
      options: [],
      defaultOptionIds: [],
    };
    for (const o of spec.options ?? []) {
      if (typeof o === 'string') ctx.options.push({ id: gen(), value: o, disabled: false });
      else {
        const parent = { id: gen(), value: o[0], disabled: false };
        ctx.options.push(parent);
        for (const child of o[1]) ctx.options.push({ id: gen(), value: child, disabled: false, optionId: parent.id });
      }
    }
    if (spec.id === CF.impact) {
      ctx.defaultOptionIds = [ctx.options[0]!.id];
      ctx.options.push({ id: gen(), value: 'Legacy (disabled)', disabled: true });
    }
    d.fieldContexts.set(ctx.id, ctx);
    contexts.set(spec.id, ctx.id);
  }

  // Screens.
  const tab = (name: string, fieldIds: string[]): { id: string; name: string; fieldIds: string[] } => ({
    id: gen(),
    name,
    fieldIds,
  });
  const mainFields = [
    'summary',
    'issuetype',
    'parent',
    'security',
    'priority',
    'duedate',
    'components',
    'versions',
    'fixVersions',
    'assignee',
    'reporter',
    'environment',
    'description',
    'timetracking',
    'attachment',
    'labels',
    'issuelinks',
  ];
  const customIds = CUSTOM_FIELDS.filter((c) => c.id !== FIELD_IDS.rank && c.id !== FIELD_IDS.requestType).map(
    (c) => c.id,
  );
  d.screens.set('1', {
    id: '1',
    name: 'Default Screen',
    description: 'Allows to update all system fields.',
    tabs: [tab('Field Tab', mainFields), tab('More', customIds)],
  });
  d.screens.set('2', {
    id: '2',
    name: 'Resolve Issue Screen',
    description: 'Allows to set resolution, change fix versions and assign an issue.',
    tabs: [tab('Field Tab', ['resolution', 'fixVersions', 'assignee', 'worklog'])],
  });
  d.screens.set('3', {
    id: '3',
    name: 'Workflow Screen',
    description: 'This screen is used in the workflow and enables you to assign issues',
    tabs: [tab('Field Tab', ['assignee'])],
  });
  const jsmScreen = gen();
  d.screens.set(jsmScreen, {
    id: jsmScreen,
    name: 'JSM: Request Screen',
    description: 'Screen of service desk requests.',
    tabs: [
      tab('Request', [
        'summary',
        'issuetype',
        'reporter',
        'description',
        'priority',
        'attachment',
        FIELD_IDS.requestType,
        FIELD_IDS.requestParticipants,
        CF.severity,
        CF.category,
        CF.impact,
      ]),
      tab('Internal', ['assignee', 'labels', 'components', 'duedate']),
    ],
  });
  d.screenSchemes.set('1', {
    id: '1',
    name: 'Default Screen Scheme',
    description: 'Default Screen Scheme',
    screens: { default: '1' },
  });
  const jsmScreenScheme = gen();
  d.screenSchemes.set(jsmScreenScheme, {
    id: jsmScreenScheme,
    name: 'JSM Screen Scheme',
    description: '',
    screens: { default: jsmScreen, create: jsmScreen, edit: jsmScreen, view: jsmScreen },
  });
  d.issueTypeScreenSchemes.set('1', {
    id: '1',
    name: 'Default Issue Type Screen Scheme',
    description: 'The default issue type screen scheme',
    mappings: { default: '1' },
  });
  const jsmItss = gen();
  d.issueTypeScreenSchemes.set(jsmItss, {
    id: jsmItss,
    name: 'JSM Issue Type Screen Scheme',
    description: '',
    mappings: { default: jsmScreenScheme },
  });

  // Statuses and workflows.
  const todo = addStatus(site, '10000', 'To Do', 2);
  const inProgress = addStatus(
    site,
    '3',
    'In Progress',
    4,
    'This issue is being actively worked on at the moment by the assignee.',
  );
  const inReview = addStatus(site, gen(), 'In Review', 4);
  const blocked = addStatus(site, gen(), 'Blocked', 4);
  const done = addStatus(site, gen(), 'Done', 3);
  const open = addStatus(site, '1', 'Open', 2, 'The issue is open and ready for the assignee to start work on it.');
  const underReview = addStatus(site, gen(), 'Under Review', 4);
  const approved = addStatus(site, gen(), 'Approved', 3);
  const rejected = addStatus(site, gen(), 'Rejected', 3);
  const waitSupport = addStatus(site, gen(), 'Waiting for support', 2);
  const waitCustomer = addStatus(site, gen(), 'Waiting for customer', 4);
  const resolved = addStatus(
    site,
    '5',
    'Resolved',
    3,
    'A resolution has been taken, and it is awaiting verification by reporter.',
  );
  const canceled = addStatus(site, gen(), 'Canceled', 3);
  const software = addWorkflow(
    site,
    'Software Development Workflow',
    'Company-managed software workflow',
    [todo, inProgress, inReview, blocked, done],
    [
      transition('1', 'Create', todo, [], 'initial'),
      transition('11', 'Start Progress', inProgress, [todo]),
      transition('21', 'Submit for Review', inReview, [inProgress]),
      transition('31', 'Request Changes', inProgress, [inReview]),
      transition('41', 'Block', blocked, [inProgress, inReview]),
      transition('51', 'Unblock', inProgress, [blocked]),
      transition('61', 'Done', done, [], 'global', '2'),
      transition('71', 'Reopen', todo, [done]),
      transition('81', 'Stop Progress', todo, [inProgress]),
    ],
    at,
  );
  const business = addWorkflow(
    site,
    'Business Process Workflow',
    'Company-managed business workflow',
    [open, inProgress, underReview, approved, rejected],
    [
      transition('1', 'Create', open, [], 'initial'),
      transition('11', 'Start', inProgress, [open]),
      transition('21', 'Send for Review', underReview, [inProgress]),
      transition('31', 'Approve', approved, [underReview], 'directed', '2'),
      transition('41', 'Reject', rejected, [underReview, open], 'directed', '2'),
      transition('51', 'Reopen', open, [approved, rejected]),
      transition('61', 'Back to work', inProgress, [underReview]),
    ],
    at,
  );
  const serviceDesk = addWorkflow(
    site,
    'Service Management Workflow',
    'Jira Service Management workflow for requests',
    [waitSupport, waitCustomer, inProgress, resolved, canceled],
    [
      transition('1', 'Create', waitSupport, [], 'initial'),
      transition('11', 'Respond to customer', waitCustomer, [waitSupport, inProgress]),
      transition('21', 'Respond to support', waitSupport, [waitCustomer]),
      transition('31', 'Start progress', inProgress, [waitSupport, waitCustomer]),
      transition('41', 'Resolve this issue', resolved, [waitSupport, waitCustomer, inProgress], 'directed', '2'),
      transition('51', 'Cancel request', canceled, [], 'global', '2'),
      transition('61', 'Reopen', waitSupport, [resolved, canceled]),
    ],
    at,
  );
  const ws = (name: string, workflowId: string): string => {
    const id = gen();
    d.workflowSchemes.set(id, { id, name, description: '', defaultWorkflowId: workflowId, issueTypeMappings: {} });
    return id;
  };
  const softwareWs = ws('Software Workflow Scheme', software);
  const businessWs = ws('Business Workflow Scheme', business);
  const serviceDeskWs = ws('Service Management Workflow Scheme', serviceDesk);

  // Groups and roles.
  const group = (name: string): string => {
    const id = rng.uuid();
    d.groups.set(id, { groupId: id, name, members: new Set() });
    return id;
  };
  const groups = {
    siteAdmins: group('site-admins'),
    jiraAdmins: group(`jira-admins-${site.name}`),
    softwareUsers: group(`jira-software-users-${site.name}`),
    jsmUsers: group(`jira-servicemanagement-users-${site.name}`),
    developers: group('developers'),
    qa: group('qa-team'),
    agents: group('support-agents'),
    managers: group('managers'),
    hostile: group('Группа «тест» 🚀 <script>x</script>'),
  };
  const role = (id: string, name: string, description: string): string => {
    d.roles.set(id, { id, name, description });
    return id;
  };
  const roles = {
    administrators: role('10002', 'Administrators', 'A project role that represents administrators in a project'),
    addons: role(
      '10003',
      'atlassian-addons-project-access',
      'A project role that represents Connect add-ons declaring a scope that requires more than read issue permissions',
    ),
    member: role('10100', 'Member', 'Members can view and edit issues.'),
    viewer: role('10101', 'Viewer', 'Viewers can search and view issues.'),
    sdTeam: role('10102', 'Service Desk Team', 'Members of the service desk team.'),
    sdCustomers: role('10103', 'Service Desk Customers', 'Customers of the service desk.'),
  };

  // Permission schemes.
  const adminHolders: PermissionHolder[] = [
    { type: 'projectRole', parameter: roles.administrators },
    { type: 'group', parameter: groups.jiraAdmins },
  ];
  d.permissionSchemes.set('0', {
    id: '0',
    name: 'Default Permission Scheme',
    description:
      'This is the default Permission Scheme. Any new projects that are created will be assigned this scheme.',
    permissions: grants(site, [{ type: 'applicationRole' }], adminHolders),
  });
  const restrictedPs = gen();
  d.permissionSchemes.set(restrictedPs, {
    id: restrictedPs,
    name: 'Restricted Permission Scheme',
    description: 'Only project members and Jira administrators can browse.',
    permissions: grants(site, [{ type: 'projectRole', parameter: roles.member }], adminHolders),
  });
  const jsmPs = gen();
  d.permissionSchemes.set(jsmPs, {
    id: jsmPs,
    name: 'Jira Service Management Permission Scheme',
    description: 'Agents work on requests; customers use the portal.',
    permissions: grants(
      site,
      [
        { type: 'applicationRole', parameter: 'jira-servicedesk' },
        { type: 'projectRole', parameter: roles.sdTeam },
      ],
      adminHolders,
    ),
  });

  // Notification scheme.
  d.notificationSchemes.set('10000', {
    id: '10000',
    name: 'Default Notification Scheme',
    description: '',
    events: [
      ['1', 'Issue created'],
      ['2', 'Issue updated'],
      ['3', 'Issue assigned'],
      ['4', 'Issue resolved'],
      ['6', 'Issue commented'],
      ['8', 'Issue reopened'],
      ['14', 'Issue comment edited'],
    ].map(([eventId, eventName]) => ({
      eventId: eventId!,
      eventName: eventName!,
      recipients: [
        { type: 'CurrentAssignee' },
        { type: 'Reporter' },
        { type: 'AllWatchers' },
        ...(eventId === '1' ? [{ type: 'Group', parameter: groups.managers }] : []),
      ],
    })),
  });

  // Issue security.
  const levelStaff = gen();
  const levelSecurity = gen();
  d.issueSecuritySchemes.set('10000', {
    id: '10000',
    name: 'Confidential issues',
    description: 'Restricts who can see sensitive issues.',
    levels: [
      {
        id: levelStaff,
        name: 'Staff only',
        description: 'Developers and administrators',
        members: [{ type: 'group', parameter: groups.developers }, ...adminHolders, { type: 'reporter' }],
      },
      {
        id: levelSecurity,
        name: 'Security team',
        description: 'Security incidents',
        members: [
          { type: 'group', parameter: groups.jiraAdmins },
          { type: 'group', parameter: groups.siteAdmins },
        ],
      },
    ],
  });

  // Link types (Jira's defaults) and categories.
  const linkType = (id: string, name: string, inward: string, outward: string): string => {
    d.issueLinkTypes.set(id, { id, name, inward, outward });
    return id;
  };
  const linkTypes = {
    blocks: linkType('10000', 'Blocks', 'is blocked by', 'blocks'),
    cloners: linkType('10001', 'Cloners', 'is cloned by', 'clones'),
    duplicate: linkType('10002', 'Duplicate', 'is duplicated by', 'duplicates'),
    relates: linkType('10003', 'Relates', 'relates to', 'relates to'),
  };
  const categories = [
    ['Engineering', 'Product development'],
    ['Business', 'Marketing, finance and HR'],
    ['Support', 'Customer service'],
    ['Ünïcödé カテゴリ <b>bold</b>', 'Hostile category name'],
  ].map(([name, description]) => {
    const id = gen();
    d.projectCategories.set(id, { id, name: name!, description: description! });
    return id;
  });

  const base = { issueTypeScreenSchemeId: '1', notificationSchemeId: '10000', screenSchemeId: '1' };
  return {
    priorities: priorities.map((p) => p[0]),
    resolutions: { done: '10000', wontDo: '10001', duplicate: '10002', cannotReproduce: '10003' },
    types,
    schemes: {
      software: {
        ...base,
        issueTypeSchemeId: softwareTypes,
        workflowSchemeId: softwareWs,
        permissionSchemeId: '0',
        issueSecuritySchemeId: '10000',
      },
      business: { ...base, issueTypeSchemeId: businessTypes, workflowSchemeId: businessWs, permissionSchemeId: '0' },
      serviceDesk: {
        ...base,
        issueTypeSchemeId: serviceDeskTypes,
        workflowSchemeId: serviceDeskWs,
        permissionSchemeId: jsmPs,
        issueTypeScreenSchemeId: jsmItss,
        screenSchemeId: jsmScreenScheme,
      },
      restricted: {
        ...base,
        issueTypeSchemeId: softwareTypes,
        workflowSchemeId: softwareWs,
        permissionSchemeId: restrictedPs,
        issueSecuritySchemeId: '10000',
      },
    },
    groups,
    roles,
    linkTypes,
    categories,
    securityLevels: [levelStaff, levelSecurity],
    contexts,
  };
}
