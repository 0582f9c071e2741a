/**
 * GET /rest/api/3/auditing/record (docs/design.md §5.16): contracts of every answer, the records
 * configuration changes write — through the mutation primitives, the write routes and the /__sim
 * control API — and none for issue-level changes or filters; `from`/`to`, `filter`, paging, the
 * newest-first order, points, Administer Jira and the free plan.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/index.js';
import { createSimulator } from '../../src/simulator/create.js';
import { GENERATION_END, generateWorld } from '../../src/simulator/generator/index.js';
import type { MemoryMeter } from '../../src/simulator/index.js';
import * as m from '../../src/simulator/mutate/index.js';
import { createSprint, updateSprint } from '../../src/simulator/mutate/agile.js';
import { AUDIT_LIMIT_CAP, parseAuditDate, registerAuditRoutes } from '../../src/simulator/rest/audit.js';
import { textDoc } from '../../src/simulator/world/adf.js';
import type { AuditRecord } from '../../src/simulator/world/site.js';
import { expectErrorCollection } from '../support/contract.js';
import { checkResponse } from '../support/openapi.js';
import { CF, FIXTURE_T0, GROUPS, ISSUE_TYPE, PRIORITY, ROLES, STATUS, USERS } from '../support/fixture-site.js';
import { adf, buildWritableFixture, WRITE_HARNESS_ROUTES, WRITE_SCOPES } from '../support/fixture-writes.js';
import { harness, principalFor, type CallOptions, type CallResult, type Harness } from '../support/sim-harness.js';

const ROUTE = '/rest/api/3/auditing/record';
const HOUR = 3_600_000;
const T = FIXTURE_T0 + 24 * HOUR;

function auditHarness(): Harness {
  const h = harness({
    routes: [...WRITE_HARNESS_ROUTES, registerAuditRoutes],
    fixture: buildWritableFixture(),
    clock: new FakeClock(T),
  });
  const call: Harness['call'] = (method, path, o = {}) => h.call(method, path, { scopes: WRITE_SCOPES, ...o });
  return { ...h, call, get: (p, o) => call('GET', p, o), post: (p, o) => call('POST', p, o) };
}

/**
 * The pinned spec's gap, normalised before the strict schema check: AuditRecordBean is closed and
 * lacks `authorAccountId`, which Jira Cloud answers — the operation's own example carries it, and
 * the schema's `authorKey` says "Deprecated, use `authorAccountId` instead".
 */
function expectAuditContract(res: CallResult): void {
  const body = structuredClone(res.body) as { records?: Array<Record<string, unknown>> } | undefined;
  for (const r of body?.records ?? []) {
    expect(typeof r.authorAccountId).toBe('string');
    delete r.authorAccountId;
  }
  const result = checkResponse('GET', ROUTE, res.status, body);
  expect(result.errors, `GET ${ROUTE} ${res.status}: ${res.text.slice(0, 300)}`).toEqual([]);
}

/** GET /auditing/record, checked against the spec when the status is documented (200, 403). */
async function audit(h: Harness, query: CallOptions['query'] = {}, as: string = USERS.admin): Promise<CallResult> {
  const res = await h.get(ROUTE, { as, query });
  if (res.status !== 400) expectAuditContract(res);
  return res;
}

/** A primitive context on the fixture site at the harness clock's time. */
function ctx(h: Harness, actorId: string = USERS.admin): m.MutationContext {
  return m.mutationContext(h.fx.world, h.fx.site, h.clock.now(), actorId);
}

function records(h: Harness): AuditRecord[] {
  return h.fx.site.data.auditRecords;
}

describe('GET /auditing/record: contract and permissions', () => {
  it('answers an empty log as {offset, limit, total, records}', async () => {
    const h = auditHarness();
    const res = await audit(h);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ offset: 0, limit: 1000, total: 0, records: [] });
  });

  it('renders every recorded member in the AuditRecordBean shape', async () => {
    const h = auditHarness();
    m.addGroupMember(ctx(h), GROUPS.secretAgents, USERS.bob);
    const res = await audit(h);
    expect(res.body.records).toEqual([
      {
        id: 1,
        summary: 'User added to group',
        authorAccountId: USERS.admin,
        created: '2026-10-02T00:00:00.000+0000',
        category: 'group management',
        eventSource: '',
        objectItem: { id: USERS.bob, name: USERS.bob, typeName: 'USER' },
        changedValues: [],
        associatedItems: [{ id: GROUPS.secretAgents, name: 'secret-agents', typeName: 'GROUP' }],
      },
    ]);
  });

  it('needs Administer Jira (403) and a paid plan (403 on free)', async () => {
    const h = auditHarness();
    m.renameStatus(ctx(h), STATUS.todo, 'Backlog');
    expectErrorCollection(await audit(h, {}, USERS.alice), 403, 'permission');
    h.fx.site.data.settings.plan = 'free';
    expectErrorCollection(await audit(h), 403, 'paid plan');
    for (const plan of ['standard', 'premium', 'enterprise'] as const) {
      h.fx.site.data.settings.plan = plan;
      expect((await audit(h)).body.total).toBe(1);
    }
  });

  it('answers 400 for unreadable dates and numbers (a status the spec does not document)', async () => {
    const h = auditHarness();
    const queries: Array<Record<string, string>> = [
      { from: 'yesterday' },
      { to: '2026-13-01' },
      { offset: 'x' },
      { limit: '-1' },
    ];
    for (const query of queries) {
      const res = await audit(h, query);
      expectErrorCollection(res, 400);
    }
  });

  it('needs manage:jira-configuration (401 from the gateway otherwise)', async () => {
    const h = auditHarness();
    const res = await h.get(ROUTE, { as: USERS.admin, scopes: ['read:jira-work', 'read:jira-user'] });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 401, message: 'Unauthorized; scope does not match' });
  });

  it('charges one point plus one per record returned', async () => {
    const h = auditHarness();
    for (const name of ['A', 'B', 'C']) m.renamePriority(ctx(h), PRIORITY.low, `Low ${name}`);
    const meter = h.sim.meter as MemoryMeter;
    await audit(h, { limit: 2 });
    expect(meter.records.at(-1)).toMatchObject({ route: ROUTE, status: 200, points: 3 });
  });
});

describe('what the mutation primitives record', () => {
  it('records projects, components and versions in "projects" with their changed values', () => {
    const h = auditHarness();
    const c = ctx(h);
    const p = m.createProject(c, {
      key: 'AUD',
      name: 'Audited',
      projectTypeKey: 'software',
      leadAccountId: USERS.alice,
    });
    m.updateProject(c, p, { name: 'Audited project', leadAccountId: USERS.bob });
    m.updateProject(c, p, { name: 'Audited project' }); // no change: no record
    const comp = m.createComponent(c, p, { name: 'API', leadAccountId: USERS.alice });
    m.updateComponent(c, comp.id, { description: 'The public API' });
    m.deleteComponent(c, comp.id);
    const v = m.createVersion(c, p, { name: '1.0', releaseDate: '2026-12-01' });
    m.updateVersion(c, v.id, { released: true });
    m.updateVersion(c, v.id, { archived: true });
    m.deleteVersion(c, v.id);
    m.deleteProject(c, p);
    expect(records(h).map((r) => [r.summary, r.category, r.objectItem.typeName, r.objectItem.name])).toEqual([
      ['Project created', 'projects', 'PROJECT', 'Audited'],
      ['Project updated', 'projects', 'PROJECT', 'Audited project'],
      ['Project component created', 'projects', 'PROJECT_COMPONENT', 'API'],
      ['Project component updated', 'projects', 'PROJECT_COMPONENT', 'API'],
      ['Project component deleted', 'projects', 'PROJECT_COMPONENT', 'API'],
      ['Version created', 'projects', 'VERSION', '1.0'],
      ['Version released', 'projects', 'VERSION', '1.0'],
      ['Version updated', 'projects', 'VERSION', '1.0'],
      ['Version deleted', 'projects', 'VERSION', '1.0'],
      ['Project deleted', 'projects', 'PROJECT', 'Audited project'],
    ]);
    const [created, updated, compCreated] = records(h);
    expect(created!.changedValues).toEqual(
      expect.arrayContaining([
        { fieldName: 'Name', changedTo: 'Audited' },
        { fieldName: 'Key', changedTo: 'AUD' },
        { fieldName: 'Project lead', changedTo: USERS.alice },
      ]),
    );
    expect(updated!.changedValues).toEqual([
      { fieldName: 'Name', changedFrom: 'Audited', changedTo: 'Audited project' },
      { fieldName: 'Project lead', changedFrom: USERS.alice, changedTo: USERS.bob },
    ]);
    expect(compCreated!.associatedItems).toEqual([{ id: p.id, name: 'Audited project', typeName: 'PROJECT' }]);
    expect(records(h)[6]!.changedValues).toEqual([{ fieldName: 'Released', changedTo: 'true' }]);
    expect(records(h).every((r) => r.authorAccountId === USERS.admin && r.created === T)).toBe(true);
    expect(records(h).map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('records renames, options, role actors, group membership and link types in their categories', () => {
    const h = auditHarness();
    const c = ctx(h, USERS.alice);
    const teamContext = [...h.fx.site.data.fieldContexts.values()].find((x) => x.fieldId === CF.team)!;
    m.renameStatus(c, STATUS.inProgress, 'Doing');
    m.renamePriority(c, PRIORITY.high, 'Urgent');
    m.renameIssueType(c, ISSUE_TYPE.bug, 'Defect');
    m.renameField(c, CF.team, 'Squad');
    const option = m.addFieldOption(c, teamContext.id, 'Web');
    m.updateFieldOption(c, teamContext.id, option.id, { disabled: true });
    m.addRoleActor(c, h.fx.projects.open.id, ROLES.developers, { user: USERS.dave });
    m.addGroupMember(c, GROUPS.developers, USERS.dave);
    m.removeGroupMember(c, GROUPS.developers, USERS.dave);
    m.createIssueLinkType(c, { name: 'Duplicates', inward: 'is duplicated by', outward: 'duplicates' });
    const got = records(h).map((r) => ({
      summary: r.summary,
      category: r.category,
      object: `${r.objectItem.typeName}:${r.objectItem.name}`,
      values: r.changedValues,
    }));
    expect(got).toEqual([
      {
        summary: 'Status updated',
        category: 'workflows',
        object: 'STATUS:Doing',
        values: [{ fieldName: 'Name', changedFrom: 'In Progress', changedTo: 'Doing' }],
      },
      {
        summary: 'Priority updated',
        category: 'system',
        object: 'PRIORITY:Urgent',
        values: [{ fieldName: 'Name', changedFrom: 'High', changedTo: 'Urgent' }],
      },
      {
        summary: 'Issue type updated',
        category: 'issue types',
        object: 'ISSUE_TYPE:Defect',
        values: [{ fieldName: 'Name', changedFrom: 'Bug', changedTo: 'Defect' }],
      },
      {
        summary: 'Custom field updated',
        category: 'fields',
        object: 'CUSTOM_FIELD:Squad',
        values: [{ fieldName: 'Name', changedFrom: 'Team', changedTo: 'Squad' }],
      },
      {
        summary: 'Custom field updated',
        category: 'fields',
        object: 'CUSTOM_FIELD:Squad',
        values: [{ fieldName: 'Option', changedTo: 'Web' }],
      },
      {
        summary: 'Custom field updated',
        category: 'fields',
        object: 'CUSTOM_FIELD:Squad',
        values: [{ fieldName: 'Option disabled', changedFrom: 'false', changedTo: 'true' }],
      },
      {
        summary: 'Project roles changed',
        category: 'projects',
        object: 'PROJECT_ROLE:Developers',
        values: [expect.objectContaining({ fieldName: 'Users', changedTo: expect.stringContaining(USERS.dave) })],
      },
      { summary: 'User added to group', category: 'group management', object: `USER:${USERS.dave}`, values: [] },
      { summary: 'User removed from group', category: 'group management', object: `USER:${USERS.dave}`, values: [] },
      {
        summary: 'Issue link type created',
        category: 'issue linking',
        object: 'ISSUE_LINK_TYPE:Duplicates',
        values: [
          { fieldName: 'Name', changedTo: 'Duplicates' },
          { fieldName: 'Inward description', changedTo: 'is duplicated by' },
          { fieldName: 'Outward description', changedTo: 'duplicates' },
        ],
      },
    ]);
    expect(records(h)[4]!.associatedItems).toEqual([
      {
        id: teamContext.id,
        name: teamContext.name,
        typeName: 'CUSTOM_FIELD_CONTEXT',
        parentId: CF.team,
        parentName: 'Squad',
      },
    ]);
    expect(records(h)[6]!.associatedItems).toEqual([
      { id: h.fx.projects.open.id, name: h.fx.projects.open.name, typeName: 'PROJECT' },
    ]);
    expect(records(h).every((r) => r.authorAccountId === USERS.alice)).toBe(true);
  });

  it('records sprints (created, started, completed) on their board', () => {
    const h = auditHarness();
    const board = {
      id: 1,
      name: 'OPEN board',
      type: 'scrum' as const,
      projectId: h.fx.projects.open.id,
      filterId: '10000',
      columns: [],
      rankFieldId: CF.rank,
      adminAccountIds: [],
      properties: new Map(),
    };
    h.fx.site.data.boards.set(board.id, board);
    const s = createSprint(h.fx.site, USERS.admin, T, { name: 'Sprint 1', originBoardId: board.id });
    updateSprint(h.fx.site, USERS.admin, T, s.id, { state: 'active', startDate: T, endDate: T + 14 * 24 * HOUR });
    updateSprint(h.fx.site, USERS.admin, T, s.id, { state: 'closed' });
    expect(records(h).map((r) => [r.summary, r.category, r.objectItem.parentName])).toEqual([
      ['Sprint created', 'sprints', board.name],
      ['Sprint started', 'sprints', board.name],
      ['Sprint completed', 'sprints', board.name],
    ]);
    expect(records(h)[2]!.changedValues).toContainEqual({
      fieldName: 'State',
      changedFrom: 'active',
      changedTo: 'closed',
    });
  });

  it('records nothing for issue-level changes, filters and changes that change nothing', () => {
    const h = auditHarness();
    const c = ctx(h);
    const { story, linked } = h.fx.issues;
    const issue = m.createIssue(c, {
      project: h.fx.projects.open.id,
      issueTypeId: ISSUE_TYPE.task,
      fields: { summary: 'Not audited' },
    });
    m.editIssueFields(c, issue, { summary: 'Still not audited', priority: PRIORITY.low });
    m.addComment(c, story, { body: textDoc('A comment') });
    m.addWorklog(c, story, { started: T - HOUR, timeSpentSeconds: 600 });
    m.addIssueLink(c, { typeId: '10001', inwardIssueId: issue.id, outwardIssueId: linked.id });
    m.addWatcher(c, story, USERS.bob);
    m.setProperty(c, { type: 'issue', issue: story }, 'k', { v: 1 });
    m.deleteIssue(c, issue);
    h.fx.site.data.filters.set('10500', {
      id: '10500',
      name: 'Mine',
      description: '',
      ownerAccountId: USERS.admin,
      jql: 'assignee = currentUser()',
      favouritedBy: new Set(),
      sharePermissions: [],
      editPermissions: [],
      columns: [],
    });
    m.updateFilter(c, '10500', { name: 'My issues' });
    m.renameStatus(c, STATUS.todo, 'To Do');
    m.addGroupMember(c, GROUPS.developers, USERS.bob); // already a member
    m.addRoleActor(c, h.fx.projects.open.id, ROLES.administrators, { user: USERS.admin }); // already an actor
    expect(records(h)).toEqual([]);
  });
});

describe('what the write routes record', () => {
  it('records projects, versions, components and link types written through REST, by the caller', async () => {
    const h = auditHarness();
    const post = async (path: string, body: unknown, as: string = USERS.admin): Promise<CallResult> => {
      const res = await h.post(path, { as, body });
      expect(res.status, res.text).toBeLessThan(300);
      return res;
    };
    await post('/rest/api/3/project', {
      key: 'REST',
      name: 'Written by REST',
      projectTypeKey: 'software',
      leadAccountId: USERS.alice,
    });
    const version = await post('/rest/api/3/version', { project: 'OPEN', name: '7.0' });
    const put = await h.call('PUT', `/rest/api/3/version/${version.body.id}`, {
      as: USERS.admin,
      body: { released: true },
    });
    expect(put.status).toBe(200);
    const component = await post('/rest/api/3/component', { project: 'OPEN', name: 'Billing' });
    const putC = await h.call('PUT', `/rest/api/3/component/${component.body.id}`, {
      as: USERS.admin,
      body: { name: 'Invoicing' },
    });
    expect(putC.status).toBe(200);
    await post('/rest/api/3/issueLinkType', { name: 'Causes', inward: 'is caused by', outward: 'causes' });
    // Issue writes are not audited.
    const { story } = h.fx.issues;
    expect(
      (await h.call('PUT', `/rest/api/3/issue/${story.key}`, { as: USERS.admin, body: { fields: { summary: 'x' } } }))
        .status,
    ).toBe(204);
    await post(`/rest/api/3/issue/${story.key}/comment`, { body: adf('hello') });

    const res = await audit(h);
    expect(res.body.total).toBe(6);
    expect(res.body.records.map((r: { summary: string }) => r.summary)).toEqual([
      'Issue link type created',
      'Project component updated',
      'Project component created',
      'Version released',
      'Version created',
      'Project created',
    ]);
    expect(res.body.records.every((r: { authorAccountId: string }) => r.authorAccountId === USERS.admin)).toBe(true);
    expect(res.body.records[1].changedValues).toEqual([
      { fieldName: 'Name', changedFrom: 'Billing', changedTo: 'Invoicing' },
    ]);
  });
});

describe('from, to, filter, paging and order', () => {
  /** Ten renames of the Low priority, one an hour from T, then group changes at T + 10 h and T + 11 h. */
  function history(): Harness {
    const h = auditHarness();
    for (let i = 0; i < 10; i++) {
      m.renamePriority(ctx(h), PRIORITY.low, `Low ${i}`);
      h.clock.advance(HOUR);
    }
    m.addGroupMember(ctx(h), GROUPS.secretAgents, USERS.dave);
    h.clock.advance(HOUR);
    m.renameField(ctx(h, USERS.alice), CF.flags, 'Blockers');
    return h;
  }

  it('returns the newest records first and pages with offset and limit; total counts every match', async () => {
    const h = history();
    const all = await audit(h);
    expect(all.body.total).toBe(12);
    expect(all.body.records.map((r: { id: number }) => r.id)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    const page = await audit(h, { offset: 3, limit: 4 });
    expect(page.body).toMatchObject({ offset: 3, limit: 4, total: 12 });
    expect(page.body.records.map((r: { id: number }) => r.id)).toEqual([9, 8, 7, 6]);
    const beyond = await audit(h, { offset: 50 });
    expect(beyond.body).toMatchObject({ offset: 50, total: 12, records: [] });
    const capped = await audit(h, { limit: 5000 });
    expect(capped.body.limit).toBe(AUDIT_LIMIT_CAP);
    expect(capped.body.records).toHaveLength(12);
  });

  it('bounds created by from and to, inclusively, in any ISO form', async () => {
    const h = history();
    const ids = async (query: CallOptions['query']): Promise<number[]> =>
      (await audit(h, query)).body.records.map((r: { id: number }) => r.id);
    const at = (hours: number): string => new Date(T + hours * HOUR).toISOString();
    expect(await ids({ from: at(9) })).toEqual([12, 11, 10]);
    expect(await ids({ to: at(1) })).toEqual([2, 1]);
    expect(await ids({ from: at(2), to: at(4) })).toEqual([5, 4, 3]);
    // Jira's own form with a +hhmm offset, and a date alone (midnight in the site's zone, UTC here).
    expect(await ids({ from: '2026-10-02T11:00:00.000+0100' })).toEqual([12, 11]);
    expect(await ids({ to: '2026-10-02' })).toEqual([1]);
    // `from` must be before `to`, or no records are returned (the parameters' descriptions).
    const inverted = await audit(h, { from: at(5), to: at(2) });
    expect(inverted.status).toBe(200);
    expect(inverted.body).toMatchObject({ total: 0, records: [] });
    expect(await ids({ from: at(3), to: at(3) })).toEqual([]);
  });

  it('filters by space-separated terms, each matching one of the documented fields', async () => {
    const h = history();
    const summaries = async (filter: string): Promise<string[]> =>
      (await audit(h, { filter })).body.records.map((r: { summary: string }) => r.summary);
    // The spec's own example: "man" matches the category, "ed" the summary.
    expect(await summaries('man ed')).toEqual(['User added to group']);
    // A user object is found by its account id; the associated group is not searched.
    expect(await summaries(USERS.dave)).toEqual(['User added to group']);
    expect(await summaries('secret-agents')).toEqual([]);
    // Changed values (from and to), the object type, case-insensitively.
    expect(await summaries('blockers')).toEqual(['Custom field updated']);
    expect(await summaries('Flags')).toEqual(['Custom field updated']);
    expect((await summaries('low priority')).length).toBe(10);
    expect(await summaries('low 3')).toHaveLength(2); // "Low 2" → "Low 3" and "Low 3" → "Low 4"
    expect(await summaries('PRIORITY nothing-like-this')).toEqual([]);
    const both = await audit(h, { filter: 'priority', from: new Date(T + 8 * HOUR).toISOString(), limit: 1 });
    expect(both.body).toMatchObject({ total: 2, limit: 1 });
    expect(both.body.records[0].changedValues[0].changedTo).toBe('Low 9');
  });

  it('reads dates with and without zones', () => {
    expect(parseAuditDate('2026-03-01T12:00:00.000Z', 'UTC')).toBe(Date.UTC(2026, 2, 1, 12));
    expect(parseAuditDate('2026-03-01T12:00+02:00', 'UTC')).toBe(Date.UTC(2026, 2, 1, 10));
    expect(parseAuditDate('2026-03-01T12:00', 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 1, 11));
    expect(parseAuditDate('2026-02-30', 'UTC')).toBeUndefined();
    expect(parseAuditDate('1700000000000', 'UTC')).toBeUndefined();
  });
});

describe('generated worlds and the control API', () => {
  const T0 = GENERATION_END + 30 * 86_400_000;

  it('generates a deterministic history of project creation before the generation end', () => {
    const a = [...generateWorld({ seed: 4, size: 'tiny' }).sites.values()][0]!;
    const b = [...generateWorld({ seed: 4, size: 'tiny' }).sites.values()][0]!;
    expect(a.data.auditRecords).toEqual(b.data.auditRecords);
    expect(a.data.auditRecords.length).toBeGreaterThan(a.data.projects.size);
    expect(a.data.auditRecords.filter((r) => r.summary === 'Project created')).toHaveLength(a.data.projects.size);
    expect(a.data.auditRecords.every((r) => r.created <= GENERATION_END)).toBe(true);
  });

  it('records the config-change ops of /__sim/mutate, and answers "changed since T?" in one request', async () => {
    const sim = createSimulator({ seed: 3, size: 'tiny', control: true, clock: new FakeClock(T0) });
    const site = [...sim.world.sites.values()][0]!;
    const d = site.data;
    const admin = [...site.admins][0]!;
    const groupId = [...d.groups.keys()][0]!;
    const member = [...site.members].find((a) => !site.admins.has(a) && !d.groups.get(groupId)?.members.has(a));
    const status = [...d.statuses.values()][0]!;
    const context = [...d.fieldContexts.values()].find((c) => c.options.length > 0)!;
    const project = [...d.projects.values()][0]!;
    const role = [...d.roles.values()].find((r) => !project.roleActors.get(r.id)?.users.has(admin))!;
    const filter = [...d.filters.values()][0]!;
    const get = async (query: string): Promise<CallResult> => {
      const url = new URL(`${sim.urls.siteApi(site.cloudId)}${ROUTE}?${query}`);
      const res = await sim.dispatchJira(
        new Request(url),
        url,
        site.cloudId,
        ROUTE,
        principalFor(admin, [site.cloudId], ['manage:jira-configuration']),
      );
      const text = await res.text();
      const out = { status: res.status, headers: res.headers, body: JSON.parse(text), bytes: new Uint8Array(), text };
      expectAuditContract(out);
      return out;
    };
    const since = new Date(T0).toISOString();
    expect((await get(`from=${since}&limit=1`)).body.total).toBe(0);

    const ops = [
      { op: 'config-change', kind: 'status-rename', id: status.id, name: `${status.name} (renamed)` },
      { op: 'config-change', kind: 'priority-rename', id: [...d.priorities.keys()][0], name: 'Blocker!' },
      { op: 'config-change', kind: 'issuetype-rename', id: [...d.issueTypes.keys()][0], name: 'Renamed type' },
      { op: 'config-change', kind: 'field-rename', id: context.fieldId, name: 'Renamed field' },
      { op: 'config-change', kind: 'option-add', contextId: context.id, value: 'Brand new' },
      {
        op: 'config-change',
        kind: 'option-update',
        contextId: context.id,
        optionId: context.options[0]!.id,
        value: 'X',
      },
      { op: 'config-change', kind: 'group-add-member', groupId, accountId: member },
      { op: 'config-change', kind: 'group-remove-member', groupId, accountId: member },
      { op: 'config-change', kind: 'filter-update', id: filter.id, name: 'Not audited' },
      { op: 'config-change', kind: 'role-actor-add', project: project.key, roleId: role.id, accountId: admin },
      { op: 'config-change', kind: 'link-type-create', name: 'Clones', inward: 'is cloned by', outward: 'clones' },
      { op: 'project-update', project: project.key, patch: { description: 'Changed by the control API' } },
      { op: 'version-create', project: project.key, name: 'control-1' },
      { op: 'component-create', project: project.key, name: 'control component' },
      { op: 'edit', issue: [...d.issues.values()].at(-1)!.key, fields: { summary: 'Issue edits are not audited' } },
    ];
    const res = await sim.inProcessFetch('http://sim.invalid/__sim/mutate', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cloudId: site.cloudId, actor: admin, ops }),
    });
    expect(res.status, await res.clone().text()).toBe(200);

    const changed = await get(`from=${since}&limit=1`);
    expect(changed.body.total).toBe(13);
    expect(changed.body.records).toHaveLength(1);
    const all = (await get(`from=${since}`)).body.records as Array<{ summary: string; category: string }>;
    expect(all.map((r) => r.summary).reverse()).toEqual([
      'Status updated',
      'Priority updated',
      'Issue type updated',
      'Custom field updated',
      'Custom field updated',
      'Custom field updated',
      'User added to group',
      'User removed from group',
      'Project roles changed',
      'Issue link type created',
      'Project updated',
      'Version created',
      'Project component created',
    ]);
    expect((await get(`to=${new Date(T0 - 1).toISOString()}`)).body.total).toBe(
      d.auditRecords.filter((r) => r.created < T0).length,
    );
  });

  it('records a project moved to the trash through the control API', async () => {
    const sim = createSimulator({ seed: 3, size: 'tiny', control: true, clock: new FakeClock(T0) });
    const site = [...sim.world.sites.values()][1]!;
    const project = [...site.data.projects.values()].at(-1)!;
    const res = await sim.inProcessFetch('http://sim.invalid/__sim/mutate', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cloudId: site.cloudId, ops: [{ op: 'project-delete', project: project.key }] }),
    });
    expect(res.status).toBe(200);
    expect(project.status).toBe('deleted');
    expect(site.data.auditRecords.at(-1)).toMatchObject({
      summary: 'Project deleted',
      category: 'projects',
      created: T0,
      objectItem: { id: project.id, name: project.name, typeName: 'PROJECT' },
    });
  });
});
