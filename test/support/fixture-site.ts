/**
 * A small, hand-built Jira site for simulator route tests: every kind of stored value, the
 * permission cases that matter (a restricted project, an issue-security level, restricted
 * comments and worklogs), and the edge sizes of embedded pages (an issue with 25 comments, one
 * with 120 comments and 30 worklogs). Deterministic: the same call builds the same site.
 *
 *   const fx = buildFixture();
 *   new JiraSimulator({ world: fx.world, clock, parts: { routes: [...] } });
 *
 * Who sees what:
 *   admin     site admin; Administrators role in both projects; member of jira-developers
 *   alice     jira-developers and secret-agents: sees everything, incl. restricted items
 *   bob       jira-developers only: cannot see SEC, OPEN-7 (security level) or items restricted
 *             to secret-agents; holds the Developers role in OPEN (sees voters/watchers)
 *   dave      site member without any group or role: browses OPEN, cannot see role-restricted
 *             worklogs or voters
 *   outsider  an Atlassian account that is not a member of the site
 *
 * Issues (OPEN = company-managed software project, SEC = restricted to secret-agents):
 *   epic        OPEN-1  Epic
 *   story       OPEN-2  Story, parent OPEN-1; every field type set; hostile summary; rich ADF;
 *                       3 comments (one restricted to secret-agents), 3 worklogs (one restricted
 *                       to the Developers role), 2 attachments (text, PNG), 3 change histories,
 *                       watchers, votes, properties
 *   subtask     OPEN-3  Sub-task of OPEN-2, with a worklog (aggregates)
 *   comments25  OPEN-4  25 comments
 *   comments120 OPEN-5  120 comments, 30 worklogs
 *   moved       OPEN-6  previously MOVED-7 (the old key still resolves)
 *   secured     OPEN-7  issue security level "Staff only" (secret-agents)
 *   resolved    OPEN-8  Done, resolved, assigned to alice
 *   linked      OPEN-9  blocks OPEN-2; 2 remote links; an attachment sharing OPEN-2's content
 *   archived    OPEN-10 archived (invisible everywhere)
 *   sec1, sec2  SEC-1, SEC-2
 */
import { emptyWorld } from '../../src/simulator/simulator.js';
import { emptySite, nextId } from '../../src/simulator/world/factory.js';
import { SYSTEM_FIELDS } from '../../src/simulator/render/issue-fields.js';
import type { Account, Site, World } from '../../src/simulator/world/types.js';
import type {
  AdfDoc,
  Attachment,
  ChangeHistory,
  Comment,
  Content,
  FieldDef,
  Issue,
  PermissionGrant,
  Project,
  SiteData,
  Visibility,
  Worklog,
} from '../../src/simulator/world/site.js';

export const FIXTURE_CLOUD_ID = '0b5c2a37-2f4e-4d7c-9a6e-1f3d5b7c9e01';
/** Every stored time of the fixture is at or after this instant (2026-10-01T00:00Z). */
export const FIXTURE_T0 = Date.UTC(2026, 9, 1, 0, 0, 0);
const HOUR = 3_600_000;

export const USERS = {
  admin: '557058:aaaa0000-0000-4000-8000-000000000001',
  alice: '557058:aaaa0000-0000-4000-8000-000000000002',
  bob: '557058:aaaa0000-0000-4000-8000-000000000003',
  dave: '557058:aaaa0000-0000-4000-8000-000000000004',
  outsider: '557058:aaaa0000-0000-4000-8000-000000000005',
} as const;

export const GROUPS = {
  administrators: 'a1b2c3d4-0000-4000-8000-000000000001',
  developers: 'a1b2c3d4-0000-4000-8000-000000000002',
  secretAgents: 'a1b2c3d4-0000-4000-8000-000000000003',
} as const;

export const ROLES = { developers: '10002', administrators: '10003' } as const;

export const STATUS = { todo: '10000', inProgress: '10001', done: '10002' } as const;
export const PRIORITY = { highest: '1', high: '2', medium: '3', low: '4' } as const;
export const RESOLUTION = { done: '10000', wontDo: '10001' } as const;
export const ISSUE_TYPE = { epic: '10001', story: '10002', task: '10003', bug: '10004', subtask: '10005' } as const;

export const CF = {
  sprint: 'customfield_10010',
  rank: 'customfield_10011',
  team: 'customfield_10020',
  flags: 'customfield_10021',
  reviewer: 'customfield_10022',
  notes: 'customfield_10023',
  points: 'customfield_10024',
  startDate: 'customfield_10025',
  deployedAt: 'customfield_10026',
  region: 'customfield_10027',
  watchGroups: 'customfield_10028',
  tags: 'customfield_10029',
  secretNotes: 'customfield_10030',
} as const;

/** A hostile string: markup, quotes, RTL and emoji. */
export const HOSTILE = `<script>alert("x")</script> & 'quotes' \u202Eevil\u202C 🚀`;

export interface Fixture {
  world: World;
  site: Site;
  cloudId: string;
  projects: { open: Project; sec: Project };
  issues: Record<
    | 'epic'
    | 'story'
    | 'subtask'
    | 'comments25'
    | 'comments120'
    | 'moved'
    | 'secured'
    | 'resolved'
    | 'linked'
    | 'archived'
    | 'sec1'
    | 'sec2',
    Issue
  >;
  /** Attachment ids: story text and image, the linked issue's (shared content). */
  attachments: { text: string; image: string; shared: string };
  /** Bytes of the text attachment. */
  textBytes: Uint8Array;
  /** The comment of OPEN-2 restricted to secret-agents, and the worklog restricted to Developers. */
  restricted: { commentId: string; worklogId: string };
  /** Worklog ids recorded as deleted, and when. */
  deletedWorklogs: Array<{ worklogId: string; at: number }>;
}

function doc(...paragraphs: string[]): AdfDoc {
  return {
    version: 1,
    type: 'doc',
    content: paragraphs.map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] })),
  };
}

function account(id: string, displayName: string, email: string | null, tz = 'UTC'): Account {
  return {
    accountId: id,
    accountType: 'atlassian',
    displayName,
    emailAddress: email,
    active: true,
    timeZone: tz,
    locale: 'en_US',
    loginEmail: email ?? `${id.slice(-4)}@example.invalid`,
  };
}

function customField(
  id: string,
  name: string,
  type: FieldDef['schema']['type'],
  custom: string,
  items?: string,
  adf?: boolean,
): FieldDef {
  const customId = Number(id.replace('customfield_', ''));
  const def: FieldDef = {
    id,
    key: id,
    name,
    custom: true,
    schema: { type, custom, customId, ...(items ? { items } : {}) },
    searchable: true,
    navigable: true,
    orderable: true,
    clauseNames: [`cf[${customId}]`, name],
  };
  if (adf) def.adf = true;
  return def;
}

const PNG_1X1 = Uint8Array.from(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  ),
);

/** Builds the fixture world (accounts + one site). */
export function buildFixture(): Fixture {
  const world = emptyWorld(7);
  world.accounts.set(USERS.admin, account(USERS.admin, 'Ada Admin', 'ada@example.com'));
  world.accounts.set(USERS.alice, account(USERS.alice, 'Alice Agent', 'alice@example.com', 'Europe/Berlin'));
  world.accounts.set(USERS.bob, account(USERS.bob, `Bob ${HOSTILE}`, null));
  world.accounts.set(USERS.dave, account(USERS.dave, 'Dave Plain', 'dave@example.com'));
  world.accounts.set(USERS.outsider, account(USERS.outsider, 'Olga Outsider', 'olga@example.com'));

  const site = emptySite(FIXTURE_CLOUD_ID, 'fixture', 'https://fixture.atlassian.net');
  world.sites.set(site.cloudId, site);
  for (const id of [USERS.admin, USERS.alice, USERS.bob, USERS.dave]) site.members.add(id);
  site.admins.add(USERS.admin);
  const data: SiteData = site.data;

  // ---- directory ----
  data.groups.set(GROUPS.administrators, {
    groupId: GROUPS.administrators,
    name: 'jira-administrators',
    members: new Set([USERS.admin]),
  });
  data.groups.set(GROUPS.developers, {
    groupId: GROUPS.developers,
    name: 'jira-developers',
    members: new Set([USERS.admin, USERS.alice, USERS.bob]),
  });
  data.groups.set(GROUPS.secretAgents, {
    groupId: GROUPS.secretAgents,
    name: 'secret-agents',
    members: new Set([USERS.alice]),
  });
  data.roles.set(ROLES.developers, { id: ROLES.developers, name: 'Developers', description: 'Developers' });
  data.roles.set(ROLES.administrators, { id: ROLES.administrators, name: 'Administrators', description: 'Admins' });

  // ---- configuration ----
  data.statuses.set(STATUS.todo, { id: STATUS.todo, name: 'To Do', description: '', statusCategoryId: 2 });
  data.statuses.set(STATUS.inProgress, {
    id: STATUS.inProgress,
    name: 'In Progress',
    description: 'Being worked on',
    statusCategoryId: 4,
  });
  data.statuses.set(STATUS.done, { id: STATUS.done, name: 'Done', description: '', statusCategoryId: 3 });
  for (const [id, name, color] of [
    [PRIORITY.highest, 'Highest', '#d04437'],
    [PRIORITY.high, 'High', '#f15c75'],
    [PRIORITY.medium, 'Medium', '#f79232'],
    [PRIORITY.low, 'Low', '#707070'],
  ] as const) {
    data.priorities.set(id, { id, name, description: name, statusColor: color, isDefault: id === PRIORITY.medium });
  }
  data.resolutions.set(RESOLUTION.done, {
    id: RESOLUTION.done,
    name: 'Done',
    description: 'Work is done',
    isDefault: true,
  });
  data.resolutions.set(RESOLUTION.wontDo, {
    id: RESOLUTION.wontDo,
    name: "Won't Do",
    description: 'Not doing it',
    isDefault: false,
  });
  for (const [id, name, subtask, level, avatar] of [
    [ISSUE_TYPE.epic, 'Epic', false, 1, 10307],
    [ISSUE_TYPE.story, 'Story', false, 0, 10315],
    [ISSUE_TYPE.task, 'Task', false, 0, 10318],
    [ISSUE_TYPE.bug, 'Bug', false, 0, 10303],
    [ISSUE_TYPE.subtask, 'Sub-task', true, -1, 10316],
  ] as const) {
    data.issueTypes.set(id, {
      id,
      name,
      description: `${name} issues`,
      subtask,
      hierarchyLevel: level,
      avatarId: avatar,
    });
  }
  data.issueTypeSchemes.set('10000', {
    id: '10000',
    name: 'Default Issue Type Scheme',
    description: '',
    defaultIssueTypeId: ISSUE_TYPE.task,
    issueTypeIds: Object.values(ISSUE_TYPE),
    isDefault: true,
  });

  for (const f of SYSTEM_FIELDS)
    data.fields.set(f.id, { ...f, schema: { ...f.schema }, clauseNames: [...f.clauseNames] });
  const customs = [
    customField(CF.sprint, 'Sprint', 'array', 'com.pyxis.greenhopper.jira:gh-sprint', 'json'),
    customField(CF.rank, 'Rank', 'any', 'com.pyxis.greenhopper.jira:gh-lexo-rank'),
    customField(CF.team, 'Team', 'option', 'com.atlassian.jira.plugin.system.customfieldtypes:select'),
    customField(
      CF.flags,
      'Flags',
      'array',
      'com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes',
      'option',
    ),
    customField(CF.reviewer, 'Reviewer', 'user', 'com.atlassian.jira.plugin.system.customfieldtypes:userpicker'),
    customField(
      CF.notes,
      'Notes',
      'string',
      'com.atlassian.jira.plugin.system.customfieldtypes:textarea',
      undefined,
      true,
    ),
    customField(CF.points, 'Story points', 'number', 'com.atlassian.jira.plugin.system.customfieldtypes:float'),
    customField(CF.startDate, 'Start date', 'date', 'com.atlassian.jira.plugin.system.customfieldtypes:datepicker'),
    customField(CF.deployedAt, 'Deployed at', 'datetime', 'com.atlassian.jira.plugin.system.customfieldtypes:datetime'),
    customField(
      CF.region,
      'Region',
      'option-with-child',
      'com.atlassian.jira.plugin.system.customfieldtypes:cascadingselect',
    ),
    customField(
      CF.watchGroups,
      'Watch groups',
      'array',
      'com.atlassian.jira.plugin.system.customfieldtypes:multigrouppicker',
      'group',
    ),
    customField(CF.tags, 'Tags', 'array', 'com.atlassian.jira.plugin.system.customfieldtypes:labels', 'string'),
    customField(
      CF.secretNotes,
      'Secret notes',
      'string',
      'com.atlassian.jira.plugin.system.customfieldtypes:textfield',
    ),
  ];
  for (const f of customs) data.fields.set(f.id, f);

  // Contexts: global for every custom field except Secret notes (SEC only).
  let ctxId = 10100;
  const context = (
    fieldId: string,
    options: Array<{ id: string; value: string; optionId?: string }> = [],
    projectIds: string[] = [],
    defaults: string[] = [],
  ): void => {
    const id = String(ctxId++);
    data.fieldContexts.set(id, {
      id,
      fieldId,
      name: `Default context for ${fieldId}`,
      description: '',
      isGlobalContext: projectIds.length === 0,
      isAnyIssueType: true,
      projectIds,
      issueTypeIds: [],
      options: options.map((o) => ({ ...o, disabled: false })),
      defaultOptionIds: defaults,
    });
  };
  context(CF.sprint);
  context(CF.rank);
  context(
    CF.team,
    [
      { id: '10200', value: 'Platform' },
      { id: '10201', value: 'Mobile' },
    ],
    [],
    ['10200'],
  );
  context(CF.flags, [
    { id: '10210', value: 'Impediment' },
    { id: '10211', value: 'Needs review' },
  ]);
  context(CF.reviewer);
  context(CF.notes);
  context(CF.points);
  context(CF.startDate);
  context(CF.deployedAt);
  context(CF.region, [
    { id: '10220', value: 'Europe' },
    { id: '10221', value: 'Berlin', optionId: '10220' },
    { id: '10222', value: 'Americas' },
  ]);
  context(CF.watchGroups);
  context(CF.tags);

  data.workflows.set('10000', {
    id: '10000',
    name: 'Software workflow',
    description: '',
    statusIds: Object.values(STATUS),
    transitions: [
      { id: '1', name: 'Create', description: '', from: [], to: STATUS.todo, type: 'initial' },
      { id: '11', name: 'To Do', description: '', from: [], to: STATUS.todo, type: 'global' },
      {
        id: '21',
        name: 'Start progress',
        description: '',
        from: [STATUS.todo],
        to: STATUS.inProgress,
        type: 'directed',
      },
      {
        id: '31',
        name: 'Resolve',
        description: '',
        from: [STATUS.todo, STATUS.inProgress],
        to: STATUS.done,
        type: 'directed',
        screenId: '10002',
      },
    ],
    scope: { type: 'GLOBAL' },
    created: FIXTURE_T0,
    updated: FIXTURE_T0,
    version: 1,
  });
  data.workflowSchemes.set('10000', {
    id: '10000',
    name: 'Default workflow scheme',
    description: '',
    defaultWorkflowId: '10000',
    issueTypeMappings: {},
  });
  const createFields = [
    'summary',
    'issuetype',
    'parent',
    'description',
    'priority',
    'labels',
    'assignee',
    'reporter',
    'components',
    'fixVersions',
    'duedate',
    CF.team,
    CF.flags,
    CF.reviewer,
    CF.notes,
    CF.points,
    CF.sprint,
    CF.secretNotes,
  ];
  data.screens.set('10000', {
    id: '10000',
    name: 'Create screen',
    description: '',
    tabs: [{ id: '10000', name: 'Field Tab', fieldIds: createFields }],
  });
  data.screens.set('10001', {
    id: '10001',
    name: 'Edit screen',
    description: '',
    tabs: [{ id: '10001', name: 'Field Tab', fieldIds: [...createFields, 'timetracking', 'attachment', 'issuelinks'] }],
  });
  data.screens.set('10002', {
    id: '10002',
    name: 'Resolve screen',
    description: '',
    tabs: [{ id: '10002', name: 'Resolve', fieldIds: ['resolution', 'fixVersions'] }],
  });
  data.screenSchemes.set('10000', {
    id: '10000',
    name: 'Default screen scheme',
    description: '',
    screens: { default: '10001', create: '10000', edit: '10001' },
  });
  data.issueTypeScreenSchemes.set('10000', {
    id: '10000',
    name: 'Default ITSS',
    description: '',
    mappings: { default: '10000' },
  });

  let grantId = 10000;
  const grant = (permission: string, holder: PermissionGrant['holder']): PermissionGrant => ({
    id: String(grantId++),
    permission,
    holder,
  });
  const work = [
    'BROWSE_PROJECTS',
    'CREATE_ISSUES',
    'EDIT_ISSUES',
    'TRANSITION_ISSUES',
    'ADD_COMMENTS',
    'WORK_ON_ISSUES',
    'CREATE_ATTACHMENTS',
  ];
  data.permissionSchemes.set('10000', {
    id: '10000',
    name: 'Default permission scheme',
    description: '',
    permissions: [
      ...work.map((p) => grant(p, { type: 'applicationRole' })),
      grant('VIEW_VOTERS_AND_WATCHERS', { type: 'projectRole', parameter: ROLES.developers }),
      grant('ADMINISTER_PROJECTS', { type: 'projectRole', parameter: ROLES.administrators }),
    ],
  });
  data.permissionSchemes.set('10001', {
    id: '10001',
    name: 'Secret permission scheme',
    description: '',
    permissions: [...work, 'VIEW_VOTERS_AND_WATCHERS'].map((p) =>
      grant(p, { type: 'group', parameter: GROUPS.secretAgents }),
    ),
  });
  data.notificationSchemes.set('10000', {
    id: '10000',
    name: 'Default notification scheme',
    description: '',
    events: [],
  });
  data.issueSecuritySchemes.set('10000', {
    id: '10000',
    name: 'Staff security',
    description: '',
    levels: [
      {
        id: '10100',
        name: 'Staff only',
        description: 'Secret agents only',
        members: [{ type: 'group', parameter: GROUPS.secretAgents }],
      },
    ],
  });
  data.issueLinkTypes.set('10000', { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' });
  data.issueLinkTypes.set('10001', { id: '10001', name: 'Relates', inward: 'relates to', outward: 'relates to' });

  // ---- projects ----
  const project = (key: string, name: string, permissionSchemeId: string, extra: Partial<Project> = {}): Project => {
    const id = nextId(data, 'project');
    const p: Project = {
      id,
      key,
      previousKeys: [],
      name,
      description: `${name} project`,
      leadAccountId: USERS.admin,
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
      workflowSchemeId: '10000',
      screenSchemeId: '10000',
      issueTypeScreenSchemeId: '10000',
      permissionSchemeId,
      notificationSchemeId: '10000',
      issueCounter: 0,
      ...extra,
    };
    data.projects.set(id, p);
    data.projectKeys.set(key, id);
    return p;
  };
  const open = project('OPEN', 'Open Platform', '10000', { issueSecuritySchemeId: '10000' });
  open.roleActors.set(ROLES.developers, { users: new Set([USERS.alice, USERS.bob]), groups: new Set() });
  open.roleActors.set(ROLES.administrators, { users: new Set([USERS.admin]), groups: new Set() });
  for (const [name, desc] of [
    ['Backend', 'Server side'],
    ['Frontend', ''],
  ]) {
    const id = nextId(data, 'component');
    open.components.set(id, {
      id,
      projectId: open.id,
      name: name!,
      description: desc!,
      assigneeType: 'PROJECT_DEFAULT',
    });
  }
  for (const [name, released] of [
    ['1.0', true],
    ['2.0', false],
  ] as const) {
    const id = nextId(data, 'version');
    open.versions.set(id, {
      id,
      projectId: open.id,
      name,
      description: '',
      archived: false,
      released,
      ...(released ? { releaseDate: '2026-09-30' } : {}),
    });
  }
  const sec = project('SEC', 'Secret Ops', '10001', { isPrivate: true });
  sec.roleActors.set(ROLES.administrators, { users: new Set([USERS.admin]), groups: new Set() });
  const secretCtx = String(ctxId++);
  data.fieldContexts.set(secretCtx, {
    id: secretCtx,
    fieldId: CF.secretNotes,
    name: 'SEC only',
    description: '',
    isGlobalContext: false,
    isAnyIssueType: true,
    projectIds: [sec.id],
    issueTypeIds: [],
    options: [],
    defaultOptionIds: [],
  });

  // ---- agile ----
  data.boards.set(1, {
    id: 1,
    name: 'OPEN board',
    type: 'scrum',
    projectId: open.id,
    filterId: '10000',
    columns: [{ name: 'To Do', statusIds: [STATUS.todo] }],
    rankFieldId: CF.rank,
    adminAccountIds: [USERS.admin],
    properties: new Map(),
  });
  data.sprints.set(1, {
    id: 1,
    name: 'Sprint 1',
    state: 'closed',
    startDate: FIXTURE_T0,
    endDate: FIXTURE_T0 + 14 * 24 * HOUR,
    completeDate: FIXTURE_T0 + 14 * 24 * HOUR,
    createdDate: FIXTURE_T0,
    originBoardId: 1,
    goal: 'Ship it',
  });
  data.sprints.set(2, {
    id: 2,
    name: 'Sprint 2',
    state: 'active',
    startDate: FIXTURE_T0 + 14 * 24 * HOUR,
    createdDate: FIXTURE_T0,
    originBoardId: 1,
  });

  // ---- issues ----
  let seq = 0;
  const issue = (
    p: Project,
    typeId: string,
    summary: string,
    fields: Record<string, unknown> = {},
    extra: Partial<Issue> = {},
  ): Issue => {
    const id = nextId(data, 'issue');
    p.issueCounter += 1;
    const created = FIXTURE_T0 + seq++ * HOUR;
    const i: Issue = {
      id,
      key: `${p.key}-${p.issueCounter}`,
      previousKeys: [],
      projectId: p.id,
      created,
      updated: created + 30 * 60_000,
      creatorId: USERS.admin,
      fields: {
        summary,
        issuetype: typeId,
        status: STATUS.todo,
        priority: PRIORITY.medium,
        reporter: USERS.admin,
        labels: [],
        components: [],
        versions: [],
        fixVersions: [],
        ...fields,
      },
      statusCategoryChangeDate: created,
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
      ...extra,
    };
    data.issues.set(id, i);
    data.issueKeys.set(i.key, id);
    return i;
  };
  const comment = (i: Issue, authorId: string, text: string, at: number, visibility?: Visibility): Comment => {
    const c: Comment = {
      id: nextId(data, 'comment'),
      issueId: i.id,
      authorId,
      updateAuthorId: authorId,
      body: doc(text),
      created: at,
      updated: at,
      jsdPublic: true,
      properties: new Map(),
      ...(visibility ? { visibility } : {}),
    };
    i.comments.push(c);
    return c;
  };
  const worklog = (
    i: Issue,
    authorId: string,
    seconds: number,
    at: number,
    visibility?: Visibility,
    text?: string,
  ): Worklog => {
    const w: Worklog = {
      id: nextId(data, 'worklog'),
      issueId: i.id,
      authorId,
      updateAuthorId: authorId,
      created: at,
      updated: at,
      started: at - seconds * 1000,
      timeSpentSeconds: seconds,
      properties: new Map(),
      ...(text ? { comment: doc(text) } : {}),
      ...(visibility ? { visibility } : {}),
    };
    i.worklogs.push(w);
    data.worklogUpdates.push({ worklogId: w.id, issueId: i.id, updatedTime: at });
    return w;
  };
  const content = (bytes: Uint8Array): Content => {
    const c: Content = { id: nextId(data, 'content'), size: bytes.length, data: bytes };
    data.contents.set(c.id, c);
    return c;
  };
  const attach = (i: Issue, c: Content, filename: string, mimeType: string, at: number): Attachment => {
    const id = nextId(data, 'attachment');
    const a: Attachment = {
      id,
      issueId: i.id,
      filename,
      authorId: USERS.alice,
      created: at,
      size: c.size,
      mimeType,
      contentId: c.id,
      mediaId: `f0e1d2c3-0000-4000-8000-${id.padStart(12, '0')}`,
    };
    data.attachments.set(id, a);
    i.attachmentIds.push(id);
    return a;
  };
  const history = (i: Issue, at: number, items: ChangeHistory['items']): ChangeHistory => {
    const h: ChangeHistory = { id: nextId(data, 'changelog'), authorId: USERS.admin, created: at, items };
    i.changelog.push(h);
    return h;
  };

  const epic = issue(open, ISSUE_TYPE.epic, 'Platform epic', { [CF.rank]: '0|i00001:' });
  const richDescription: AdfDoc = {
    version: 1,
    type: 'doc',
    content: [
      { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Overview' }] },
      {
        type: 'paragraph',
        content: [
          { type: 'text', text: HOSTILE },
          { type: 'hardBreak' },
          { type: 'mention', attrs: { id: USERS.bob, text: '@Bob' } },
          { type: 'text', text: ' see ' },
          {
            type: 'text',
            text: 'docs',
            marks: [{ type: 'link', attrs: { href: 'https://example.com/docs?a=1&b=2' } }],
          },
          { type: 'text', text: ' and ' },
          {
            type: 'text',
            text: 'bad',
            marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }, { type: 'strong' }],
          },
        ],
      },
      {
        type: 'bulletList',
        content: [
          { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'one' }] }] },
          {
            type: 'listItem',
            content: [{ type: 'paragraph', content: [{ type: 'text', text: 'two', marks: [{ type: 'code' }] }] }],
          },
        ],
      },
      { type: 'codeBlock', attrs: { language: 'typescript' }, content: [{ type: 'text', text: 'const x = "<b>";' }] },
      {
        type: 'panel',
        attrs: { panelType: 'warning' },
        content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Careful' }] }],
      },
      {
        type: 'table',
        attrs: { isNumberColumnEnabled: false, layout: 'default' },
        content: [
          {
            type: 'tableRow',
            content: [
              {
                type: 'tableHeader',
                attrs: {},
                content: [{ type: 'paragraph', content: [{ type: 'text', text: 'H' }] }],
              },
              {
                type: 'tableCell',
                attrs: {},
                content: [{ type: 'paragraph', content: [{ type: 'text', text: 'C' }] }],
              },
            ],
          },
        ],
      },
      { type: 'rule' },
    ],
  };
  const [backend] = [...open.components.keys()];
  const [v1, v2] = [...open.versions.keys()];
  const story = issue(
    open,
    ISSUE_TYPE.story,
    HOSTILE,
    {
      parent: epic.id,
      description: richDescription,
      environment: doc('Production, EU'),
      priority: PRIORITY.high,
      assignee: USERS.bob,
      labels: ['backend', 'urgent'],
      components: [backend],
      versions: [v1],
      fixVersions: [v2],
      duedate: '2026-12-24',
      timetracking: { originalEstimateSeconds: 8 * 3600, remainingEstimateSeconds: 4 * 3600 },
      [CF.sprint]: [1, 2],
      [CF.rank]: '0|i00002:',
      [CF.team]: '10200',
      [CF.flags]: ['10210', '10211'],
      [CF.reviewer]: USERS.alice,
      [CF.notes]: doc('Release notes <em>draft</em>'),
      [CF.points]: 5,
      [CF.startDate]: '2026-10-05',
      [CF.deployedAt]: FIXTURE_T0 + 48 * HOUR,
      [CF.region]: { id: '10220', childId: '10221' },
      [CF.watchGroups]: [GROUPS.developers],
      [CF.tags]: ['alpha', 'beta'],
    },
    { creatorId: USERS.alice },
  );
  story.watchers = new Set([USERS.alice, USERS.bob]);
  story.voters = new Set([USERS.alice]);
  story.properties.set('tidemark.provenance', { originalKey: 'OLD-2', originalId: '42' });
  story.properties.set('flag', true);
  comment(story, USERS.alice, 'First comment', story.created + HOUR);
  const restrictedComment = comment(story, USERS.alice, 'Agents only', story.created + 2 * HOUR, {
    type: 'group',
    value: 'secret-agents',
    identifier: GROUPS.secretAgents,
  });
  comment(story, USERS.bob, `Reply ${HOSTILE}`, story.created + 3 * HOUR);
  restrictedComment.properties.set('sd.public.comment', { internal: true });
  worklog(story, USERS.bob, 3600, story.created + HOUR, undefined, 'Investigated');
  const restrictedWorklog = worklog(story, USERS.alice, 1800, story.created + 2 * HOUR, {
    type: 'role',
    value: 'Developers',
    identifier: ROLES.developers,
  });
  restrictedWorklog.properties.set('billing', { billable: false });
  worklog(story, USERS.alice, 12000, story.created + 3 * HOUR, undefined, 'Implemented');
  const textBytes = new TextEncoder().encode('Attachment text, line 1\nAttachment text, line 2\n'.repeat(3));
  const textContent = content(textBytes);
  const text = attach(story, textContent, 'notes <1>.txt', 'text/plain', story.created + HOUR);
  const image = attach(story, content(PNG_1X1), 'diagram.png', 'image/png', story.created + 2 * HOUR);
  history(story, story.created + HOUR, [
    {
      field: 'status',
      fieldtype: 'jira',
      fieldId: 'status',
      from: STATUS.todo,
      fromString: 'To Do',
      to: STATUS.inProgress,
      toString: 'In Progress',
    },
  ]);
  history(story, story.created + 2 * HOUR, [
    {
      field: 'summary',
      fieldtype: 'jira',
      fieldId: 'summary',
      from: null,
      fromString: 'Old summary',
      to: null,
      toString: HOSTILE,
    },
    {
      field: 'labels',
      fieldtype: 'jira',
      fieldId: 'labels',
      from: null,
      fromString: '',
      to: null,
      toString: 'backend urgent',
    },
  ]);
  history(story, story.created + 3 * HOUR, [
    {
      field: 'status',
      fieldtype: 'jira',
      fieldId: 'status',
      from: STATUS.inProgress,
      fromString: 'In Progress',
      to: STATUS.todo,
      toString: 'To Do',
    },
  ]);
  story.fields.status = STATUS.todo;
  story.updated = story.created + 3 * HOUR;

  const subtask = issue(open, ISSUE_TYPE.subtask, 'A sub-task', {
    parent: story.id,
    timetracking: { originalEstimateSeconds: 7200 },
  });
  worklog(subtask, USERS.alice, 3600, subtask.created + HOUR);

  const comments25 = issue(open, ISSUE_TYPE.task, 'Chatty task');
  for (let n = 0; n < 25; n++)
    comment(comments25, n % 2 ? USERS.bob : USERS.alice, `Comment ${n + 1}`, comments25.created + (n + 1) * 60_000);
  comments25.updated = comments25.created + 26 * 60_000;

  const comments120 = issue(open, ISSUE_TYPE.bug, 'Very chatty bug');
  for (let n = 0; n < 120; n++)
    comment(comments120, USERS.alice, `Remark ${n + 1}`, comments120.created + (n + 1) * 60_000);
  for (let n = 0; n < 30; n++) worklog(comments120, USERS.bob, 600, comments120.created + (n + 1) * 120_000);
  comments120.updated = comments120.created + 121 * 60_000;

  const moved = issue(open, ISSUE_TYPE.task, 'Moved in from another project');
  moved.previousKeys = ['MOVED-7'];
  data.issueKeys.set('MOVED-7', moved.id);
  history(moved, moved.created + HOUR, [
    {
      field: 'Key',
      fieldtype: 'jira',
      fieldId: 'issuekey',
      from: null,
      fromString: 'MOVED-7',
      to: null,
      toString: moved.key,
    },
  ]);

  const secured = issue(open, ISSUE_TYPE.task, 'Staff only issue', { security: '10100' });

  const resolved = issue(open, ISSUE_TYPE.task, 'Finished work', {
    status: STATUS.done,
    resolution: RESOLUTION.done,
    assignee: USERS.alice,
    priority: PRIORITY.low,
  });
  resolved.resolutionDate = resolved.created + 5 * HOUR;
  resolved.statusCategoryChangeDate = resolved.resolutionDate;
  resolved.updated = resolved.resolutionDate;

  const linked = issue(open, ISSUE_TYPE.bug, 'Blocking bug', { priority: PRIORITY.highest, labels: ['backend'] });
  const linkId = nextId(data, 'link');
  data.links.set(linkId, { id: linkId, typeId: '10000', inwardIssueId: story.id, outwardIssueId: linked.id });
  story.linkIds.push(linkId);
  linked.linkIds.push(linkId);
  linked.remoteLinks.push(
    {
      id: nextId(data, 'remoteLink'),
      globalId: 'system=https://support.example.com&id=1',
      application: { type: 'com.example.support', name: 'Support' },
      relationship: 'causes',
      object: {
        url: 'https://support.example.com/ticket/1',
        title: 'TICKET-1',
        summary: 'Customer report',
        icon: { url16x16: 'https://support.example.com/i.png', title: 'Ticket' },
        status: { resolved: false },
      },
    },
    { id: nextId(data, 'remoteLink'), object: { url: 'https://example.com/page', title: 'Design page' } },
  );
  const shared = attach(linked, textContent, 'copy-of-notes.txt', 'text/plain', linked.created + HOUR);

  const archived = issue(open, ISSUE_TYPE.task, 'Archived long ago', {}, { archived: true });

  const sec1 = issue(sec, ISSUE_TYPE.task, 'Secret one', { assignee: USERS.alice });
  const sec2 = issue(sec, ISSUE_TYPE.task, 'Secret two');
  comment(sec1, USERS.alice, 'Hush', sec1.created + HOUR);
  worklog(sec1, USERS.alice, 600, sec1.created + HOUR);

  // Deleted worklogs (their issues still exist).
  const deletedWorklogs = [
    { worklogId: nextId(data, 'worklog'), at: FIXTURE_T0 + 30 * HOUR },
    { worklogId: nextId(data, 'worklog'), at: FIXTURE_T0 + 31 * HOUR },
  ];
  for (const d of deletedWorklogs)
    data.worklogDeletions.push({ worklogId: d.worklogId, issueId: story.id, updatedTime: d.at });
  data.worklogUpdates.sort((a, b) => a.updatedTime - b.updatedTime || Number(a.worklogId) - Number(b.worklogId));

  return {
    world,
    site,
    cloudId: site.cloudId,
    projects: { open, sec },
    issues: { epic, story, subtask, comments25, comments120, moved, secured, resolved, linked, archived, sec1, sec2 },
    attachments: { text: text.id, image: image.id, shared: shared.id },
    textBytes,
    restricted: { commentId: restrictedComment.id, worklogId: restrictedWorklog.id },
    deletedWorklogs,
  };
}
