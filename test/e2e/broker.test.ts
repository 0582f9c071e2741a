/**
 * Issue P2, acceptance 6: the vendor broker end to end over HTTP. `tidemark broker` and
 * `tidemark connect --broker` run as real processes; the simulator plays Atlassian; this test is
 * the broker's admin, the customer's browser, and a recording proxy in front of the broker that
 * keeps every answer the broker gives. Pair → consent → the installation obtains access tokens →
 * revoke → refused; replayed and expired assertions are refused; no answer of the broker ever holds
 * a refresh token or the client secret; one audit line per issued token.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFetch, type ServedHandle } from '../../src/cli/http-adapter.js';
import { open as openSealed, type SealedEnvelope } from '../../src/jira/auth/crypto.js';
import {
  BrokerClient,
  FileVaultStorage,
  JiraClient,
  JiraError,
  TokenVault,
  signAssertion,
  type InstallationIdentity,
} from '../../src/jira/index.js';
import { cliHome, runCli, startCli, type RunningCli } from '../support/cli.js';
import { findForm, location, TestBrowser } from '../support/html-forms.js';
import { httpSim, tokenCalls, type HttpSim } from '../support/sim-http.js';

const ADMIN = 'admin-token-0123456789abcdef';
const http = (u: string, init?: RequestInit): Promise<Response> => fetch(u, { ...init, redirect: 'manual' });

let e: HttpSim;
let proxy: ServedHandle;
let brokerUrl = '';
let broker: RunningCli;
let brokerHome: Awaited<ReturnType<typeof cliHome>>;
let inst: Awaited<ReturnType<typeof cliHome>>;
/** Every answer the broker gave, as the proxy saw it. */
const answers: Array<{ method: string; path: string; status: number; body: string }> = [];

beforeAll(async () => {
  e = await httpSim({ limitsPreset: 'unlimited' });
  // The broker's public address is this recording proxy.
  proxy = await serveFetch(async (req) => {
    const u = new URL(req.url);
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await req.arrayBuffer();
    const headers = new Headers(req.headers);
    headers.delete('host');
    const res = await http(`${brokerUrl}${u.pathname}${u.search}`, { method: req.method, headers, body: body ?? null });
    const text = await res.text();
    answers.push({ method: req.method, path: u.pathname, status: res.status, body: text });
    const out = new Headers(res.headers);
    for (const h of ['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive'])
      out.delete(h);
    return new Response(res.status === 204 ? null : text, { status: res.status, headers: out });
  });
  brokerHome = await cliHome({ TIDEMARK_BROKER_ADMIN_TOKEN: ADMIN });
  const secret = await brokerHome.file('client-secret', e.apps.tidemark.clientSecret);
  const config = await brokerHome.file(
    'broker.json',
    JSON.stringify({
      publicUrl: proxy.url,
      app: {
        clientId: e.apps.tidemark.clientId,
        clientSecretFile: secret,
        authBaseUrl: `${e.base}/auth`,
        apiBaseUrl: `${e.base}/api`,
      },
    }),
  );
  broker = startCli(['broker', '--port', '0', '--config', config], brokerHome.env);
  brokerUrl = (await broker.waitFor(/listening on (http:\/\/\S+)/))[1]!;
  await broker.waitFor(/OAuth callback/);
  await http(`${e.base}/__sim/apps/${e.apps.tidemark.clientId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ callbackUrl: `${proxy.url}/oauth/callback` }),
  });
  inst = await cliHome({ TIDEMARK_API_BASE_URL: `${e.base}/api` });
});

afterAll(async () => {
  await broker?.stop();
  await proxy?.close();
  await e?.close();
});

async function admin(method: string, p: string): Promise<Response> {
  return http(`${proxy.url}${p}`, { method, headers: { authorization: `Bearer ${ADMIN}` } });
}

async function identity(): Promise<InstallationIdentity> {
  const env = JSON.parse(await readFile(path.join(inst.home, 'installation.json'), 'utf8')) as SealedEnvelope;
  return JSON.parse(openSealed(inst.key, env, 'installation identity').toString('utf8')) as InstallationIdentity;
}

async function grantId(): Promise<string> {
  const vault = await TokenVault.open({
    storage: new FileVaultStorage(path.join(inst.home, 'vault.json')),
    masterKey: inst.key,
  });
  return vault.list()[0]!.id;
}

describe('the vendor broker over HTTP', () => {
  it('pairs once, takes the consent at its callback, and the installation stores no token', async () => {
    expect((await http(`${proxy.url}/admin/pairing-codes`, { method: 'POST' })).status).toBe(401);
    const { code } = (await (await admin('POST', '/admin/pairing-codes')).json()) as { code: string };
    const connect = startCli(
      ['connect', '--broker', proxy.url, '--pairing-code', code, '--name', 'acme-backup-1', '--poll-interval', '0.2'],
      inst.env,
    );
    await connect.waitFor(/Paired with .* as installation inst_/);
    const consentUrl = (await connect.waitFor(/^\s+(http:\/\/\S+\/auth\/authorize\?\S+)$/m))[1]!;
    expect(new URL(consentUrl).searchParams.get('redirect_uri')).toBe(`${proxy.url}/oauth/callback`);

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
      check: [e.acme.cloudId],
    });
    const landed = await browser.get(location(approved, consentUrl));
    expect(landed.status).toBe(200);
    expect(await landed.text()).toContain('Tidemark can now back up acme');
    const run = await connect.exited;
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Connected acme \(.+\) through the broker\./);

    // The code is single-use and the pairing code too.
    expect((await browser.get(location(approved, consentUrl))).status).toBe(400);
    const again = await runCli(['connect', '--broker', proxy.url, '--pairing-code', code], inst.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/pairing code is unknown, used or expired/);

    // On the installation: the broker grant and the sealed key pair; no token, no secret.
    const vaultBytes = await readFile(path.join(inst.home, 'vault.json'));
    const idBytes = await readFile(path.join(inst.home, 'installation.json'));
    const me = await identity();
    expect(me.brokerUrl).toBe(proxy.url);
    expect(idBytes.includes(Buffer.from(me.privateKey))).toBe(false);
    for (const s of [...e.issued, e.apps.tidemark.clientSecret]) {
      expect(vaultBytes.includes(Buffer.from(s))).toBe(false);
      expect(idBytes.includes(Buffer.from(s))).toBe(false);
    }
    const installations = (await (await admin('GET', '/admin/installations')).json()) as Array<{
      id: string;
      name: string;
    }>;
    expect(installations).toEqual([
      expect.objectContaining({ id: me.installationId, name: 'acme-backup-1', revoked: false }),
    ]);
  });

  it('gives the installation short-lived access tokens that call Jira, renewing them at the broker', async () => {
    const check = await runCli(['connections', '--check'], inst.env);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^ok {6}acme .* via broker .* acting as Ada Admin$/m);

    const client = new BrokerClient(await identity());
    const jira = new JiraClient({
      cloudId: e.acme.cloudId,
      tokens: client.tokenProvider(await grantId()),
      mode: 'on-prem',
      version: '0.0.0-test',
      apiBaseUrl: `${e.base}/api`,
    });
    expect((await jira.request('GET /rest/api/3/myself')).body.accountId).toBe(e.admin.accountId);

    // Two hours later (Atlassian's clock) the broker's access token is refused; the installation
    // reports it, and the broker refreshes with the refresh token only it holds.
    expect(tokenCalls(e.received, 'refresh_token')).toBe(0);
    e.clock.advance(2 * 3_600_000);
    const later = await runCli(['connections', '--check'], inst.env);
    expect(later.code).toBe(0);
    expect(tokenCalls(e.received, 'refresh_token')).toBe(1);
    expect(later.stdout).toMatch(/^ok .*acme/m);
  });

  it('refuses replayed and expired assertions', async () => {
    const me = await identity();
    const gid = await grantId();
    const token = (assertion: string): Promise<Response> =>
      http(`${proxy.url}/v1/token`, {
        method: 'POST',
        headers: { authorization: `Bearer ${assertion}`, 'content-type': 'application/json' },
        body: '{}',
      });
    const claims = { iss: me.installationId, aud: proxy.url, sub: 'token', grantId: gid };
    const fresh = signAssertion(me.privateKey, claims, Date.now());
    expect((await token(fresh)).status).toBe(200);
    const replay = await token(fresh);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ message: 'installation assertion refused: already used' });
    const stale = await token(signAssertion(me.privateKey, claims, Date.now() - 120_000));
    expect(stale.status).toBe(401);
    expect(await stale.json()).toMatchObject({ message: 'installation assertion refused: expired' });
    const otherPurpose = await token(signAssertion(me.privateKey, { ...claims, sub: 'consent' }, Date.now()));
    expect(otherPurpose.status).toBe(401);
    const wrongAudience = await token(
      signAssertion(me.privateKey, { ...claims, aud: 'https://evil.example' }, Date.now()),
    );
    expect(wrongAudience.status).toBe(401);
  });

  it('revokes an installation: it is refused from then on', async () => {
    const me = await identity();
    const res = await admin('POST', `/admin/installations/${me.installationId}/revoke`);
    expect(res.status).toBe(200);
    const check = await runCli(['connections', '--check'], inst.env);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/FAILED {2}acme .* revoked at the broker/);
    const err = await new BrokerClient(me).requestToken('whatever').catch((x: unknown) => x);
    expect(err).toBeInstanceOf(JiraError);
    expect((err as JiraError).kind).toBe('forbidden');
    const installations = (await (await admin('GET', '/admin/installations')).json()) as Array<{ revoked: boolean }>;
    expect(installations.map((i) => i.revoked)).toEqual([true]);
  });

  it('never answered with a refresh token or the client secret, and logged one audit line per issued token', async () => {
    expect(answers.length).toBeGreaterThan(10);
    expect(e.issuedRefresh.size).toBeGreaterThanOrEqual(2);
    const forbidden = [...e.issuedRefresh, e.apps.tidemark.clientSecret];
    for (const a of answers) for (const s of forbidden) expect(a.body.includes(s), `${a.method} ${a.path}`).toBe(false);
    // Access tokens did go out (that is the broker's job) — only through /v1/token.
    const withAccess = answers.filter((a) => [...e.issued].some((t) => !e.issuedRefresh.has(t) && a.body.includes(t)));
    expect(new Set(withAccess.map((a) => a.path))).toEqual(new Set(['/v1/token']));

    const issued = answers.filter((a) => a.path === '/v1/token' && a.status === 200).length;
    const auditText = await readFile(path.join(brokerHome.home, 'broker', 'audit.log'), 'utf8');
    const audit = auditText
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const tokenLines = audit.filter((a) => a.event === 'token-issued');
    expect(tokenLines).toHaveLength(issued);
    for (const line of tokenLines) {
      expect(line).toMatchObject({ cloudIds: [e.acme.cloudId], installationId: expect.stringMatching(/^inst_/) });
      expect((line.scopes as string[]).length).toBeGreaterThan(5);
      expect(line.tokenFingerprint).toMatch(/^[0-9a-f]{12}$/);
    }
    expect(audit.some((a) => a.event === 'revoked')).toBe(true);
    expect(audit.some((a) => a.event === 'refused' && a.reason === 'replayed assertion')).toBe(true);
    // Nothing secret at rest or in the broker's logs either.
    const files = await Promise.all(
      ['audit.log', 'state.json', 'vault.json'].map((f) => readFile(path.join(brokerHome.home, 'broker', f))),
    );
    for (const bytes of files)
      for (const s of [...e.issued, e.apps.tidemark.clientSecret]) expect(bytes.includes(Buffer.from(s))).toBe(false);
    const logs = broker.stdout() + broker.stderr();
    for (const s of [...e.issued, e.apps.tidemark.clientSecret, ADMIN]) expect(logs.includes(s)).toBe(false);
  });
});
