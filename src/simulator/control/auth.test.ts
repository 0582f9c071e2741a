import { describe, expect, it } from 'vitest';
import { authSimulator } from '../../../test/support/auth-world.js';

const BASE = 'http://sim.invalid';

function setup(control = true) {
  const t = authSimulator({ control });
  const call = async (method: string, path: string, body?: unknown) => {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json' };
    }
    const res = await t.sim.fetch(new Request(`${BASE}/__sim${path}`, init));
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { ...t, call };
}

describe('auth control API', () => {
  it('is absent unless control is enabled', async () => {
    const t = setup(false);
    const res = await t.sim.fetch(new Request(`${BASE}/__sim/apps`));
    expect(res.status).toBe(404);
  });

  it('lists apps and service-account credentials with their (simulated) secrets', async () => {
    const t = setup();
    const res = await t.call('GET', '/apps');
    expect(res.status).toBe(200);
    const apps = res.body.apps as Array<Record<string, unknown>>;
    expect(apps.map((a) => [a.name, a.distributed])).toEqual([
      ['Tidemark', true],
      ['Tidemark (development)', false],
    ]);
    expect(apps[0]).toMatchObject({
      clientId: t.apps.tidemark.clientId,
      clientSecret: t.apps.tidemark.clientSecret,
      ownerAccountId: t.admin.accountId,
    });
    expect(res.body.serviceAccounts).toEqual([
      expect.objectContaining({
        accountId: t.service.accountId,
        clientSecret: t.apps.serviceAccounts[0]!.clientSecret,
      }),
    ]);
  });

  it('registers and updates apps; the new callback URL is the only one accepted', async () => {
    const t = setup();
    const created = await t.call('POST', '/apps', {
      name: 'Partner',
      callbackUrl: 'https://partner.example/cb',
      ownerEmail: 'demo.user@tidemark.test',
      scopes: ['read:jira-work', 'offline_access'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Partner', distributed: false, ownerAccountId: t.user.accountId });
    expect(String(created.body.clientSecret).length).toBeGreaterThanOrEqual(32);
    const clientId = String(created.body.clientId);
    const updated = await t.call('PUT', `/apps/${clientId}`, {
      callbackUrl: 'http://127.0.0.1:5555/cb',
      distributed: true,
    });
    expect(updated).toMatchObject({
      status: 200,
      body: { callbackUrl: 'http://127.0.0.1:5555/cb', distributed: true },
    });
    const q = (redirect: string) =>
      `${BASE}/auth/authorize?${new URLSearchParams({ audience: 'api.atlassian.com', client_id: clientId, scope: 'read:jira-work', redirect_uri: redirect, state: 's', response_type: 'code' })}`;
    expect((await t.sim.fetch(new Request(q('https://partner.example/cb')))).status).toBe(400);
    expect((await t.sim.fetch(new Request(q('http://127.0.0.1:5555/cb')))).status).toBe(200);
    expect(await t.call('PUT', '/apps/unknown-client-id', { distributed: true })).toMatchObject({ status: 404 });
  });

  it('refuses bad registrations with 400 and a message', async () => {
    const t = setup();
    expect(
      await t.call('POST', '/apps', { name: 'X', callbackUrl: 'not a url', ownerEmail: 'demo.user@tidemark.test' }),
    ).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/callbackUrl/) },
    });
    expect(
      await t.call('POST', '/apps', { name: 'X', callbackUrl: 'https://x.example/cb', ownerEmail: 'nobody@x' }),
    ).toMatchObject({ status: 400 });
    expect(
      await t.call('POST', '/apps', {
        name: 'X',
        callbackUrl: 'https://x.example/cb',
        ownerEmail: 'demo.user@tidemark.test',
        scopes: ['read:all'],
      }),
    ).toMatchObject({ status: 400, body: { error: expect.stringMatching(/unknown scopes: read:all/) } });
    expect(await t.call('POST', '/service-accounts', { email: 'demo.user@tidemark.test' })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/type app/) },
    });
  });

  it('creates service-account credentials that work at the token endpoint', async () => {
    const t = setup();
    const created = await t.call('POST', '/service-accounts', {
      accountId: t.service.accountId,
      scopes: ['read:jira-work'],
      cloudIds: [t.acme.cloudId],
    });
    expect(created.status).toBe(201);
    const res = await t.sim.fetch(
      new Request(`${BASE}/auth/oauth/token`, {
        method: 'POST',
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: created.body.clientId,
          client_secret: created.body.clientSecret,
        }),
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ scope: 'read:jira-work' });
  });

  it('mints 3LO tokens, shows and revokes grants', async () => {
    const t = setup();
    const minted = await t.call('POST', '/auth/tokens', {
      clientId: t.apps.tidemark.clientId,
      email: 'demo.admin@tidemark.test',
      cloudIds: [t.globex.cloudId],
    });
    expect(minted.status).toBe(200);
    const token = String(minted.body.access_token);
    const me = await t.sim.fetch(new Request(`${BASE}/api/me`, { headers: { authorization: `Bearer ${token}` } }));
    expect(me.status).toBe(200);
    const grant = await t.call(
      'GET',
      `/auth/grants?clientId=${t.apps.tidemark.clientId}&accountId=${encodeURIComponent(t.admin.accountId)}`,
    );
    expect(grant).toMatchObject({ status: 200, body: { cloudIds: [t.globex.cloudId] } });
    expect(
      await t.call('POST', '/auth/grants/revoke', { clientId: t.apps.tidemark.clientId, accountId: t.admin.accountId }),
    ).toMatchObject({
      status: 200,
    });
    const after = await t.sim.fetch(new Request(`${BASE}/api/me`, { headers: { authorization: `Bearer ${token}` } }));
    expect(after.status).toBe(401);
    expect(
      await t.call('POST', '/auth/tokens', { clientId: t.apps.development.clientId, email: 'demo.user@tidemark.test' }),
    ).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/not shared/) },
    });
  });

  it('reads and changes settings, refusing bad values', async () => {
    const t = setup();
    expect(await t.call('GET', '/auth/settings')).toMatchObject({
      status: 200,
      body: { accessTokenTtlSeconds: 3600, refreshReuseLeewaySeconds: 600 },
    });
    expect(await t.call('PUT', '/auth/settings', { accessTokenTtlSeconds: 60 })).toMatchObject({
      status: 200,
      body: { accessTokenTtlSeconds: 60 },
    });
    expect(await t.call('PUT', '/auth/settings', { accessTokenTtlSeconds: -1 })).toMatchObject({ status: 400 });
    expect(await t.call('PUT', '/auth/settings', { bogus: 1 })).toMatchObject({
      status: 400,
      body: { error: 'unknown auth setting bogus' },
    });
    const minted = await t.call('POST', '/auth/tokens', {
      clientId: t.apps.tidemark.clientId,
      email: 'demo.user@tidemark.test',
    });
    expect(minted.body.expires_in).toBe(60);
  });
});
