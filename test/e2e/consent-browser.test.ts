/**
 * The consent flow in a real browser (Debian chromium through playwright-core): log in on the
 * simulated login page, pick one site, approve, land on the app's callback with a code that the
 * token endpoint accepts. Chromium is required: CI installs it (`apt-get install -y chromium`);
 * set TIDEMARK_TEST_CHROMIUM to use another binary. Without it this test fails, on purpose.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFetch, type ServedHandle } from '../../src/cli/http-adapter.js';
import { FakeClock } from '../../src/core/index.js';
import { updateApp } from '../../src/simulator/auth/apps.js';
import { simulatorParts } from '../../src/simulator/create.js';
import { JiraSimulator } from '../../src/simulator/simulator.js';
import { authorizeUrl, tokenRequest } from '../support/auth-flow.js';
import { buildAuthWorld, type AuthWorld } from '../support/auth-world.js';

const CHROMIUM = process.env.TIDEMARK_TEST_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

let sim: ServedHandle;
let app: ServedHandle;
let browser: Browser | undefined;
let w: AuthWorld;
const callbacks: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set TIDEMARK_TEST_CHROMIUM ` +
        'to a Chromium binary. This browser test does not skip itself.',
    );
  }
  // The "app": a callback endpoint that records what it receives.
  app = await serveFetch(async (req) => {
    callbacks.push(req.url);
    return new Response('<!DOCTYPE html><title>Callback</title><h1 id="done">Connected</h1>', {
      headers: { 'content-type': 'text/html' },
    });
  });
  w = buildAuthWorld();
  updateApp(w.world, w.apps.tidemark.clientId, { callbackUrl: `${app.url}/oauth/callback` });
  const simulator = new JiraSimulator({ clock: new FakeClock(), world: w.world, parts: simulatorParts() });
  sim = await serveFetch(simulator.fetch);
  simulator.setBaseUrl(sim.url);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
});

afterAll(async () => {
  await browser?.close();
  await sim?.close();
  await app?.close();
});

describe('consent page in a real browser', () => {
  it('logs in, picks a site, approves and lands on the callback with a code', async () => {
    const callbackUrl = `${app.url}/oauth/callback`;
    const context = await browser!.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));

    const scopes = ['read:jira-work', 'read:jira-user', 'offline_access'];
    await page.goto(authorizeUrl(sim.url, w.apps.tidemark.clientId, callbackUrl, scopes, 'browser-state'));
    expect(await page.locator('#simulator-notice').isVisible()).toBe(true);
    await page.fill('#email', 'demo.admin@tidemark.test');
    await page.click('#login');

    await page.waitForSelector('#consent-form');
    const heading = await page.textContent('h1');
    expect(heading).toBe('Tidemark is requesting access to your Atlassian account');
    const scopeText = await page.locator('ul.scopes').innerText();
    expect(scopeText).toContain('Read project and issue data.');
    expect(scopeText).toContain('offline_access');
    const siteValues = await page
      .locator('input[name=site]')
      .evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
    expect(siteValues).toEqual([w.acme.cloudId, w.globex.cloudId]);

    await page.check(`input[name=site][value="${w.globex.cloudId}"]`);
    await page.click('#approve');
    await page.waitForURL((url) => url.toString().startsWith(callbackUrl));
    expect(await page.textContent('#done')).toBe('Connected');

    const landed = new URL(page.url());
    expect(landed.searchParams.get('state')).toBe('browser-state');
    const code = landed.searchParams.get('code');
    expect(code).toBeTruthy();
    expect(callbacks.some((u) => u.includes(`code=${code}`))).toBe(true);

    const tokens = await tokenRequest(fetch, sim.url, {
      grant_type: 'authorization_code',
      client_id: w.apps.tidemark.clientId,
      client_secret: w.apps.tidemark.clientSecret,
      code,
      redirect_uri: callbackUrl,
    });
    expect(tokens.status).toBe(200);
    const res = await fetch(`${sim.url}/api/oauth/token/accessible-resources`, {
      headers: { authorization: `Bearer ${String(tokens.body.access_token)}` },
    });
    expect(((await res.json()) as Array<{ id: string }>).map((r) => r.id)).toEqual([w.globex.cloudId]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
