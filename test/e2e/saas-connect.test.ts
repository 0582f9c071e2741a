/**
 * Issue P2, acceptance 5 (SaaS): `tidemark server` as a real process, the simulator over HTTP, and
 * this test as two browsers (two cookie jars). A callback without `state`, with a wrong one, or in
 * a browser session other than the one that started the consent is refused and stores nothing; the
 * real one registers the sites chosen on the consent page; disconnect deletes the tokens; API
 * inputs carrying credentials are refused; no token reaches the vault file or the server's logs.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileVaultStorage, TokenVault } from '../../src/jira/index.js';
import { cliHome, startCli, type RunningCli } from '../support/cli.js';
import { findForm, location, TestBrowser } from '../support/html-forms.js';
import { httpSim, type HttpSim } from '../support/sim-http.js';

let e: HttpSim;
let server: RunningCli;
let home: Awaited<ReturnType<typeof cliHome>>;
let url: string;

const http = (u: string, init?: RequestInit): Promise<Response> => fetch(u, { ...init, redirect: 'manual' });

beforeAll(async () => {
  e = await httpSim({ limitsPreset: 'unlimited' });
  home = await cliHome();
  const secretFile = await home.file('client-secret', e.apps.tidemark.clientSecret);
  const config = await home.file(
    'server.json',
    JSON.stringify({
      app: {
        clientId: e.apps.tidemark.clientId,
        clientSecretFile: secretFile,
        authBaseUrl: `${e.base}/auth`,
        apiBaseUrl: `${e.base}/api`,
      },
    }),
  );
  server = startCli(['server', '--port', '0', '--config', config], home.env);
  url = (await server.waitFor(/listening on (http:\/\/\S+)/))[1]!;
  await server.waitFor(/OAuth callback/);
  // The vendor registers the server's callback URL on its app (developer console).
  const res = await http(`${e.base}/__sim/apps/${e.apps.tidemark.clientId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ callbackUrl: `${url}/oauth/callback` }),
  });
  expect(res.status).toBe(200);
});

afterAll(async () => {
  await server?.stop();
  await e?.close();
});

/** /connect in `browser`, then login and consent at Atlassian (the simulator): the callback URL Atlassian redirects to. */
async function consent(browser: TestBrowser, sites: string[]): Promise<string> {
  const start = await browser.get(`${url}/connect`);
  expect(start.status).toBe(302);
  const authorize = location(start, `${url}/connect`);
  expect(authorize.startsWith(`${e.base}/auth/authorize?`)).toBe(true);
  let page = await browser.get(authorize);
  let html = await page.text();
  if (html.includes('id="login-form"')) {
    const res = await browser.submit(authorize, findForm(html, 'login-form'), {
      fill: { email: 'demo.admin@tidemark.test' },
    });
    page = await browser.get(location(res, authorize));
    html = await page.text();
  }
  const res = await browser.submit(authorize, findForm(html, 'consent-form'), { button: 'approve', check: sites });
  expect(res.status).toBe(302);
  const callback = location(res, authorize);
  expect(callback.startsWith(`${url}/oauth/callback?`)).toBe(true);
  return callback;
}

async function connections(): Promise<
  Array<{ id: string; sites: Array<{ cloudId: string; name: string }>; status: string }>
> {
  return (await (await http(`${url}/api/connections`)).json()) as never;
}

async function vaultBytes(): Promise<Buffer> {
  return readFile(path.join(home.home, 'vault.json'));
}

describe('tidemark server: connect over HTTP', () => {
  it('refuses a missing or wrong state and a callback from another browser session; stores nothing', async () => {
    const alice = new TestBrowser(http);
    const mallory = new TestBrowser(http);
    const callback = await consent(alice, [e.acme.cloudId]);
    const cb = new URL(callback);

    // Missing state, wrong state (in the right session), and the right URL in another session.
    const noState = new URL(cb);
    noState.searchParams.delete('state');
    const wrongState = new URL(cb);
    wrongState.searchParams.set('state', 'forged-state-value');
    for (const [browser, target] of [
      [alice, noState.toString()],
      [alice, wrongState.toString()],
      [mallory, callback],
      [new TestBrowser(http), callback],
    ] as const) {
      const res = await browser.get(target);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('does not belong to a connection started from this browser session');
    }
    expect(await connections()).toEqual([]);
  });

  it('registers the granted sites, lists them, and deletes the tokens on disconnect', async () => {
    const alice = new TestBrowser(http);
    // The admin belongs to acme and globex and grants only acme (a resource-level grant).
    const callback = await consent(alice, [e.acme.cloudId]);
    const done = await alice.get(callback);
    expect(done.status).toBe(303);
    const home1 = await alice.get(location(done, callback));
    expect(await home1.text()).toContain('Connected acme.');
    const list = await connections();
    expect(list).toHaveLength(1);
    expect(list[0]!.sites.map((s) => [s.cloudId, s.name])).toEqual([[e.acme.cloudId, 'acme']]);
    expect(list[0]!.status).toBe('active');
    // The same callback again (a replay) is refused: the state was used up.
    expect((await alice.get(callback)).status).toBe(400);

    // Sealed at rest: no token the simulator handed out is in the file in clear.
    const sealed = await vaultBytes();
    expect(e.issued.size).toBeGreaterThanOrEqual(2);
    for (const token of e.issued) expect(sealed.includes(Buffer.from(token))).toBe(false);
    const vault = await TokenVault.open({
      storage: new FileVaultStorage(path.join(home.home, 'vault.json')),
      masterKey: home.key,
    });
    expect(vault.list().map((g) => g.id)).toEqual([list[0]!.id]);

    // Disconnect needs the session's form: another browser is refused.
    const html = await (await alice.get(`${url}/`)).text();
    const action = /action="(\/connections\/[^"]+\/disconnect)"/.exec(html)![1]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const refused = await new TestBrowser(http).request(`${url}${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `csrf=${encodeURIComponent(csrf)}`,
    });
    expect(refused.status).toBe(403);
    expect(await connections()).toHaveLength(1);
    const gone = await alice.request(`${url}${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `csrf=${encodeURIComponent(csrf)}`,
    });
    expect(gone.status).toBe(303);
    expect(await connections()).toEqual([]);
    const after = await TokenVault.open({
      storage: new FileVaultStorage(path.join(home.home, 'vault.json')),
      masterKey: home.key,
    });
    expect(after.list()).toEqual([]);
  });

  it('refuses API tokens and basic credentials in API requests with the policy explanation', async () => {
    const cases: Array<[string, RequestInit]> = [
      [
        `${url}/api/connections`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            site: 'acme.atlassian.net',
            email: 'a@b.c',
            apiToken: 'ATATT3xFfGF0abcdefghijklmnop',
          }),
        },
      ],
      [`${url}/api/connections`, { headers: { authorization: 'Basic YWRhQGFjbWUuY29tOnNlY3JldA==' } }],
      [`${url}/api/connections?password=hunter2`, {}],
    ];
    for (const [target, init] of cases) {
      const res = await http(target, init);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: string; message: string; hint: string };
      expect(body.error).toBe('policy');
      expect(body.message).toMatch(/never accepts or stores it/);
      expect(body.hint).toMatch(/Atlassian's rules for apps forbid/);
      expect(JSON.stringify(body)).not.toMatch(/ATATT3xFfGF0|YWRhQGFjbWUuY29tOnNlY3JldA|hunter2/);
    }
  });

  it("keeps tokens and the app's secret out of the server's logs", async () => {
    const logs = server.stdout() + server.stderr();
    expect(logs).toContain('"msg":"site connected"');
    for (const secret of [...e.issued, e.apps.tidemark.clientSecret]) expect(logs.includes(secret)).toBe(false);
  });
});
