/**
 * A small, hand-built site for the configuration-read tests: every configuration map of SiteData
 * holds a few deliberate entries, with the awkward cases a backup meets — a team-managed project
 * with project-scoped issue types, statuses, fields and workflow; a restricted project only one
 * group can browse; an archived and a trashed project; inactive, hidden-e-mail and app users; a
 * group with more than 50 members; a select field with more than 100 options; cascading options;
 * filters and dashboards shared every way Jira allows.
 *
 * Ids are fixed constants (exported) so tests can name them; nothing is random.
 */
import { emptySite, emptyWorld, type Account, type Site, type World } from '../../src/simulator/index.js';
import type {
  Component,
  FieldContext,
  FieldDef,
  FieldOption,
  FieldSchema,
  Filter,
  Issue,
  JsonValue,
  Project,
  SharePermission,
  Version,
  Workflow,
} from '../../src/simulator/world/site.js';
import type { Principal } from '../../src/simulator/services.js';

export const CLOUD_ID = 'cfg-cloud-0001';
export const T0 = Date.UTC(2025, 0, 15, 9, 30, 0);

export const ADMIN = 'acc-admin';
export const ALICE = 'acc-alice';
export const BOB = 'acc-bob';
export const CAROL = 'acc-carol';
export const DAVE = 'acc-dave';
export const APP = 'acc-app';
export const OUTSIDER = 'acc-outsider';
export const EXTRA_USERS = Array.from({ length: 60 }, (_, i) => `acc-user-${String(i + 1).padStart(3, '0')}`);

export const G_ADMINS = 'a1a1a1a1-0000-4000-8000-000000000001';
export const G_USERS = 'a1a1a1a1-0000-4000-8000-000000000002';
export const G_DEVS = 'a1a1a1a1-0000-4000-8000-000000000003';
export const G_SECRET = 'a1a1a1a1-0000-4000-8000-000000000004';
export const G_ADDONS = 'a1a1a1a1-0000-4000-8000-000000000005';
export const G_EMPTY = 'a1a1a1a1-0000-4000-8000-000000000006';

export const R_ADMINS = '10002';
export const R_DEVS = '10001';
export const R_VIEWERS = '10003';

export const P_ALPHA = '10000';
export const P_BETA = '10001';
export const P_TEAM = '10002';
export const P_DESK = '10003';
export const P_SECRET = '10004';
export const P_OLD = '10005';
export const P_TRASH = '10006';
/** Ten more live company-managed projects, so that project searches page. */
export const P_EXTRAS = Array.from({ length: 10 }, (_, i) => String(10007 + i));

export const ALL_SCOPES = [
  'read:jira-work',
  'read:jira-user',
  'write:jira-work',
  'manage:jira-configuration',
  'manage:jira-project',
];

export function principal(accountId: string, scopes: string[] = ALL_SCOPES): Principal {
  return {
    kind: 'user',
    accountId,
    clientId: 'config-test-client',
    scopes: new Set(scopes),
    cloudIds: new Set([CLOUD_ID]),
    tokenId: `token-${accountId}`,
  };
}

function account(accountId: string, displayName: string, extra: Partial<Account> = {}): Account {
  return {
    accountId,
    accountType: 'atlassian',
    displayName,
    emailAddress: `${accountId.replace(/^acc-/, '')}@example.com`,
    active: true,
    timeZone: 'Europe/Paris',
    locale: 'en_GB',
    loginEmail: `${accountId}@login.example.com`,
    ...extra,
  };
}

const sys = (
  id: string,
  name: string,
  schema: FieldSchema | undefined,
  flags: { orderable?: boolean; navigable?: boolean; searchable?: boolean; clauses?: string[] } = {},
): FieldDef => ({
  id,
  key: id,
  name,
  custom: false,
  schema: schema ? { ...schema, system: id } : { type: 'any', system: id },
  searchable: flags.searchable ?? true,
  navigable: flags.navigable ?? true,
  orderable: flags.orderable ?? true,
  clauseNames: flags.clauses ?? [id],
});

const CF = 'com.atlassian.jira.plugin.system.customfieldtypes:';

const custom = (
  n: number,
  name: string,
  schema: Omit<FieldSchema, 'customId'>,
  extra: Partial<FieldDef> = {},
): FieldDef => ({
  id: `customfield_${n}`,
  key: `customfield_${n}`,
  name,
  custom: true,
  schema: { ...schema, customId: n },
  searchable: true,
  navigable: true,
  orderable: true,
  clauseNames: [`cf[${n}]`, name],
  ...extra,
});

function context(
  id: string,
  fieldId: string,
  name: string,
  scope: { projectIds?: string[]; issueTypeIds?: string[] },
  options: FieldOption[] = [],
): FieldContext {
  const projectIds = scope.projectIds ?? [];
  const issueTypeIds = scope.issueTypeIds ?? [];
  return {
    id,
    fieldId,
    name,
    description: `${name} (context)`,
    isGlobalContext: projectIds.length === 0,
    isAnyIssueType: issueTypeIds.length === 0,
    projectIds,
    issueTypeIds,
    options,
    defaultOptionIds: [],
  };
}

function project(id: string, key: string, name: string, extra: Partial<Project>): Project {
  return {
    id,
    key,
    previousKeys: [],
    name,
    description: `${name} description`,
    leadAccountId: ALICE,
    projectTypeKey: 'software',
    style: 'classic',
    assigneeType: 'UNASSIGNED',
    avatarId: 10400,
    isPrivate: false,
    status: 'live',
    components: new Map(),
    versions: new Map(),
    roleActors: new Map(),
    properties: new Map(),
    issueTypeSchemeId: '10000',
    workflowSchemeId: '10001',
    issueTypeScreenSchemeId: '1',
    permissionSchemeId: '10000',
    notificationSchemeId: '10000',
    issueCounter: 0,
    ...extra,
  };
}

const comp = (id: string, projectId: string, name: string, extra: Partial<Component> = {}): Component => ({
  id,
  projectId,
  name,
  description: `${name} component`,
  assigneeType: 'PROJECT_DEFAULT',
  ...extra,
});

const version = (id: string, projectId: string, name: string, extra: Partial<Version> = {}): Version => ({
  id,
  projectId,
  name,
  description: `Version ${name}`,
  archived: false,
  released: false,
  ...extra,
});

function issue(
  site: Site,
  id: string,
  key: string,
  projectId: string,
  updated: number,
  fields: Record<string, unknown>,
): Issue {
  const i: Issue = {
    id,
    key,
    previousKeys: [],
    projectId,
    created: T0,
    updated,
    creatorId: ALICE,
    fields: { summary: `Issue ${key}`, issuetype: '10001', status: '10000', reporter: ALICE, ...fields },
    statusCategoryChangeDate: T0,
    comments: [],
    worklogs: [],
    attachmentIds: [],
    linkIds: [],
    remoteLinks: [],
    watchers: new Set(),
    voters: new Set(),
    properties: new Map(),
    changelog: [],
    archived: false,
    version: 1,
  };
  site.data.issues.set(id, i);
  site.data.issueKeys.set(key, id);
  return i;
}

export interface ConfigFixture {
  world: World;
  site: Site;
}

export function buildConfigFixture(): ConfigFixture {
  const world = emptyWorld(7);
  const site = emptySite(CLOUD_ID, 'configco', 'https://configco.atlassian.net');
  world.sites.set(CLOUD_ID, site);
  const d = site.data;
  d.settings.votingEnabled = false;

  // ---- accounts, membership, groups
  const accounts: Account[] = [
    account(ADMIN, 'Ada Admin'),
    account(ALICE, 'Alice Lead'),
    account(BOB, 'Bob Builder'),
    account(CAROL, 'Carol Gone', { active: false }),
    account(DAVE, 'Dave Hidden', { emailAddress: null }),
    account(APP, 'Automation for Jira', { accountType: 'app', emailAddress: null }),
    account(OUTSIDER, 'Olga Outsider'),
    ...EXTRA_USERS.map((id, i) => account(id, `User ${String(i + 1).padStart(3, '0')}`)),
  ];
  for (const a of accounts) world.accounts.set(a.accountId, a);
  for (const a of accounts) if (a.accountId !== OUTSIDER) site.members.add(a.accountId);
  site.admins.add(ADMIN);

  const group = (groupId: string, name: string, members: string[]): void => {
    d.groups.set(groupId, { groupId, name, members: new Set(members) });
  };
  group(G_ADMINS, 'jira-administrators', [ADMIN]);
  group(G_USERS, 'jira-software-users', [ADMIN, ALICE, BOB, CAROL, DAVE, ...EXTRA_USERS]);
  group(G_DEVS, 'developers', [ALICE, CAROL]);
  group(G_SECRET, 'secret-team', [DAVE]);
  group(G_ADDONS, 'atlassian-addons', [APP]);
  group(G_EMPTY, 'empty-group', []);

  // ---- roles, categories
  d.roles.set(R_ADMINS, { id: R_ADMINS, name: 'Administrators', description: 'Project administrators' });
  d.roles.set(R_DEVS, { id: R_DEVS, name: 'Developers', description: 'People who work on issues' });
  d.roles.set(R_VIEWERS, { id: R_VIEWERS, name: 'Viewers', description: 'Read-only access' });
  d.projectCategories.set('10000', { id: '10000', name: 'Engineering', description: 'Software teams' });
  d.projectCategories.set('10001', { id: '10001', name: 'Business', description: 'Business teams' });

  // ---- statuses (10010 is scoped to the team-managed project)
  const status = (id: string, name: string, statusCategoryId: number, projectId?: string): void => {
    d.statuses.set(id, {
      id,
      name,
      description: `${name} status`,
      statusCategoryId,
      ...(projectId ? { projectId } : {}),
    });
  };
  status('10000', 'To Do', 2);
  status('10001', 'In Progress', 4);
  status('10002', 'Done', 3);
  status('10003', 'In Review', 4);
  status('10004', 'Backlog', 2);
  status('10005', 'Parked', 2);
  status('10010', 'Team Doing', 4, P_TEAM);

  // ---- priorities, resolutions, link types
  const prios: Array<[string, string, string]> = [
    ['1', 'Highest', '#d04437'],
    ['2', 'High', '#f15c75'],
    ['3', 'Medium', '#f79232'],
    ['4', 'Low', '#707070'],
    ['5', 'Lowest', '#999999'],
  ];
  for (const [id, name, statusColor] of prios)
    d.priorities.set(id, { id, name, description: `${name} priority`, statusColor, isDefault: id === '3' });
  d.resolutions.set('10000', { id: '10000', name: 'Done', description: 'Work done', isDefault: true });
  d.resolutions.set('10001', { id: '10001', name: "Won't Do", description: 'Not done', isDefault: false });
  d.resolutions.set('10002', { id: '10002', name: 'Duplicate', description: 'A duplicate', isDefault: false });
  for (const [id, name, inward, outward] of [
    ['10000', 'Blocks', 'is blocked by', 'blocks'],
    ['10001', 'Cloners', 'is cloned by', 'clones'],
    ['10002', 'Duplicate', 'is duplicated by', 'duplicates'],
    ['10003', 'Relates', 'relates to', 'relates to'],
  ] as const)
    d.issueLinkTypes.set(id, { id, name, inward, outward });

  // ---- issue types and schemes
  const itype = (id: string, name: string, hierarchyLevel: number, projectId?: string): void => {
    d.issueTypes.set(id, {
      id,
      name,
      description: `${name} issue type`,
      subtask: hierarchyLevel < 0,
      hierarchyLevel,
      avatarId: 10300 + Number(id.slice(-2)),
      ...(projectId ? { projectId } : {}),
    });
  };
  itype('10000', 'Epic', 1);
  itype('10001', 'Task', 0);
  itype('10002', 'Bug', 0);
  itype('10003', 'Story', 0);
  itype('10004', 'Sub-task', -1);
  itype('10005', 'Incident', 0);
  itype('10010', 'Task', 0, P_TEAM);
  itype('10011', 'Epic', 1, P_TEAM);
  d.issueTypeSchemes.set('10000', {
    id: '10000',
    name: 'Default Issue Type Scheme',
    description: 'Every global issue type',
    defaultIssueTypeId: '10001',
    issueTypeIds: ['10000', '10001', '10002', '10003', '10004'],
    isDefault: true,
  });
  d.issueTypeSchemes.set('10001', {
    id: '10001',
    name: 'ALPHA: Scrum Issue Type Scheme',
    description: 'Scrum types',
    defaultIssueTypeId: '10003',
    issueTypeIds: ['10000', '10003', '10002', '10004'],
    isDefault: false,
  });
  d.issueTypeSchemes.set('10002', {
    id: '10002',
    name: 'TEAM issue types',
    description: 'Team-managed',
    issueTypeIds: ['10010', '10011'],
    isDefault: false,
  });
  d.issueTypeSchemes.set('10003', {
    id: '10003',
    name: 'Unused scheme',
    description: '',
    issueTypeIds: ['10001'],
    isDefault: false,
  });
  d.issueTypeSchemes.set('10004', {
    id: '10004',
    name: 'Secret issue types',
    description: 'Only the secret project uses Incident',
    defaultIssueTypeId: '10005',
    issueTypeIds: ['10001', '10005'],
    isDefault: false,
  });

  // ---- fields: system fields (the shapes of the recorded /field) and custom fields
  const fields: FieldDef[] = [
    sys('summary', 'Summary', { type: 'string' }),
    sys('description', 'Description', { type: 'string' }),
    sys('issuetype', 'Issue Type', { type: 'issuetype' }, { clauses: ['issuetype', 'type'] }),
    sys('project', 'Project', { type: 'project' }, { orderable: false }),
    sys('status', 'Status', { type: 'status' }, { orderable: false }),
    sys('priority', 'Priority', { type: 'priority' }),
    sys('resolution', 'Resolution', { type: 'resolution' }),
    sys('labels', 'Labels', { type: 'array', items: 'string' }),
    sys('components', 'Components', { type: 'array', items: 'component' }, { clauses: ['component'] }),
    sys('fixVersions', 'Fix versions', { type: 'array', items: 'version' }, { clauses: ['fixVersion'] }),
    sys('versions', 'Affects versions', { type: 'array', items: 'version' }, { clauses: ['affectedVersion'] }),
    sys('assignee', 'Assignee', { type: 'user' }),
    sys('reporter', 'Reporter', { type: 'user' }),
    sys('created', 'Created', { type: 'datetime' }, { orderable: false, clauses: ['created', 'createdDate'] }),
    sys('updated', 'Updated', { type: 'datetime' }, { orderable: false, clauses: ['updated', 'updatedDate'] }),
    sys('duedate', 'Due date', { type: 'date' }, { clauses: ['due', 'duedate'] }),
    sys('timetracking', 'Time tracking', { type: 'timetracking' }, { navigable: false, clauses: [] }),
    sys('worklog', 'Log Work', { type: 'array', items: 'worklog' }, { navigable: false, clauses: [] }),
    sys('subtasks', 'Sub-tasks', { type: 'array', items: 'issuelinks' }, { orderable: false, searchable: false }),
    sys('votes', 'Votes', { type: 'votes' }, { orderable: false, searchable: false }),
    sys('watches', 'Watchers', { type: 'watches' }, { orderable: false, searchable: false, clauses: ['watchers'] }),
    sys('comment', 'Comment', { type: 'comments-page' }, { navigable: false }),
    sys(
      'attachment',
      'Attachment',
      { type: 'array', items: 'attachment' },
      { navigable: false, clauses: ['attachments'] },
    ),
    sys('issuelinks', 'Linked Issues', { type: 'array', items: 'issuelinks' }, { clauses: ['issueLink'] }),
    sys('security', 'Security Level', { type: 'securitylevel' }, { clauses: ['level'] }),
    custom(10020, 'Severity', { type: 'option', custom: `${CF}select` }, { description: 'How bad it is' }),
    custom(10021, 'Areas', { type: 'array', items: 'option', custom: `${CF}multiselect` }),
    custom(10022, 'Region', { type: 'option-with-child', custom: `${CF}cascadingselect` }),
    custom(10023, 'Notes', { type: 'string', custom: `${CF}textarea` }, { adf: true }),
    custom(10024, 'Reviewer', { type: 'user', custom: `${CF}userpicker` }),
    custom(10025, 'Story points', { type: 'number', custom: `${CF}float` }),
    custom(10026, 'Sprint', { type: 'array', items: 'json', custom: 'com.pyxis.greenhopper.jira:gh-sprint' }),
    custom(10027, 'Unused field', { type: 'string', custom: `${CF}textfield` }),
    custom(10028, 'Tags', { type: 'array', items: 'string', custom: `${CF}labels` }),
    custom(10050, 'Team mood', { type: 'option', custom: `${CF}select` }, { projectId: P_TEAM }),
  ];
  for (const f of fields) d.fields.set(f.id, f);

  const severityOptions: FieldOption[] = Array.from({ length: 120 }, (_, i) => ({
    id: String(20000 + i),
    value: `Severity ${String(i + 1).padStart(3, '0')}`,
    disabled: i === 7,
  }));
  const contexts: FieldContext[] = [
    context('10100', 'customfield_10020', 'Default Severity', {}, severityOptions),
    context('10101', 'customfield_10020', 'Alpha bugs', { projectIds: [P_ALPHA], issueTypeIds: ['10002', '10001'] }, [
      { id: '20500', value: 'Blocker', disabled: false },
      { id: '20501', value: 'Major', disabled: false },
      { id: '20502', value: 'Minor', disabled: true },
    ]),
    context('10102', 'customfield_10021', 'Default Areas', {}, [
      { id: '21000', value: 'UI', disabled: false },
      { id: '21001', value: 'API', disabled: false },
      { id: '21002', value: 'Storage', disabled: false },
      { id: '21003', value: 'Docs', disabled: false },
    ]),
    context('10103', 'customfield_10022', 'Beta regions', { projectIds: [P_BETA], issueTypeIds: ['10001'] }, [
      { id: '30000', value: 'Europe', disabled: false },
      { id: '30002', value: 'France', disabled: false, optionId: '30000' },
      { id: '30001', value: 'Americas', disabled: false },
      { id: '30003', value: 'Germany', disabled: false, optionId: '30000' },
      { id: '30004', value: 'Brazil', disabled: false, optionId: '30001' },
    ]),
    context('10104', 'customfield_10023', 'Default Notes', {}),
    context('10105', 'customfield_10024', 'Secret reviewers', { projectIds: [P_SECRET] }),
    context('10106', 'customfield_10025', 'Default Story points', {}),
    context('10107', 'customfield_10026', 'Default Sprint', {}),
    context('10108', 'customfield_10028', 'Default Tags', {}),
    context('10150', 'customfield_10050', 'Team mood', { projectIds: [P_TEAM] }, [
      { id: '40000', value: 'Happy', disabled: false },
      { id: '40001', value: 'Busy', disabled: false },
    ]),
  ];
  for (const c of contexts) d.fieldContexts.set(c.id, c);

  // ---- screens, screen schemes, issue type screen schemes
  d.screens.set('1', {
    id: '1',
    name: 'Default Screen',
    description: 'All system fields',
    tabs: [
      {
        id: '10000',
        name: 'Field Tab',
        fieldIds: [
          'summary',
          'issuetype',
          'description',
          'priority',
          'components',
          'fixVersions',
          'labels',
          'customfield_10020',
          'customfield_10021',
          'assignee',
          'reporter',
        ],
      },
      { id: '10001', name: 'More', fieldIds: ['customfield_10022', 'customfield_10023', 'duedate'] },
    ],
  });
  d.screens.set('2', {
    id: '2',
    name: 'Resolve Issue Screen',
    description: 'Set the resolution',
    tabs: [{ id: '10002', name: 'Resolve', fieldIds: ['resolution', 'fixVersions', 'assignee'] }],
  });
  d.screens.set('10000', {
    id: '10000',
    name: 'Bug Create Screen',
    description: 'Creating bugs',
    tabs: [{ id: '10003', name: 'Bug', fieldIds: ['summary', 'description', 'customfield_10020'] }],
  });
  d.screens.set('10001', {
    id: '10001',
    name: 'Unused Screen',
    description: 'No scheme uses it',
    tabs: [{ id: '10004', name: 'Main', fieldIds: ['summary'] }],
  });
  d.screenSchemes.set('1', {
    id: '1',
    name: 'Default Screen Scheme',
    description: 'Default',
    screens: { default: '1' },
  });
  d.screenSchemes.set('10000', {
    id: '10000',
    name: 'Bug Screen Scheme',
    description: 'Bugs',
    screens: { default: '1', create: '10000', edit: '1', view: '1' },
  });
  d.issueTypeScreenSchemes.set('1', {
    id: '1',
    name: 'Default Issue Type Screen Scheme',
    description: 'Default',
    mappings: { default: '1' },
  });
  d.issueTypeScreenSchemes.set('10000', {
    id: '10000',
    name: 'ALPHA: Software Issue Type Screen Scheme',
    description: 'Software',
    mappings: { default: '1', '10002': '10000' },
  });

  // ---- workflows and workflow schemes
  const workflow = (w: Omit<Workflow, 'created' | 'updated' | 'version'>, version = 1): void => {
    d.workflows.set(w.id, { ...w, created: T0 - 86_400_000 * Number(w.id.slice(-1)), updated: T0, version });
  };
  workflow(
    {
      id: '10000',
      name: 'Software Simplified Workflow',
      description: 'Software teams',
      statusIds: ['10004', '10000', '10001', '10003', '10002'],
      transitions: [
        { id: '1', name: 'Create', description: '', from: [], to: '10004', type: 'initial' },
        { id: '11', name: 'To Do', description: 'Back to do', from: [], to: '10000', type: 'global' },
        { id: '21', name: 'Start', description: '', from: ['10000', '10004'], to: '10001', type: 'directed' },
        { id: '31', name: 'Review', description: '', from: ['10001'], to: '10003', type: 'directed' },
        {
          id: '41',
          name: 'Done',
          description: '',
          from: ['10003', '10001'],
          to: '10002',
          type: 'directed',
          screenId: '2',
        },
      ],
      scope: { type: 'GLOBAL' },
    },
    3,
  );
  workflow({
    id: '10001',
    name: 'Bug Workflow',
    description: 'Bugs',
    statusIds: ['10000', '10001', '10002'],
    transitions: [
      { id: '1', name: 'Create', description: '', from: [], to: '10000', type: 'initial' },
      { id: '21', name: 'Fix', description: '', from: ['10000'], to: '10001', type: 'directed' },
      { id: '31', name: 'Close', description: '', from: ['10001'], to: '10002', type: 'directed' },
    ],
    scope: { type: 'GLOBAL' },
  });
  workflow({
    id: '10002',
    name: 'Business Workflow',
    description: 'Business teams',
    statusIds: ['10000', '10002'],
    transitions: [
      { id: '1', name: 'Create', description: '', from: [], to: '10000', type: 'initial' },
      { id: '11', name: 'Done', description: '', from: [], to: '10002', type: 'global' },
    ],
    scope: { type: 'GLOBAL' },
  });
  workflow({
    id: '10003',
    name: 'TEAM workflow',
    description: 'Team-managed',
    statusIds: ['10000', '10010', '10002'],
    transitions: [
      { id: '1', name: 'Create', description: '', from: [], to: '10000', type: 'initial' },
      { id: '11', name: 'Doing', description: '', from: [], to: '10010', type: 'global' },
      { id: '21', name: 'Done', description: '', from: [], to: '10002', type: 'global' },
    ],
    scope: { type: 'PROJECT', projectId: P_TEAM },
  });
  workflow({
    id: '10004',
    name: 'Retired Workflow',
    description: 'Not used any more',
    statusIds: ['10000'],
    transitions: [{ id: '1', name: 'Create', description: '', from: [], to: '10000', type: 'initial' }],
    scope: { type: 'GLOBAL' },
  });
  d.workflowSchemes.set('10000', {
    id: '10000',
    name: 'Software Workflow Scheme',
    description: 'Software projects',
    defaultWorkflowId: '10000',
    issueTypeMappings: { '10002': '10001' },
  });
  d.workflowSchemes.set('10001', {
    id: '10001',
    name: 'Business Workflow Scheme',
    description: 'Business projects',
    defaultWorkflowId: '10002',
    issueTypeMappings: {},
  });
  d.workflowSchemes.set('10002', {
    id: '10002',
    name: 'TEAM Workflow Scheme',
    description: 'Team-managed',
    defaultWorkflowId: '10003',
    issueTypeMappings: {},
  });

  // ---- permission, notification and issue security schemes
  d.permissionSchemes.set('10000', {
    id: '10000',
    name: 'Default Permission Scheme',
    description: 'Everyone browses',
    permissions: [
      { id: '10100', holder: { type: 'applicationRole' }, permission: 'BROWSE_PROJECTS' },
      { id: '10101', holder: { type: 'applicationRole' }, permission: 'CREATE_ISSUES' },
      { id: '10102', holder: { type: 'reporter' }, permission: 'EDIT_ISSUES' },
      { id: '10103', holder: { type: 'projectRole', parameter: R_DEVS }, permission: 'EDIT_ISSUES' },
      { id: '10104', holder: { type: 'applicationRole' }, permission: 'ADD_COMMENTS' },
      { id: '10105', holder: { type: 'projectRole', parameter: R_ADMINS }, permission: 'ADMINISTER_PROJECTS' },
      { id: '10106', holder: { type: 'group', parameter: G_ADMINS }, permission: 'ADMINISTER_PROJECTS' },
      { id: '10107', holder: { type: 'projectRole', parameter: R_ADMINS }, permission: 'DELETE_ISSUES' },
      { id: '10108', holder: { type: 'user', parameter: ADMIN }, permission: 'MANAGE_WATCHERS' },
      { id: '10109', holder: { type: 'projectLead' }, permission: 'ASSIGNABLE_USER' },
    ],
  });
  d.permissionSchemes.set('10001', {
    id: '10001',
    name: 'Secret Permission Scheme',
    description: 'Only the secret team',
    permissions: [
      { id: '10200', holder: { type: 'group', parameter: G_SECRET }, permission: 'BROWSE_PROJECTS' },
      { id: '10201', holder: { type: 'group', parameter: G_SECRET }, permission: 'CREATE_ISSUES' },
      { id: '10202', holder: { type: 'group', parameter: G_SECRET }, permission: 'ADMINISTER_PROJECTS' },
    ],
  });
  d.notificationSchemes.set('10000', {
    id: '10000',
    name: 'Default Notification Scheme',
    description: 'Who hears about what',
    events: [
      {
        eventId: '1',
        eventName: 'Issue Created',
        recipients: [
          { type: 'CurrentAssignee' },
          { type: 'Reporter' },
          { type: 'group', parameter: G_DEVS },
          { type: 'projectRole', parameter: R_DEVS },
          { type: 'user', parameter: ADMIN },
          { type: 'EmailAddress', parameter: 'ops@example.com' },
          { type: 'UserCustomField', parameter: 'customfield_10024' },
        ],
      },
      { eventId: '2', eventName: 'Issue Updated', recipients: [{ type: 'AllWatchers' }] },
      { eventId: '6', eventName: 'Issue Commented', recipients: [] },
    ],
  });
  d.notificationSchemes.set('10001', {
    id: '10001',
    name: 'Secret Notification Scheme',
    description: 'Quiet',
    events: [{ eventId: '1', eventName: 'Issue Created', recipients: [{ type: 'Reporter' }] }],
  });
  d.notificationSchemes.set('10002', {
    id: '10002',
    name: 'Archive Notifications',
    description: 'Unused',
    events: [],
  });
  d.issueSecuritySchemes.set('10000', {
    id: '10000',
    name: 'Alpha Security',
    description: 'Who sees sensitive issues',
    defaultLevelId: '10000',
    levels: [
      { id: '10000', name: 'Staff', description: 'Developers', members: [{ type: 'group', parameter: G_DEVS }] },
      {
        id: '10001',
        name: 'Admins only',
        description: 'Admins',
        members: [{ type: 'projectRole', parameter: R_ADMINS }],
      },
    ],
  });

  // ---- projects
  const alpha = project(P_ALPHA, 'ALPHA', 'Alpha Software', {
    previousKeys: ['ALP'],
    leadAccountId: ALICE,
    categoryId: '10000',
    url: 'https://alpha.example.com',
    assigneeType: 'PROJECT_LEAD',
    issueTypeSchemeId: '10001',
    workflowSchemeId: '10000',
    issueTypeScreenSchemeId: '10000',
    issueSecuritySchemeId: '10000',
    issueCounter: 3,
  });
  alpha.components.set(
    '10000',
    comp('10000', P_ALPHA, 'Backend', { leadAccountId: BOB, assigneeType: 'COMPONENT_LEAD' }),
  );
  alpha.components.set('10001', comp('10001', P_ALPHA, 'Frontend'));
  alpha.components.set('10002', comp('10002', P_ALPHA, 'Docs', { assigneeType: 'COMPONENT_LEAD' }));
  alpha.versions.set(
    '10000',
    version('10000', P_ALPHA, '1.0', { released: true, startDate: '2023-12-01', releaseDate: '2024-01-15' }),
  );
  alpha.versions.set(
    '10001',
    version('10001', P_ALPHA, '1.1', { released: true, archived: true, releaseDate: '2024-03-01' }),
  );
  alpha.versions.set('10002', version('10002', P_ALPHA, '2.0', { releaseDate: '2020-06-01' }));
  alpha.versions.set('10003', version('10003', P_ALPHA, '3.0'));
  alpha.roleActors.set(R_ADMINS, { users: new Set([ALICE]), groups: new Set([G_ADMINS]) });
  alpha.roleActors.set(R_DEVS, { users: new Set([BOB, CAROL]), groups: new Set([G_DEVS]) });
  alpha.properties.set('alpha.config', { board: 7, flags: ['x', 'y'] });
  alpha.properties.set('alpha.flag', true);

  const beta = project(P_BETA, 'BETA', 'Beta Business', {
    leadAccountId: BOB,
    projectTypeKey: 'business',
    categoryId: '10001',
  });
  beta.components.set('10003', comp('10003', P_BETA, 'Finance'));
  beta.versions.set('10004', version('10004', P_BETA, 'Q1'));
  beta.roleActors.set(R_DEVS, { users: new Set([BOB]), groups: new Set() });

  const team = project(P_TEAM, 'TEAM', 'Team Rocket', {
    style: 'next-gen',
    issueTypeSchemeId: '10002',
    workflowSchemeId: '10002',
  });
  team.roleActors.set(R_ADMINS, { users: new Set([ALICE]), groups: new Set() });

  const desk = project(P_DESK, 'DESK', 'Service Desk', { leadAccountId: ADMIN, projectTypeKey: 'service_desk' });
  const secret = project(P_SECRET, 'SECRET', 'Secret Project', {
    leadAccountId: DAVE,
    isPrivate: true,
    issueTypeSchemeId: '10004',
    workflowSchemeId: '10000',
    issueTypeScreenSchemeId: '10000',
    permissionSchemeId: '10001',
    notificationSchemeId: '10001',
  });
  const old = project(P_OLD, 'OLD', 'Old Archived', {
    leadAccountId: BOB,
    status: 'archived',
    archivedAt: T0 - 86_400_000,
    archivedById: ADMIN,
  });
  const trash = project(P_TRASH, 'TRASH', 'Trashed Project', {
    status: 'deleted',
    deletedAt: T0 - 2 * 86_400_000,
    deletedById: ADMIN,
  });
  const extras = P_EXTRAS.map((id, i) =>
    project(id, `EXT${i}`, `Extra ${String(i + 1).padStart(2, '0')}`, {
      workflowSchemeId: '10000',
      issueTypeScreenSchemeId: '10000',
    }),
  );
  for (const p of [alpha, beta, team, desk, secret, old, trash, ...extras]) {
    d.projects.set(p.id, p);
    d.projectKeys.set(p.key, p.id);
    for (const k of p.previousKeys) d.projectKeys.set(k, p.id);
  }

  // ---- issues (labels, components, versions and custom values used by the config reads)
  issue(site, '10100', 'ALPHA-1', P_ALPHA, T0 + 1000, {
    labels: ['backend', 'urgent'],
    components: ['10000'],
    fixVersions: ['10000'],
    status: '10002',
    customfield_10020: '20001',
  });
  issue(site, '10101', 'ALPHA-2', P_ALPHA, T0 + 5000, {
    labels: ['frontend'],
    components: ['10000', '10001'],
    fixVersions: ['10000'],
    status: '10001',
  });
  issue(site, '10102', 'ALPHA-3', P_ALPHA, T0 + 3000, {
    labels: [],
    fixVersions: ['10002'],
    customfield_10028: ['tagged'],
  });
  issue(site, '10103', 'BETA-1', P_BETA, T0 + 2000, { labels: ['urgent', 'ops'], reporter: BOB });
  issue(site, '10104', 'SECRET-1', P_SECRET, T0 + 4000, { labels: ['classified'], reporter: DAVE });
  site.data.issues.get('10100')!.comments.push({
    id: '10500',
    issueId: '10100',
    authorId: ALICE,
    updateAuthorId: ALICE,
    body: { version: 1, type: 'doc', content: [] },
    created: T0,
    updated: T0,
    jsdPublic: true,
    properties: new Map(),
  });

  // ---- filters
  const filter = (
    id: string,
    name: string,
    ownerAccountId: string,
    sharePermissions: SharePermission[],
    extra: Partial<Filter> = {},
  ): void => {
    d.filters.set(id, {
      id,
      name,
      description: `${name} description`,
      ownerAccountId,
      jql: `project = ALPHA AND summary ~ "${name}"`,
      favouritedBy: new Set(),
      sharePermissions,
      editPermissions: [],
      columns: [],
      ...extra,
    });
  };
  filter('10000', 'My private bugs', ALICE, [], {
    favouritedBy: new Set([ALICE]),
    columns: ['issuekey', 'summary', 'status'],
  });
  filter('10001', 'Everyone open work', BOB, [{ type: 'global' }], { favouritedBy: new Set([ALICE, BOB]) });
  filter('10002', 'Developers board', ADMIN, [{ type: 'group', groupId: G_DEVS }], {
    editPermissions: [{ type: 'group', groupId: G_DEVS }],
  });
  filter('10003', 'Alpha filter', ADMIN, [{ type: 'project', projectId: P_ALPHA }], {
    columns: ['summary', 'customfield_10020'],
  });
  filter('10004', 'Alpha admins', ADMIN, [{ type: 'project', projectId: P_ALPHA, roleId: R_ADMINS }]);
  filter('10005', 'Secret stuff', DAVE, [{ type: 'project', projectId: P_SECRET }]);
  filter('10006', 'For Bob', ALICE, [{ id: '77', type: 'user', accountId: BOB }], {
    editPermissions: [{ type: 'user', accountId: BOB }],
  });
  filter('10007', 'Logged-in users', ADMIN, [{ type: 'loggedin' }]);
  filter('10008', 'Mixed shares', DAVE, [{ type: 'project', projectId: P_SECRET }, { type: 'global' }]);

  // ---- dashboards
  d.dashboards.set('10000', {
    id: '10000',
    name: 'Team dashboard',
    description: 'What the team does',
    ownerAccountId: ALICE,
    layout: 'AA',
    sharePermissions: [{ type: 'global' }],
    editPermissions: [{ type: 'user', accountId: BOB }],
    favouritedBy: new Set([ALICE, BOB]),
    gadgets: [
      {
        id: '10000',
        moduleKey: 'com.atlassian.jira.gadgets:filter-results-gadget',
        title: 'Filter results',
        color: 'blue',
        position: { row: 0, column: 0 },
        properties: new Map<string, JsonValue>([
          ['config', { filterId: '10001', num: 10, columns: ['summary', 'status'] }],
          ['isConfigured', true],
        ]),
      },
      {
        id: '10001',
        moduleKey: 'com.atlassian.jira.gadgets:pie-chart-gadget',
        title: 'Pie',
        color: 'red',
        position: { row: 1, column: 0 },
        properties: new Map(),
      },
      {
        id: '10002',
        moduleKey: 'com.atlassian.jira.gadgets:filter-results-gadget',
        title: 'More results',
        color: 'green',
        position: { row: 0, column: 1 },
        properties: new Map([['config', { filterId: '10003' }]]),
      },
    ],
  });
  d.dashboards.set('10001', {
    id: '10001',
    name: 'Alice private',
    description: '',
    ownerAccountId: ALICE,
    layout: 'A',
    sharePermissions: [],
    editPermissions: [],
    gadgets: [],
  });
  d.dashboards.set('10002', {
    id: '10002',
    name: 'Secret dash',
    description: 'Secret team only',
    ownerAccountId: DAVE,
    layout: 'A',
    sharePermissions: [{ type: 'project', projectId: P_SECRET }],
    editPermissions: [],
    gadgets: [],
  });
  d.dashboards.set('10003', {
    id: '10003',
    name: 'Dev dash',
    description: 'Developers',
    ownerAccountId: ADMIN,
    layout: 'AAA',
    sharePermissions: [{ type: 'group', groupId: G_DEVS }],
    editPermissions: [],
    gadgets: [],
  });

  return { world, site };
}
