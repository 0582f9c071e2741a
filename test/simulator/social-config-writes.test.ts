/**
 * Watchers, votes, issue properties (single and the asynchronous bulk task), and the
 * configuration writes a restore needs (projects, versions, components) — behaviour and
 * contracts of every answer.
 */
import { describe, expect, it } from 'vitest';
import { USERS } from '../support/fixture-site.js';
import { contractCall, writeHarness } from '../support/fixture-writes.js';
import { expectErrorCollection } from '../support/contract.js';

const WATCHERS = '/rest/api/3/issue/{issueIdOrKey}/watchers';
const VOTES = '/rest/api/3/issue/{issueIdOrKey}/votes';
const PROPERTY = '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}';
const MULTI = '/rest/api/3/issue/properties/multi';
const TASK = '/rest/api/3/task/{taskId}';

describe('watchers', () => {
  it('adds the account in the JSON string body, or the caller for an empty body; others need Manage watchers', async () => {
    const h = writeHarness();
    const { comments25: issue } = h.fx.issues;
    const path = `/rest/api/3/issue/${issue.key}/watchers`;
    const self = await contractCall(h, 'POST', WATCHERS, path, { as: USERS.bob, rawBody: '' });
    expect(self.status).toBe(204);
    const other = await contractCall(h, 'POST', WATCHERS, path, { as: USERS.bob, body: USERS.dave });
    expectErrorCollection(other, 403, 'manage the watcher list');
    const admin = await contractCall(h, 'POST', WATCHERS, path, { as: USERS.admin, body: USERS.dave });
    expect(admin.status).toBe(204);
    const list = await contractCall(h, 'GET', WATCHERS, path, { as: USERS.bob });
    expect(list.body.watchers.map((u: { accountId: string }) => u.accountId).sort()).toEqual(
      [USERS.bob, USERS.dave].sort(),
    );
    const notString = await contractCall(h, 'POST', WATCHERS, path, {
      as: USERS.admin,
      body: { accountId: USERS.dave },
    });
    expectErrorCollection(notString, 400);
    const unknown = await contractCall(h, 'POST', WATCHERS, path, { as: USERS.admin, body: 'no-such-account' });
    expectErrorCollection(unknown, 404);
  });

  it('removes watchers by accountId', async () => {
    const h = writeHarness();
    const { story } = h.fx.issues;
    const path = `/rest/api/3/issue/${story.key}/watchers`;
    const missing = await contractCall(h, 'DELETE', WATCHERS, path);
    expectErrorCollection(missing, 400);
    const other = await contractCall(h, 'DELETE', WATCHERS, path, { as: USERS.bob, query: { accountId: USERS.alice } });
    expectErrorCollection(other, 403);
    const own = await contractCall(h, 'DELETE', WATCHERS, path, { as: USERS.bob, query: { accountId: USERS.bob } });
    expect(own.status).toBe(204);
    expect([...story.watchers]).toEqual([USERS.alice]);
    const byAdmin = await contractCall(h, 'DELETE', WATCHERS, path, {
      as: USERS.admin,
      query: { accountId: USERS.alice },
    });
    expect(byAdmin.status).toBe(204);
    expect(story.watchers.size).toBe(0);
  });
});

describe('votes', () => {
  it('adds and removes the caller’s own vote; 404 for reporters, resolved issues and missing votes', async () => {
    const h = writeHarness();
    const { comments25, resolved } = h.fx.issues;
    const path = `/rest/api/3/issue/${comments25.key}/votes`;
    const vote = await contractCall(h, 'POST', VOTES, path, { as: USERS.bob });
    expect(vote.status).toBe(204);
    const read = await contractCall(h, 'GET', VOTES, path, { as: USERS.bob });
    expect(read.body).toMatchObject({ votes: 1, hasVoted: true });
    const reporter = await contractCall(h, 'POST', VOTES, path, { as: USERS.admin });
    expectErrorCollection(reporter, 404, 'You cannot vote for an issue you have reported.');
    const done = await contractCall(h, 'POST', VOTES, `/rest/api/3/issue/${resolved.key}/votes`, { as: USERS.bob });
    expectErrorCollection(done, 404);
    const unvote = await contractCall(h, 'DELETE', VOTES, path, { as: USERS.bob });
    expect(unvote.status).toBe(204);
    const never = await contractCall(h, 'DELETE', VOTES, path, { as: USERS.bob });
    expectErrorCollection(never, 404, 'has not already voted');
    expect(comments25.voters.size).toBe(0);
  });
});

describe('issue properties', () => {
  it('sets (201 then 200) and deletes properties with Edit issues; limits the size', async () => {
    const h = writeHarness();
    const { story } = h.fx.issues;
    const path = `/rest/api/3/issue/${story.key}/properties/tidemark.provenance`;
    const created = await contractCall(h, 'PUT', PROPERTY, `/rest/api/3/issue/${story.key}/properties/restored`, {
      body: { at: 1 },
    });
    expect(created.status).toBe(201);
    const updated = await contractCall(h, 'PUT', PROPERTY, path, { body: { originalKey: 'NEW-1' } });
    expect(updated.status).toBe(200);
    const read = await contractCall(h, 'GET', PROPERTY, path);
    expect(read.body.value).toEqual({ originalKey: 'NEW-1' });
    const max = await contractCall(h, 'PUT', PROPERTY, `/rest/api/3/issue/${story.key}/properties/max`, {
      body: 'x'.repeat(32766),
    });
    expect(max.status).toBe(201);
    const over = await contractCall(h, 'PUT', PROPERTY, `/rest/api/3/issue/${story.key}/properties/over`, {
      body: 'x'.repeat(32767),
    });
    expectErrorCollection(over, 400, 'cannot be longer than 32768 characters');
    const del = await contractCall(h, 'DELETE', PROPERTY, path);
    expect(del.status).toBe(204);
    const gone = await contractCall(h, 'DELETE', PROPERTY, path);
    expectErrorCollection(gone, 404);
    const scheme = h.fx.site.data.permissionSchemes.get(h.fx.projects.open.permissionSchemeId)!;
    scheme.permissions = scheme.permissions.filter((g) => g.permission !== 'EDIT_ISSUES');
    const denied = await contractCall(h, 'PUT', PROPERTY, path, { body: 1 });
    expectErrorCollection(denied, 403);
    const deniedDelete = await contractCall(h, 'DELETE', PROPERTY, `/rest/api/3/issue/${story.key}/properties/flag`);
    expectErrorCollection(deniedDelete, 404);
  });

  it('bulk-sets properties as a task: 303 to /task/{id}, which reports what was set', async () => {
    const h = writeHarness();
    const { story, linked, secured } = h.fx.issues;
    const res = await contractCall(h, 'POST', MULTI, '/rest/api/3/issue/properties/multi', {
      as: USERS.bob,
      body: {
        issues: [
          { issueID: Number(story.id), properties: { a: 1, b: { c: true } } },
          { issueID: Number(linked.id), properties: { a: 2 } },
          { issueID: Number(secured.id), properties: { a: 3 } },
        ],
      },
    });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/\/rest\/api\/3\/task\/\d+$/);
    expect(story.properties.get('b')).toEqual({ c: true });
    expect(linked.properties.get('a')).toBe(2);
    expect(secured.properties.has('a')).toBe(false);
    const taskPath = new URL(location).pathname.replace(/^.*\/rest\//, '/rest/');
    const task = await contractCall(h, 'GET', TASK, taskPath, { as: USERS.bob });
    expect(task.body).toMatchObject({ status: 'COMPLETE', progress: 100, self: location });
    expect(task.body.result).toEqual({
      successful: [story.id, linked.id],
      failed: [{ issueId: secured.id, error: 'Issue does not exist or you do not have permission to see it.' }],
    });
    const foreign = await contractCall(h, 'GET', TASK, taskPath, { as: USERS.dave });
    expect(foreign.status).toBe(404);
  });

  it('validates the bulk request and answers 403 when no issue may be edited', async () => {
    const h = writeHarness();
    const id = Number(h.fx.issues.story.id);
    for (const body of [
      {},
      { issues: [] },
      { issues: [{ issueID: id, properties: {} }] },
      { issues: [{ issueID: 'OPEN-2', properties: { a: 1 } }] },
      { issues: [{ issueID: id, properties: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i])) }] },
    ]) {
      const res = await contractCall(h, 'POST', MULTI, '/rest/api/3/issue/properties/multi', { body });
      expectErrorCollection(res, 400);
    }
    const scheme = h.fx.site.data.permissionSchemes.get(h.fx.projects.open.permissionSchemeId)!;
    scheme.permissions = scheme.permissions.filter((g) => g.permission !== 'EDIT_ISSUES');
    const denied = await contractCall(h, 'POST', MULTI, '/rest/api/3/issue/properties/multi', {
      body: { issues: [{ issueID: id, properties: { a: 1 } }] },
    });
    expectErrorCollection(denied, 403);
  });
});

describe('POST /project', () => {
  it('creates company- and team-managed projects for Jira admins', async () => {
    const h = writeHarness();
    const denied = await contractCall(h, 'POST', '/rest/api/3/project', '/rest/api/3/project', {
      body: { key: 'NEW', name: 'New project', projectTypeKey: 'software', leadAccountId: USERS.alice },
    });
    expectErrorCollection(denied, 403);
    const classic = await contractCall(h, 'POST', '/rest/api/3/project', '/rest/api/3/project', {
      as: USERS.admin,
      body: {
        key: 'NEW',
        name: 'New project',
        projectTypeKey: 'software',
        leadAccountId: USERS.alice,
        description: 'Restored',
        permissionScheme: 10000,
        assigneeType: 'PROJECT_LEAD',
      },
    });
    expect(classic.status).toBe(201);
    expect(classic.body).toMatchObject({ key: 'NEW', id: expect.any(Number) });
    const read = await contractCall(h, 'GET', '/rest/api/3/project/{projectIdOrKey}', '/rest/api/3/project/NEW', {
      as: USERS.admin,
    });
    expect(read.body).toMatchObject({
      key: 'NEW',
      name: 'New project',
      style: 'classic',
      lead: { accountId: USERS.alice },
    });
    const team = await contractCall(h, 'POST', '/rest/api/3/project', '/rest/api/3/project', {
      as: USERS.admin,
      body: {
        key: 'TEAM',
        name: 'Team project',
        projectTemplateKey: 'com.pyxis.greenhopper.jira:gh-simplified-agility-scrum',
        leadAccountId: USERS.admin,
      },
    });
    expect(team.status).toBe(201);
    const project = h.fx.site.data.projects.get(String(team.body.id))!;
    expect(project).toMatchObject({ style: 'next-gen', projectTypeKey: 'software' });
    // An issue can be created in the new project right away.
    const types = [...h.fx.site.data.issueTypes.values()].filter((t) => t.projectId === project.id);
    const task = types.find((t) => t.name === 'Task')!;
    const issue = await contractCall(h, 'POST', '/rest/api/3/issue', '/rest/api/3/issue', {
      as: USERS.admin,
      body: { fields: { project: { key: 'TEAM' }, issuetype: { id: task.id }, summary: 'First' } },
    });
    expect(issue.body.key).toBe('TEAM-1');
  });

  it('validates key, name, lead, type and schemes', async () => {
    const h = writeHarness();
    const call = (body: Record<string, unknown>) =>
      contractCall(h, 'POST', '/rest/api/3/project', '/rest/api/3/project', { as: USERS.admin, body });
    const base = { key: 'ABC', name: 'Abc', projectTypeKey: 'business', leadAccountId: USERS.admin };
    expect((await call({ ...base, key: 'OPEN' })).body.errors).toEqual({
      projectKey: "Project 'OPEN' uses this project key.",
    });
    expect((await call({ ...base, key: 'a-1' })).body.errors.projectKey).toMatch(/uppercase letter/);
    expect((await call({ ...base, name: 'Open Platform' })).body.errors).toEqual({
      projectName: 'A project with that name already exists.',
    });
    expect((await call({ ...base, leadAccountId: undefined })).body.errors).toEqual({
      projectLead: 'You must specify a valid project lead.',
    });
    expect((await call({ ...base, projectTypeKey: 'games' })).status).toBe(400);
    expect((await call({ ...base, workflowScheme: 424242 })).body.errors).toEqual({
      workflowScheme: 'The workflowScheme with id 424242 does not exist.',
    });
  });
});

describe('versions and components', () => {
  it('creates and updates versions with Administer projects; 404 / 400 otherwise', async () => {
    const h = writeHarness();
    const body = {
      name: '3.0',
      projectId: Number(h.fx.projects.open.id),
      releaseDate: '2027-01-31',
      description: 'Next',
    };
    const denied = await contractCall(h, 'POST', '/rest/api/3/version', '/rest/api/3/version', { body });
    expectErrorCollection(denied, 404);
    const ok = await contractCall(h, 'POST', '/rest/api/3/version', '/rest/api/3/version', { as: USERS.admin, body });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      name: '3.0',
      releaseDate: '2027-01-31',
      released: false,
      projectId: Number(h.fx.projects.open.id),
    });
    const byKey = await contractCall(h, 'POST', '/rest/api/3/version', '/rest/api/3/version', {
      as: USERS.admin,
      body: { name: '4.0', project: 'OPEN' },
    });
    expect(byKey.status).toBe(201);
    const dup = await contractCall(h, 'POST', '/rest/api/3/version', '/rest/api/3/version', { as: USERS.admin, body });
    expect(dup.body.errors).toEqual({ name: 'A version with this name already exists in this project.' });
    const path = `/rest/api/3/version/${ok.body.id}`;
    const notAdmin = await contractCall(h, 'PUT', '/rest/api/3/version/{id}', path, { body: { released: true } });
    expectErrorCollection(notAdmin, 400);
    const released = await contractCall(h, 'PUT', '/rest/api/3/version/{id}', path, {
      as: USERS.admin,
      body: { released: true, name: '3.0.0' },
    });
    expect(released.body).toMatchObject({ name: '3.0.0', released: true });
    const missing = await contractCall(h, 'PUT', '/rest/api/3/version/{id}', '/rest/api/3/version/999999', {
      as: USERS.admin,
      body: {},
    });
    expect(missing.status).toBe(404);
    const read = await contractCall(h, 'GET', '/rest/api/3/version/{id}', path);
    expect(read.body.name).toBe('3.0.0');
  });

  it('creates and updates components with Administer projects; 403 / 404 otherwise', async () => {
    const h = writeHarness();
    const body = {
      name: 'Mobile',
      project: 'OPEN',
      description: 'Apps',
      leadAccountId: USERS.bob,
      assigneeType: 'COMPONENT_LEAD',
    };
    const denied = await contractCall(h, 'POST', '/rest/api/3/component', '/rest/api/3/component', { body });
    expectErrorCollection(denied, 403);
    const hidden = await contractCall(h, 'POST', '/rest/api/3/component', '/rest/api/3/component', {
      as: USERS.bob,
      body: { ...body, project: 'SEC' },
    });
    expectErrorCollection(hidden, 404);
    const ok = await contractCall(h, 'POST', '/rest/api/3/component', '/rest/api/3/component', {
      as: USERS.admin,
      body,
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      name: 'Mobile',
      lead: { accountId: USERS.bob },
      realAssignee: { accountId: USERS.bob },
    });
    const badType = await contractCall(h, 'POST', '/rest/api/3/component', '/rest/api/3/component', {
      as: USERS.admin,
      body: { ...body, name: 'Other', assigneeType: 'SOMEONE' },
    });
    expect(Object.keys(badType.body.errors)).toEqual(['assigneeType']);
    const path = `/rest/api/3/component/${ok.body.id}`;
    const updated = await contractCall(h, 'PUT', '/rest/api/3/component/{id}', path, {
      as: USERS.admin,
      body: { name: 'Mobile apps' },
    });
    expect(updated.body.name).toBe('Mobile apps');
    const notAdmin = await contractCall(h, 'PUT', '/rest/api/3/component/{id}', path, { body: { name: 'x' } });
    expectErrorCollection(notAdmin, 403);
    const list = await h.get('/rest/api/3/project/OPEN/components');
    expect(list.body.map((c: { name: string }) => c.name)).toContain('Mobile apps');
  });
});
