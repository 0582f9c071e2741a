/**
 * Webhook deliveries over a real local HTTP connection, and their shape compared with real Jira
 * Cloud payloads recorded by mattermost-plugin-jira (../shared/jira-recorded/mattermost-webhooks).
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sharedDir } from '../../tools/shared-path.js';
import { webhookDeliveryOf } from '../../src/simulator/webhooks/delivery.js';
import { emitSiteEvent } from '../../src/simulator/world/events.js';
import { agileFixture, ALICE, BOB, SHARED_APP, T0, type AgileFixture, type Json } from '../support/fixture-agile.js';
import { captureFetch } from '../support/webhook-capture.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function receiver(statuses: number[] = []): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.statusCode = statuses[received.length - 1] ?? 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received };
}

async function register(f: AgileFixture, url: string, webhooks: Array<Record<string, unknown>>): Promise<void> {
  const res = await f.call('POST', '/rest/api/3/webhook', { body: { url, webhooks } });
  expect(res.status).toBe(200);
}

describe('webhook delivery over HTTP', () => {
  it('arrives as a signed POST that a receiver can verify with the client secret', async () => {
    const server = await receiver([500]);
    const f = agileFixture();
    const delivery = webhookDeliveryOf(f.sim);
    await register(f, `${server.url}/hooks/jira?tenant=acme&b=2`, [
      { events: ['jira:issue_updated'], jqlFilter: 'project = SCRUM' },
    ]);
    await f.call('PUT', '/rest/agile/1.0/issue/rank', { body: { issues: ['SCRUM-6'], rankBeforeIssue: 'SCRUM-3' } });
    await delivery.waitForAttempts(1);
    f.clock.advance(60_000);
    await delivery.idle();
    expect(server.received).toHaveLength(2);
    const [first, retry] = server.received as [Received, Received];
    expect(first.method).toBe('POST');
    expect(first.url).toBe('/hooks/jira?tenant=acme&b=2');
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.headers['x-atlassian-webhook-retry']).toBeUndefined();
    expect(retry.headers['x-atlassian-webhook-retry']).toBe('1');
    expect(retry.headers['x-atlassian-webhook-identifier']).toBe(first.headers['x-atlassian-webhook-identifier']);
    expect(retry.body).toBe(first.body);

    // Verify the bearer token the way a receiving app would, without the simulator's code.
    const token = String(retry.headers.authorization).replace(/^Bearer /, '');
    const [h, p, s] = token.split('.') as [string, string, string];
    expect(createHmac('sha256', SHARED_APP.clientSecret).update(`${h}.${p}`).digest('base64url')).toBe(s);
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, number | string>;
    const nowSeconds = (T0 + 60_000) / 1000;
    expect(claims.iat).toBe(nowSeconds);
    expect(Number(claims.exp)).toBeGreaterThan(nowSeconds);
    // qsh: SHA-256 of the canonical request "POST&<path>&<sorted query>".
    expect(claims.qsh).toBe(createHash('sha256').update('POST&/hooks/jira&b=2&tenant=acme').digest('hex'));
    expect(createHmac('sha256', 'wrong-secret').update(`${h}.${p}`).digest('base64url')).not.toBe(s);

    const body = JSON.parse(retry.body) as Record<string, Json>;
    expect(body).toMatchObject({ webhookEvent: 'jira:issue_updated', issue: { key: 'SCRUM-6' } });
    expect(body.changelog.items[0]).toMatchObject({ field: 'Rank', toString: 'Ranked higher' });
  });
});

const recorded = (name: string): Record<string, Json> =>
  JSON.parse(readFileSync(path.join(sharedDir(), 'jira-recorded/mattermost-webhooks', name), 'utf8')) as Json;
const keys = (o: Record<string, unknown>): string[] => Object.keys(o).sort();
const systemKeys = (fields: Record<string, unknown>): string[] =>
  keys(fields).filter((k) => !k.startsWith('customfield_'));
/** Deprecated user properties (name, key) are gone from Cloud since the GDPR changes. */
const userKeys = (u: Record<string, unknown>): string[] => keys(u).filter((k) => k !== 'name' && k !== 'key');

describe('payload shapes match recorded Jira Cloud webhooks', () => {
  async function capture(
    trigger: (f: AgileFixture) => Promise<void>,
    events: string[],
    jqlFilter = 'project in (SCRUM, HELP)',
  ) {
    const c = captureFetch();
    const f = agileFixture({ outboundFetch: c.fetch });
    await f.call('POST', '/rest/api/3/webhook', {
      body: { url: 'https://app.example.com/h', webhooks: [{ events, jqlFilter }] },
    });
    await trigger(f);
    await webhookDeliveryOf(f.sim).idle();
    expect(c.requests).toHaveLength(1);
    return c.requests[0]!.body;
  }

  it('jira:issue_updated', async () => {
    const ours = await capture(
      async (f) => void (await f.call('POST', '/rest/agile/1.0/sprint/3/issue', { body: { issues: ['SCRUM-5'] } })),
      ['jira:issue_updated'],
    );
    const real = recorded('webhook-issue-updated-sprint.json');
    expect(keys(ours).filter((k) => k !== 'matchedWebhookIds')).toEqual(keys(real));
    expect(keys(ours.issue)).toEqual(keys(real.issue));
    expect(systemKeys(ours.issue.fields)).toEqual(expect.arrayContaining(systemKeys(real.issue.fields)));
    expect(keys(ours.changelog)).toEqual(keys(real.changelog));
    expect(keys(ours.changelog.items[0])).toEqual(keys(real.changelog.items[0]));
    expect(keys(ours.user)).toEqual(expect.arrayContaining(userKeys(real.user)));
    for (const f of ['status', 'priority', 'issuetype', 'project', 'reporter', 'votes', 'watches', 'progress'])
      expect(keys(ours.issue.fields[f]), f).toEqual(expect.arrayContaining(userKeys(real.issue.fields[f])));
  });

  it('jira:issue_created and jira:issue_deleted', async () => {
    const trigger = (type: 'issue_created' | 'issue_deleted') => async (f: AgileFixture) =>
      emitSiteEvent(f.site, { type, at: T0, actorId: ALICE, issue: f.issue('SCRUM-5') });
    const created = await capture(trigger('issue_created'), ['jira:issue_created']);
    const realCreated = recorded('webhook-issue-created.json');
    expect(keys(created).filter((k) => k !== 'matchedWebhookIds')).toEqual(keys(realCreated));
    expect(keys(created.changelog.items[0])).toEqual(keys(realCreated.changelog.items[0]));
    const deleted = await capture(trigger('issue_deleted'), ['jira:issue_deleted']);
    const realDeleted = recorded('webhook-issue-deleted.json');
    expect(keys(deleted).filter((k) => k !== 'matchedWebhookIds')).toEqual(keys(realDeleted));
    expect(systemKeys(deleted.issue.fields)).toEqual(expect.arrayContaining(systemKeys(realDeleted.issue.fields)));
  });

  it('comment_created', async () => {
    const ours = await capture(
      async (f) => {
        await f.call('POST', '/rest/servicedeskapi/request/HELP-1/comment', {
          body: { body: 'Hello', public: true },
          as: BOB,
        });
      },
      ['comment_created'],
    );
    const real = recorded('webhook-cloud-comment-created.json');
    expect(keys(ours).filter((k) => k !== 'matchedWebhookIds')).toEqual(keys(real));
    expect(keys(ours.comment)).toEqual(expect.arrayContaining(keys(real.comment)));
    expect(keys(ours.issue.fields)).toEqual(keys(real.issue.fields));
    expect(typeof ours.comment.body).toBe(typeof real.comment.body);
    expect(keys(ours.comment.author)).toEqual(expect.arrayContaining(userKeys(real.comment.author)));
  });
});
