import { describe, expect, it } from 'vitest';
import { authSimulator, CALLBACK_URL } from '../../../test/support/auth-world.js';
import { findForm, location, parseForms, TestBrowser } from '../../../test/support/html-forms.js';
import { registerApp } from './apps.js';
import { SESSION_COOKIE } from './authorize.js';
import { simAuth } from './service.js';

const BASE = 'http://sim.invalid';

function setup(options: Parameters<typeof authSimulator>[0] = {}) {
  const t = authSimulator(options);
  const browser = new TestBrowser((url, init) => t.sim.fetch(new Request(url, init)));
  const authorizeUrl = (overrides: Record<string, string | null> = {}): string => {
    const params: Record<string, string | null> = {
      audience: 'api.atlassian.com',
      client_id: t.apps.tidemark.clientId,
      scope: 'read:jira-work read:jira-user offline_access',
      redirect_uri: CALLBACK_URL,
      state: 'st-123',
      response_type: 'code',
      prompt: 'consent',
      ...overrides,
    };
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== null) q.set(k, v);
    return `${BASE}/auth/authorize?${q}`;
  };
  /** Logs in through the login form; returns the consent page's HTML. */
  const login = async (email: string, url = authorizeUrl()): Promise<{ res: Response; html: string; url: string }> => {
    const page = await browser.get(url);
    expect(page.status).toBe(200);
    const res = await browser.submit(url, findForm(await page.text(), 'login-form'), { fill: { email } });
    expect(res.status).toBe(303);
    const next = location(res, url);
    const consent = await browser.get(next);
    return { res: consent, html: await consent.text(), url: next };
  };
  return { ...t, browser, authorizeUrl, login };
}

describe('GET /authorize validation', () => {
  const cases: Array<[string, Record<string, string | null>, RegExp]> = [
    ['unknown client_id', { client_id: 'nope-nope-nope' }, /invalid_client/],
    ['missing client_id', { client_id: null }, /invalid_client/],
    ['redirect_uri other than the callback', { redirect_uri: 'https://evil.example/cb' }, /invalid_redirect_uri/],
    ['missing state', { state: null }, /state parameter/],
    ['implicit flow', { response_type: 'token' }, /unsupported_response_type/],
    ['wrong audience', { audience: 'example.com' }, /audience/],
    ['no scope', { scope: '' }, /invalid_scope/],
    [
      'scope the app is not configured for',
      { scope: 'read:jira-work delete:board-scope.admin:jira-software' },
      /not configured for the scope delete:board-scope.admin:jira-software/,
    ],
    ['unknown scope', { scope: 'read:everything' }, /Unknown scope/],
  ];
  for (const [name, overrides, message] of cases) {
    it(`renders an error page and never redirects: ${name}`, async () => {
      const { browser, authorizeUrl } = setup();
      const res = await browser.get(authorizeUrl(overrides));
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const html = await res.text();
      expect(html).toMatch(message);
      expect(html).not.toContain('evil.example/cb?');
    });
  }

  it('refuses a repeated parameter', async () => {
    const { browser, authorizeUrl } = setup();
    const res = await browser.get(`${authorizeUrl()}&state=second`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/state appears more than once/);
  });

  it('escapes the app name and scopes in every page', async () => {
    const t = setup();
    const evil = registerApp(t.world, {
      name: '<script>alert("x")</script> & Co',
      callbackUrl: CALLBACK_URL,
      ownerAccountId: t.admin.accountId,
      distributed: true,
      scopes: ['read:jira-work'],
    });
    const url = t.authorizeUrl({ client_id: evil.clientId, scope: 'read:jira-work' });
    const loginPage = await (await t.browser.get(url)).text();
    expect(loginPage).not.toContain('<script>');
    expect(loginPage).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; Co');
    const { html } = await t.login('demo.user@tidemark.test', url);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
    const err = await (
      await t.browser.get(t.authorizeUrl({ client_id: evil.clientId, scope: 'write:jira-work' }))
    ).text();
    expect(err).not.toContain('<script>');
    expect(err).toContain('&#60;script&#62;');
  });
});

describe('simulated login', () => {
  it('shows a login page that says it is a simulator and sets a login cookie', async () => {
    const { browser, authorizeUrl } = setup();
    const res = await browser.get(authorizeUrl());
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('Tidemark Jira Cloud simulator');
    expect(html).toMatch(/no passwords/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const form = findForm(html, 'login-form');
    expect(form.fields.map((f) => f.name).sort()).toEqual(['email', 'login_id']);
    expect(browser.cookies.has('tmsim_login')).toBe(true);
  });

  it('refuses a login form posted without the login cookie (CSRF)', async () => {
    const { browser, authorizeUrl, sim } = setup();
    const url = authorizeUrl();
    const form = findForm(await (await browser.get(url)).text(), 'login-form');
    const stranger = new TestBrowser((u, init) => sim.fetch(new Request(u, init)));
    const res = await stranger.submit(url, form, { fill: { email: 'demo.user@tidemark.test' } });
    expect(res.status).toBe(403);
    expect(stranger.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it('re-renders the login page for unknown and deactivated accounts', async () => {
    const { browser, authorizeUrl } = setup();
    const url = authorizeUrl();
    let html = await (await browser.get(url)).text();
    let res = await browser.submit(url, findForm(html, 'login-form'), { fill: { email: 'who@nowhere.test' } });
    expect(res.status).toBe(400);
    html = await res.text();
    expect(html).toMatch(/No simulated account uses this e-mail/);
    res = await browser.submit(url, findForm(html, 'login-form'), { fill: { email: 'gone@tidemark.test' } });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/deactivated/);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it('logs in by e-mail (case-insensitive) and comes back to the consent page', async () => {
    const { login, browser } = setup();
    const { res, html } = await login('Demo.User@Tidemark.test');
    expect(res.status).toBe(200);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(true);
    expect(browser.cookies.has('tmsim_login')).toBe(false);
    expect(html).toContain('Bob User');
  });

  it('"use another account" logs out and shows the login page again', async () => {
    const { login, browser } = setup();
    const { html, url } = await login('demo.user@tidemark.test');
    const res = await browser.submit(url, findForm(html, 'logout-form'));
    expect(res.status).toBe(303);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    const again = await (await browser.get(location(res, url))).text();
    expect(parseForms(again).map((f) => f.id)).toEqual(['login-form']);
  });
});

describe('consent page', () => {
  it("lists the app, each scope with its spec description, and only the user's sites", async () => {
    const { login, acme, globex } = setup();
    const { html } = await login('demo.user@tidemark.test');
    expect(html).toContain('Tidemark is requesting access');
    expect(html).toContain('Read project and issue data.');
    expect(html).toContain('<code>read:jira-work</code>');
    expect(html).toContain('View user information in Jira that you have access to');
    expect(html).toContain('<code>offline_access</code>');
    const form = findForm(html, 'consent-form');
    const sites = form.fields.filter((f) => f.name === 'site').map((f) => f.value);
    expect(sites).toEqual([acme.cloudId]);
    expect(html).not.toContain(globex.cloudId);
    expect(form.buttons.map((b) => b.value)).toEqual(['approve', 'deny']);
  });

  it('lists every site of an admin, and marks those already granted', async () => {
    const t = setup();
    const { url, ...first } = await t.login('demo.admin@tidemark.test');
    let html = first.html;
    let form = findForm(html, 'consent-form');
    expect(form.fields.filter((f) => f.name === 'site').map((f) => f.value)).toEqual([
      t.acme.cloudId,
      t.globex.cloudId,
    ]);
    const res = await t.browser.submit(url, form, { button: 'approve', check: [t.acme.cloudId] });
    expect(res.status).toBe(302);
    html = await (await t.browser.get(url)).text();
    form = findForm(html, 'consent-form');
    const acme = form.fields.find((f) => f.value === t.acme.cloudId)!;
    expect(acme.checked && acme.disabled).toBe(true);
    expect(html).toContain('already shared with this app');
  });

  it('shows an unshared app only to its owner', async () => {
    const t = setup();
    const url = t.authorizeUrl({ client_id: t.apps.development.clientId });
    const { res, html } = await t.login('demo.user@tidemark.test', url);
    expect(res.status).toBe(403);
    expect(html).toMatch(/has not been shared/);
    expect(parseForms(html)).toEqual([]);
    const owner = setup();
    const own = await owner.login(
      'demo.admin@tidemark.test',
      owner.authorizeUrl({ client_id: owner.apps.development.clientId }),
    );
    expect(own.res.status).toBe(200);
    expect(own.html).toContain('Tidemark (development) is requesting access');
  });

  it('tells an account without sites that there is nothing to share', async () => {
    const { login } = setup();
    const { res, html } = await login('nosite@tidemark.test');
    expect(res.status).toBe(403);
    expect(html).toMatch(/no Jira site/);
  });
});

describe('consent decisions', () => {
  it('approve redirects to the callback with a code and the state', async () => {
    const t = setup();
    const { html, url } = await t.login('demo.user@tidemark.test');
    const res = await t.browser.submit(url, findForm(html, 'consent-form'), {
      button: 'approve',
      check: [t.acme.cloudId],
    });
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location')!);
    expect(`${loc.origin}${loc.pathname}`).toBe(CALLBACK_URL);
    expect(loc.searchParams.get('state')).toBe('st-123');
    expect(loc.searchParams.get('code')).toMatch(/^[a-z2-7]{52}$/);
    const grant = simAuth(t.sim).grant(t.apps.tidemark.clientId, t.user.accountId);
    expect(grant && [...grant.cloudIds]).toEqual([t.acme.cloudId]);
    expect(grant?.scopes).toEqual(['read:jira-work', 'read:jira-user', 'offline_access']);
  });

  it('deny redirects with error=access_denied and the state, and grants nothing', async () => {
    const t = setup();
    const { html, url } = await t.login('demo.user@tidemark.test');
    const res = await t.browser.submit(url, findForm(html, 'consent-form'), { button: 'deny' });
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location')!);
    expect(Object.fromEntries(loc.searchParams)).toEqual({
      error: 'access_denied',
      error_description: 'User did not authorize the request',
      state: 'st-123',
    });
    expect(simAuth(t.sim).grant(t.apps.tidemark.clientId, t.user.accountId)).toBeUndefined();
  });

  it('asks again when no site is chosen', async () => {
    const t = setup();
    const { html, url } = await t.login('demo.user@tidemark.test');
    const res = await t.browser.submit(url, findForm(html, 'consent-form'), { button: 'approve' });
    expect(res.status).toBe(400);
    const again = await res.text();
    expect(again).toMatch(/Choose at least one site/);
    const retry = await t.browser.submit(url, findForm(again, 'consent-form'), {
      button: 'approve',
      check: [t.acme.cloudId],
    });
    expect(retry.status).toBe(302);
  });

  it('refuses a site the user does not belong to', async () => {
    const t = setup();
    const { html, url } = await t.login('demo.user@tidemark.test');
    const form = findForm(html, 'consent-form');
    form.fields.push({ name: 'site', value: t.globex.cloudId, type: 'hidden', checked: false, disabled: false });
    const res = await t.browser.submit(url, form, { button: 'approve', check: [t.acme.cloudId] });
    expect(res.status).toBe(403);
    expect(res.headers.get('location')).toBeNull();
  });

  it('refuses a forged csrf value, another session, and a second submission', async () => {
    const t = setup();
    const { html, url } = await t.login('demo.user@tidemark.test');
    const form = findForm(html, 'consent-form');
    const forged = structuredClone(form);
    forged.fields.find((f) => f.name === 'csrf')!.value = 'forged';
    let res = await t.browser.submit(url, forged, { button: 'approve', check: [t.acme.cloudId] });
    expect(res.status).toBe(403);
    expect(res.headers.get('location')).toBeNull();

    // The forged attempt consumed nothing; an attacker's browser with its own session is refused.
    const attacker = new TestBrowser((u, init) => t.sim.fetch(new Request(u, init)));
    const attackerPage = await (await attacker.get(url)).text();
    const loginRes = await attacker.submit(url, findForm(attackerPage, 'login-form'), {
      fill: { email: 'demo.admin@tidemark.test' },
    });
    expect(loginRes.status).toBe(303);
    res = await attacker.submit(url, form, { button: 'approve', check: [t.acme.cloudId] });
    expect(res.status).toBe(403);

    res = await t.browser.submit(url, form, { button: 'approve', check: [t.acme.cloudId] });
    expect(res.status).toBe(302);
    res = await t.browser.submit(url, form, { button: 'approve', check: [t.acme.cloudId] });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/expired or was already used/);
  });

  it('expires consent forms after formTtlSeconds and sessions after sessionTtlSeconds', async () => {
    const t = setup({ auth: { formTtlSeconds: 60, sessionTtlSeconds: 3600 } });
    const { html, url } = await t.login('demo.user@tidemark.test');
    t.clock.advance(61_000);
    const res = await t.browser.submit(url, findForm(html, 'consent-form'), {
      button: 'approve',
      check: [t.acme.cloudId],
    });
    expect(res.status).toBe(400);
    t.clock.advance(3600_000);
    const page = await (await t.browser.get(url)).text();
    expect(parseForms(page).map((f) => f.id)).toEqual(['login-form']);
  });
});
