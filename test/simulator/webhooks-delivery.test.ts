import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { webhookDeliveryOf } from '../../src/simulator/webhooks/delivery.js';
import { emitSiteEvent } from '../../src/simulator/world/events.js';
import {
  agileFixture,
  ALICE,
  BOB,
  DAVE,
  PRIVATE_APP,
  SHARED_APP,
  SPRINT_FIELD,
  T0,
  type AgileFixture,
} from '../support/fixture-agile.js';
import { captureFetch } from '../support/webhook-capture.js';

const W = '/rest/api/3/webhook';
const HOOK_URL = 'https://app.example.com/hooks/jira?tenant=acme';
const PRIVATE_URL = 'https://private.example.com/hooks';
const DAY = 86_400_000;

async function register(
  f: AgileFixture,
  webhooks: Array<Record<string, unknown>>,
  opts: { as?: string; clientId?: string; url?: string } = {},
): Promise<number[]> {
  const res = await f.call('POST', W, { body: { url: opts.url ?? HOOK_URL, webhooks }, ...opts });
  const results = (res.body as { webhookRegistrationResult: Array<{ createdWebhookId?: number; errors?: string[] }> })
    .webhookRegistrationResult;
  if (results.some((r) => r.errors)) throw new Error(JSON.stringify(results));
  return results.map((r) => r.createdWebhookId!);
}

function setup(script?: Array<number | Error | 'hang'>) {
  const capture = captureFetch(script);
  const f = agileFixture({ outboundFetch: capture.fetch });
  return { f, requests: capture.requests, delivery: webhookDeliveryOf(f.sim) };
}

const moveToSprint3 = (f: AgileFixture, ...issues: string[]) =>
  f.call('POST', '/rest/agile/1.0/sprint/3/issue', { body: { issues } });

function verifyJwt(token: string, secret: string): Record<string, unknown> {
  const [h, p, s] = token.split('.') as [string, string, string];
  const expected = createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url');
  expect(s).toBe(expected);
  expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
  return JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
}

describe('webhook delivery', () => {
  it('POSTs a JWT-signed v2 payload for a matching issue update', async () => {
    const { f, requests, delivery } = setup();
    const [id] = await register(f, [{ events: ['jira:issue_updated'], jqlFilter: 'project = SCRUM' }]);
    expect((await moveToSprint3(f, 'SCRUM-5')).status).toBe(204);
    await delivery.idle();
    expect(requests).toHaveLength(1);
    const { url, headers, body } = requests[0]!;
    expect(url).toBe(HOOK_URL);
    expect(headers['content-type']).toMatch(/^application\/json/);
    expect(headers['x-atlassian-webhook-identifier']).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers['x-atlassian-webhook-flow']).toBe('Primary');
    expect(headers).not.toHaveProperty('x-atlassian-webhook-retry');
    const claims = verifyJwt(headers.authorization!.replace(/^Bearer /, ''), SHARED_APP.clientSecret);
    expect(claims).toEqual({
      iss: f.site.cloudId,
      aud: SHARED_APP.clientId,
      sub: ALICE,
      iat: T0 / 1000,
      exp: T0 / 1000 + 180,
      qsh: createHash('sha256').update('POST&/hooks/jira&tenant=acme').digest('hex'),
    });
    expect(body).toMatchObject({
      timestamp: T0,
      webhookEvent: 'jira:issue_updated',
      issue_event_type_name: 'issue_updated',
      user: { accountId: ALICE, displayName: 'Alice Admin' },
      issue: { id: '10005', key: 'SCRUM-5', self: expect.stringMatching(/\/rest\/api\/2\/issue\/10005$/) },
      changelog: { items: [{ field: 'Sprint', fieldId: SPRINT_FIELD, from: null, to: '3', toString: 'Sprint 3' }] },
      matchedWebhookIds: [id],
    });
    expect(body.changelog.id).toBe(f.issue('SCRUM-5').changelog.at(-1)!.id);
    expect(body.issue.fields.description).toBe('Description of SCRUM-5\n\nSecond paragraph');
    expect(body.issue.fields[SPRINT_FIELD]).toEqual([
      {
        id: 3,
        name: 'Sprint 3',
        state: 'future',
        boardId: 1,
        goal: '',
        startDate: expect.any(String),
        endDate: expect.any(String),
      },
    ]);
    expect(JSON.stringify(body)).not.toContain('/rest/api/3/');
  });

  it('filters by event, jqlFilter, fieldIdsFilter, browse permission and app sharing', async () => {
    const { f, requests, delivery } = setup();
    const ids = await register(f, [
      { events: ['comment_created'], jqlFilter: 'project = SCRUM' },
      { events: ['jira:issue_updated'], jqlFilter: 'project = KAN' },
      { events: ['jira:issue_updated'], jqlFilter: 'project = SCRUM', fieldIdsFilter: ['summary'] },
      {
        events: ['jira:issue_updated'],
        jqlFilter: 'issuetype = Story AND status = "To Do"',
        fieldIdsFilter: [SPRINT_FIELD],
      },
      { events: ['jira:issue_updated'], jqlFilter: 'issueKey IN (SCRUM-5, SCRUM-6)' },
    ]);
    // Dave cannot browse SCRUM; bob is not the owner of the unshared app; alice is.
    await register(f, [{ events: ['jira:issue_updated'], jqlFilter: 'project = SCRUM' }], { as: DAVE });
    await register(f, [{ events: ['jira:issue_updated'], jqlFilter: 'project = SCRUM' }], {
      as: BOB,
      clientId: PRIVATE_APP.clientId,
      url: PRIVATE_URL,
    });
    const [owners] = await register(f, [{ events: ['jira:issue_updated'], jqlFilter: 'reporter = currentUser()' }], {
      clientId: PRIVATE_APP.clientId,
      url: PRIVATE_URL,
    });
    await moveToSprint3(f, 'SCRUM-5');
    await delivery.idle();
    expect(requests.map((r) => [r.url, r.body.matchedWebhookIds])).toEqual([
      [HOOK_URL, [ids[3], ids[4]]],
      [PRIVATE_URL, [owners]],
    ]);
    expect(verifyJwt(requests[1]!.headers.authorization!.slice(7), PRIVATE_APP.clientSecret).aud).toBe(
      PRIVATE_APP.clientId,
    );
  });

  it('stops delivering when a webhook expires; a refresh keeps it alive', async () => {
    const { f, requests, delivery } = setup();
    const [kept, lapsed] = await register(f, [
      { events: ['jira:issue_updated'], jqlFilter: 'project = SCRUM' },
      { events: ['jira:issue_updated'], jqlFilter: 'project = SCRUM' },
    ]);
    f.clock.advance(20 * DAY);
    await f.call('PUT', `${W}/refresh`, { body: { webhookIds: [kept] } });
    f.clock.advance(15 * DAY);
    await moveToSprint3(f, 'SCRUM-5');
    await delivery.idle();
    expect(requests.map((r) => r.body.matchedWebhookIds)).toEqual([[kept]]);
    expect(f.site.data.webhooks.get(lapsed!)?.expirationDate).toBe(T0 + 30 * DAY);
    f.clock.advance(16 * DAY);
    await moveToSprint3(f, 'SCRUM-6');
    await delivery.idle();
    expect(requests).toHaveLength(1);
  });

  it('sends sprint events with the sprint, to users who can see the board', async () => {
    const { f, requests, delivery } = setup();
    const [id] = await register(f, [{ events: ['sprint_created', 'sprint_started'], jqlFilter: 'project = SCRUM' }]);
    await register(f, [{ events: ['sprint_created'], jqlFilter: 'project = SCRUM' }], { as: DAVE });
    await f.call('POST', '/rest/agile/1.0/sprint', { body: { name: 'Sprint 5', originBoardId: 1 } });
    await f.call('POST', '/rest/agile/1.0/sprint/4', {
      body: { state: 'active', startDate: '2026-11-24T09:00:00Z', endDate: '2026-12-08T09:00:00Z' },
    });
    await delivery.idle();
    expect(
      requests.map((r) => [r.body.webhookEvent, r.body.sprint.id, r.body.sprint.state, r.body.matchedWebhookIds]),
    ).toEqual([
      ['sprint_created', 5, 'future', [id]],
      ['sprint_started', 4, 'active', [id]],
    ]);
    expect(Object.keys(requests[0]!.body).sort()).toEqual(['matchedWebhookIds', 'sprint', 'timestamp', 'webhookEvent']);
  });

  it('sends comment events with a wiki-markup body and a reduced issue', async () => {
    const { f, requests, delivery } = setup();
    await register(f, [{ events: ['comment_created'], jqlFilter: 'project = HELP' }]);
    await f.call('POST', '/rest/servicedeskapi/request/HELP-1/comment', {
      body: { body: 'Replaced the disk.', public: false },
      as: BOB,
    });
    await delivery.idle();
    expect(requests).toHaveLength(1);
    const body = requests[0]!.body;
    expect(body.webhookEvent).toBe('comment_created');
    expect(body.comment).toMatchObject({ body: 'Replaced the disk.', jsdPublic: false, author: { accountId: BOB } });
    expect(body.comment.self).toMatch(/\/rest\/api\/2\/issue\/10012\/comment\/\d+$/);
    expect(Object.keys(body.issue.fields).sort()).toEqual([
      'assignee',
      'issuetype',
      'priority',
      'project',
      'status',
      'summary',
    ]);
    expect(body).not.toHaveProperty('user');
  });

  it('sends issue_created with a changelog and issue_deleted without one', async () => {
    const { f, requests, delivery } = setup();
    await register(f, [{ events: ['jira:issue_created', 'jira:issue_deleted'], jqlFilter: 'project = KAN' }]);
    const issue = f.issue('KAN-1');
    emitSiteEvent(f.site, { type: 'issue_created', at: T0, actorId: BOB, issue });
    emitSiteEvent(f.site, { type: 'issue_deleted', at: T0 + 1, actorId: BOB, issue });
    await delivery.idle();
    const [created, deleted] = requests.map((r) => r.body);
    expect(created).toMatchObject({
      webhookEvent: 'jira:issue_created',
      issue_event_type_name: 'issue_created',
      user: { accountId: BOB },
    });
    expect(created!.changelog.items.map((i: { fieldId: string }) => i.fieldId)).toEqual([
      'summary',
      'issuetype',
      'priority',
      'reporter',
      'status',
    ]);
    expect(Object.keys(deleted!).sort()).toEqual(['issue', 'matchedWebhookIds', 'timestamp', 'user', 'webhookEvent']);
  });

  it('matches issue property events by key and cf[] clauses by option value or id', async () => {
    const { f, requests, delivery } = setup();
    const [byKey, byOption] = await register(f, [
      { events: ['issue_property_set'], jqlFilter: 'project = KAN', issuePropertyKeysFilter: ['sync'] },
      { events: ['issue_property_set'], jqlFilter: 'cf[10030] = Platform' },
    ]);
    const issue = f.issue('KAN-1');
    issue.properties.set('sync', { state: 'done' });
    emitSiteEvent(f.site, { type: 'issue_property_set', at: T0, actorId: ALICE, issue, propertyKey: 'sync' });
    issue.properties.set('other', 1);
    emitSiteEvent(f.site, { type: 'issue_property_set', at: T0, actorId: ALICE, issue, propertyKey: 'other' });
    await delivery.idle();
    expect(requests.map((r) => [r.body.property.key, r.body.matchedWebhookIds])).toEqual([
      ['sync', [byKey, byOption]],
      ['other', [byOption]],
    ]);
    expect(requests[0]!.body.property).toEqual({ key: 'sync', value: { state: 'done' } });
  });
});

describe('webhook retries', () => {
  it('retries 5xx and connection errors with backoff on the simulator clock, keeping the identifier', async () => {
    const { f, requests, delivery } = setup([503, new TypeError('fetch failed'), 200]);
    await register(f, [{ events: ['jira:issue_updated'], jqlFilter: 'project = SCRUM' }]);
    await moveToSprint3(f, 'SCRUM-5');
    await delivery.waitForAttempts(1);
    expect(delivery.attempts[0]).toMatchObject({ attempt: 0, status: 503, outcome: 'retrying', at: T0 });
    f.clock.advance(59_999);
    expect(requests).toHaveLength(1);
    f.clock.advance(1);
    await delivery.waitForAttempts(2);
    expect(delivery.attempts[1]).toMatchObject({
      attempt: 1,
      error: 'fetch failed',
      outcome: 'retrying',
      at: T0 + 60_000,
    });
    f.clock.advance(120_000);
    await delivery.idle();
    expect(delivery.attempts.map((a) => a.outcome)).toEqual(['retrying', 'retrying', 'delivered']);
    expect(requests.map((r) => r.headers['x-atlassian-webhook-retry'])).toEqual([undefined, '1', '2']);
    expect(new Set(requests.map((r) => r.headers['x-atlassian-webhook-identifier'])).size).toBe(1);
    // Each retry is signed afresh.
    const iats = requests.map((r) => verifyJwt(r.headers.authorization!.slice(7), SHARED_APP.clientSecret).iat);
    expect(iats).toEqual([T0 / 1000, T0 / 1000 + 60, T0 / 1000 + 180]);
  });

  it('gives up after 5 retries, and does not retry other 4xx answers', async () => {
    const { f, delivery } = setup([500, 500, 500, 500, 500, 500, 410]);
    await register(f, [{ events: ['jira:issue_updated'], jqlFilter: 'project = SCRUM' }]);
    await moveToSprint3(f, 'SCRUM-5');
    for (const [n, wait] of [
      [1, 60_000],
      [2, 120_000],
      [3, 240_000],
      [4, 480_000],
      [5, 900_000],
    ] as const) {
      await delivery.waitForAttempts(n);
      f.clock.advance(wait);
    }
    await delivery.idle();
    expect(delivery.attempts.map((a) => a.outcome)).toEqual([
      'retrying',
      'retrying',
      'retrying',
      'retrying',
      'retrying',
      'failed',
    ]);
    await moveToSprint3(f, 'SCRUM-6');
    await delivery.idle();
    expect(delivery.attempts.at(-1)).toMatchObject({ status: 410, outcome: 'failed', attempt: 0 });
    expect(delivery.attempts).toHaveLength(7);
  });

  it('never blocks or fails the API request that caused the event', async () => {
    const { f, delivery } = setup(['hang', new Error('boom')]);
    await register(f, [{ events: ['jira:issue_updated'], jqlFilter: 'project = SCRUM' }]);
    expect((await moveToSprint3(f, 'SCRUM-5')).status).toBe(204);
    expect(f.issue('SCRUM-5').fields[SPRINT_FIELD]).toEqual([3]);
    expect((await moveToSprint3(f, 'SCRUM-6')).status).toBe(204);
    await delivery.waitForAttempts(1);
    expect(delivery.attempts[0]).toMatchObject({ error: 'boom', outcome: 'retrying' });
    // The first delivery is still waiting on a receiver that never answers.
    expect(delivery.pending).toBe(2);
  });
});
