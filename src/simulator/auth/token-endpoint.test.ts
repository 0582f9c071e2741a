import { describe, expect, it } from 'vitest';
import { consentCode, tokenRequest } from '../../../test/support/auth-flow.js';
import { authSimulator, CALLBACK_URL } from '../../../test/support/auth-world.js';
import type { FetchFn } from '../../../test/support/html-forms.js';
import { simAuth } from './service.js';
import { ABSOLUTE_LIFETIME_365_DAYS } from './settings.js';

const BASE = 'http://sim.invalid';
const MIN = 60_000;
const DAY = 86_400_000;

function setup(options: Parameters<typeof authSimulator>[0] = {}) {
  const t = authSimulator(options);
  const fetchFn: FetchFn = (url, init) => t.sim.fetch(new Request(url, init));
  const app = t.apps.tidemark;
  const token = (body: Record<string, unknown>) => tokenRequest(fetchFn, BASE, body);
  const code = (
    scopes: readonly string[] = ['read:jira-work', 'read:jira-user', 'offline_access'],
    email = 'demo.user@tidemark.test',
    sites = [t.acme.cloudId],
  ) => consentCode(fetchFn, { base: BASE, clientId: app.clientId, redirectUri: CALLBACK_URL, email, scopes, sites });
  const exchange = async (c: string) =>
    token({
      grant_type: 'authorization_code',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      code: c,
      redirect_uri: CALLBACK_URL,
    });
  const refresh = (refreshToken: unknown) =>
    token({
      grant_type: 'refresh_token',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      refresh_token: refreshToken,
    });
  /** Status of GET /rest/api/3/myself on acme with this access token. */
  const call = async (accessToken: unknown, cloudId = t.acme.cloudId): Promise<number> => {
    const res = await fetchFn(`${BASE}/api/ex/jira/${cloudId}/rest/api/3/myself`, {
      headers: { authorization: `Bearer ${String(accessToken)}` },
    });
    return res.status;
  };
  return { ...t, fetchFn, app, token, code, exchange, refresh, call };
}

const INVALID_REFRESH = { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' };

describe('authorization_code grant', () => {
  it('exchanges a code for tokens shaped like Atlassian’s', async () => {
    const t = setup();
    const res = await t.exchange(await t.code());
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(res.body).sort()).toEqual([
      'access_token',
      'expires_in',
      'refresh_token',
      'scope',
      'token_type',
    ]);
    expect(res.body).toMatchObject({
      expires_in: 3600,
      token_type: 'Bearer',
      scope: 'read:jira-work read:jira-user offline_access',
    });
    expect(await t.call(res.body.access_token)).toBe(200);
  });

  it('gives no refresh token without offline_access', async () => {
    const t = setup();
    const res = await t.exchange(await t.code(['read:jira-work', 'read:jira-user']));
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toBeUndefined();
  });

  it('authenticates the client', async () => {
    const t = setup();
    const c = await t.code();
    const wrongSecret = await t.token({
      grant_type: 'authorization_code',
      client_id: t.app.clientId,
      client_secret: 'wrong',
      code: c,
      redirect_uri: CALLBACK_URL,
    });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.error).toBe('invalid_client');
    const otherApp = t.apps.development;
    const other = await t.token({
      grant_type: 'authorization_code',
      client_id: otherApp.clientId,
      client_secret: otherApp.clientSecret,
      code: c,
      redirect_uri: CALLBACK_URL,
    });
    expect(other).toMatchObject({ status: 403, body: { error: 'invalid_grant' } });
    // Neither attempt used the code up.
    expect((await t.exchange(c)).status).toBe(200);
  });

  it('requires the same redirect_uri as the authorization request', async () => {
    const t = setup();
    const c = await t.code();
    const res = await t.token({
      grant_type: 'authorization_code',
      client_id: t.app.clientId,
      client_secret: t.app.clientSecret,
      code: c,
      redirect_uri: 'http://127.0.0.1:9/other',
    });
    expect(res).toMatchObject({ status: 403, body: { error: 'invalid_grant' } });
  });

  it('codes are single-use: a replay is refused and revokes what the code gave', async () => {
    const t = setup();
    const c = await t.code();
    const first = await t.exchange(c);
    expect(first.status).toBe(200);
    const replay = await t.exchange(c);
    expect(replay).toMatchObject({
      status: 403,
      body: { error: 'invalid_grant', error_description: 'Invalid authorization code' },
    });
    expect(await t.call(first.body.access_token)).toBe(401);
    expect(await t.refresh(first.body.refresh_token)).toMatchObject({ status: 403, body: INVALID_REFRESH });
  });

  it('codes live 10 minutes', async () => {
    const t = setup();
    const fresh = await t.code();
    t.clock.advance(10 * MIN - 1);
    expect((await t.exchange(fresh)).status).toBe(200);
    const stale = await t.code();
    t.clock.advance(10 * MIN);
    expect(await t.exchange(stale)).toMatchObject({ status: 403, body: { error: 'invalid_grant' } });
  });

  it('refuses a code of an account deactivated since consent', async () => {
    const t = setup();
    const c = await t.code();
    t.user.active = false;
    expect(await t.exchange(c)).toMatchObject({ status: 403, body: { error: 'invalid_grant' } });
  });
});

describe('refresh_token grant', () => {
  it('rotates: each refresh returns a new refresh token and a working access token', async () => {
    const t = setup();
    const first = await t.exchange(await t.code());
    const second = await t.refresh(first.body.refresh_token);
    expect(second.status).toBe(200);
    expect(Object.keys(second.body).sort()).toEqual([
      'access_token',
      'expires_in',
      'refresh_token',
      'scope',
      'token_type',
    ]);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    expect(second.body.access_token).not.toBe(first.body.access_token);
    expect(await t.call(second.body.access_token)).toBe(200);
    const third = await t.refresh(second.body.refresh_token);
    expect(third.status).toBe(200);
  });

  it('lets a rotated-away token be reused within the 10-minute leeway, then revokes the family', async () => {
    const t = setup();
    const first = await t.exchange(await t.code());
    const r1 = first.body.refresh_token;
    const second = await t.refresh(r1);
    t.clock.advance(10 * MIN);
    const again = await t.refresh(r1);
    expect(again.status).toBe(200);
    t.clock.advance(1);
    expect(await t.refresh(r1)).toMatchObject({ status: 403, body: INVALID_REFRESH });
    // The whole family is gone: the tokens issued in the meantime no longer refresh.
    expect(await t.refresh(second.body.refresh_token)).toMatchObject({ status: 403, body: INVALID_REFRESH });
    expect(await t.refresh(again.body.refresh_token)).toMatchObject({ status: 403, body: INVALID_REFRESH });
    // Access tokens are self-contained on Atlassian and live until they expire (default setting).
    expect(await t.call(again.body.access_token)).toBe(200);
    // A new consent starts a new family.
    const fresh = await t.exchange(await t.code());
    expect((await t.refresh(fresh.body.refresh_token)).status).toBe(200);
  });

  it('with revokeAccessTokensWithFamily, a breach also kills the family’s access tokens', async () => {
    const t = setup({ auth: { revokeAccessTokensWithFamily: true } });
    const first = await t.exchange(await t.code());
    const second = await t.refresh(first.body.refresh_token);
    t.clock.advance(11 * MIN);
    expect((await t.refresh(first.body.refresh_token)).status).toBe(403);
    expect(await t.call(second.body.access_token)).toBe(401);
  });

  it('expires a refresh token after 90 days without use; each rotation starts a new 90 days', async () => {
    const t = setup();
    const first = await t.exchange(await t.code());
    t.clock.advance(89 * DAY);
    const second = await t.refresh(first.body.refresh_token);
    expect(second.status).toBe(200);
    t.clock.advance(89 * DAY);
    const third = await t.refresh(second.body.refresh_token);
    expect(third.status).toBe(200);
    t.clock.advance(90 * DAY);
    expect(await t.refresh(third.body.refresh_token)).toMatchObject({ status: 403, body: INVALID_REFRESH });
  });

  it('applies the optional absolute lifetime (365 days from the consent); off by default', async () => {
    for (const absolute of [ABSOLUTE_LIFETIME_365_DAYS, null]) {
      const t = setup({ auth: { refreshTokenAbsoluteLifetimeSeconds: absolute } });
      let current = (await t.exchange(await t.code())).body.refresh_token;
      for (const day of [89, 178, 267, 356]) {
        t.clock.advance(89 * DAY);
        const next = await t.refresh(current);
        expect(next.status, `day ${day}`).toBe(200);
        current = next.body.refresh_token;
      }
      t.clock.advance(9 * DAY); // day 365
      const last = await t.refresh(current);
      if (absolute === null) expect(last.status).toBe(200);
      else expect(last).toMatchObject({ status: 403, body: INVALID_REFRESH });
    }
  });

  it('refuses refresh tokens of another client, unknown ones, and deactivated accounts', async () => {
    const t = setup();
    const first = await t.exchange(await t.code());
    const dev = t.apps.development;
    const other = await t.token({
      grant_type: 'refresh_token',
      client_id: dev.clientId,
      client_secret: dev.clientSecret,
      refresh_token: first.body.refresh_token,
    });
    expect(other).toMatchObject({ status: 403, body: INVALID_REFRESH });
    expect(await t.refresh('tmrt_doesnotexist')).toMatchObject({ status: 403, body: INVALID_REFRESH });
    t.user.active = false;
    expect(await t.refresh(first.body.refresh_token)).toMatchObject({ status: 403, body: INVALID_REFRESH });
    expect(await t.call(first.body.access_token)).toBe(401);
  });
});

describe('access tokens', () => {
  it('expire per expires_in (configurable)', async () => {
    const t = setup({ auth: { accessTokenTtlSeconds: 120 } });
    const res = await t.exchange(await t.code());
    expect(res.body.expires_in).toBe(120);
    t.clock.advance(119_999);
    expect(await t.call(res.body.access_token)).toBe(200);
    t.clock.advance(1);
    expect(await t.call(res.body.access_token)).toBe(401);
  });

  it('stop working when the grant is revoked', async () => {
    const t = setup();
    const res = await t.exchange(await t.code());
    expect(simAuth(t.sim).revokeGrant(t.app.clientId, t.user.accountId)).toBe(true);
    expect(await t.call(res.body.access_token)).toBe(401);
    expect(await t.refresh(res.body.refresh_token)).toMatchObject({ status: 403, body: INVALID_REFRESH });
  });

  it('reach every site of the one (app, account) grant; a new consent adds sites', async () => {
    const t = setup();
    const first = await t.exchange(await t.code(undefined, 'demo.admin@tidemark.test', [t.acme.cloudId]));
    expect(await t.call(first.body.access_token, t.globex.cloudId)).toBe(401);
    await t.exchange(await t.code(undefined, 'demo.admin@tidemark.test', [t.globex.cloudId]));
    const grant = simAuth(t.sim).grant(t.app.clientId, t.admin.accountId)!;
    expect([...grant.cloudIds].sort()).toEqual([t.acme.cloudId, t.globex.cloudId].sort());
    expect(simAuth(t.sim).tokens.stats().grants).toBe(1);
    expect(await t.call(first.body.access_token, t.globex.cloudId)).toBe(200);
  });
});

describe('client_credentials grant', () => {
  it('issues 60-minute tokens that act as the service account', async () => {
    const t = setup();
    const cred = t.apps.serviceAccounts[0]!;
    expect(cred.accountId).toBe(t.service.accountId);
    const res = await t.token({
      grant_type: 'client_credentials',
      client_id: cred.clientId,
      client_secret: cred.clientSecret,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ expires_in: 3600, token_type: 'Bearer' });
    expect(res.body.refresh_token).toBeUndefined();
    const principal = t.sim.auth.authenticate(`Bearer ${String(res.body.access_token)}`);
    expect(principal).toMatchObject({
      kind: 'service-account',
      accountId: t.service.accountId,
      clientId: cred.clientId,
    });
    expect([...principal.cloudIds].sort()).toEqual([t.acme.cloudId, t.globex.cloudId].sort());
    t.clock.advance(3600_000);
    expect(() => t.sim.auth.authenticate(`Bearer ${String(res.body.access_token)}`)).toThrow(/Unauthorized/);
  });

  it('narrows to requested scopes and refuses others', async () => {
    const t = setup();
    const cred = t.apps.serviceAccounts[0]!;
    const narrow = await t.token({
      grant_type: 'client_credentials',
      client_id: cred.clientId,
      client_secret: cred.clientSecret,
      scope: 'read:jira-work',
    });
    expect(narrow.body.scope).toBe('read:jira-work');
    const wide = await t.token({
      grant_type: 'client_credentials',
      client_id: cred.clientId,
      client_secret: cred.clientSecret,
      scope: 'read:jira-work offline_access',
    });
    expect(wide).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
  });

  it('refuses wrong secrets, deactivated service accounts and 3LO apps', async () => {
    const t = setup();
    const cred = t.apps.serviceAccounts[0]!;
    expect(
      await t.token({ grant_type: 'client_credentials', client_id: cred.clientId, client_secret: 'nope' }),
    ).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
    expect(
      await t.token({ grant_type: 'client_credentials', client_id: t.app.clientId, client_secret: t.app.clientSecret }),
    ).toMatchObject({
      status: 400,
      body: { error: 'unauthorized_client' },
    });
    expect(
      await t.token({
        grant_type: 'refresh_token',
        client_id: cred.clientId,
        client_secret: cred.clientSecret,
        refresh_token: 'x',
      }),
    ).toMatchObject({
      status: 400,
      body: { error: 'unauthorized_client' },
    });
    t.service.active = false;
    expect(
      await t.token({ grant_type: 'client_credentials', client_id: cred.clientId, client_secret: cred.clientSecret }),
    ).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
  });
});

describe('request parsing and errors', () => {
  it('answers unsupported_grant_type, invalid_request and 405 like an OAuth server', async () => {
    const t = setup();
    expect(await t.token({ grant_type: 'password', username: 'a', password: 'b' })).toMatchObject({
      status: 400,
      body: { error: 'unsupported_grant_type' },
    });
    expect(await t.token({ client_id: t.app.clientId })).toMatchObject({
      status: 400,
      body: { error: 'invalid_request' },
    });
    expect(
      await t.token({
        grant_type: 'refresh_token',
        client_id: t.app.clientId,
        client_secret: t.app.clientSecret,
        refresh_token: 42,
      }),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_request' },
    });
    const malformed = await t.fetchFn(`${BASE}/auth/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: 'invalid_request' });
    const get = await t.fetchFn(`${BASE}/auth/oauth/token`);
    expect(get.status).toBe(405);
  });

  it('accepts form-encoded bodies and HTTP Basic client authentication', async () => {
    const t = setup();
    const c = await t.code();
    const basic = Buffer.from(`${t.app.clientId}:${t.app.clientSecret}`).toString('base64');
    const res = await t.fetchFn(`${BASE}/auth/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: c, redirect_uri: CALLBACK_URL }).toString(),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveProperty('refresh_token');
  });
});

describe('secrets at rest', () => {
  it('keeps no token, code or session in clear in the server state', async () => {
    const t = setup();
    const c = await t.code();
    const tokens = await t.exchange(c);
    const rotated = await t.refresh(tokens.body.refresh_token);
    const secrets = [
      c,
      tokens.body.access_token,
      tokens.body.refresh_token,
      rotated.body.access_token,
      rotated.body.refresh_token,
    ].map(String);
    const seen = new Set<unknown>();
    const strings: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      if (!v || typeof v !== 'object' || seen.has(v) || v === t.world) return;
      seen.add(v);
      if (v instanceof Map)
        for (const [k, x] of v) {
          walk(k);
          walk(x);
        }
      else if (v instanceof Set) for (const x of v) walk(x);
      else for (const x of Object.values(v)) walk(x);
    };
    walk(simAuth(t.sim));
    expect(strings.length).toBeGreaterThan(10);
    for (const s of secrets) expect(strings.some((x) => x.includes(s))).toBe(false);
  });
});
