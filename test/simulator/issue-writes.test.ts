/**
 * Issue writes: create (screens, read-only fields, reporter, parent, sprint, properties,
 * transition, rank), bulk create (§7 item 8's partial-success envelope), edit (fields and update
 * operations, returnIssue, transition ignored), delete (sub-tasks) and transitions — behaviour,
 * reads after writes and contracts of every answer.
 */
import { describe, expect, it } from 'vitest';
import { jiraTimestamp } from '../../src/core/index.js';
import { CF, ISSUE_TYPE, PRIORITY, RESOLUTION, STATUS, USERS, type Fixture } from '../support/fixture-site.js';
import { adf, contractCall, writeHarness } from '../support/fixture-writes.js';
import { expectErrorCollection } from '../support/contract.js';
import type { Harness } from '../support/sim-harness.js';

const CREATE = '/rest/api/3/issue';
const BULK = '/rest/api/3/issue/bulk';
const ISSUE = '/rest/api/3/issue/{issueIdOrKey}';
const TRANSITIONS = '/rest/api/3/issue/{issueIdOrKey}/transitions';

/** Drops every grant of a permission from OPEN's scheme. */
function revoke(fx: Fixture, permission: string): void {
  const scheme = fx.site.data.permissionSchemes.get(fx.projects.open.permissionSchemeId)!;
  scheme.permissions = scheme.permissions.filter((g) => g.permission !== permission);
}

function openIssue(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    fields: { project: { key: 'OPEN' }, issuetype: { id: ISSUE_TYPE.task }, summary: 'Restored task', ...fields },
  };
}

async function getIssue(h: Harness, key: string, query: Record<string, string> = {}) {
  const res = await h.get(`/rest/api/3/issue/${key}`, { query });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

describe('POST /issue', () => {
  it('creates an issue from the create screen in REST shapes; the server sets key, times, creator, status and rank', async () => {
    const h = writeHarness();
    const now = h.clock.now();
    const [backend] = [...h.fx.projects.open.components.values()];
    const [, v2] = [...h.fx.projects.open.versions.values()];
    const res = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', {
      as: USERS.admin,
      body: openIssue({
        summary: 'Order flow broken',
        description: adf('Steps to reproduce'),
        priority: { name: 'High' },
        labels: ['restore', 'p1'],
        components: [{ name: backend!.name }],
        fixVersions: [{ id: v2!.id }],
        duedate: '2026-12-31',
        assignee: { accountId: USERS.bob },
        reporter: { accountId: USERS.alice },
        [CF.team]: { value: 'Mobile' },
        [CF.flags]: [{ id: '10211' }],
        [CF.reviewer]: { accountId: USERS.dave },
        [CF.notes]: adf('Notes'),
        [CF.points]: 3,
        [CF.sprint]: 2,
      }),
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), key: 'OPEN-11', self: expect.stringMatching(/\/issue\/\d+$/) });
    expect(res.body.self.endsWith(`/rest/api/3/issue/${res.body.id}`)).toBe(true);

    const bean = await getIssue(h, 'OPEN-11');
    const f = bean.fields;
    expect(f.summary).toBe('Order flow broken');
    expect(f.description).toEqual(adf('Steps to reproduce'));
    expect(f.priority.id).toBe(PRIORITY.high);
    expect(f.labels).toEqual(['p1', 'restore']);
    expect(f.components.map((c: { name: string }) => c.name)).toEqual([backend!.name]);
    expect(f.fixVersions.map((v: { id: string }) => v.id)).toEqual([v2!.id]);
    expect(f.duedate).toBe('2026-12-31');
    expect(f.assignee.accountId).toBe(USERS.bob);
    expect(f.reporter.accountId).toBe(USERS.alice);
    expect(f.creator.accountId).toBe(USERS.admin);
    expect(f[CF.team]).toMatchObject({ id: '10201', value: 'Mobile' });
    expect(f[CF.flags]).toEqual([expect.objectContaining({ id: '10211' })]);
    expect(f[CF.reviewer].accountId).toBe(USERS.dave);
    expect(f[CF.points]).toBe(3);
    expect(f[CF.sprint]).toEqual([expect.objectContaining({ id: 2, state: 'active' })]);
    expect(f.status.id).toBe(STATUS.todo);
    expect(f.created).toBe(jiraTimestamp(now));
    expect(f.updated).toBe(jiraTimestamp(now));
    expect(f.resolutiondate).toBeNull();
    // The creator watches (Jira's autowatch); alice, who reads, does not.
    expect(f.watches).toMatchObject({ watchCount: 1, isWatching: false });
    const issue = h.fx.site.data.issues.get(res.body.id)!;
    expect([...issue.watchers]).toEqual([USERS.admin]);
    // Ranked after every ranked issue of the site.
    const others = [...h.fx.site.data.issues.values()]
      .filter((i) => i !== issue && typeof i.fields[CF.rank] === 'string')
      .map((i) => i.fields[CF.rank] as string);
    expect(others.length).toBeGreaterThan(0);
    for (const r of others) expect((issue.fields[CF.rank] as string) > r).toBe(true);
    // Creation writes no change history.
    const changelog = await contractCall(h, 'GET', `${ISSUE}/changelog`, '/rest/api/3/issue/OPEN-11/changelog');
    expect(changelog.body.total).toBe(0);
  });

  it('rejects read-only fields in `fields` and ignores read-only members of the body (§7 item 7)', async () => {
    const h = writeHarness();
    const readOnly = {
      created: '2020-01-01T00:00:00.000+0000',
      updated: '2020-01-02T00:00:00.000+0000',
      resolutiondate: '2020-01-03T00:00:00.000+0000',
      creator: { accountId: USERS.bob },
      votes: { votes: 5 },
      watches: { watchCount: 9 },
      status: { id: STATUS.done },
    };
    const res = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', { body: openIssue(readOnly) });
    expectErrorCollection(res, 400);
    for (const field of Object.keys(readOnly))
      expect(res.body.errors[field]).toBe(
        `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`,
      );
    expect(h.fx.projects.open.issueCounter).toBe(10);

    const ok = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', {
      body: { id: '1', key: 'OLD-99', self: 'https://elsewhere/issue/1', ...openIssue() },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.key).toBe('OPEN-11');
    expect(ok.body.id).not.toBe('1');
    const bean = await getIssue(h, 'OPEN-11');
    expect(bean.fields.created).toBe(jiraTimestamp(h.clock.now()));
    expect(bean.fields.creator.accountId).toBe(USERS.alice);
  });

  it('lists every invalid field at once, and refuses fields off the create screen or unknown', async () => {
    const h = writeHarness();
    const res = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', {
      body: {
        fields: {
          project: { key: 'OPEN' },
          issuetype: { id: ISSUE_TYPE.task },
          priority: { name: 'Urgentest' },
          environment: adf('not on the create screen'),
          customfield_99999: 'x',
          [CF.team]: { value: 'Nope' },
          duedate: '31/12/2026',
        },
      },
    });
    expectErrorCollection(res, 400);
    expect(res.body.errors).toEqual({
      summary: 'You must specify a summary of the issue.',
      priority: 'Specify the Priority (id or name) in the string format',
      environment: "Field 'environment' cannot be set. It is not on the appropriate screen, or unknown.",
      customfield_99999: "Field 'customfield_99999' cannot be set. It is not on the appropriate screen, or unknown.",
      [CF.team]: "Option value 'Nope' is not valid",
      duedate: 'Error parsing date string: 31/12/2026',
    });
  });

  it('answers 400 for an invisible project, an invalid issue type, and 403 without Create issues', async () => {
    const h = writeHarness();
    const sec = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', {
      as: USERS.bob,
      body: { fields: { project: { key: 'SEC' }, issuetype: { id: ISSUE_TYPE.task }, summary: 'x' } },
    });
    expectErrorCollection(sec, 400);
    expect(sec.body.errors).toEqual({ project: 'Specify a valid project ID or key' });
    const badType = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', {
      body: openIssue({ issuetype: { name: 'Saga' } }),
    });
    expect(badType.body.errors).toEqual({ issuetype: 'The issue type selected is invalid.' });
    const noType = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', {
      body: openIssue({ issuetype: undefined }),
    });
    expect(noType.body.errors).toEqual({ issuetype: 'Specify an issue type' });
    revoke(h.fx, 'CREATE_ISSUES');
    const denied = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', { body: openIssue() });
    expectErrorCollection(denied, 403, 'You do not have permission to create issues in this project.');
  });

  it('sets the reporter only with Modify reporter; defaults it to the caller', async () => {
    const h = writeHarness();
    const denied = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', {
      as: USERS.alice,
      body: openIssue({ reporter: { accountId: USERS.bob } }),
    });
    expect(denied.body.errors).toEqual({
      reporter: "Field 'reporter' cannot be set. It is not on the appropriate screen, or unknown.",
    });
    const dflt = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', { as: USERS.alice, body: openIssue() });
    expect((await getIssue(h, dflt.body.key)).fields.reporter.accountId).toBe(USERS.alice);
  });

  it('creates sub-tasks under a parent of the same project, and checks the hierarchy', async () => {
    const h = writeHarness();
    const sub = (parent?: unknown) =>
      openIssue({ issuetype: { id: ISSUE_TYPE.subtask }, ...(parent === undefined ? {} : { parent }) });
    const missing = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', { body: sub() });
    expect(missing.body.errors).toEqual({ parent: 'Parent is required for sub-tasks.' });
    const invisible = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', {
      as: USERS.bob,
      body: sub({ key: h.fx.issues.secured.key }),
    });
    expect(invisible.body.errors).toEqual({ parent: 'Could not find issue by id or key.' });
    const ok = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', { body: sub({ key: 'OPEN-2' }) });
    expect(ok.status).toBe(201);
    const bean = await getIssue(h, ok.body.key);
    expect(bean.fields.parent.key).toBe('OPEN-2');
    expect((await getIssue(h, 'OPEN-2')).fields.subtasks.map((s: { key: string }) => s.key)).toContain(ok.body.key);
    const story = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', {
      body: openIssue({ issuetype: { id: ISSUE_TYPE.story }, parent: { id: h.fx.issues.epic.id } }),
    });
    expect(story.status).toBe(201);
    const wrongLevel = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', {
      body: openIssue({ parent: { key: 'OPEN-2' } }),
    });
    expect(wrongLevel.body.errors).toEqual({
      parent: 'Given parent work item does not belong to appropriate hierarchy.',
    });
  });

  it('takes a sprint id for the Sprint field, open sprints only', async () => {
    const h = writeHarness();
    const closed = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', { body: openIssue({ [CF.sprint]: 1 }) });
    expect(closed.body.errors).toEqual({ [CF.sprint]: 'Issue can be assigned only active or future sprints.' });
    const unknown = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', {
      body: openIssue({ [CF.sprint]: 77 }),
    });
    expect(unknown.body.errors).toEqual({ [CF.sprint]: 'Sprint with id 77 does not exist.' });
    const ok = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', { body: openIssue({ [CF.sprint]: 2 }) });
    expect(h.fx.site.data.issues.get(ok.body.id)!.fields[CF.sprint]).toEqual([2]);
  });

  it('applies update operations, properties and a transition on create', async () => {
    const h = writeHarness();
    const res = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', {
      body: {
        ...openIssue({ labels: undefined }),
        update: { labels: [{ add: 'one' }, { add: 'two' }, { remove: 'one' }] },
        properties: [{ key: 'tidemark.provenance', value: { originalKey: 'OLD-1' } }],
        transition: { id: '21' },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.transition).toEqual({ status: 200, errorCollection: { errorMessages: [], errors: {} } });
    const bean = await getIssue(h, res.body.key, { properties: 'tidemark.provenance', expand: 'changelog' });
    expect(bean.fields.labels).toEqual(['two']);
    expect(bean.fields.status.id).toBe(STATUS.inProgress);
    expect(bean.properties).toEqual({ 'tidemark.provenance': { originalKey: 'OLD-1' } });
    expect(bean.changelog.histories).toHaveLength(1);
    expect(bean.changelog.histories[0].items).toEqual([
      expect.objectContaining({ field: 'status', from: STATUS.todo, to: STATUS.inProgress }),
    ]);

    const badTransition = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', {
      body: { ...openIssue(), transition: { id: '999' } },
    });
    expectErrorCollection(badTransition, 400, "Transition id '999' is not valid for this issue.");
    const bigProperty = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', {
      body: { ...openIssue(), properties: [{ key: 'big', value: 'x'.repeat(40000) }] },
    });
    expectErrorCollection(bigProperty, 400, 'The property value cannot be longer than 32768 characters.');
    expect(h.fx.projects.open.issueCounter).toBe(11);
  });

  it('adds links through update.issuelinks when the field is on the create screen', async () => {
    const h = writeHarness();
    const link = { add: { type: { name: 'Blocks' }, outwardIssue: { key: 'OPEN-2' } } };
    const off = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', {
      body: { ...openIssue(), update: { issuelinks: [link] } },
    });
    expect(off.body.errors).toEqual({
      issuelinks: "Field 'issuelinks' cannot be set. It is not on the appropriate screen, or unknown.",
    });
    h.fx.site.data.screens.get('10000')!.tabs[0]!.fieldIds.push('issuelinks');
    const on = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', {
      body: { ...openIssue(), update: { issuelinks: [link] } },
    });
    const links = (await getIssue(h, on.body.key)).fields.issuelinks;
    expect(links).toEqual([
      expect.objectContaining({
        type: expect.objectContaining({ name: 'Blocks' }),
        outwardIssue: expect.objectContaining({ key: 'OPEN-2' }),
      }),
    ]);
  });

  it('assigns the project lead when the project defaults to it and no assignee is given', async () => {
    const h = writeHarness();
    h.fx.projects.open.assigneeType = 'PROJECT_LEAD';
    const res = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', { body: openIssue() });
    expect((await getIssue(h, res.body.key)).fields.assignee.accountId).toBe(h.fx.projects.open.leadAccountId);
    const none = await contractCall(h, 'POST', CREATE, '/rest/api/3/issue', { body: openIssue({ assignee: null }) });
    expect((await getIssue(h, none.body.key)).fields.assignee).toBeNull();
  });
});

describe('POST /issue/bulk', () => {
  it('answers 201 with the created issues and the failed elements (§7 item 8)', async () => {
    const h = writeHarness();
    const res = await contractCall(h, 'POST', BULK, '/rest/api/3/issue/bulk', {
      body: {
        issueUpdates: [
          openIssue({ summary: 'first' }),
          openIssue({ summary: undefined }),
          openIssue({ summary: 'third' }),
          { fields: { project: { key: 'SEC' }, issuetype: { id: ISSUE_TYPE.task }, summary: 'secret' } },
        ],
      },
      as: USERS.bob,
    });
    expect(res.status).toBe(201);
    expect(res.body.issues.map((i: { key: string }) => i.key)).toEqual(['OPEN-11', 'OPEN-12']);
    expect(res.body.errors).toEqual([
      {
        status: 400,
        elementErrors: { errorMessages: [], errors: { summary: 'You must specify a summary of the issue.' } },
        failedElementNumber: 1,
      },
      {
        status: 400,
        elementErrors: { errorMessages: [], errors: { project: 'Specify a valid project ID or key' } },
        failedElementNumber: 3,
      },
    ]);
    expect((await getIssue(h, 'OPEN-12')).fields.summary).toBe('third');
  });

  it('answers 400 in the same envelope when every element fails, and for bad requests', async () => {
    const h = writeHarness();
    revoke(h.fx, 'CREATE_ISSUES');
    const all = await contractCall(h, 'POST', BULK, '/rest/api/3/issue/bulk', {
      body: { issueUpdates: [openIssue(), openIssue()] },
    });
    expect(all.status).toBe(400);
    expect(all.body.issues).toEqual([]);
    expect(
      all.body.errors.map((e: { status: number; failedElementNumber: number }) => [e.status, e.failedElementNumber]),
    ).toEqual([
      [403, 0],
      [403, 1],
    ]);
    for (const body of [{ issueUpdates: [] }, { issueUpdates: Array.from({ length: 51 }, () => openIssue()) }, {}]) {
      const res = await contractCall(h, 'POST', BULK, '/rest/api/3/issue/bulk', { body });
      expect(res.status).toBe(400);
      expect(res.body.issues).toEqual([]);
      expect(res.body.errors[0].elementErrors.errorMessages).toHaveLength(1);
    }
    const malformed = await contractCall(h, 'POST', BULK, '/rest/api/3/issue/bulk', { rawBody: '{"issueUpdates": [' });
    expect(malformed.status).toBe(400);
  });
});

describe('PUT /issue/{issueIdOrKey}', () => {
  it('edits fields and applies update operations in one change history; reads reflect it', async () => {
    const h = writeHarness();
    h.clock.advance(60_000);
    const { story } = h.fx.issues;
    const before = story.changelog.length;
    const res = await contractCall(h, 'PUT', ISSUE, `/rest/api/3/issue/${story.key}`, {
      body: {
        fields: { summary: 'Renamed', priority: { id: PRIORITY.low }, [CF.team]: { id: '10201' } },
        update: {
          labels: [{ add: 'restored' }, { remove: 'urgent' }],
          timetracking: [{ edit: { originalEstimate: '2d', remainingEstimate: '1d 4h' } }],
        },
        historyMetadata: { type: 'tidemark-restore', description: 'rollback' },
      },
      query: { notifyUsers: false },
    });
    expect(res.status).toBe(204);
    const bean = await getIssue(h, story.key);
    expect(bean.fields.summary).toBe('Renamed');
    expect(bean.fields.priority.id).toBe(PRIORITY.low);
    expect(bean.fields.labels).toEqual(['backend', 'restored']);
    expect(bean.fields[CF.team].value).toBe('Mobile');
    expect(bean.fields.timetracking).toMatchObject({ originalEstimateSeconds: 57600, remainingEstimateSeconds: 43200 });
    expect(bean.fields.updated).toBe(jiraTimestamp(h.clock.now()));
    const page = await contractCall(h, 'GET', `${ISSUE}/changelog`, `/rest/api/3/issue/${story.key}/changelog`);
    expect(page.body.total).toBe(before + 1);
    const last = page.body.values.at(-1);
    expect(last.author.accountId).toBe(USERS.alice);
    expect(last.historyMetadata).toEqual({ type: 'tidemark-restore', description: 'rollback' });
    expect(last.items.map((i: { field: string }) => i.field).sort()).toEqual(
      ['Team', 'labels', 'priority', 'summary', 'timeestimate', 'timeoriginalestimate'].sort(),
    );
    expect(last.items.find((i: { field: string }) => i.field === 'summary').toString).toBe('Renamed');
  });

  it('answers 200 with the issue for returnIssue, ignores `transition`, and writes nothing for a no-op', async () => {
    const h = writeHarness();
    const { story } = h.fx.issues;
    const res = await contractCall(h, 'PUT', ISSUE, `/rest/api/3/issue/${story.key}`, {
      body: { fields: { summary: 'With issue' }, transition: { id: '31' } },
      query: { returnIssue: true },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ key: story.key, fields: { summary: 'With issue' } });
    expect(res.body.fields.status.id).toBe(STATUS.todo);
    const histories = story.changelog.length;
    const updated = story.updated;
    h.clock.advance(1000);
    const noop = await contractCall(h, 'PUT', ISSUE, `/rest/api/3/issue/${story.key}`, {
      body: { fields: { summary: 'With issue' } },
    });
    expect(noop.status).toBe(204);
    expect(story.changelog.length).toBe(histories);
    expect(story.updated).toBe(updated);
  });

  it('refuses fields off the edit screen and read-only fields, 403 without Edit issues, 404 when invisible', async () => {
    const h = writeHarness();
    const { story, secured } = h.fx.issues;
    const off = await contractCall(h, 'PUT', ISSUE, `/rest/api/3/issue/${story.key}`, {
      body: {
        fields: {
          resolution: { id: RESOLUTION.done },
          created: '2020-01-01T00:00:00.000+0000',
          status: { id: STATUS.done },
        },
      },
    });
    expectErrorCollection(off, 400);
    expect(Object.keys(off.body.errors).sort()).toEqual(['created', 'resolution', 'status']);
    const both = await contractCall(h, 'PUT', ISSUE, `/rest/api/3/issue/${story.key}`, {
      body: { fields: { labels: ['a'] }, update: { labels: [{ add: 'b' }] } },
    });
    expect(both.body.errors).toEqual({ labels: "Field 'labels' is set in both 'fields' and 'update'." });
    const invisible = await contractCall(h, 'PUT', ISSUE, `/rest/api/3/issue/${secured.key}`, {
      as: USERS.bob,
      body: { fields: { summary: 'x' } },
    });
    expectErrorCollection(invisible, 404, 'Issue does not exist or you do not have permission to see it.');
    const override = await contractCall(h, 'PUT', ISSUE, `/rest/api/3/issue/${story.key}`, {
      body: { fields: { environment: adf('prod') } },
      query: { overrideScreenSecurity: true },
    });
    expectErrorCollection(override, 403);
    const admin = await contractCall(h, 'PUT', ISSUE, `/rest/api/3/issue/${story.key}`, {
      as: USERS.admin,
      body: { fields: { environment: adf('prod') } },
      query: { overrideScreenSecurity: true },
    });
    expect(admin.status).toBe(204);
    revoke(h.fx, 'EDIT_ISSUES');
    const denied = await contractCall(h, 'PUT', ISSUE, `/rest/api/3/issue/${story.key}`, {
      body: { fields: { summary: 'x' } },
    });
    expectErrorCollection(denied, 403, 'You do not have permission to edit issues in this project.');
  });

  it('adds a comment through update.comment', async () => {
    const h = writeHarness();
    const { story } = h.fx.issues;
    const res = await contractCall(h, 'PUT', ISSUE, `/rest/api/3/issue/${story.key}`, {
      body: { update: { comment: [{ add: { body: adf('Edited with a comment') } }] } },
    });
    expect(res.status).toBe(204);
    expect(story.comments.at(-1)!.body).toEqual(adf('Edited with a comment'));
    expect(story.comments.at(-1)!.authorId).toBe(USERS.alice);
    const restricted = { type: 'group', value: 'secret-agents' };
    const notMember = await contractCall(h, 'PUT', ISSUE, `/rest/api/3/issue/${story.key}`, {
      as: USERS.bob,
      body: { update: { comment: [{ add: { body: adf('Hidden'), visibility: restricted } }] } },
    });
    expect(notMember.body.errors).toEqual({
      commentLevel: 'You are currently not a member of the group: secret-agents.',
    });
    const member = await contractCall(h, 'PUT', ISSUE, `/rest/api/3/issue/${story.key}`, {
      body: { update: { comment: [{ add: { body: adf('Hidden'), visibility: restricted } }] } },
    });
    expect(member.status).toBe(204);
    expect(story.comments.at(-1)!.visibility).toMatchObject({ type: 'group', value: 'secret-agents' });
  });
});

describe('DELETE /issue/{issueIdOrKey}', () => {
  it('needs Delete issues, and deleteSubtasks=true for an issue with sub-tasks', async () => {
    const h = writeHarness();
    const { story, subtask, linked } = h.fx.issues;
    const denied = await contractCall(h, 'DELETE', ISSUE, `/rest/api/3/issue/${story.key}`);
    expectErrorCollection(denied, 403, 'You do not have permission to delete issues in this project.');
    const withSubtasks = await contractCall(h, 'DELETE', ISSUE, `/rest/api/3/issue/${story.key}`, { as: USERS.admin });
    expectErrorCollection(withSubtasks, 400, 'has subtasks');
    const ok = await contractCall(h, 'DELETE', ISSUE, `/rest/api/3/issue/${story.key}`, {
      as: USERS.admin,
      query: { deleteSubtasks: true },
    });
    expect(ok.status).toBe(204);
    for (const key of [story.key, subtask.key]) {
      const gone = await contractCall(h, 'GET', ISSUE, `/rest/api/3/issue/${key}`);
      expect(gone.status).toBe(404);
    }
    expect((await getIssue(h, linked.key)).fields.issuelinks).toEqual([]);
    const again = await contractCall(h, 'DELETE', ISSUE, `/rest/api/3/issue/${story.key}`, { as: USERS.admin });
    expect(again.status).toBe(404);
  });
});

describe('POST /issue/{issueIdOrKey}/transitions', () => {
  it('moves the issue along an available transition, with fields of its screen and a comment', async () => {
    const h = writeHarness();
    h.clock.advance(5 * 60_000);
    const { story } = h.fx.issues;
    const res = await contractCall(h, 'POST', TRANSITIONS, `/rest/api/3/issue/${story.key}/transitions`, {
      body: {
        transition: { id: '31' },
        fields: { resolution: { name: "Won't Do" } },
        update: { comment: [{ add: { body: adf('Closing') } }] },
      },
    });
    expect(res.status).toBe(204);
    const bean = await getIssue(h, story.key, { expand: 'changelog' });
    expect(bean.fields.status.id).toBe(STATUS.done);
    expect(bean.fields.resolution.id).toBe(RESOLUTION.wontDo);
    expect(bean.fields.resolutiondate).toBe(jiraTimestamp(h.clock.now()));
    expect(bean.fields.comment.comments.at(-1).body).toEqual(adf('Closing'));
    const last = bean.changelog.histories.at(-1);
    expect(last.items.map((i: { field: string }) => i.field)).toEqual(['resolution', 'status']);
    const reopen = await contractCall(h, 'POST', TRANSITIONS, `/rest/api/3/issue/${story.key}/transitions`, {
      body: { transition: { id: '11' } },
    });
    expect(reopen.status).toBe(204);
    const reopened = await getIssue(h, story.key);
    expect(reopened.fields.resolution).toBeNull();
    expect(reopened.fields.resolutiondate).toBeNull();
  });

  it('answers 400 for a missing or unavailable transition, fields off its screen, or no Transition issues', async () => {
    const h = writeHarness();
    const { story } = h.fx.issues;
    const path = `/rest/api/3/issue/${story.key}/transitions`;
    const missing = await contractCall(h, 'POST', TRANSITIONS, path, { body: {} });
    expectErrorCollection(missing, 400, "Missing 'transition' identifier");
    const unavailable = await contractCall(h, 'POST', TRANSITIONS, path, { body: { transition: { id: '11' } } });
    expectErrorCollection(unavailable, 400, "Transition id '11' is not valid for this issue.");
    const offScreen = await contractCall(h, 'POST', TRANSITIONS, path, {
      body: { transition: { id: '21' }, fields: { summary: 'x' } },
    });
    expect(offScreen.body.errors).toEqual({
      summary: "Field 'summary' cannot be set. It is not on the appropriate screen, or unknown.",
    });
    expect(story.fields.status).toBe(STATUS.todo);
    const invisible = await contractCall(
      h,
      'POST',
      TRANSITIONS,
      `/rest/api/3/issue/${h.fx.issues.secured.key}/transitions`,
      {
        as: USERS.bob,
        body: { transition: { id: '21' } },
      },
    );
    expect(invisible.status).toBe(404);
    revoke(h.fx, 'TRANSITION_ISSUES');
    const denied = await contractCall(h, 'POST', TRANSITIONS, path, { body: { transition: { id: '21' } } });
    expectErrorCollection(denied, 400, 'You do not have permission to transition this issue.');
  });
});
