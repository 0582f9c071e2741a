/**
 * Issue P2, acceptance 5 (CLI) and 7: `tidemark connect` as a real process against the simulator.
 * Embedded: it prints the consent URL, receives Atlassian's redirect on the loopback port of the
 * app's callback URL, refuses a foreign `state`, and stores the grant sealed in $TIDEMARK_HOME;
 * `tidemark connections --check` then calls Jira with it. Service account: the client-credentials
 * grant is stored (its secret sealed) and renewed through the same grant when Jira refuses the token.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileVaultStorage, TokenVault } from '../../src/jira/index.js';
import { cliHome, freePort, runCli, startCli } from '../support/cli.js';
import { findForm, location, TestBrowser } from '../support/html-forms.js';
import { httpSim, tokenCalls, type HttpSim } from '../support/sim-http.js';

const http = (u: string, init?: RequestInit): Promise<Response> => fetch(u, { ...init, redirect: 'manual' });
let e: HttpSim | undefined;

afterEach(async () => {
  await e?.close();
  e = undefined;
});

async function openVault(home: string, key: Buffer): Promise<TokenVault> {
  return TokenVault.open({ storage: new FileVaultStorage(path.join(home, 'vault.json')), masterKey: key });
}

describe('tidemark connect (embedded, loopback callback)', () => {
  it('prints the consent URL, takes the redirect on the loopback port, stores the grant, and the grant works', async () => {
    e = await httpSim({ limitsPreset: 'unlimited' });
    const sim = e;
    const port = await freePort();
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    await http(`${sim.base}/__sim/apps/${sim.apps.tidemark.clientId}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ callbackUrl: redirectUri }),
    });
    const home = await cliHome();
    const secret = await home.file('secret', `${sim.apps.tidemark.clientSecret}\n`);
    const appConfig = await home.file(
      'app.json',
      JSON.stringify({
        app: {
          clientId: sim.apps.tidemark.clientId,
          clientSecretFile: secret,
          redirectUri,
          authBaseUrl: `${sim.base}/auth`,
          apiBaseUrl: `${sim.base}/api`,
        },
      }),
    );
    const cli = startCli(['connect', '--app-config', appConfig], home.env);
    const consentUrl = (await cli.waitFor(/^\s+(http:\/\/\S+\/auth\/authorize\?\S+)$/m))[1]!;
    await cli.waitFor(/Waiting for Atlassian's redirect/);
    expect(cli.stdout()).not.toContain('opened in your browser'); // no DISPLAY: nothing to open
    const q = new URL(consentUrl).searchParams;
    expect(q.get('client_id')).toBe(sim.apps.tidemark.clientId);
    expect(q.get('redirect_uri')).toBe(redirectUri);
    expect(q.get('scope')).toContain('offline_access');

    // A redirect with a state the CLI did not issue is refused, and the CLI keeps waiting.
    const forged = await http(`${redirectUri}?code=abc&state=not-ours`);
    expect(forged.status).toBe(400);
    expect(cli.child.exitCode).toBeNull();

    const browser = new TestBrowser(http);
    let page = await browser.get(consentUrl);
    let html = await page.text();
    const login = await browser.submit(consentUrl, findForm(html, 'login-form'), {
      fill: { email: 'demo.admin@tidemark.test' },
    });
    page = await browser.get(location(login, consentUrl));
    html = await page.text();
    const approved = await browser.submit(consentUrl, findForm(html, 'consent-form'), {
      button: 'approve',
      check: [sim.acme.cloudId, sim.globex.cloudId],
    });
    const callback = location(approved, consentUrl);
    expect(callback.startsWith(`${redirectUri}?`)).toBe(true);
    const landed = await browser.get(callback);
    expect(landed.status).toBe(200);
    expect(await landed.text()).toContain('Tidemark can now back up');
    const run = await cli.exited;
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Connected acme \(.+\), globex \(.+\)\./);

    const vault = await openVault(home.home, home.key);
    const [grant] = vault.list();
    expect(grant).toMatchObject({ kind: '3lo', clientId: sim.apps.tidemark.clientId, status: 'active' });
    expect(grant!.sites.map((s) => s.name).sort()).toEqual(['acme', 'globex']);
    expect(grant!.scopes).toContain('offline_access');
    const bytes = await readFile(path.join(home.home, 'vault.json'));
    for (const token of sim.issued) expect(bytes.includes(Buffer.from(token))).toBe(false);
    expect(bytes.includes(Buffer.from(sim.apps.tidemark.clientSecret))).toBe(false);

    // The stored grant calls Jira (and no API token was involved anywhere).
    const check = await runCli(['connections', '--check'], home.env);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^ok {6}acme .* acting as Ada Admin$/m);
    expect(check.stdout).toMatch(/^ok {6}globex .* acting as Ada Admin$/m);
    for (const token of sim.issued) expect(check.stdout + check.stderr).not.toContain(token);
  });
});

describe('tidemark connect --service-account', () => {
  it("stores the customer's client-credentials grant and renews it through the same grant", async () => {
    e = await httpSim({ limitsPreset: 'unlimited' });
    const sim = e;
    const cred = sim.apps.serviceAccounts[0]!;
    const home = await cliHome({
      TIDEMARK_AUTH_BASE_URL: `${sim.base}/auth`,
      TIDEMARK_API_BASE_URL: `${sim.base}/api`,
    });
    const secret = await home.file('sa-secret', cred.clientSecret);
    const connect = await runCli(
      ['connect', '--service-account', '--client-id', cred.clientId, '--client-secret-file', secret],
      home.env,
    );
    expect(connect.stderr).toBe('');
    expect(connect.code).toBe(0);
    expect(connect.stdout).toMatch(/Connected .*acme.* with the service account's client credentials/);
    expect(connect.stdout).toMatch(/has not confirmed in writing/);
    expect(tokenCalls(sim.received, 'client_credentials')).toBe(1);

    const vault = await openVault(home.home, home.key);
    const [grant] = vault.list();
    expect(grant).toMatchObject({ kind: 'service-account', clientId: cred.clientId });
    expect(grant!.sites.map((s) => s.name).sort()).toEqual(['acme', 'globex']);
    const bytes = await readFile(path.join(home.home, 'vault.json'));
    expect(bytes.includes(Buffer.from(cred.clientSecret))).toBe(false);
    for (const token of sim.issued) expect(bytes.includes(Buffer.from(token))).toBe(false);

    // A JiraClient call with the stored grant acts as the service account.
    const first = await runCli(['connections', '--check', '--json'], home.env);
    expect(first.code).toBe(0);
    const results = JSON.parse(first.stdout) as Array<{ ok: boolean; account: string; site: string }>;
    expect(results.map((r) => [r.site, r.ok, r.account]).sort()).toEqual([
      ['acme', true, 'Backup bot'],
      ['globex', true, 'Backup bot'],
    ]);
    expect(tokenCalls(sim.received, 'client_credentials')).toBe(1);

    // Two hours later (the simulator's clock) the stored token is refused: the provider renews it
    // with the client-credentials grant, without a person and without a refresh token.
    sim.clock.advance(2 * 3_600_000);
    const later = await runCli(['connections', '--check'], home.env);
    expect(later.code).toBe(0);
    expect(later.stdout).toMatch(/^ok .*acme/m);
    expect(tokenCalls(sim.received, 'client_credentials')).toBe(2);
    expect(tokenCalls(sim.received, 'refresh_token')).toBe(0);
  });

  it('refuses an Atlassian API token given as the client secret, with the explanation', async () => {
    const home = await cliHome();
    const secret = await home.file('sa-secret', 'ATATT3xFfGF0T0kEnThAtIsNoTaClIeNtSeCrEt');
    const run = await runCli(
      ['connect', '--service-account', '--client-id', 'abc12345', '--client-secret-file', secret],
      home.env,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refused an Atlassian API token \(configuration/);
    expect(run.stderr).toMatch(/hint: Atlassian's rules for apps forbid/);
    expect(run.stderr).not.toContain('ATATT3xFfGF0T0kEn');
  });
});
