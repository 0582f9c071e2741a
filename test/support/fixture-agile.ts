/**
 * A small hand-built site for the Agile, JSM and webhook tests (the data generator is built
 * elsewhere). One site, "acme", with:
 *
 *   accounts  alice (site admin, board admin, owner of both apps), bob (developer), vic (viewer:
 *             browse only), dave (member without project access), carol and gina (JSM customers)
 *   projects  SCRUM (scrum board 1), KAN (kanban board 2), HELP (service desk 1)
 *   boards    1 "SCRUM board" (filter shared with the project), 2 "KAN board", 3 "Alice's board"
 *             (private: its filter is shared with nobody)
 *   sprints   1 closed, 2 active, 3 future (dated), 4 future (no dates) — all on board 1
 *   issues    SCRUM-1..8, KAN-1..3, HELP-1..2 (see ISSUES below), ranked in RANK_ORDER
 *   JSM       request types 1 "Get IT help" (portal group 1) and 2 "Internal triage" (hidden);
 *             HELP-1 reported by carol with gina participating, comments public + internal
 *   apps      app-shared (distributed), app-private (unshared); both owned by alice
 */
import { FakeClock } from '../../src/core/index.js';
import { OPERATIONS } from '../../src/jira/generated/operations.js';
import { createSimulator } from '../../src/simulator/create.js';
import { initialRanks } from '../../src/simulator/mutate/agile.js';
import type { JiraSimulator } from '../../src/simulator/simulator.js';
import type { Principal } from '../../src/simulator/services.js';
import { emptySite, nextId } from '../../src/simulator/world/factory.js';
import type { AdfDoc, Comment, FieldDef, Issue, PermissionGrant } from '../../src/simulator/world/site.js';
import type { Account, Site } from '../../src/simulator/world/types.js';
import type { OutboundFetch } from '../../src/simulator/webhooks/delivery.js';
import { checkResponse } from './openapi.js';

export const CLOUD_ID = 'c0ffee00-0000-4000-8000-00000000acme';
export const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const DAY = 86_400_000;

export const ALICE = 'acc-alice';
export const BOB = 'acc-bob';
export const VIC = 'acc-vic';
export const DAVE = 'acc-dave';
export const CAROL = 'acc-carol';
export const GINA = 'acc-gina';

export const SHARED_APP = { clientId: 'app-shared', clientSecret: 'shared-secret-0123456789abcdef' };
export const PRIVATE_APP = { clientId: 'app-private', clientSecret: 'private-secret-0123456789abcdef' };

export const SPRINT_FIELD = 'customfield_10020';
export const RANK_FIELD = 'customfield_10019';
export const REQUEST_TYPE_FIELD = 'customfield_10010';
export const PARTICIPANTS_FIELD = 'customfield_10021';
export const POINTS_FIELD = 'customfield_10016';
export const TEAM_FIELD = 'customfield_10030';

/** Every scope any operation needs: route tests exercise handlers, not scope checks. */
export const ALL_SCOPES: ReadonlySet<string> = new Set(OPERATIONS.flatMap((o) => o.scopes.flat()));

export function doc(...paragraphs: string[]): AdfDoc {
  return {
    version: 1,
    type: 'doc',
    content: paragraphs.map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] })),
  };
}

interface IssueSpec {
  key: string;
  project: 'SCRUM' | 'KAN' | 'HELP';
  type: 'story' | 'bug' | 'epic' | 'request';
  status: 'todo' | 'progress' | 'done' | 'waiting';
  sprints?: number[];
  assignee?: string;
  reporter?: string;
  parent?: string;
  extra?: Record<string, unknown>;
}

const ISSUES: IssueSpec[] = [
  { key: 'SCRUM-1', project: 'SCRUM', type: 'story', status: 'done', sprints: [1] },
  { key: 'SCRUM-2', project: 'SCRUM', type: 'story', status: 'progress', sprints: [1, 2], assignee: BOB },
  { key: 'SCRUM-3', project: 'SCRUM', type: 'bug', status: 'todo', sprints: [2] },
  { key: 'SCRUM-4', project: 'SCRUM', type: 'story', status: 'todo', sprints: [3] },
  { key: 'SCRUM-5', project: 'SCRUM', type: 'story', status: 'todo' },
  { key: 'SCRUM-6', project: 'SCRUM', type: 'story', status: 'done' },
  { key: 'SCRUM-7', project: 'SCRUM', type: 'epic', status: 'todo' },
  { key: 'SCRUM-8', project: 'SCRUM', type: 'story', status: 'todo', parent: 'SCRUM-7', assignee: ALICE },
  { key: 'KAN-1', project: 'KAN', type: 'story', status: 'todo', extra: { [TEAM_FIELD]: '20001' } },
  { key: 'KAN-2', project: 'KAN', type: 'bug', status: 'progress', assignee: BOB },
  { key: 'KAN-3', project: 'KAN', type: 'story', status: 'done' },
  {
    key: 'HELP-1',
    project: 'HELP',
    type: 'request',
    status: 'waiting',
    reporter: CAROL,
    extra: { [REQUEST_TYPE_FIELD]: '1', [PARTICIPANTS_FIELD]: [GINA] },
  },
  {
    key: 'HELP-2',
    project: 'HELP',
    type: 'request',
    status: 'waiting',
    reporter: BOB,
    extra: { [REQUEST_TYPE_FIELD]: '2' },
  },
];

/** The rank order of the fixture's issues (deliberately not key order). */
export const RANK_ORDER = [
  'SCRUM-3',
  'SCRUM-1',
  'SCRUM-2',
  'SCRUM-5',
  'SCRUM-8',
  'SCRUM-7',
  'SCRUM-4',
  'SCRUM-6',
  'KAN-2',
  'KAN-1',
  'KAN-3',
  'HELP-1',
  'HELP-2',
];

function account(accountId: string, displayName: string, accountType: Account['accountType'] = 'atlassian'): Account {
  return {
    accountId,
    accountType,
    displayName,
    emailAddress: `${accountId.slice(4)}@example.com`,
    active: true,
    timeZone: 'Europe/Berlin',
    locale: 'en_GB',
    loginEmail: `${accountId.slice(4)}@example.com`,
  };
}

function customField(
  id: string,
  name: string,
  type: FieldDef['schema']['type'],
  custom: string,
  items?: string,
): FieldDef {
  const customId = Number(id.replace('customfield_', ''));
  return {
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
}

function buildSite(): Site {
  const site = emptySite(CLOUD_ID, 'acme', 'https://acme.atlassian.net');
  const d = site.data;
  for (const id of [ALICE, BOB, VIC, DAVE]) site.members.add(id);
  site.admins.add(ALICE);

  d.groups.set('g-users', { groupId: 'g-users', name: 'jira-software-users', members: new Set([ALICE, BOB]) });
  d.groups.set('g-viewers', { groupId: 'g-viewers', name: 'viewers', members: new Set([VIC]) });
  d.groups.set('g-admins', { groupId: 'g-admins', name: 'jira-admins', members: new Set([ALICE]) });
  d.groups.set('g-agents', { groupId: 'g-agents', name: 'service-agents', members: new Set([ALICE, BOB]) });

  const grant = (id: string, permission: string, groupId: string): PermissionGrant => ({
    id,
    permission,
    holder: { type: 'group', parameter: groupId },
  });
  d.permissionSchemes.set('ps-soft', {
    id: 'ps-soft',
    name: 'Software scheme',
    description: '',
    permissions: [
      grant('1', 'BROWSE_PROJECTS', 'g-users'),
      grant('2', 'BROWSE_PROJECTS', 'g-viewers'),
      grant('3', 'EDIT_ISSUES', 'g-users'),
      grant('4', 'SCHEDULE_ISSUES', 'g-users'),
      grant('5', 'ADD_COMMENTS', 'g-users'),
      grant('6', 'MANAGE_SPRINTS_PERMISSION', 'g-admins'),
    ],
  });
  d.permissionSchemes.set('ps-help', {
    id: 'ps-help',
    name: 'Service scheme',
    description: '',
    permissions: [grant('11', 'BROWSE_PROJECTS', 'g-agents'), grant('12', 'ADD_COMMENTS', 'g-agents')],
  });

  const statuses: Array<[string, string, number]> = [
    ['1', 'To Do', 2],
    ['3', 'In Progress', 4],
    ['10001', 'Done', 3],
    ['10010', 'Waiting for support', 2],
  ];
  for (const [id, name, cat] of statuses) d.statuses.set(id, { id, name, description: '', statusCategoryId: cat });
  d.priorities.set('3', { id: '3', name: 'Medium', description: '', statusColor: '#ffab00', isDefault: true });
  const types: Array<[string, string, number]> = [
    ['10000', 'Epic', 1],
    ['10001', 'Story', 0],
    ['10002', 'Bug', 0],
    ['10003', 'Service Request', 0],
  ];
  for (const [id, name, level] of types)
    d.issueTypes.set(id, { id, name, description: '', subtask: false, hierarchyLevel: level, avatarId: 10300 });

  for (const f of [
    customField(SPRINT_FIELD, 'Sprint', 'array', 'com.pyxis.greenhopper.jira:gh-sprint', 'json'),
    customField(RANK_FIELD, 'Rank', 'any', 'com.pyxis.greenhopper.jira:gh-lexo-rank'),
    customField(
      REQUEST_TYPE_FIELD,
      'Customer Request Type',
      'sd-customerrequesttype',
      'com.atlassian.servicedesk:vp-origin',
    ),
    customField(
      PARTICIPANTS_FIELD,
      'Request participants',
      'array',
      'com.atlassian.servicedesk:sd-request-participants',
      'user',
    ),
    customField(POINTS_FIELD, 'Story point estimate', 'number', 'com.pyxis.greenhopper.jira:jsw-story-points'),
    customField(TEAM_FIELD, 'Team', 'option', 'com.atlassian.jira.plugin.system.customfieldtypes:select'),
  ])
    d.fields.set(f.id, f);
  d.fieldContexts.set('30000', {
    id: '30000',
    fieldId: TEAM_FIELD,
    name: 'Default',
    description: '',
    isGlobalContext: true,
    isAnyIssueType: true,
    projectIds: [],
    issueTypeIds: [],
    options: [
      { id: '20001', value: 'Platform', disabled: false },
      { id: '20002', value: 'Mobile', disabled: false },
    ],
    defaultOptionIds: [],
  });

  const projects: Array<[string, string, string, 'software' | 'service_desk', string]> = [
    ['10001', 'SCRUM', 'Scrum team', 'software', 'ps-soft'],
    ['10002', 'KAN', 'Kanban team', 'software', 'ps-soft'],
    ['10003', 'HELP', 'Help desk', 'service_desk', 'ps-help'],
  ];
  for (const [id, key, name, type, scheme] of projects) {
    d.projects.set(id, {
      id,
      key,
      previousKeys: [],
      name,
      description: '',
      leadAccountId: ALICE,
      projectTypeKey: type,
      style: 'classic',
      assigneeType: 'UNASSIGNED',
      avatarId: 10400,
      isPrivate: false,
      status: 'live',
      components: new Map(),
      versions: new Map(),
      roleActors: new Map(),
      properties: new Map(),
      issueTypeSchemeId: '1',
      workflowSchemeId: '1',
      issueTypeScreenSchemeId: '1',
      permissionSchemeId: scheme,
      notificationSchemeId: '1',
      issueCounter: 0,
    });
    d.projectKeys.set(key, id);
  }

  const filter = (id: string, name: string, jql: string, shareProject?: string) =>
    d.filters.set(id, {
      id,
      name,
      description: '',
      ownerAccountId: ALICE,
      jql,
      favouritedBy: new Set(),
      sharePermissions: shareProject ? [{ type: 'project', projectId: shareProject }] : [],
      editPermissions: [],
      columns: [],
    });
  filter('10000', 'Filter for SCRUM board', 'project = SCRUM ORDER BY Rank ASC', '10001');
  filter('10001', 'Filter for KAN board', 'project = KAN ORDER BY Rank ASC', '10002');
  filter('10002', "Alice's filter", 'project = SCRUM AND assignee = currentUser() ORDER BY Rank ASC');

  const columns = [
    { name: 'To Do', statusIds: ['1'] },
    { name: 'In Progress', statusIds: ['3'], min: 1, max: 4 },
    { name: 'Done', statusIds: ['10001'] },
  ];
  d.boards.set(1, {
    id: 1,
    name: 'SCRUM board',
    type: 'scrum',
    projectId: '10001',
    filterId: '10000',
    columns,
    constraintType: 'issueCount',
    estimationFieldId: POINTS_FIELD,
    rankFieldId: RANK_FIELD,
    adminAccountIds: [ALICE],
    properties: new Map([['board.color', 'blue']]),
  });
  d.boards.set(2, {
    id: 2,
    name: 'KAN board',
    type: 'kanban',
    projectId: '10002',
    filterId: '10001',
    subQuery: 'fixVersion in unreleasedVersions() OR fixVersion is EMPTY',
    columns,
    constraintType: 'none',
    rankFieldId: RANK_FIELD,
    adminAccountIds: [ALICE],
    properties: new Map(),
  });
  d.boards.set(3, {
    id: 3,
    name: "Alice's board",
    type: 'scrum',
    projectId: '10001',
    filterId: '10002',
    columns,
    rankFieldId: RANK_FIELD,
    adminAccountIds: [],
    properties: new Map(),
  });
  d.ids.board = 3;

  d.sprints.set(1, {
    id: 1,
    name: 'Sprint 1',
    state: 'closed',
    startDate: T0 - 28 * DAY,
    endDate: T0 - 14 * DAY,
    completeDate: T0 - 14 * DAY + 3_600_000,
    createdDate: T0 - 30 * DAY,
    originBoardId: 1,
    goal: 'Ship the login page',
  });
  d.sprints.set(2, {
    id: 2,
    name: 'Sprint 2',
    state: 'active',
    startDate: T0 - 14 * DAY,
    endDate: T0,
    createdDate: T0 - 20 * DAY,
    originBoardId: 1,
  });
  d.sprints.set(3, {
    id: 3,
    name: 'Sprint 3',
    state: 'future',
    startDate: T0 + DAY,
    endDate: T0 + 15 * DAY,
    createdDate: T0 - 10 * DAY,
    originBoardId: 1,
  });
  d.sprints.set(4, { id: 4, name: 'Sprint 4', state: 'future', createdDate: T0 - 5 * DAY, originBoardId: 1 });
  d.ids.sprint = 4;

  const statusOf = { todo: '1', progress: '3', done: '10001', waiting: '10010' };
  const typeOf = { story: '10001', bug: '10002', epic: '10000', request: '10003' };
  const ranks = initialRanks(RANK_ORDER.length);
  for (const spec of ISSUES) {
    const id = nextId(d, 'issue');
    const project = d.projects.get(d.projectKeys.get(spec.project)!)!;
    project.issueCounter += 1;
    const fields: Record<string, unknown> = {
      summary: `${spec.key} summary`,
      issuetype: typeOf[spec.type],
      status: statusOf[spec.status],
      priority: '3',
      reporter: spec.reporter ?? ALICE,
      description: doc(`Description of ${spec.key}`, 'Second paragraph'),
      labels: spec.project === 'SCRUM' ? ['agile'] : [],
      [RANK_FIELD]: ranks[RANK_ORDER.indexOf(spec.key)],
      ...(spec.extra ?? {}),
    };
    if (spec.sprints) fields[SPRINT_FIELD] = [...spec.sprints];
    if (spec.assignee) fields.assignee = spec.assignee;
    if (spec.parent) fields.parent = d.issueKeys.get(spec.parent);
    const issue: Issue = {
      id,
      key: spec.key,
      previousKeys: [],
      projectId: project.id,
      created: T0 - 40 * DAY,
      updated: T0 - 2 * DAY,
      creatorId: spec.reporter ?? ALICE,
      fields,
      statusCategoryChangeDate: T0 - 3 * DAY,
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
    if (spec.status === 'done') issue.resolutionDate = T0 - 3 * DAY;
    d.issues.set(id, issue);
    d.issueKeys.set(spec.key, id);
  }

  d.serviceDesks.set('1', { id: '1', projectId: '10003' });
  d.requestTypes.set('1', {
    id: '1',
    serviceDeskId: '1',
    issueTypeId: '10003',
    name: 'Get IT help',
    description: 'Ask the IT team for help',
    helpText: 'Tell us what is wrong.',
    groupIds: ['1'],
  });
  d.requestTypes.set('2', {
    id: '2',
    serviceDeskId: '1',
    issueTypeId: '10003',
    name: 'Internal triage',
    description: 'Agents only',
    helpText: '',
    groupIds: [],
  });
  const help1 = d.issues.get(d.issueKeys.get('HELP-1')!)!;
  const help2 = d.issues.get(d.issueKeys.get('HELP-2')!)!;
  const comment = (issue: Issue, authorId: string, text: string, jsdPublic: boolean, at: number): Comment => {
    const c: Comment = {
      id: nextId(d, 'comment'),
      issueId: issue.id,
      authorId,
      updateAuthorId: authorId,
      body: doc(text),
      created: at,
      updated: at,
      jsdPublic,
      properties: new Map(),
    };
    issue.comments.push(c);
    return c;
  };
  comment(help1, CAROL, 'My laptop does not start.', true, T0 - 3 * DAY);
  comment(help1, BOB, 'Check the warranty before replacing it.', false, T0 - 2 * DAY);
  comment(help1, BOB, 'We are on it.', true, T0 - DAY);
  comment(help2, BOB, 'Internal only note.', false, T0 - DAY);
  return site;
}

/** A parsed JSON body in tests, for deep property access without a cast at every step. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface CallResult {
  status: number;
  body: unknown;
  headers: Headers;
}

export interface CallOptions {
  body?: unknown;
  /** Raw request body text (for malformed-body tests). */
  rawBody?: string;
  /** Acting account (default alice). */
  as?: string;
  /** OAuth client of the token (default the shared app). */
  clientId?: string;
}

export interface AgileFixture {
  sim: JiraSimulator;
  site: Site;
  clock: FakeClock;
  issue(key: string): Issue;
  principal(accountId: string, clientId?: string): Principal;
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
}

export function agileFixture(
  options: { outboundFetch?: OutboundFetch; clock?: FakeClock; baseUrl?: string } = {},
): AgileFixture {
  const clock = options.clock ?? new FakeClock(T0);
  const sim = createSimulator({
    clock,
    // Behaviour tests fire many calls at one fake instant; rate limits are tested on their own.
    limitsPreset: 'unlimited',
    baseUrl: options.baseUrl ?? 'https://sim.test',
    ...(options.outboundFetch ? { outboundFetch: options.outboundFetch } : {}),
  });
  const site = buildSite();
  sim.world.sites.set(site.cloudId, site);
  for (const [id, name, type] of [
    [ALICE, 'Alice Admin', 'atlassian'],
    [BOB, 'Bob Builder', 'atlassian'],
    [VIC, 'Vic Viewer', 'atlassian'],
    [DAVE, 'Dave Outsider', 'atlassian'],
    [CAROL, 'Carol Customer', 'customer'],
    [GINA, 'Gina Participant', 'customer'],
  ] as const)
    sim.world.accounts.set(id, account(id, name, type));
  sim.world.apps.set(SHARED_APP.clientId, {
    ...SHARED_APP,
    name: 'Tidemark (shared)',
    callbackUrl: 'https://app.example.com/callback',
    ownerAccountId: ALICE,
    distributed: true,
    scopes: [...ALL_SCOPES],
  });
  sim.world.apps.set(PRIVATE_APP.clientId, {
    ...PRIVATE_APP,
    name: 'Tidemark (private)',
    callbackUrl: 'https://app.example.com/callback',
    ownerAccountId: ALICE,
    distributed: false,
    scopes: [...ALL_SCOPES],
  });

  const principal = (accountId: string, clientId = SHARED_APP.clientId): Principal => ({
    kind: 'user',
    accountId,
    clientId,
    scopes: ALL_SCOPES,
    cloudIds: new Set([CLOUD_ID]),
    tokenId: `token-${accountId}`,
  });

  return {
    sim,
    site,
    clock,
    issue: (key) => site.data.issues.get(site.data.issueKeys.get(key)!)!,
    principal,
    async call(method, path, opts = {}) {
      const url = new URL(`${sim.urls.siteApi(CLOUD_ID)}${path}`);
      const text = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
      const req = new Request(url, {
        method,
        ...(text !== undefined ? { body: text, headers: { 'content-type': 'application/json' } } : {}),
      });
      const prefix = `/api/ex/jira/${CLOUD_ID}`;
      const res = await sim.dispatchJira(
        req,
        url,
        CLOUD_ID,
        url.pathname.slice(url.pathname.indexOf(prefix) + prefix.length),
        principal(opts.as ?? ALICE, opts.clientId),
      );
      const body = await res.text();
      return { status: res.status, body: body === '' ? undefined : JSON.parse(body), headers: res.headers };
    },
  };
}

/** Validates a response against the pinned spec; returns the list of violations (empty = valid). */
export function contractErrors(method: string, route: string, res: CallResult): string[] {
  return checkResponse(method, route, res.status, res.body).errors;
}
