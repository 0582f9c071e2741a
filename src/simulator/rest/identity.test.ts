import { describe, expect, it } from 'vitest';
import { authSimulator } from '../../../test/support/auth-world.js';
import { checkResponse } from '../../../test/support/openapi.js';
import { simAuth } from '../auth/service.js';

const BASE = 'http://sim.invalid';

function setup() {
  const t = authSimulator();
  const auth = simAuth(t.sim);
  const call = async (token: string, cloudId: string, path: string) => {
    const res = await t.sim.fetch(
      new Request(`${BASE}/api/ex/jira/${cloudId}${path}`, { headers: { authorization: `Bearer ${token}` } }),
    );
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };
  return { ...t, auth, call };
}

describe('GET /rest/api/3/myself', () => {
  it('returns the acting user as a spec-valid User, groups and roles sized but not expanded', async () => {
    const t = setup();
    const token = t.auth.issueTokens({
      clientId: t.apps.tidemark.clientId,
      email: 'demo.user@tidemark.test',
    }).access_token;
    const res = await t.call(token, t.acme.cloudId, '/rest/api/3/myself');
    expect(res.status).toBe(200);
    expect(checkResponse('GET', '/rest/api/3/myself', 200, res.body)).toEqual({ ok: true, errors: [] });
    expect(res.headers.get('x-aaccountid')).toBe(t.user.accountId);
    expect(res.body).toMatchObject({
      accountId: t.user.accountId,
      accountType: 'atlassian',
      displayName: 'Bob User',
      emailAddress: 'demo.user@tidemark.test',
      active: true,
      timeZone: 'Europe/Paris',
      locale: 'en_US',
      groups: { size: 1, items: [] },
      applicationRoles: { size: 2, items: [] },
      expand: 'groups,applicationRoles',
    });
    expect(res.body.self).toBe(
      `${BASE}/api/ex/jira/${t.acme.cloudId}/rest/api/3/user?accountId=${encodeURIComponent(t.user.accountId)}`,
    );
  });

  it('expands groups and applicationRoles', async () => {
    const t = setup();
    const token = t.auth.issueTokens({
      clientId: t.apps.tidemark.clientId,
      email: 'demo.admin@tidemark.test',
    }).access_token;
    const res = await t.call(token, t.acme.cloudId, '/rest/api/3/myself?expand=groups,applicationRoles');
    expect(checkResponse('GET', '/rest/api/3/myself', 200, res.body)).toEqual({ ok: true, errors: [] });
    const groups = res.body.groups as { size: number; items: Array<{ name: string; groupId: string }> };
    expect(groups.items.map((g) => g.name)).toEqual(['jira-admins', 'jira-users']);
    expect(groups.size).toBe(2);
    const roles = res.body.applicationRoles as { items: Array<{ key: string }> };
    expect(roles.items.map((r) => r.key)).toEqual(['jira-software', 'jira-servicedesk']);
  });

  it('acts as the service account for client-credentials tokens', async () => {
    const t = setup();
    const cred = t.apps.serviceAccounts[0]!;
    const token = t.auth.tokens.clientCredentials({
      clientId: cred.clientId,
      clientSecret: cred.clientSecret,
    }).access_token;
    const res = await t.call(token, t.globex.cloudId, '/rest/api/3/myself');
    expect(res.status).toBe(200);
    expect(checkResponse('GET', '/rest/api/3/myself', 200, res.body).ok).toBe(true);
    expect(res.body).toMatchObject({ accountId: t.service.accountId, accountType: 'app' });
    expect(res.body.emailAddress).toBeUndefined();
  });

  it('needs read:jira-user (or the granular alternative): otherwise 401 scope does not match', async () => {
    const t = setup();
    const token = t.auth.issueTokens({
      clientId: t.apps.tidemark.clientId,
      email: 'demo.user@tidemark.test',
      scopes: ['read:jira-work'],
    }).access_token;
    const res = await t.call(token, t.acme.cloudId, '/rest/api/3/myself');
    expect(res).toMatchObject({ status: 401, body: { code: 401, message: 'Unauthorized; scope does not match' } });
    expect(checkResponse('GET', '/rest/api/3/myself', 401, res.body).ok).toBe(true);
  });
});

describe('GET /rest/api/3/serverInfo', () => {
  it('is spec-valid and open to any token of the site, whatever its scopes', async () => {
    const t = setup();
    t.clock.set(Date.UTC(2026, 10, 24, 12, 0, 0));
    const token = t.auth.issueTokens({
      clientId: t.apps.tidemark.clientId,
      email: 'demo.user@tidemark.test',
      scopes: ['read:me'],
    }).access_token;
    const res = await t.call(token, t.acme.cloudId, '/rest/api/3/serverInfo');
    expect(res.status).toBe(200);
    expect(checkResponse('GET', '/rest/api/3/serverInfo', 200, res.body)).toEqual({ ok: true, errors: [] });
    expect(res.body).toMatchObject({
      baseUrl: t.acme.url,
      deploymentType: 'Cloud',
      serverTime: '2026-11-24T12:00:00.000+0000',
      serverTimeZone: 'UTC',
    });
  });

  it('is refused on a site outside the grant', async () => {
    const t = setup();
    const token = t.auth.issueTokens({
      clientId: t.apps.tidemark.clientId,
      email: 'demo.admin@tidemark.test',
      cloudIds: [t.acme.cloudId],
    }).access_token;
    expect(await t.call(token, t.globex.cloudId, '/rest/api/3/serverInfo')).toMatchObject({
      status: 401,
      body: { code: 401, message: 'Unauthorized' },
    });
  });
});
