/**
 * Comment and worklog writes: authors and times are the caller's and "now" whatever the body says
 * (§7 item 7), visibility restrictions, own/all permissions, properties, estimate adjustment,
 * the worklog feeds after writes, and contracts of every answer.
 */
import { describe, expect, it } from 'vitest';
import { jiraTimestamp } from '../../src/core/index.js';
import { GROUPS, USERS } from '../support/fixture-site.js';
import { adf, contractCall, writeHarness } from '../support/fixture-writes.js';
import { expectErrorCollection } from '../support/contract.js';

const I = '/rest/api/3/issue/{issueIdOrKey}';
const COMMENTS = `${I}/comment`;
const COMMENT = `${I}/comment/{id}`;
const COMMENT_PROPERTY = '/rest/api/3/comment/{commentId}/properties/{propertyKey}';
const WORKLOGS = `${I}/worklog`;
const WORKLOG = `${I}/worklog/{id}`;
const WORKLOG_PROPERTY = `${I}/worklog/{worklogId}/properties/{propertyKey}`;

const FORGED = {
  id: '1',
  author: { accountId: USERS.admin },
  updateAuthor: { accountId: USERS.admin },
  created: '2020-01-01T00:00:00.000+0000',
  updated: '2020-01-01T00:00:00.000+0000',
};

describe('POST /issue/{k}/comment', () => {
  it('writes the comment as the caller at now, ignoring read-only members; reads reflect it', async () => {
    const h = writeHarness();
    h.clock.advance(60_000);
    const { story } = h.fx.issues;
    const res = await contractCall(h, 'POST', COMMENTS, `/rest/api/3/issue/${story.key}/comment`, {
      as: USERS.bob,
      body: {
        ...FORGED,
        jsdPublic: false,
        body: adf('Restored comment'),
        properties: [{ key: 'tidemark.provenance', value: { author: 'someone' } }],
      },
      query: { expand: 'properties' },
    });
    expect(res.status).toBe(201);
    const now = jiraTimestamp(h.clock.now());
    expect(res.body).toMatchObject({
      author: { accountId: USERS.bob },
      updateAuthor: { accountId: USERS.bob },
      created: now,
      updated: now,
      jsdPublic: true,
      body: adf('Restored comment'),
      properties: [{ key: 'tidemark.provenance', value: { author: 'someone' } }],
    });
    expect(res.body.id).not.toBe('1');
    const page = await contractCall(h, 'GET', COMMENTS, `/rest/api/3/issue/${story.key}/comment`, {
      query: { orderBy: '-created', maxResults: 1 },
    });
    expect(page.body.comments[0].id).toBe(res.body.id);
    expect(story.updated).toBe(h.clock.now());
    expect(story.watchers.has(USERS.bob)).toBe(true);
  });

  it('restricts visibility to a group or role the caller is in', async () => {
    const h = writeHarness();
    const path = `/rest/api/3/issue/${h.fx.issues.story.key}/comment`;
    const restricted = { type: 'group', value: 'secret-agents' };
    const alice = await contractCall(h, 'POST', COMMENTS, path, {
      body: { body: adf('Agents'), visibility: restricted },
    });
    expect(alice.body.visibility).toEqual({ type: 'group', value: 'secret-agents', identifier: GROUPS.secretAgents });
    const bobReads = await contractCall(h, 'GET', COMMENT, `${path}/${alice.body.id}`, { as: USERS.bob });
    expect(bobReads.status).toBe(404);
    const bob = await contractCall(h, 'POST', COMMENTS, path, {
      as: USERS.bob,
      body: { body: adf('Agents'), visibility: restricted },
    });
    expect(bob.body.errors).toEqual({ commentLevel: 'You are currently not a member of the group: secret-agents.' });
    const role = await contractCall(h, 'POST', COMMENTS, path, {
      as: USERS.bob,
      body: { body: adf('Devs'), visibility: { type: 'role', value: 'Developers' } },
    });
    expect(role.status).toBe(201);
    const unknown = await contractCall(h, 'POST', COMMENTS, path, {
      body: { body: adf('x'), visibility: { type: 'group', value: 'nobody' } },
    });
    expect(unknown.body.errors).toEqual({ commentLevel: 'Group: nobody does not exist.' });
  });

  it('answers 400 for an empty body or without Add comments, 404 for an invisible issue', async () => {
    const h = writeHarness();
    const path = `/rest/api/3/issue/${h.fx.issues.story.key}/comment`;
    const empty = await contractCall(h, 'POST', COMMENTS, path, {
      body: { body: { type: 'doc', version: 1, content: [] } },
    });
    expect(empty.body.errors).toEqual({ comment: 'Comment body can not be empty!' });
    const plain = await contractCall(h, 'POST', COMMENTS, path, { body: { body: 'plain text' } });
    expectErrorCollection(plain, 400);
    const invisible = await contractCall(h, 'POST', COMMENTS, `/rest/api/3/issue/${h.fx.issues.secured.key}/comment`, {
      as: USERS.bob,
      body: { body: adf('x') },
    });
    expect(invisible.status).toBe(404);
    const outsider = await contractCall(h, 'POST', COMMENTS, path, { as: USERS.outsider, body: { body: adf('x') } });
    expect(outsider.status).toBe(404);
    const scheme = h.fx.site.data.permissionSchemes.get(h.fx.projects.open.permissionSchemeId)!;
    scheme.permissions = scheme.permissions.filter((g) => g.permission !== 'ADD_COMMENTS');
    const denied = await contractCall(h, 'POST', COMMENTS, path, { body: { body: adf('x') } });
    expectErrorCollection(denied, 400, 'You do not have the permission to comment on this issue.');
  });
});

describe('PUT and DELETE /issue/{k}/comment/{id}', () => {
  it('lets authors edit their own comments and admins anyone’s; author and created stay', async () => {
    const h = writeHarness();
    const { story } = h.fx.issues;
    const [aliceComment, , bobComment] = story.comments;
    h.clock.advance(120_000);
    const path = (id: string) => `/rest/api/3/issue/${story.key}/comment/${id}`;
    const own = await contractCall(h, 'PUT', COMMENT, path(bobComment!.id), {
      as: USERS.bob,
      body: { ...FORGED, body: adf('Edited by Bob') },
    });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      author: { accountId: USERS.bob },
      updateAuthor: { accountId: USERS.bob },
      created: jiraTimestamp(bobComment!.created),
      updated: jiraTimestamp(h.clock.now()),
      body: adf('Edited by Bob'),
    });
    const others = await contractCall(h, 'PUT', COMMENT, path(aliceComment!.id), {
      as: USERS.bob,
      body: { body: adf('Hijack') },
    });
    expectErrorCollection(others, 400, 'You do not have the permission to edit this comment.');
    const admin = await contractCall(h, 'PUT', COMMENT, path(aliceComment!.id), {
      as: USERS.admin,
      body: { body: adf('Moderated') },
    });
    expect(admin.body.updateAuthor.accountId).toBe(USERS.admin);
    expect(admin.body.author.accountId).toBe(USERS.alice);
    const restricted = story.comments[1]!;
    const lifted = await contractCall(h, 'PUT', COMMENT, path(restricted.id), {
      as: USERS.alice,
      body: { visibility: null },
    });
    expect(lifted.body.visibility).toBeUndefined();
    expect(lifted.body.body).toEqual(restricted.body);
    const missing = await contractCall(h, 'PUT', COMMENT, path('999999'), { body: { body: adf('x') } });
    expectErrorCollection(missing, 404);
  });

  it('deletes with Delete own/all comments', async () => {
    const h = writeHarness();
    const { story } = h.fx.issues;
    const [aliceComment] = story.comments;
    const path = `/rest/api/3/issue/${story.key}/comment/${aliceComment!.id}`;
    const denied = await contractCall(h, 'DELETE', COMMENT, path, { as: USERS.bob });
    expectErrorCollection(denied, 400, 'You do not have the permission to delete this comment.');
    const ok = await contractCall(h, 'DELETE', COMMENT, path, { as: USERS.alice });
    expect(ok.status).toBe(204);
    const again = await contractCall(h, 'DELETE', COMMENT, path, { as: USERS.admin });
    expect(again.status).toBe(404);
    const page = await contractCall(h, 'GET', COMMENTS, `/rest/api/3/issue/${story.key}/comment`);
    expect(page.body.comments.map((c: { id: string }) => c.id)).not.toContain(aliceComment!.id);
  });
});

describe('comment properties', () => {
  it('sets (201, then 200), reads and deletes a property; 403 for others, 404 when missing', async () => {
    const h = writeHarness();
    const [aliceComment] = h.fx.issues.story.comments;
    const path = `/rest/api/3/comment/${aliceComment!.id}/properties/restore.marker`;
    const created = await contractCall(h, 'PUT', COMMENT_PROPERTY, path, { body: { n: 1 } });
    expect(created.status).toBe(201);
    const updated = await contractCall(h, 'PUT', COMMENT_PROPERTY, path, { body: { n: 2 } });
    expect(updated.status).toBe(200);
    const read = await contractCall(h, 'GET', COMMENT_PROPERTY, path);
    expect(read.body).toEqual({ key: 'restore.marker', value: { n: 2 } });
    const dave = await contractCall(h, 'PUT', COMMENT_PROPERTY, path, { as: USERS.dave, body: 1 });
    expectErrorCollection(dave, 403);
    const big = await contractCall(h, 'PUT', COMMENT_PROPERTY, path, { body: 'x'.repeat(40000) });
    expectErrorCollection(big, 400, 'cannot be longer than 32768');
    const badId = await contractCall(h, 'PUT', COMMENT_PROPERTY, '/rest/api/3/comment/abc/properties/k', { body: 1 });
    expect(badId.status).toBe(400);
    const removed = await contractCall(h, 'DELETE', COMMENT_PROPERTY, path);
    expect(removed.status).toBe(204);
    const gone = await contractCall(h, 'DELETE', COMMENT_PROPERTY, path);
    expectErrorCollection(gone, 404);
  });
});

describe('POST /issue/{k}/worklog', () => {
  it('logs work as the caller, keeps `started`, adjusts the estimate and feeds /worklog/updated', async () => {
    const h = writeHarness();
    const { story } = h.fx.issues;
    const path = `/rest/api/3/issue/${story.key}/worklog`;
    const started = '2026-11-20T10:00:00.000+0200';
    const res = await contractCall(h, 'POST', WORKLOGS, path, {
      as: USERS.bob,
      body: { ...FORGED, issueId: '1', started, timeSpent: '1h 30m', comment: adf('Restored work') },
      query: { adjustEstimate: 'leave' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      author: { accountId: USERS.bob },
      created: jiraTimestamp(h.clock.now()),
      started: jiraTimestamp(Date.parse('2026-11-20T08:00:00.000Z')),
      timeSpentSeconds: 5400,
      timeSpent: '1h 30m',
      issueId: story.id,
      comment: adf('Restored work'),
    });
    expect((story.fields.timetracking as { remainingEstimateSeconds: number }).remainingEstimateSeconds).toBe(14400);
    const auto = await contractCall(h, 'POST', WORKLOGS, path, {
      body: { started, timeSpentSeconds: 3600 },
    });
    expect(auto.status).toBe(201);
    expect((story.fields.timetracking as { remainingEstimateSeconds: number }).remainingEstimateSeconds).toBe(10800);
    const items = story.changelog.at(-1)!.items.map((i) => i.field);
    expect(items).toEqual(['timespent', 'WorklogId', 'timeestimate']);
    h.clock.advance(61_000);
    const feed = await contractCall(h, 'GET', '/rest/api/3/worklog/updated', '/rest/api/3/worklog/updated', {
      query: { since: h.clock.now() - 120_000 },
    });
    expect(feed.body.values.map((v: { worklogId: number }) => String(v.worklogId))).toEqual([
      res.body.id,
      auto.body.id,
    ]);
  });

  it('requires started and a time spent, checks adjustEstimate, and Work on issues', async () => {
    const h = writeHarness();
    const path = `/rest/api/3/issue/${h.fx.issues.story.key}/worklog`;
    const none = await contractCall(h, 'POST', WORKLOGS, path, { body: {} });
    expect(none.body.errors).toEqual({
      started: 'Started date is required.',
      timeLogged: 'You must indicate the time spent working.',
    });
    const bad = await contractCall(h, 'POST', WORKLOGS, path, {
      body: { started: 'yesterday', timeSpent: 'a while' },
    });
    expect(Object.keys(bad.body.errors).sort()).toEqual(['started', 'timeLogged']);
    expect(bad.body.errors.timeLogged).toBe('Invalid time duration entered.');
    const body = { started: '2026-11-20T10:00:00.000+0000', timeSpent: '1h' };
    const noEstimate = await contractCall(h, 'POST', WORKLOGS, path, { body, query: { adjustEstimate: 'new' } });
    expect(noEstimate.body.errors).toEqual({ newEstimate: 'You must supply a valid new estimate.' });
    const manual = await contractCall(h, 'POST', WORKLOGS, path, {
      body,
      query: { adjustEstimate: 'manual', reduceBy: '2h' },
    });
    expect(manual.status).toBe(201);
    expect(
      (h.fx.issues.story.fields.timetracking as { remainingEstimateSeconds: number }).remainingEstimateSeconds,
    ).toBe(7200);
    const scheme = h.fx.site.data.permissionSchemes.get(h.fx.projects.open.permissionSchemeId)!;
    scheme.permissions = scheme.permissions.filter((g) => g.permission !== 'WORK_ON_ISSUES');
    const denied = await contractCall(h, 'POST', WORKLOGS, path, { body });
    expectErrorCollection(denied, 400, 'You do not have the permission to associate a worklog to this issue.');
  });
});

describe('PUT and DELETE /issue/{k}/worklog/{id}, worklog properties', () => {
  it('edits own worklogs (others’ with Edit all worklogs) and sets a new estimate', async () => {
    const h = writeHarness();
    const { story } = h.fx.issues;
    const [bobWorklog, , aliceWorklog] = story.worklogs;
    const path = (id: string) => `/rest/api/3/issue/${story.key}/worklog/${id}`;
    const own = await contractCall(h, 'PUT', WORKLOG, path(bobWorklog!.id), {
      as: USERS.bob,
      body: { ...FORGED, timeSpentSeconds: 7200 },
      query: { adjustEstimate: 'new', newEstimate: '2h' },
    });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      author: { accountId: USERS.bob },
      created: jiraTimestamp(bobWorklog!.created),
      timeSpentSeconds: 7200,
    });
    expect((story.fields.timetracking as { remainingEstimateSeconds: number }).remainingEstimateSeconds).toBe(7200);
    const others = await contractCall(h, 'PUT', WORKLOG, path(aliceWorklog!.id), {
      as: USERS.bob,
      body: { timeSpentSeconds: 60 },
    });
    expectErrorCollection(others, 400, 'You do not have the permission to edit this worklog.');
    const admin = await contractCall(h, 'PUT', WORKLOG, path(aliceWorklog!.id), {
      as: USERS.admin,
      body: { comment: adf('Moderated') },
    });
    expect(admin.body.updateAuthor.accountId).toBe(USERS.admin);
    h.fx.site.data.settings.timeTrackingEnabled = false;
    const off = await contractCall(h, 'PUT', WORKLOG, path(bobWorklog!.id), { body: { timeSpentSeconds: 60 } });
    expect(off.status).toBe(404);
  });

  it('deletes worklogs into the deleted feed and gives the time back with increaseBy', async () => {
    const h = writeHarness();
    const { story } = h.fx.issues;
    const [, , aliceWorklog] = story.worklogs;
    const path = `/rest/api/3/issue/${story.key}/worklog/${aliceWorklog!.id}`;
    const denied = await contractCall(h, 'DELETE', WORKLOG, path, { as: USERS.bob });
    expectErrorCollection(denied, 400);
    const ok = await contractCall(h, 'DELETE', WORKLOG, path, {
      query: { adjustEstimate: 'manual', increaseBy: '1h' },
    });
    expect(ok.status).toBe(204);
    expect((story.fields.timetracking as { remainingEstimateSeconds: number }).remainingEstimateSeconds).toBe(18000);
    h.clock.advance(61_000);
    const feed = await contractCall(h, 'GET', '/rest/api/3/worklog/deleted', '/rest/api/3/worklog/deleted', {
      query: { since: h.clock.now() - 120_000 },
    });
    expect(feed.body.values.map((v: { worklogId: number }) => String(v.worklogId))).toEqual([aliceWorklog!.id]);
    const gone = await contractCall(h, 'GET', WORKLOG, path);
    expect(gone.status).toBe(404);
  });

  it('sets worklog properties for the author (403 for others)', async () => {
    const h = writeHarness();
    const { story } = h.fx.issues;
    const [bobWorklog] = story.worklogs;
    const path = `/rest/api/3/issue/${story.key}/worklog/${bobWorklog!.id}/properties/billing`;
    const created = await contractCall(h, 'PUT', WORKLOG_PROPERTY, path, { as: USERS.bob, body: { billable: true } });
    expect(created.status).toBe(201);
    const updated = await contractCall(h, 'PUT', WORKLOG_PROPERTY, path, { as: USERS.bob, body: { billable: false } });
    expect(updated.status).toBe(200);
    const read = await contractCall(h, 'GET', WORKLOG_PROPERTY, path, { as: USERS.bob });
    expect(read.body.value).toEqual({ billable: false });
    const dave = await contractCall(h, 'PUT', WORKLOG_PROPERTY, path, { as: USERS.dave, body: 1 });
    expectErrorCollection(dave, 403);
  });
});
