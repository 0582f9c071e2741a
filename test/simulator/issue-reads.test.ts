/**
 * Issue-centric reads: GET issue, bulk fetches, changelogs, links, remote links, watchers, votes,
 * properties, transitions, edit and create metadata — behaviour (§7 item 3) and contracts.
 */
import { describe, expect, it } from 'vitest';
import { registerIssueReadRoutes } from '../../src/simulator/rest/issues-read.js';
import { buildFixture, CF, GROUPS, HOSTILE, ISSUE_TYPE, USERS } from '../support/fixture-site.js';
import { harness, type Harness } from '../support/sim-harness.js';
import { expectContract, expectErrorCollection } from '../support/contract.js';

const ISSUE = '/rest/api/3/issue/{issueIdOrKey}';
const NOT_FOUND = 'Issue does not exist or you do not have permission to see it.';

function reads(): Harness {
  return harness({ routes: [registerIssueReadRoutes] });
}

describe('GET /issue/{issueIdOrKey}', () => {
  it('returns all fields by default, rendered from their stored forms', async () => {
    const h = reads();
    const { story } = h.fx.issues;
    const res = await h.get(`/rest/api/3/issue/${story.key}`);
    expectContract('GET', ISSUE, res);
    const b = res.body;
    expect(b).toMatchObject({ id: story.id, key: 'OPEN-2' });
    expect(b.self).toMatch(/\/rest\/api\/3\/issue\/\d+$/);
    expect(b.expand).toContain('renderedFields');
    const f = b.fields;
    expect(f.summary).toBe(HOSTILE);
    expect(f.issuetype).toMatchObject({ id: ISSUE_TYPE.story, name: 'Story', subtask: false, hierarchyLevel: 0 });
    expect(f.project).toMatchObject({ key: 'OPEN', name: 'Open Platform' });
    expect(f.status).toMatchObject({ name: 'To Do', statusCategory: { key: 'new' } });
    expect(f.statusCategory).toMatchObject({ key: 'new' });
    expect(f.priority).toMatchObject({ name: 'High' });
    expect(f.resolution).toBeNull();
    expect(f.assignee).toMatchObject({ accountId: USERS.bob, displayName: `Bob ${HOSTILE}` });
    expect('emailAddress' in f.assignee).toBe(false);
    expect(f.reporter.accountId).toBe(USERS.admin);
    expect(f.creator.accountId).toBe(USERS.alice);
    expect(f.labels).toEqual(['backend', 'urgent']);
    expect(f.components.map((c: { name: string }) => c.name)).toEqual(['Backend']);
    expect(f.versions.map((v: { name: string }) => v.name)).toEqual(['1.0']);
    expect(f.fixVersions.map((v: { name: string }) => v.name)).toEqual(['2.0']);
    expect(f.duedate).toBe('2026-12-24');
    expect(f.created).toBe('2026-10-01T01:00:00.000+0000');
    expect(f.updated).toBe('2026-10-01T04:00:00.000+0000');
    expect(f.lastViewed).toBeNull();
    expect(f.parent).toMatchObject({ key: 'OPEN-1', fields: { summary: 'Platform epic' } });
    expect(f.subtasks.map((s: { key: string }) => s.key)).toEqual(['OPEN-3']);
    expect(f.description.type).toBe('doc');
    expect(f.environment.content[0].content[0].text).toBe('Production, EU');
    // Time tracking: 8h original, 4h remaining, 1h + 30m + 3h20m logged; the sub-task adds 2h original and 1h logged.
    expect(f.timetracking).toEqual({
      originalEstimate: '1d',
      remainingEstimate: '4h',
      timeSpent: '4h 50m',
      originalEstimateSeconds: 28800,
      remainingEstimateSeconds: 14400,
      timeSpentSeconds: 17400,
    });
    expect(f.timespent).toBe(17400);
    expect(f.aggregatetimespent).toBe(17400 + 3600);
    expect(f.aggregatetimeoriginalestimate).toBe(28800 + 7200);
    expect(f.progress).toEqual({ progress: 17400, total: 17400 + 14400, percent: 55 });
    expect(f.workratio).toBe(60);
    expect(f.votes).toMatchObject({ votes: 1, hasVoted: true });
    expect(f.watches).toMatchObject({ watchCount: 2, isWatching: true });
    expect(f.issuelinks).toHaveLength(1);
    expect(f.issuelinks[0]).toMatchObject({ type: { name: 'Blocks' }, outwardIssue: { key: 'OPEN-9' } });
    expect('inwardIssue' in f.issuelinks[0]).toBe(false);
    expect(f.attachment.map((a: { id: string }) => typeof a.id)).toEqual(['string', 'string']);
    expect(f.attachment[1].thumbnail).toMatch(/\/attachment\/thumbnail\//);
    expect('thumbnail' in f.attachment[0]).toBe(false);
    expect(f.issuerestriction).toEqual({ issuerestrictions: {}, shouldDisplay: false });
    // Custom fields of every type.
    expect(f[CF.sprint].map((s: { id: number; state: string }) => [s.id, s.state])).toEqual([
      [1, 'closed'],
      [2, 'active'],
    ]);
    expect(f[CF.rank]).toBe('0|i00002:');
    expect(f[CF.team]).toMatchObject({ id: '10200', value: 'Platform' });
    expect(f[CF.flags].map((o: { value: string }) => o.value)).toEqual(['Impediment', 'Needs review']);
    expect(f[CF.reviewer].accountId).toBe(USERS.alice);
    expect(f[CF.notes].type).toBe('doc');
    expect(f[CF.points]).toBe(5);
    expect(f[CF.startDate]).toBe('2026-10-05');
    expect(f[CF.deployedAt]).toBe('2026-10-03T00:00:00.000+0000');
    expect(f[CF.region]).toMatchObject({ value: 'Europe', child: { value: 'Berlin' } });
    expect(f[CF.watchGroups]).toEqual([
      expect.objectContaining({ groupId: GROUPS.developers, name: 'jira-developers' }),
    ]);
    expect(f[CF.tags]).toEqual(['alpha', 'beta']);
    // A field whose context covers only SEC is absent on OPEN issues.
    expect(CF.secretNotes in f).toBe(false);
  });

  it('resolves ids, any letter case and moved keys, and returns the current key (§7.3)', async () => {
    const h = reads();
    const { moved, epic } = h.fx.issues;
    for (const ref of [moved.id, 'open-6', 'MOVED-7', 'moved-7']) {
      const res = await h.get(`/rest/api/3/issue/${ref}`, { query: { fields: 'summary' } });
      expect(res.status, ref).toBe(200);
      expect(res.body.key).toBe('OPEN-6');
    }
    expect((await h.get(`/rest/api/3/issue/${epic.id}`)).body.key).toBe('OPEN-1');
  });

  it('answers 404 for missing, invisible, security-restricted and archived issues alike (§7.3)', async () => {
    const h = reads();
    const { sec1, secured, archived } = h.fx.issues;
    const cases: Array<[string, string]> = [
      ['OPEN-999', USERS.alice],
      ['999999', USERS.alice],
      [sec1.key, USERS.bob],
      [secured.key, USERS.bob],
      [archived.key, USERS.alice],
      ['OPEN-1', USERS.outsider],
    ];
    for (const [ref, as] of cases) {
      const res = await h.get(`/rest/api/3/issue/${ref}`, { as });
      expectErrorCollection(res, 404, NOT_FOUND);
      expectContract('GET', ISSUE, res);
    }
    expect((await h.get(`/rest/api/3/issue/${secured.key}`, { as: USERS.alice })).status).toBe(200);
  });

  it('applies fields, exclusions, properties and fieldsByKeys', async () => {
    const h = reads();
    const { story } = h.fx.issues;
    const some = await h.get(`/rest/api/3/issue/${story.key}`, { query: { fields: ['summary,status', CF.points] } });
    expect(Object.keys(some.body.fields).sort()).toEqual([CF.points, 'status', 'summary'].sort());
    const allBut = await h.get(`/rest/api/3/issue/${story.key}`, { query: { fields: '-comment,-description' } });
    expect('comment' in allBut.body.fields).toBe(false);
    expect('worklog' in allBut.body.fields).toBe(true);
    const navigable = await h.get(`/rest/api/3/issue/${story.key}`, { query: { fields: '*navigable' } });
    expect('attachment' in navigable.body.fields).toBe(false);
    expect('summary' in navigable.body.fields).toBe(true);
    const props = await h.get(`/rest/api/3/issue/${story.key}`, {
      query: { fields: 'summary', properties: '*all,-flag' },
    });
    expect(props.body.properties).toEqual({ 'tidemark.provenance': { originalKey: 'OLD-2', originalId: '42' } });
    const none = await h.get(`/rest/api/3/issue/${story.key}`, { query: { fields: 'summary' } });
    expect('properties' in none.body).toBe(false);
    const byKeys = await h.get(`/rest/api/3/issue/${story.key}`, { query: { fields: CF.points, fieldsByKeys: true } });
    expect(byKeys.body.fields).toEqual({ [CF.points]: 5 });
  });

  it('expands renderedFields (escaped HTML), names, schema, transitions, editmeta, changelog, versionedRepresentations', async () => {
    const h = reads();
    const { story } = h.fx.issues;
    const res = await h.get(`/rest/api/3/issue/${story.key}`, {
      query: { expand: 'renderedFields,names,schema,transitions,operations,editmeta,changelog' },
    });
    expectContract('GET', ISSUE, res);
    const html: string = res.body.renderedFields.description;
    expect(html).toContain('<h2>Overview</h2>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('href="https://example.com/docs?a=1&#38;b=2"');
    expect(res.body.renderedFields.created).toBe('01/Oct/26 3:00 AM'); // alice is in Europe/Berlin
    expect(res.body.renderedFields.duedate).toBe('24/Dec/26');
    expect(res.body.renderedFields.comment.comments[0].body).toBe('<p>First comment</p>');
    expect(res.body.names.summary).toBe('Summary');
    expect(res.body.schema[CF.team]).toEqual({
      type: 'option',
      custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select',
      customId: 10020,
    });
    expect(res.body.transitions.map((t: { id: string }) => t.id)).toEqual(['11', '21', '31']);
    expect(Object.keys(res.body.editmeta.fields)).toContain('summary');
    expect(res.body.operations).toEqual({ linkGroups: [] });
    expect(res.body.changelog).toMatchObject({ startAt: 0, maxResults: 3, total: 3 });
    const item = res.body.changelog.histories[1].items[0];
    expect(item).toEqual({
      field: 'summary',
      fieldtype: 'jira',
      fieldId: 'summary',
      fromString: 'Old summary',
      toString: HOSTILE,
    });
    const versioned = await h.get(`/rest/api/3/issue/${story.key}`, {
      query: { expand: 'versionedRepresentations', fields: 'summary' },
    });
    expect(versioned.body.versionedRepresentations).toEqual({ summary: { '1': HOSTILE } });
    expect('fields' in versioned.body).toBe(false);
  });

  it('embeds the first 20 comments with the true total, and 20 worklogs', async () => {
    const h = reads();
    const res = await h.get(`/rest/api/3/issue/${h.fx.issues.comments25.key}`, { query: { fields: 'comment' } });
    expect(res.body.fields.comment).toMatchObject({ total: 25, maxResults: 20, startAt: 0 });
    expect(
      res.body.fields.comment.comments
        .map(
          (c: { body: { content: Array<{ content: Array<{ text: string }> }> } }) =>
            c.body.content[0]!.content[0]!.text,
        )
        .slice(0, 2),
    ).toEqual(['Comment 1', 'Comment 2']);
    const empty = await h.get(`/rest/api/3/issue/${h.fx.issues.epic.key}`, { query: { fields: 'comment,worklog' } });
    expect(empty.body.fields.comment).toMatchObject({ comments: [], maxResults: 0, total: 0, startAt: 0 });
    expect(empty.body.fields.worklog).toEqual({ startAt: 0, maxResults: 20, total: 0, worklogs: [] });
  });

  it('hides restricted comments and worklogs from viewers outside the group or role', async () => {
    const h = reads();
    const { story } = h.fx.issues;
    const asAlice = await h.get(`/rest/api/3/issue/${story.key}`, { query: { fields: 'comment,worklog' } });
    const asBob = await h.get(`/rest/api/3/issue/${story.key}`, {
      query: { fields: 'comment,worklog' },
      as: USERS.bob,
    });
    const asDave = await h.get(`/rest/api/3/issue/${story.key}`, {
      query: { fields: 'comment,worklog' },
      as: USERS.dave,
    });
    expect(asAlice.body.fields.comment.total).toBe(3);
    expect(asBob.body.fields.comment.total).toBe(2);
    expect(asBob.body.fields.comment.comments.map((c: { id: string }) => c.id)).not.toContain(
      h.fx.restricted.commentId,
    );
    expect(asBob.body.fields.worklog.total).toBe(3); // bob holds the Developers role
    expect(asDave.body.fields.worklog.total).toBe(2);
  });
});

describe('POST /issue/bulkfetch', () => {
  const ROUTE = '/rest/api/3/issue/bulkfetch';
  it('returns visible issues in ascending id order, resolving keys and moved keys; missing ones are left out', async () => {
    const h = reads();
    const { story, epic, moved, sec1 } = h.fx.issues;
    const res = await h.post(ROUTE, {
      as: USERS.bob,
      body: {
        issueIdsOrKeys: ['moved-7', story.key, epic.id, sec1.key, 'OPEN-999', epic.key],
        fields: ['summary'],
        properties: ['flag'],
      },
    });
    expectContract('POST', ROUTE, res);
    expect(res.body.issues.map((i: { key: string }) => i.key)).toEqual(['OPEN-1', 'OPEN-2', 'OPEN-6']);
    expect(res.body.issueErrors).toEqual([]);
    expect(res.body.issues[1].fields).toEqual({ summary: HOSTILE });
    expect(res.body.issues[1].properties).toEqual({ flag: true });
    expect(moved.key).toBe('OPEN-6');
  });
  it('defaults to navigable fields and embeds at most 40 histories with expand=changelog', async () => {
    const h = reads();
    const { story } = h.fx.issues;
    for (let n = 0; n < 45; n++)
      story.changelog.push({ id: String(20000 + n), authorId: USERS.admin, created: story.updated + n, items: [] });
    const res = await h.post(ROUTE, { body: { issueIdsOrKeys: [story.id], expand: ['changelog', 'names'] } });
    expectContract('POST', ROUTE, res);
    const [issue] = res.body.issues;
    expect('summary' in issue.fields).toBe(true);
    expect('comment' in issue.fields).toBe(false);
    expect(issue.changelog).toMatchObject({ total: 48, maxResults: 40, startAt: 8 });
    expect(issue.changelog.histories.at(-1).id).toBe('20044');
    expect(issue.names.summary).toBe('Summary');
  });
  it('refuses an empty list, more than 100 ids and unknown members', async () => {
    const h = reads();
    const many = Array.from({ length: 101 }, (_, i) => `OPEN-${i + 1}`);
    for (const body of [
      { issueIdsOrKeys: [] },
      {},
      { issueIdsOrKeys: many },
      { issueIdsOrKeys: ['OPEN-1'], bogus: 1 },
    ]) {
      const res = await h.post(ROUTE, { body });
      expectErrorCollection(res, 400);
      expectContract('POST', ROUTE, res);
    }
  });
});

describe('changelogs', () => {
  it('POST /changelog/bulkfetch pages histories oldest first per issue with fieldIds filtering', async () => {
    const h = reads();
    const ROUTE = '/rest/api/3/changelog/bulkfetch';
    const { story, moved } = h.fx.issues;
    const first = await h.post(ROUTE, { body: { issueIdsOrKeys: [moved.key, story.key, 'SEC-1'], maxResults: 2 } });
    expectContract('POST', ROUTE, first);
    expect(first.body.issueChangeLogs).toHaveLength(1);
    expect(first.body.issueChangeLogs[0].issueId).toBe(story.id);
    expect(first.body.issueChangeLogs[0].changeHistories.map((x: { id: string }) => x.id)).toEqual(
      story.changelog.slice(0, 2).map((x) => x.id),
    );
    const second = await h.post(ROUTE, {
      body: { issueIdsOrKeys: [moved.key, story.key, 'SEC-1'], maxResults: 2, nextPageToken: first.body.nextPageToken },
    });
    expect(second.body.issueChangeLogs.map((g: { issueId: string }) => g.issueId)).toEqual([story.id, moved.id]);
    expect('nextPageToken' in second.body).toBe(false);
    const filtered = await h.post(ROUTE, { body: { issueIdsOrKeys: [story.key], fieldIds: ['status'] } });
    const histories = filtered.body.issueChangeLogs[0].changeHistories;
    expect(histories).toHaveLength(2);
    for (const hist of histories)
      expect(hist.items.every((i: { fieldId: string }) => i.fieldId === 'status')).toBe(true);
    const foreign = await h.post(ROUTE, {
      body: { issueIdsOrKeys: [moved.key], nextPageToken: first.body.nextPageToken },
    });
    expectErrorCollection(foreign, 400, 'nextPageToken');
    expectContract('POST', ROUTE, foreign);
    for (const body of [
      { issueIdsOrKeys: [] },
      { issueIdsOrKeys: ['OPEN-1'], fieldIds: Array.from({ length: 11 }, (_, i) => `f${i}`) },
      { issueIdsOrKeys: ['OPEN-1'], maxResults: 0 },
    ]) {
      expectErrorCollection(await h.post(ROUTE, { body }), 400);
    }
  });

  it('GET /issue/{k}/changelog is a PageBean, oldest first, capped at 100 with the echo', async () => {
    const h = reads();
    const ROUTE = `${ISSUE}/changelog`;
    const { story } = h.fx.issues;
    const res = await h.get(`/rest/api/3/issue/${story.key}/changelog`, { query: { startAt: 1, maxResults: 1 } });
    expectContract('GET', ROUTE, res);
    expect(res.body).toMatchObject({ startAt: 1, maxResults: 1, total: 3, isLast: false });
    expect(res.body.values[0].id).toBe(story.changelog[1]!.id);
    expect(res.body.nextPage).toContain('startAt=2');
    const capped = await h.get(`/rest/api/3/issue/${story.key}/changelog`, { query: { maxResults: 1000 } });
    expect(capped.body).toMatchObject({ maxResults: 100, isLast: true });
    expect('nextPage' in capped.body).toBe(false);
    const hidden = await h.get(`/rest/api/3/issue/SEC-1/changelog`, { as: USERS.bob });
    expectErrorCollection(hidden, 404, NOT_FOUND);
    expectContract('GET', ROUTE, hidden);
  });

  it('POST /issue/{k}/changelog/list returns the requested histories', async () => {
    const h = reads();
    const ROUTE = `${ISSUE}/changelog/list`;
    const { story } = h.fx.issues;
    const ids = [Number(story.changelog[2]!.id), Number(story.changelog[0]!.id), 1];
    const res = await h.post(`/rest/api/3/issue/${story.key}/changelog/list`, { body: { changelogIds: ids } });
    expectContract('POST', ROUTE, res);
    expect(res.body.histories.map((x: { id: string }) => x.id)).toEqual([
      story.changelog[0]!.id,
      story.changelog[2]!.id,
    ]);
    const bad = await h.post(`/rest/api/3/issue/${story.key}/changelog/list`, { body: {} });
    expectErrorCollection(bad, 400);
    expectContract('POST', ROUTE, bad);
  });
});

describe('links, remote links, watchers, votes, properties', () => {
  it('GET /issueLink/{id} shows both ends, and 404s when either end is invisible', async () => {
    const h = reads();
    const ROUTE = '/rest/api/3/issueLink/{linkId}';
    const linkId = h.fx.issues.story.linkIds[0]!;
    const res = await h.get(`/rest/api/3/issueLink/${linkId}`);
    expectContract('GET', ROUTE, res);
    expect(res.body).toMatchObject({
      id: linkId,
      inwardIssue: { key: 'OPEN-2' },
      outwardIssue: { key: 'OPEN-9' },
      type: { outward: 'blocks' },
    });
    expectErrorCollection(await h.get('/rest/api/3/issueLink/99999'), 404);
    const invalid = await h.get('/rest/api/3/issueLink/abc');
    expectErrorCollection(invalid, 400);
    expectContract('GET', ROUTE, invalid);
    h.fx.issues.linked.fields.security = '10100';
    expectErrorCollection(await h.get(`/rest/api/3/issueLink/${linkId}`, { as: USERS.bob }), 404);
  });

  it('remote links: bare array, by globalId, by id', async () => {
    const h = reads();
    const { linked, story } = h.fx.issues;
    const list = await h.get(`/rest/api/3/issue/${linked.key}/remotelink`);
    expectContract('GET', `${ISSUE}/remotelink`, list);
    expect(Array.isArray(list.body)).toBe(true);
    expect(list.body.map((l: { id: number }) => typeof l.id)).toEqual(['number', 'number']);
    const one = await h.get(`/rest/api/3/issue/${linked.key}/remotelink`, {
      query: { globalId: 'system=https://support.example.com&id=1' },
    });
    expect(one.body.object.title).toBe('TICKET-1');
    const byId = await h.get(`/rest/api/3/issue/${linked.key}/remotelink/${linked.remoteLinks[1]!.id}`);
    expectContract('GET', `${ISSUE}/remotelink/{linkId}`, byId);
    expect(byId.body.object).toEqual({ url: 'https://example.com/page', title: 'Design page' });
    const wrongIssue = await h.get(`/rest/api/3/issue/${story.key}/remotelink/${linked.remoteLinks[0]!.id}`);
    expectErrorCollection(wrongIssue, 400);
    expectContract('GET', `${ISSUE}/remotelink/{linkId}`, wrongIssue);
    const missing = await h.get(`/rest/api/3/issue/${linked.key}/remotelink/424242`);
    expectErrorCollection(missing, 404);
  });

  it('watchers and voters are listed only with View voters and watchers', async () => {
    const h = reads();
    const { story } = h.fx.issues;
    const asBob = await h.get(`/rest/api/3/issue/${story.key}/watchers`, { as: USERS.bob });
    expectContract('GET', `${ISSUE}/watchers`, asBob);
    expect(asBob.body).toMatchObject({ watchCount: 2, isWatching: true });
    expect(asBob.body.watchers.map((u: { accountId: string }) => u.accountId).sort()).toEqual(
      [USERS.alice, USERS.bob].sort(),
    );
    const asDave = await h.get(`/rest/api/3/issue/${story.key}/watchers`, { as: USERS.dave });
    expect(asDave.body).toMatchObject({ watchCount: 2, isWatching: false, watchers: [] });
    const votes = await h.get(`/rest/api/3/issue/${story.key}/votes`, { as: USERS.bob });
    expectContract('GET', `${ISSUE}/votes`, votes);
    expect(votes.body).toMatchObject({ votes: 1, hasVoted: false });
    expect(votes.body.voters.map((u: { accountId: string }) => u.accountId)).toEqual([USERS.alice]);
    const votesDave = await h.get(`/rest/api/3/issue/${story.key}/votes`, { as: USERS.dave });
    expect(votesDave.body).toMatchObject({ votes: 1, voters: [] });
    h.fx.site.data.settings.votingEnabled = false;
    const off = await h.get(`/rest/api/3/issue/${story.key}/votes`);
    expectErrorCollection(off, 404);
    expectContract('GET', `${ISSUE}/votes`, off);
  });

  it('issue properties: keys and values', async () => {
    const h = reads();
    const { story } = h.fx.issues;
    const keys = await h.get(`/rest/api/3/issue/${story.key}/properties`);
    expectContract('GET', `${ISSUE}/properties`, keys);
    expect(keys.body.keys.map((k: { key: string }) => k.key)).toEqual(['tidemark.provenance', 'flag']);
    const one = await h.get(`/rest/api/3/issue/${story.key}/properties/flag`);
    expectContract('GET', `${ISSUE}/properties/{propertyKey}`, one);
    expect(one.body).toEqual({ key: 'flag', value: true });
    const missing = await h.get(`/rest/api/3/issue/${story.key}/properties/nope`);
    expectErrorCollection(missing, 404);
    expectContract('GET', `${ISSUE}/properties/{propertyKey}`, missing);
    expectErrorCollection(await h.get('/rest/api/3/issue/SEC-1/properties', { as: USERS.bob }), 404, NOT_FOUND);
  });
});

describe('transitions, editmeta, createmeta', () => {
  it('lists transitions from the current status, with screen fields on request', async () => {
    const h = reads();
    const { story, resolved } = h.fx.issues;
    const res = await h.get(`/rest/api/3/issue/${story.key}/transitions`, { query: { expand: 'transitions.fields' } });
    expectContract('GET', `${ISSUE}/transitions`, res);
    expect(res.body.transitions.map((t: { name: string }) => t.name)).toEqual(['To Do', 'Start progress', 'Resolve']);
    const resolve = res.body.transitions.find((t: { id: string }) => t.id === '31');
    expect(resolve.hasScreen).toBe(true);
    expect(resolve.fields.resolution).toMatchObject({ required: true, operations: ['set'] });
    expect(resolve.fields.resolution.allowedValues.map((r: { name: string }) => r.name)).toEqual(['Done', "Won't Do"]);
    const done = await h.get(`/rest/api/3/issue/${resolved.key}/transitions`);
    expect(done.body.transitions.map((t: { id: string }) => t.id)).toEqual(['11']);
    const one = await h.get(`/rest/api/3/issue/${story.key}/transitions`, { query: { transitionId: '21' } });
    expect(one.body.transitions.map((t: { id: string }) => t.id)).toEqual(['21']);
    expectErrorCollection(await h.get('/rest/api/3/issue/SEC-1/transitions', { as: USERS.bob }), 404);
  });

  it('editmeta lists edit-screen fields with allowed values; overrides need an admin', async () => {
    const h = reads();
    const { story } = h.fx.issues;
    const res = await h.get(`/rest/api/3/issue/${story.key}/editmeta`);
    expectContract('GET', `${ISSUE}/editmeta`, res);
    const f = res.body.fields;
    expect(f.summary).toMatchObject({ required: true, operations: ['set'] });
    expect(f.labels.operations).toEqual(['add', 'set', 'remove']);
    expect(f.comment.operations).toEqual(['add', 'edit', 'remove']);
    expect(f[CF.team].allowedValues.map((o: { value: string }) => o.value)).toEqual(['Platform', 'Mobile']);
    expect(f[CF.team]).toMatchObject({ hasDefaultValue: true, defaultValue: { id: '10200' } });
    expect(f.components.allowedValues.map((c: { name: string }) => c.name)).toEqual(['Backend', 'Frontend']);
    expect(CF.secretNotes in f).toBe(false);
    const forbidden = await h.get(`/rest/api/3/issue/${story.key}/editmeta`, {
      query: { overrideScreenSecurity: true },
      as: USERS.bob,
    });
    expectErrorCollection(forbidden, 403);
    expectContract('GET', `${ISSUE}/editmeta`, forbidden);
    expect(
      (
        await h.get(`/rest/api/3/issue/${story.key}/editmeta`, {
          query: { overrideScreenSecurity: true },
          as: USERS.admin,
        })
      ).status,
    ).toBe(200);
  });

  it('createmeta pages issue types and create-screen fields (max 200)', async () => {
    const h = reads();
    const types = await h.get('/rest/api/3/issue/createmeta/OPEN/issuetypes', { query: { maxResults: 2 } });
    expectContract('GET', '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes', types);
    expect(types.body).toMatchObject({ startAt: 0, maxResults: 2, total: 5 });
    expect(types.body.issueTypes.map((t: { name: string }) => t.name)).toEqual(['Epic', 'Story']);
    const capped = await h.get('/rest/api/3/issue/createmeta/OPEN/issuetypes', { query: { maxResults: 500 } });
    expect(capped.body.maxResults).toBe(200);
    const route = '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}';
    const fields = await h.get(`/rest/api/3/issue/createmeta/OPEN/issuetypes/${ISSUE_TYPE.task}`);
    expectContract('GET', route, fields);
    const ids = fields.body.fields.map((f: { fieldId: string }) => f.fieldId);
    expect(ids.slice(0, 2)).toEqual(['issuetype', 'project']);
    expect(ids).toContain('summary');
    expect(ids).not.toContain(CF.secretNotes);
    const secFields = await h.get(`/rest/api/3/issue/createmeta/SEC/issuetypes/${ISSUE_TYPE.task}`);
    expect(secFields.body.fields.map((f: { fieldId: string }) => f.fieldId)).toContain(CF.secretNotes);
    const hidden = await h.get('/rest/api/3/issue/createmeta/SEC/issuetypes', { as: USERS.bob });
    expectErrorCollection(hidden, 400);
    expectContract('GET', '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes', hidden);
    const badType = await h.get('/rest/api/3/issue/createmeta/OPEN/issuetypes/424242');
    expectErrorCollection(badType, 400);
    expectContract('GET', route, badType);
  });
});

describe('fixture determinism', () => {
  it('builds the same site every time', () => {
    const a = buildFixture();
    const b = buildFixture();
    expect([...a.site.data.issues.keys()]).toEqual([...b.site.data.issues.keys()]);
    expect(a.issues.story.comments.map((c) => c.id)).toEqual(b.issues.story.comments.map((c) => c.id));
  });
});
