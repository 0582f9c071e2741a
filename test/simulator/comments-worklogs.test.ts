/**
 * Comment and worklog reads, the worklog change feeds (§7 item 6) and contracts.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/index.js';
import { registerCommentRoutes } from '../../src/simulator/rest/comments.js';
import { registerWorklogRoutes, WORKLOG_FEED_PAGE } from '../../src/simulator/rest/worklogs.js';
import { buildFixture, FIXTURE_T0, HOSTILE, USERS } from '../support/fixture-site.js';
import { harness, type Harness } from '../support/sim-harness.js';
import { expectContract, expectErrorCollection } from '../support/contract.js';

const ISSUE = '/rest/api/3/issue/{issueIdOrKey}';

function h(clock?: FakeClock): Harness {
  return harness({ routes: [registerCommentRoutes, registerWorklogRoutes], ...(clock ? { clock } : {}) });
}

function texts(comments: Array<{ body: { content: Array<{ content: Array<{ text: string }> }> } }>): string[] {
  return comments.map((c) => c.body.content[0]!.content[0]!.text);
}

describe('GET /issue/{k}/comment', () => {
  const ROUTE = `${ISSUE}/comment`;
  it('pages comments oldest first with default and cap 100, floors and echoes', async () => {
    const s = h();
    const key = s.fx.issues.comments120.key;
    const first = await s.get(`/rest/api/3/issue/${key}/comment`);
    expectContract('GET', ROUTE, first);
    expect(first.body).toMatchObject({ startAt: 0, maxResults: 100, total: 120 });
    expect(first.body.comments).toHaveLength(100);
    expect(texts(first.body.comments).slice(0, 2)).toEqual(['Remark 1', 'Remark 2']);
    const rest = await s.get(`/rest/api/3/issue/${key}/comment`, { query: { startAt: 100, maxResults: 1000 } });
    expect(rest.body).toMatchObject({ startAt: 100, maxResults: 100, total: 120 });
    expect(texts(rest.body.comments).at(-1)).toBe('Remark 120');
    const floor = await s.get(`/rest/api/3/issue/${key}/comment`, { query: { startAt: -5, maxResults: 0 } });
    expect(floor.body).toMatchObject({ startAt: 0, maxResults: 1 });
    expect(floor.body.comments).toHaveLength(1);
    const past = await s.get(`/rest/api/3/issue/${key}/comment`, { query: { startAt: 500 } });
    expect(past.body).toMatchObject({ startAt: 500, total: 120, comments: [] });
  });

  it('orders by created only, and validates orderBy before looking the issue up', async () => {
    const s = h();
    const key = s.fx.issues.comments25.key;
    const desc = await s.get(`/rest/api/3/issue/${key}/comment`, { query: { orderBy: '-created', maxResults: 2 } });
    expect(texts(desc.body.comments)).toEqual(['Comment 25', 'Comment 24']);
    for (const orderBy of ['created', '+created', ' Created ', 'CREATED']) {
      const res = await s.get(`/rest/api/3/issue/${key}/comment`, { query: { orderBy, maxResults: 1 } });
      expect(texts(res.body.comments), orderBy).toEqual(['Comment 1']);
    }
    for (const orderBy of ['updated', '', '--created']) {
      const res = await s.get(`/rest/api/3/issue/${key}/comment`, { query: { orderBy } });
      expectErrorCollection(res, 400);
      expectContract('GET', ROUTE, res);
    }
    const before404 = await s.get('/rest/api/3/issue/NOPE-1/comment', { query: { orderBy: 'bogus' } });
    expect(before404.status).toBe(400);
    const notFound = await s.get('/rest/api/3/issue/NOPE-1/comment');
    expectErrorCollection(notFound, 404);
    expectContract('GET', ROUTE, notFound);
  });

  it('expands renderedBody (escaped) and properties, and hides restricted comments', async () => {
    const s = h();
    const key = s.fx.issues.story.key;
    const alice = await s.get(`/rest/api/3/issue/${key}/comment`, { query: { expand: 'renderedBody,properties' } });
    expectContract('GET', ROUTE, alice);
    expect(alice.body.total).toBe(3);
    const restricted = alice.body.comments.find((c: { id: string }) => c.id === s.fx.restricted.commentId);
    expect(restricted.visibility).toEqual({ type: 'group', value: 'secret-agents', identifier: expect.any(String) });
    expect(restricted.properties).toEqual([{ key: 'sd.public.comment', value: { internal: true } }]);
    const reply = alice.body.comments[2];
    expect(reply.renderedBody).toBe(
      '<p>Reply &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;quotes&#39; \u202Eevil\u202C 🚀</p>',
    );
    expect(texts([reply])[0]).toBe(`Reply ${HOSTILE}`);
    const bob = await s.get(`/rest/api/3/issue/${key}/comment`, { as: USERS.bob });
    expect(bob.body.total).toBe(2);
    expect(bob.body.comments.map((c: { id: string }) => c.id)).not.toContain(s.fx.restricted.commentId);
  });
});

describe('single comments, comment list and comment properties', () => {
  it('GET /issue/{k}/comment/{id} honours visibility', async () => {
    const s = h();
    const ROUTE = `${ISSUE}/comment/{id}`;
    const { story } = s.fx.issues;
    const id = s.fx.restricted.commentId;
    const ok = await s.get(`/rest/api/3/issue/${story.key}/comment/${id}`, { query: { expand: 'renderedBody' } });
    expectContract('GET', ROUTE, ok);
    expect(ok.body).toMatchObject({ id, renderedBody: '<p>Agents only</p>', jsdPublic: true });
    expect(ok.body.author.accountId).toBe(USERS.alice);
    const hidden = await s.get(`/rest/api/3/issue/${story.key}/comment/${id}`, { as: USERS.bob });
    expectErrorCollection(hidden, 404);
    expectContract('GET', ROUTE, hidden);
    const wrongIssue = await s.get(`/rest/api/3/issue/${s.fx.issues.epic.key}/comment/${id}`);
    expectErrorCollection(wrongIssue, 404);
  });

  it('POST /comment/list returns visible comments of many issues as a PageBean', async () => {
    const s = h();
    const ROUTE = '/rest/api/3/comment/list';
    const ids = [
      s.fx.issues.story.comments[0]!.id,
      s.fx.restricted.commentId,
      s.fx.issues.sec1.comments[0]!.id,
      '999999',
    ].map(Number);
    const alice = await s.post(ROUTE, { body: { ids }, query: { expand: 'properties' } });
    expectContract('POST', ROUTE, alice);
    expect(alice.body).toMatchObject({ startAt: 0, total: 3, isLast: true });
    expect(alice.body.values.map((c: { id: string }) => Number(c.id))).toEqual(ids.slice(0, 3).sort((a, b) => a - b));
    expect(alice.body.values[0].properties).toEqual([]);
    const bob = await s.post(ROUTE, { body: { ids }, as: USERS.bob });
    expect(bob.body.values.map((c: { id: string }) => c.id)).toEqual([s.fx.issues.story.comments[0]!.id]);
    for (const body of [{ ids: [] }, { ids: Array.from({ length: 1001 }, (_, i) => i + 1) }, {}]) {
      const res = await s.post(ROUTE, { body });
      expectErrorCollection(res, 400);
      expectContract('POST', ROUTE, res);
    }
  });

  it('GET /comment/{id}/properties[/{key}]', async () => {
    const s = h();
    const id = s.fx.restricted.commentId;
    const keys = await s.get(`/rest/api/3/comment/${id}/properties`);
    expectContract('GET', '/rest/api/3/comment/{commentId}/properties', keys);
    expect(keys.body.keys).toEqual([
      { self: expect.stringContaining(`/comment/${id}/properties/sd.public.comment`), key: 'sd.public.comment' },
    ]);
    const value = await s.get(`/rest/api/3/comment/${id}/properties/sd.public.comment`);
    expectContract('GET', '/rest/api/3/comment/{commentId}/properties/{propertyKey}', value);
    expect(value.body).toEqual({ key: 'sd.public.comment', value: { internal: true } });
    const hidden = await s.get(`/rest/api/3/comment/${id}/properties`, { as: USERS.bob });
    expectErrorCollection(hidden, 404);
    expectContract('GET', '/rest/api/3/comment/{commentId}/properties', hidden);
    const missingKey = await s.get(`/rest/api/3/comment/${id}/properties/nope`);
    expectErrorCollection(missingKey, 404);
    const invalid = await s.get('/rest/api/3/comment/abc/properties');
    expectErrorCollection(invalid, 400);
    expectContract('GET', '/rest/api/3/comment/{commentId}/properties', invalid);
  });
});

describe('issue worklogs', () => {
  const ROUTE = `${ISSUE}/worklog`;
  it('pages worklogs oldest first (default 5000), filters by start time, honours visibility', async () => {
    const s = h();
    const { comments120, story } = s.fx.issues;
    const all = await s.get(`/rest/api/3/issue/${comments120.key}/worklog`);
    expectContract('GET', ROUTE, all);
    expect(all.body).toMatchObject({ startAt: 0, maxResults: 5000, total: 30 });
    expect(all.body.worklogs[0]).toMatchObject({ timeSpent: '10m', timeSpentSeconds: 600, issueId: comments120.id });
    const page = await s.get(`/rest/api/3/issue/${comments120.key}/worklog`, { query: { startAt: 10, maxResults: 5 } });
    expect(page.body.worklogs.map((w: { id: string }) => w.id)).toEqual(
      comments120.worklogs.slice(10, 15).map((w) => w.id),
    );
    const after = comments120.worklogs[20]!.started;
    const before = comments120.worklogs[25]!.started;
    const window = await s.get(`/rest/api/3/issue/${comments120.key}/worklog`, {
      query: { startedAfter: after, startedBefore: before },
    });
    expect(window.body.total).toBe(5);
    const dave = await s.get(`/rest/api/3/issue/${story.key}/worklog`, {
      as: USERS.dave,
      query: { expand: 'properties' },
    });
    expect(dave.body.total).toBe(2);
    const alice = await s.get(`/rest/api/3/issue/${story.key}/worklog`, { query: { expand: 'properties' } });
    expect(alice.body.worklogs.find((w: { id: string }) => w.id === s.fx.restricted.worklogId).properties).toEqual([
      { key: 'billing', value: { billable: false } },
    ]);
  });

  it('404s for invisible issues, non-numeric paging and disabled time tracking', async () => {
    const s = h();
    for (const res of [
      await s.get('/rest/api/3/issue/SEC-1/worklog', { as: USERS.bob }),
      await s.get(`/rest/api/3/issue/${s.fx.issues.story.key}/worklog`, { query: { startAt: 'abc' } }),
    ]) {
      expectErrorCollection(res, 404);
      expectContract('GET', ROUTE, res);
    }
    s.fx.site.data.settings.timeTrackingEnabled = false;
    expectErrorCollection(await s.get(`/rest/api/3/issue/${s.fx.issues.story.key}/worklog`), 404, 'Time tracking');
  });

  it('single worklogs and their properties', async () => {
    const s = h();
    const { story } = s.fx.issues;
    const id = s.fx.restricted.worklogId;
    const one = await s.get(`/rest/api/3/issue/${story.key}/worklog/${id}`);
    expectContract('GET', `${ISSUE}/worklog/{id}`, one);
    expect(one.body).toMatchObject({ id, visibility: { type: 'role', value: 'Developers' } });
    const hidden = await s.get(`/rest/api/3/issue/${story.key}/worklog/${id}`, { as: USERS.dave });
    expectErrorCollection(hidden, 404);
    expectContract('GET', `${ISSUE}/worklog/{id}`, hidden);
    const keys = await s.get(`/rest/api/3/issue/${story.key}/worklog/${id}/properties`);
    expectContract('GET', `${ISSUE}/worklog/{worklogId}/properties`, keys);
    expect(keys.body.keys.map((k: { key: string }) => k.key)).toEqual(['billing']);
    const value = await s.get(`/rest/api/3/issue/${story.key}/worklog/${id}/properties/billing`);
    expectContract('GET', `${ISSUE}/worklog/{worklogId}/properties/{propertyKey}`, value);
    expect(value.body).toEqual({ key: 'billing', value: { billable: false } });
    const missing = await s.get(`/rest/api/3/issue/${story.key}/worklog/${id}/properties/nope`);
    expectErrorCollection(missing, 404);
    expectContract('GET', `${ISSUE}/worklog/{worklogId}/properties/{propertyKey}`, missing);
  });

  it('POST /worklog/list returns a bare array of visible worklogs', async () => {
    const s = h();
    const ROUTE2 = '/rest/api/3/worklog/list';
    const ids = s.fx.issues.story.worklogs.map((w) => Number(w.id));
    const dave = await s.post(ROUTE2, { body: { ids }, as: USERS.dave });
    expectContract('POST', ROUTE2, dave);
    expect(dave.body.map((w: { id: string }) => w.id)).toEqual(
      s.fx.issues.story.worklogs.filter((w) => !w.visibility).map((w) => w.id),
    );
    expectContract('POST', ROUTE2, await s.post(ROUTE2, { body: { ids: [] } }));
    expectErrorCollection(await s.post(ROUTE2, { body: { ids: [] } }), 400);
    expectErrorCollection(await s.post(ROUTE2, { body: { ids: Array.from({ length: 1001 }, (_, i) => i) } }), 400);
  });
});

describe('worklog change feeds (§7.6)', () => {
  async function walk(
    s: Harness,
    kind: 'updated' | 'deleted',
    since: number,
    as?: string,
  ): Promise<{ ids: number[]; pages: number; lastUntil: number }> {
    const ids: number[] = [];
    let pages = 0;
    let next = since;
    for (;;) {
      const res = await s.get(`/rest/api/3/worklog/${kind}`, { query: { since: next }, ...(as ? { as } : {}) });
      expectContract('GET', `/rest/api/3/worklog/${kind}`, res);
      pages++;
      ids.push(...res.body.values.map((v: { worklogId: number }) => v.worklogId));
      expect(res.body.self).toContain(`since=${next}`);
      expect(res.body.nextPage).toContain(`since=${res.body.until}`);
      if (res.body.lastPage) return { ids, pages, lastUntil: res.body.until };
      next = res.body.until;
      if (pages > 20) throw new Error('runaway paging');
    }
  }

  it('lists updated worklogs oldest first with since/until/lastPage, visible ones only', async () => {
    const s = h(new FakeClock(FIXTURE_T0 + 100 * 3_600_000));
    const res = await s.get('/rest/api/3/worklog/updated', { query: { since: 0 } });
    expect(res.body.since).toBe(0);
    const times = res.body.values.map((v: { updatedTime: number }) => v.updatedTime);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(res.body.until).toBe(times.at(-1));
    expect(res.body.lastPage).toBe(true);
    const all = res.body.values.map((v: { worklogId: number }) => String(v.worklogId));
    expect(all).toContain(s.fx.restricted.worklogId);
    expect(all).toContain(s.fx.issues.sec1.worklogs[0]!.id);
    const asDave = await walk(s, 'updated', 0, USERS.dave);
    expect(asDave.ids.map(String)).not.toContain(s.fx.restricted.worklogId);
    expect(asDave.ids.map(String)).not.toContain(s.fx.issues.sec1.worklogs[0]!.id);
    // since is inclusive and filters older entries.
    const cut = s.fx.issues.comments120.worklogs[10]!.updated;
    const later = await s.get('/rest/api/3/worklog/updated', { query: { since: cut } });
    expect(later.body.values[0].updatedTime).toBe(cut);
    expect(later.body.values.every((v: { updatedTime: number }) => v.updatedTime >= cut)).toBe(true);
    const withProps = await s.get('/rest/api/3/worklog/updated', { query: { since: 0, expand: 'properties' } });
    const restricted = withProps.body.values.find(
      (v: { worklogId: number }) => String(v.worklogId) === s.fx.restricted.worklogId,
    );
    expect(restricted.properties).toEqual([{ key: 'billing', value: { billable: false } }]);
  });

  it('pages by 1000 and never loses an entry', async () => {
    const fx = buildFixture();
    const issue = fx.issues.epic;
    for (let n = 0; n < 2500; n++) {
      const id = String(50000 + n);
      const at = FIXTURE_T0 + 50 * 3_600_000 + n * 7;
      issue.worklogs.push({
        id,
        issueId: issue.id,
        authorId: USERS.alice,
        updateAuthorId: USERS.alice,
        created: at,
        updated: at,
        started: at,
        timeSpentSeconds: 60,
        properties: new Map(),
      });
      fx.site.data.worklogUpdates.push({ worklogId: id, issueId: issue.id, updatedTime: at });
    }
    const s = harness({
      routes: [registerWorklogRoutes],
      fixture: fx,
      clock: new FakeClock(FIXTURE_T0 + 100 * 3_600_000),
    });
    const first = await s.get('/rest/api/3/worklog/updated', { query: { since: 0 } });
    expect(first.body.values).toHaveLength(WORKLOG_FEED_PAGE);
    expect(first.body.lastPage).toBe(false);
    const walked = await walk(s, 'updated', 0);
    expect(walked.pages).toBe(3);
    const unique = new Set(walked.ids);
    const expected = new Set(fx.site.data.worklogUpdates.map((u) => Number(u.worklogId)));
    expect(unique).toEqual(expected);
  });

  it('excludes changes from the last 60 seconds', async () => {
    const clock = new FakeClock(FIXTURE_T0 + 100 * 3_600_000);
    const s = h(clock);
    const issue = s.fx.issues.epic;
    const at = clock.now() - 30_000;
    issue.worklogs.push({
      id: '77777',
      issueId: issue.id,
      authorId: USERS.alice,
      updateAuthorId: USERS.alice,
      created: at,
      updated: at,
      started: at,
      timeSpentSeconds: 60,
      properties: new Map(),
    });
    s.fx.site.data.worklogUpdates.push({ worklogId: '77777', issueId: issue.id, updatedTime: at });
    s.fx.site.data.worklogDeletions.push({ worklogId: '88888', issueId: issue.id, updatedTime: at });
    const ids = async (kind: string): Promise<number[]> =>
      (await s.get(`/rest/api/3/worklog/${kind}`, { query: { since: 0 } })).body.values.map(
        (v: { worklogId: number }) => v.worklogId,
      );
    expect(await ids('updated')).not.toContain(77777);
    expect(await ids('deleted')).not.toContain(88888);
    clock.advance(30_000);
    expect(await ids('updated')).toContain(77777);
    expect(await ids('deleted')).toContain(88888);
  });

  it('lists deletions with the same paging, and deleted worklogs leave the updated feed', async () => {
    const s = h(new FakeClock(FIXTURE_T0 + 100 * 3_600_000));
    const del = await s.get('/rest/api/3/worklog/deleted', { query: { since: 0 } });
    expect(
      del.body.values.map((v: { worklogId: number; updatedTime: number }) => [String(v.worklogId), v.updatedTime]),
    ).toEqual(s.fx.deletedWorklogs.map((d) => [d.worklogId, d.at]));
    expect(del.body).toMatchObject({ since: 0, until: s.fx.deletedWorklogs[1]!.at, lastPage: true });
    const empty = await s.get('/rest/api/3/worklog/deleted', { query: { since: s.fx.deletedWorklogs[1]!.at + 1 } });
    expect(empty.body).toMatchObject({
      values: [],
      since: s.fx.deletedWorklogs[1]!.at + 1,
      until: s.fx.deletedWorklogs[1]!.at + 1,
      lastPage: true,
    });
    // A worklog deleted after an update is no longer listed as updated.
    const story = s.fx.issues.story;
    const gone = story.worklogs.pop()!;
    s.fx.site.data.worklogDeletions.push({
      worklogId: gone.id,
      issueId: story.id,
      updatedTime: FIXTURE_T0 + 50 * 3_600_000,
    });
    const upd = await s.get('/rest/api/3/worklog/updated', { query: { since: 0 } });
    expect(upd.body.values.map((v: { worklogId: number }) => String(v.worklogId))).not.toContain(gone.id);
  });
});
