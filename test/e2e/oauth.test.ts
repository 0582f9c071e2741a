/**
 * End to end over real HTTP (issue 2, acceptance 4): the simulator listens on loopback, and this
 * test is the browser and the app — it parses and submits the login and consent forms, follows
 * the redirect to the callback by hand, and uses the tokens against the API gateway. Time moves
 * only through the FakeClock the simulator shares.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFetch, type ServedHandle } from '../../src/cli/http-adapter.js';
import { FakeClock } from '../../src/core/index.js';
import { simulatorParts } from '../../src/simulator/create.js';
import { JiraSimulator } from '../../src/simulator/simulator.js';
import { buildAuthWorld, type AuthWorld } from '../support/auth-world.js';
import { authorizeUrl, tokenRequest } from '../support/auth-flow.js';
import { findForm, location, TestBrowser } from '../support/html-forms.js';
import { checkResponse } from '../support/openapi.js';

const CALLBACK = 'http://127.0.0.1:9/oauth/callback';
const MIN = 60_000;

let served: ServedHandle;
let base: string;
let clock: FakeClock;
let w: AuthWorld;

beforeAll(async () => {
  clock = new FakeClock();
  w = buildAuthWorld({ callbackUrl: CALLBACK });
  const sim = new JiraSimulator({ clock, world: w.world, control: true, parts: simulatorParts() });
  served = await serveFetch(sim.fetch, { host: '127.0.0.1', port: 0 });
  sim.setBaseUrl(served.url);
  base = served.url;
});

afterAll(async () => {
  await served?.close();
});

const httpFetch = (url: string, init?: RequestInit): Promise<Response> => fetch(url, { ...init, redirect: 'manual' });

async function api(token: unknown, path: string): Promise<{ status: number; body: unknown }> {
  const res = await httpFetch(`${base}/api${path}`, { headers: { authorization: `Bearer ${String(token)}` } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function token(body: Record<string, unknown>) {
  return tokenRequest(httpFetch, base, body);
}

/** A full browser round: authorize → login → consent (ticking `sites`) → code from the callback. */
async function consent(browser: TestBrowser, scopes: string[], sites: string[], state: string): Promise<string> {
  const url = authorizeUrl(base, w.apps.tidemark.clientId, CALLBACK, scopes, state);
  let page = await browser.get(url);
  let html = await page.text();
  if (html.includes('id="login-form"')) {
    expect(html).toContain('Tidemark Jira Cloud simulator');
    const res = await browser.submit(url, findForm(html, 'login-form'), {
      fill: { email: 'demo.admin@tidemark.test' },
    });
    expect(res.status).toBe(303);
    page = await browser.get(location(res, url));
    html = await page.text();
  }
  expect(page.status).toBe(200);
  const form = findForm(html, 'consent-form');
  const offered = form.fields.filter((f) => f.name === 'site' && !f.disabled).map((f) => f.value);
  for (const s of sites) expect(offered).toContain(s);
  const res = await browser.submit(url, form, { button: 'approve', check: sites });
  expect(res.status).toBe(302);
  const cb = new URL(location(res, url));
  expect(`${cb.origin}${cb.pathname}`).toBe(CALLBACK);
  expect(cb.searchParams.get('state')).toBe(state);
  return cb.searchParams.get('code')!;
}

describe('OAuth 2.0 (3LO) over HTTP', () => {
  it('consent → code → tokens → API → rotation → leeway → family revocation → expiry → scopes → sites', async () => {
    const { acme, globex, admin } = w;
    const app = w.apps.tidemark;
    const browser = new TestBrowser(httpFetch);

    // Consent page: the admin belongs to two sites and grants only acme (resource-level grant).
    const scopes = ['read:jira-work', 'read:jira-user', 'read:me', 'offline_access'];
    const code = await consent(browser, scopes, [acme.cloudId], 'xyz-1');

    // Code → tokens.
    const exchange = {
      grant_type: 'authorization_code',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      code,
      redirect_uri: CALLBACK,
    };
    const first = await token(exchange);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: scopes.join(' ') });
    expect(typeof first.body.refresh_token).toBe('string');

    // API call through the gateway, validated against the spec.
    const myself = await api(first.body.access_token, `/ex/jira/${acme.cloudId}/rest/api/3/myself`);
    expect(myself.status).toBe(200);
    expect(checkResponse('GET', '/rest/api/3/myself', 200, myself.body)).toEqual({ ok: true, errors: [] });
    expect(myself.body).toMatchObject({ accountId: admin.accountId, displayName: 'Ada Admin' });

    // accessible-resources lists only the granted site; the other site is refused.
    const resources = await api(first.body.access_token, '/oauth/token/accessible-resources');
    expect(resources.status).toBe(200);
    expect((resources.body as Array<{ id: string; name: string }>).map((r) => [r.id, r.name])).toEqual([
      [acme.cloudId, 'acme'],
    ]);
    const other = await api(first.body.access_token, `/ex/jira/${globex.cloudId}/rest/api/3/myself`);
    expect(other).toEqual({ status: 401, body: { code: 401, message: 'Unauthorized' } });

    // Refresh rotation.
    const refresh = (rt: unknown) =>
      token({
        grant_type: 'refresh_token',
        client_id: app.clientId,
        client_secret: app.clientSecret,
        refresh_token: rt,
      });
    const r1 = first.body.refresh_token;
    const second = await refresh(r1);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(r1);
    expect((await api(second.body.access_token, `/ex/jira/${acme.cloudId}/rest/api/3/myself`)).status).toBe(200);

    // Reuse of the rotated-away token inside the 10-minute leeway works.
    clock.advance(9 * MIN);
    const third = await refresh(r1);
    expect(third.status).toBe(200);
    expect(third.body.refresh_token).not.toBe(second.body.refresh_token);

    // After the leeway: 403 invalid_grant, and the whole family is revoked.
    clock.advance(2 * MIN);
    const breach = await refresh(r1);
    expect(breach.status).toBe(403);
    expect(breach.body).toEqual({ error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });
    expect((await refresh(third.body.refresh_token)).status).toBe(403);
    expect((await refresh(second.body.refresh_token)).status).toBe(403);

    // An access token stops working when expires_in has passed.
    const latest = third.body.access_token;
    expect((await api(latest, `/ex/jira/${acme.cloudId}/rest/api/3/myself`)).status).toBe(200);
    clock.advance(3600 * 1000);
    expect(await api(latest, `/ex/jira/${acme.cloudId}/rest/api/3/myself`)).toEqual({
      status: 401,
      body: { code: 401, message: 'Unauthorized' },
    });

    // A new consent without read:jira-user: the session is still there, so no login this time.
    const narrowCode = await consent(browser, ['read:jira-work', 'read:me'], [], 'xyz-2');
    const narrow = await token({ ...exchange, code: narrowCode });
    expect(narrow.status).toBe(200);
    expect(narrow.body.refresh_token).toBeUndefined();
    const refused = await api(narrow.body.access_token, `/ex/jira/${acme.cloudId}/rest/api/3/myself`);
    expect(refused).toEqual({ status: 401, body: { code: 401, message: 'Unauthorized; scope does not match' } });
    expect(checkResponse('GET', '/rest/api/3/myself', 401, refused.body).ok).toBe(true);
    expect((await api(narrow.body.access_token, '/me')).status).toBe(200);
    const stillOne = await api(narrow.body.access_token, '/oauth/token/accessible-resources');
    expect((stillOne.body as Array<{ id: string }>).map((r) => r.id)).toEqual([acme.cloudId]);

    // Codes are single-use: a replay is refused and revokes what the code was exchanged for.
    expect(await token({ ...exchange, code: narrowCode })).toMatchObject({
      status: 403,
      body: { error: 'invalid_grant' },
    });
    expect((await api(narrow.body.access_token, '/me')).status).toBe(401);
  });

  it('client credentials work for a service account', async () => {
    const cred = w.apps.serviceAccounts[0]!;
    const res = await token({
      grant_type: 'client_credentials',
      client_id: cred.clientId,
      client_secret: cred.clientSecret,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(res.body.refresh_token).toBeUndefined();
    const myself = await api(res.body.access_token, `/ex/jira/${w.globex.cloudId}/rest/api/3/myself`);
    expect(myself.status).toBe(200);
    expect(myself.body).toMatchObject({ accountId: w.service.accountId, accountType: 'app' });
    const resources = await api(res.body.access_token, '/oauth/token/accessible-resources');
    expect((resources.body as Array<{ id: string }>).map((r) => r.id).sort()).toEqual(
      [w.acme.cloudId, w.globex.cloudId].sort(),
    );
    const wrong = await token({ grant_type: 'client_credentials', client_id: cred.clientId, client_secret: 'wrong' });
    expect(wrong).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('the control API lists the demo app and its secret', async () => {
    const res = await httpFetch(`${base}/__sim/apps`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { apps: Array<{ name: string; clientId: string; clientSecret: string }> };
    expect(body.apps.find((a) => a.name === 'Tidemark')).toMatchObject({
      clientId: w.apps.tidemark.clientId,
      clientSecret: w.apps.tidemark.clientSecret,
    });
  });
});
