import { describe, expect, it } from 'vitest';
import { authSimulator } from '../../../test/support/auth-world.js';
import { simAuth } from './service.js';

const BASE = 'http://sim.invalid';

function setup() {
  const t = authSimulator();
  const auth = simAuth(t.sim);
  const get = async (path: string, token?: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    const res = await t.sim.fetch(new Request(`${BASE}/api${path}`, { ...init, headers }));
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const userToken = (scopes?: string[], cloudIds?: string[], email = 'demo.user@tidemark.test') => {
    const input: Parameters<typeof auth.issueTokens>[0] = { clientId: t.apps.tidemark.clientId, email };
    if (scopes) input.scopes = scopes;
    if (cloudIds) input.cloudIds = cloudIds;
    return auth.issueTokens(input).access_token;
  };
  const report = (token: string, accounts: unknown) =>
    get('/app/report-accounts/', token, {
      method: 'POST',
      body: JSON.stringify({ accounts }),
      headers: { 'content-type': 'application/json' },
    });
  return { ...t, auth, get, userToken, report };
}

describe('authentication at the API host', () => {
  it('answers 401 {"code":401,"message":"Unauthorized"} without a usable bearer token', async () => {
    const t = setup();
    for (const header of [undefined, 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer tmat_unknowntoken1234']) {
      const res = await t.sim.fetch(
        new Request(
          `${BASE}/api/oauth/token/accessible-resources`,
          header ? { headers: { authorization: header } } : {},
        ),
      );
      expect(res.status, String(header)).toBe(401);
      expect(await res.json()).toEqual({ code: 401, message: 'Unauthorized' });
    }
  });

  it('refuses tokens of accounts deactivated after issue', async () => {
    const t = setup();
    const token = t.userToken();
    expect((await t.get('/me', token)).status).toBe(200);
    t.user.active = false;
    expect(await t.get('/me', token)).toMatchObject({ status: 401, body: { code: 401, message: 'Unauthorized' } });
  });

  it('404s unknown paths and 405s wrong methods', async () => {
    const t = setup();
    const token = t.userToken();
    expect(await t.get('/nope', token)).toMatchObject({ status: 404, body: { code: 404 } });
    const res = await t.get('/me', token, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });
});

describe('GET /oauth/token/accessible-resources', () => {
  it('lists only the sites of the grant, with the token’s site scopes', async () => {
    const t = setup();
    const token = t.userToken(
      ['read:jira-work', 'offline_access', 'read:me'],
      [t.globex.cloudId],
      'demo.admin@tidemark.test',
    );
    const res = await t.get('/oauth/token/accessible-resources', token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      {
        id: t.globex.cloudId,
        name: 'globex',
        url: t.globex.url,
        scopes: ['read:jira-work'],
        avatarUrl: expect.stringMatching(/^http:\/\/sim\.invalid\/.+\.png$/),
      },
    ]);
  });

  it('lists a service account credential’s sites', async () => {
    const t = setup();
    const cred = t.apps.serviceAccounts[0]!;
    const token = t.auth.tokens.clientCredentials({
      clientId: cred.clientId,
      clientSecret: cred.clientSecret,
    }).access_token;
    const res = await t.get('/oauth/token/accessible-resources', token);
    expect((res.body as Array<{ id: string }>).map((r) => r.id).sort()).toEqual(
      [t.acme.cloudId, t.globex.cloudId].sort(),
    );
  });
});

describe('GET /me', () => {
  it('returns the profile of the acting account with read:me', async () => {
    const t = setup();
    t.user.profileUpdatedAt = Date.UTC(2026, 0, 2);
    const res = await t.get('/me', t.userToken(['read:me']));
    expect(res).toMatchObject({ status: 200 });
    expect(res.body).toEqual({
      account_type: 'atlassian',
      account_id: t.user.accountId,
      email: 'demo.user@tidemark.test',
      email_verified: true,
      name: 'Bob User',
      picture: expect.stringContaining(encodeURIComponent(t.user.accountId)),
      account_status: 'active',
      nickname: 'Bob User',
      zoneinfo: 'Europe/Paris',
      locale: 'en-US',
      extended_profile: {},
      last_updated: '2026-01-02T00:00:00.000Z',
    });
  });

  it('refuses a token without read:me', async () => {
    const t = setup();
    expect(await t.get('/me', t.userToken(['read:jira-work']))).toEqual(
      expect.objectContaining({ status: 401, body: { code: 401, message: 'Unauthorized; scope does not match' } }),
    );
  });
});

describe('POST /app/report-accounts/', () => {
  const OLD = '2026-01-01T00:00:00.000Z';

  it('reports closed (deleted or deactivated) and updated accounts, with Cycle-Period', async () => {
    const t = setup();
    t.admin.profileUpdatedAt = Date.UTC(2026, 1, 1);
    t.user.profileUpdatedAt = Date.UTC(2025, 11, 1);
    const res = await t.report(t.userToken(['report:personal-data']), [
      { accountId: t.admin.accountId, updatedAt: OLD },
      { accountId: t.user.accountId, updatedAt: OLD },
      { accountId: t.inactive.accountId, updatedAt: OLD },
      { accountId: '557058:deleted-account', updatedAt: '2026-01-01T00:00:00.000+0000' },
    ]);
    expect(res.status).toBe(200);
    expect(res.headers.get('cycle-period')).toBe('604800');
    expect(res.body).toEqual({
      accounts: [
        { accountId: t.admin.accountId, status: 'updated' },
        { accountId: t.inactive.accountId, status: 'closed' },
        { accountId: '557058:deleted-account', status: 'closed' },
      ],
    });
  });

  it('answers 204 with Cycle-Period when there is nothing to do', async () => {
    const t = setup();
    const res = await t.report(t.userToken(['report:personal-data']), [
      { accountId: t.user.accountId, updatedAt: OLD },
    ]);
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect(res.headers.get('cycle-period')).toBe('604800');
  });

  it('accepts 90 accounts and refuses 91 or malformed entries with 400', async () => {
    const t = setup();
    const token = t.userToken(['report:personal-data']);
    const many = (n: number) => Array.from({ length: n }, () => ({ accountId: t.user.accountId, updatedAt: OLD }));
    expect((await t.report(token, many(90))).status).toBe(204);
    expect(await t.report(token, many(91))).toMatchObject({ status: 400, body: { code: 400 } });
    expect(await t.report(token, [{ accountId: t.user.accountId, updatedAt: 'yesterday' }])).toMatchObject({
      status: 400,
    });
    expect(await t.report(token, [{ updatedAt: OLD }])).toMatchObject({ status: 400 });
    expect(await t.report(token, 'nope')).toMatchObject({ status: 400 });
  });

  it('requires report:personal-data', async () => {
    const t = setup();
    expect(await t.report(t.userToken(['read:me']), [])).toMatchObject({
      status: 401,
      body: { code: 401, message: 'Unauthorized; scope does not match' },
    });
  });
});

describe('issueTokens (in-process shortcut)', () => {
  it('follows the consent rules', () => {
    const t = setup();
    const dev = t.apps.development.clientId;
    expect(() => t.auth.issueTokens({ clientId: dev, email: 'demo.user@tidemark.test' })).toThrow(/not shared/);
    expect(t.auth.issueTokens({ clientId: dev, email: 'demo.admin@tidemark.test' }).access_token).toMatch(/^tmat_/);
    const app = t.apps.tidemark.clientId;
    expect(() =>
      t.auth.issueTokens({ clientId: app, email: 'demo.user@tidemark.test', cloudIds: [t.globex.cloudId] }),
    ).toThrow(/not a member/);
    expect(() => t.auth.issueTokens({ clientId: app, email: 'gone@tidemark.test' })).toThrow(/deactivated/);
    expect(() =>
      t.auth.issueTokens({ clientId: app, email: 'demo.user@tidemark.test', scopes: ['manage:jira-data-provider'] }),
    ).toThrow(/not configured/);
    const full = t.auth.issueTokens({ clientId: app, email: 'demo.user@tidemark.test' });
    expect(full.scope.split(' ').sort()).toEqual([...t.apps.tidemark.scopes].sort());
    expect(full.refresh_token).toMatch(/^tmrt_/);
  });
});
