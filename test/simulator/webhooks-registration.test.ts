import { describe, expect, it } from 'vitest';
import {
  agileFixture,
  ALICE,
  BOB,
  contractErrors,
  PRIVATE_APP,
  T0,
  type AgileFixture,
} from '../support/fixture-agile.js';

const W = '/rest/api/3/webhook';
const REFRESH = '/rest/api/3/webhook/refresh';
const URL_A = 'https://app.example.com/webhook-received';
const DAY = 86_400_000;

type Result = { webhookRegistrationResult: Array<{ createdWebhookId?: number; errors?: string[] }> };
type Listing = {
  startAt: number;
  maxResults: number;
  total: number;
  isLast: boolean;
  nextPage?: string;
  values: Array<{
    id: number;
    events: string[];
    jqlFilter: string;
    expirationDate: number;
    url: string;
    fieldIdsFilter?: string[];
  }>;
};

async function register(
  f: AgileFixture,
  webhooks: unknown[],
  opts: { as?: string; clientId?: string; url?: string } = {},
) {
  return f.call('POST', W, { body: { url: opts.url ?? URL_A, webhooks }, ...opts });
}
const hook = (jqlFilter = 'project = SCRUM', events = ['jira:issue_updated']) => ({ events, jqlFilter });
const listing = async (f: AgileFixture, q = '', as?: string, clientId?: string) =>
  (await f.call('GET', `${W}${q}`, { ...(as ? { as } : {}), ...(clientId ? { clientId } : {}) })).body as Listing;

describe('POST /rest/api/3/webhook', () => {
  it('registers webhooks that expire 30 days later and lists them', async () => {
    const f = agileFixture();
    const res = await register(f, [
      {
        events: ['jira:issue_updated', 'comment_created'],
        jqlFilter: 'project = SCRUM AND issuetype IN (Story, Bug)',
        fieldIdsFilter: ['summary'],
      },
      {
        events: ['issue_property_set'],
        jqlFilter: 'issue.property[flags].level = high',
        issuePropertyKeysFilter: ['flags'],
      },
    ]);
    expect(res.status).toBe(200);
    expect(contractErrors('POST', W, res)).toEqual([]);
    expect((res.body as Result).webhookRegistrationResult).toEqual([{ createdWebhookId: 2 }, { createdWebhookId: 3 }]);
    const list = await f.call('GET', W);
    expect(list.status).toBe(200);
    expect(contractErrors('GET', W, list)).toEqual([]);
    expect((list.body as Listing).values).toEqual([
      {
        id: 2,
        jqlFilter: 'project = SCRUM AND issuetype IN (Story, Bug)',
        fieldIdsFilter: ['summary'],
        events: ['jira:issue_updated', 'comment_created'],
        expirationDate: T0 + 30 * DAY,
        url: URL_A,
      },
      {
        id: 3,
        jqlFilter: 'issue.property[flags].level = high',
        issuePropertyKeysFilter: ['flags'],
        events: ['issue_property_set'],
        expirationDate: T0 + 30 * DAY,
        url: URL_A,
      },
    ]);
    expect(f.site.data.webhooks.get(2)).toMatchObject({ clientId: 'app-shared', accountId: ALICE });
  });

  it('answers each entry on its own: unsupported clauses, operators, events and values fail alone', async () => {
    const f = agileFixture();
    const res = await register(f, [
      hook('project = SCRUM'),
      hook('watchCount > 2'),
      hook('project ~ "SCR"'),
      hook('project = SCRUM', ['jira:issue_created', 'worklog_created']),
      { events: ['jira:issue_created'] },
      hook('project = NOPE'),
      hook('assignee = currentUser() AND cf[10030] IN (Platform, 20002) AND status NOT IN ("Done")'),
      hook('project = SCRUM ORDER BY key'),
      hook('sprint in openSprints()'),
    ]);
    expect(res.status).toBe(200);
    expect(contractErrors('POST', W, res)).toEqual([]);
    const results = (res.body as Result).webhookRegistrationResult;
    expect(results.map((r) => (r.createdWebhookId ? 'ok' : r.errors!.join(' | ')))).toEqual([
      'ok',
      'The clause watchCount is unsupported',
      "The operator '~' is not supported.",
      'The event worklog_created is not supported.',
      'The jqlFilter is required.',
      "The value 'NOPE' does not exist for the field 'project'.",
      'ok',
      'The ORDER BY clause is unsupported',
      'The clause sprint is unsupported',
    ]);
    expect(f.site.data.webhooks.size).toBe(2);
  });

  it('allows 5 live webhooks per app per user', async () => {
    const f = agileFixture();
    const res = await register(
      f,
      Array.from({ length: 6 }, () => hook()),
    );
    const results = (res.body as Result).webhookRegistrationResult;
    expect(results.slice(0, 5).every((r) => typeof r.createdWebhookId === 'number')).toBe(true);
    expect(results[5]!.errors?.[0]).toMatch(/limit of 5 webhooks/);
    // Another user of the same app has their own allowance.
    const bob = await register(f, [hook()], { as: BOB });
    expect((bob.body as Result).webhookRegistrationResult[0]).toHaveProperty('createdWebhookId');
    // Expired webhooks no longer count.
    f.clock.advance(31 * DAY);
    const again = await register(f, [hook()]);
    expect((again.body as Result).webhookRegistrationResult[0]).toHaveProperty('createdWebhookId');
  });

  it('keeps one URL per app', async () => {
    const f = agileFixture();
    await register(f, [hook()]);
    const other = await register(f, [hook()], { url: 'https://elsewhere.example.com/hook' });
    expect(other.status).toBe(400);
    expect(contractErrors('POST', W, other)).toEqual([]);
    expect(JSON.stringify(other.body)).toMatch(/Only one URL/);
    // A different app may use any URL.
    const second = await register(f, [hook()], {
      url: 'https://elsewhere.example.com/hook',
      clientId: PRIVATE_APP.clientId,
    });
    expect(second.status).toBe(200);
  });

  it('rejects malformed requests (400) and callers that are not apps (403)', async () => {
    const f = agileFixture();
    for (const body of [
      { webhooks: [hook()] },
      { url: URL_A },
      { url: URL_A, webhooks: [] },
      { url: 'not a url', webhooks: [hook()] },
    ]) {
      const res = await f.call('POST', W, { body });
      expect(res.status).toBe(400);
      expect(contractErrors('POST', W, res)).toEqual([]);
    }
    for (const [method, route, body] of [
      ['POST', W, { url: URL_A, webhooks: [hook()] }],
      ['GET', W, undefined],
      ['PUT', REFRESH, { webhookIds: [1] }],
      ['DELETE', W, { webhookIds: [1] }],
    ] as const) {
      const res = await f.call(method, route, { body, clientId: 'service-account-credential' });
      expect(res.status).toBe(403);
      expect(contractErrors(method, route, res)).toEqual([]);
    }
    expect(f.site.data.webhooks.size).toBe(0);
  });
});

describe('GET /rest/api/3/webhook', () => {
  it("lists only the calling app's webhooks, in PageBean pages", async () => {
    const f = agileFixture();
    await register(f, [hook(), hook('project = KAN'), hook('project = HELP')]);
    await register(f, [hook()], { clientId: PRIVATE_APP.clientId, url: 'https://private.example.com/hook' });
    const first = await listing(f, '?maxResults=2');
    expect(first).toMatchObject({ startAt: 0, maxResults: 2, total: 3, isLast: false });
    expect(first.nextPage).toMatch(/startAt=2&maxResults=2$/);
    expect(first.values.map((v) => v.jqlFilter)).toEqual(['project = SCRUM', 'project = KAN']);
    const second = await listing(f, '?startAt=2&maxResults=2');
    expect(second).toMatchObject({ isLast: true, total: 3 });
    expect(second.values.map((v) => v.jqlFilter)).toEqual(['project = HELP']);
    expect((await listing(f, '', ALICE, PRIVATE_APP.clientId)).values.map((v) => v.url)).toEqual([
      'https://private.example.com/hook',
    ]);
    const bad = await f.call('GET', `${W}?startAt=-1`);
    expect(bad.status).toBe(400);
    expect(contractErrors('GET', W, bad)).toEqual([]);
  });
});

describe('expiry, refresh and delete', () => {
  it('refresh extends the life of the app own webhooks to 30 days from now', async () => {
    const f = agileFixture();
    await register(f, [hook(), hook('project = KAN')]);
    await register(f, [hook()], { clientId: PRIVATE_APP.clientId, url: 'https://private.example.com/hook' });
    f.clock.advance(10 * DAY);
    const res = await f.call('PUT', REFRESH, { body: { webhookIds: [2, 4, 999] } });
    expect(res.status).toBe(200);
    expect(contractErrors('PUT', REFRESH, res)).toEqual([]);
    expect(res.body).toEqual({ expirationDate: T0 + 40 * DAY });
    expect(f.site.data.webhooks.get(2)!.expirationDate).toBe(T0 + 40 * DAY);
    expect(f.site.data.webhooks.get(3)!.expirationDate).toBe(T0 + 30 * DAY);
    // Id 4 belongs to the private app: ignored, as documented.
    expect(f.site.data.webhooks.get(4)!.expirationDate).toBe(T0 + 30 * DAY);
  });

  it('expired webhooks disappear from the list and cannot be refreshed back', async () => {
    const f = agileFixture();
    await register(f, [hook(), hook('project = KAN')]);
    f.clock.advance(20 * DAY);
    await f.call('PUT', REFRESH, { body: { webhookIds: [2] } });
    f.clock.advance(10 * DAY);
    expect((await listing(f)).values.map((v) => v.id)).toEqual([2]);
    await f.call('PUT', REFRESH, { body: { webhookIds: [3] } });
    expect(f.site.data.webhooks.has(3)).toBe(false);
    f.clock.advance(20 * DAY);
    expect((await listing(f)).values).toEqual([]);
  });

  it('delete removes the app own webhooks (202) and ignores others', async () => {
    const f = agileFixture();
    await register(f, [hook(), hook('project = KAN')]);
    await register(f, [hook()], { clientId: PRIVATE_APP.clientId, url: 'https://private.example.com/hook' });
    const res = await f.call('DELETE', W, { body: { webhookIds: [2, 4] } });
    expect(res.status).toBe(202);
    expect(contractErrors('DELETE', W, res)).toEqual([]);
    expect([...f.site.data.webhooks.keys()]).toEqual([3, 4]);
    for (const [method, route] of [
      ['DELETE', W],
      ['PUT', REFRESH],
    ] as const) {
      for (const body of [{}, { webhookIds: ['2'] }]) {
        const bad = await f.call(method, route, { body });
        expect(bad.status).toBe(400);
        expect(contractErrors(method, route, bad)).toEqual([]);
      }
    }
  });
});
