/**
 * Drives the simulated 3LO consent flow the way a browser would (login form, consent form) and
 * talks to the token endpoint, over any fetch function: in process (sim.fetch) or real HTTP.
 */
import { findForm, location, type FetchFn, TestBrowser } from './html-forms.js';

export interface ConsentInput {
  /** Base URL of the simulator (e.g. http://127.0.0.1:PORT or http://sim.invalid). */
  base: string;
  clientId: string;
  redirectUri: string;
  email: string;
  scopes: readonly string[];
  /** cloudIds to tick on the consent page. */
  sites: readonly string[];
  state?: string;
  browser?: TestBrowser;
}

export function authorizeUrl(
  base: string,
  clientId: string,
  redirectUri: string,
  scopes: readonly string[],
  state: string,
): string {
  const q = new URLSearchParams({
    audience: 'api.atlassian.com',
    client_id: clientId,
    scope: scopes.join(' '),
    redirect_uri: redirectUri,
    state,
    response_type: 'code',
    prompt: 'consent',
  });
  return `${base}/auth/authorize?${q}`;
}

/** Logs in (if needed), approves the chosen sites and returns the code from the callback redirect. */
export async function consentCode(fetchFn: FetchFn, input: ConsentInput): Promise<string> {
  const browser = input.browser ?? new TestBrowser(fetchFn);
  const state = input.state ?? `state-${Math.random().toString(36).slice(2)}`;
  const url = authorizeUrl(input.base, input.clientId, input.redirectUri, input.scopes, state);
  let page = await browser.get(url);
  let html = await page.text();
  if (html.includes('id="login-form"')) {
    const res = await browser.submit(url, findForm(html, 'login-form'), { fill: { email: input.email } });
    if (res.status !== 303) throw new Error(`login failed: ${res.status} ${await res.text()}`);
    page = await browser.get(location(res, url));
    html = await page.text();
  }
  if (page.status !== 200) throw new Error(`consent page: ${page.status} ${html}`);
  const res = await browser.submit(url, findForm(html, 'consent-form'), { button: 'approve', check: [...input.sites] });
  if (res.status !== 302) throw new Error(`consent failed: ${res.status} ${await res.text()}`);
  const cb = new URL(location(res, url));
  if (cb.searchParams.get('state') !== state) throw new Error('state was not returned unchanged');
  const code = cb.searchParams.get('code');
  if (!code) throw new Error(`no code in ${cb.toString()}`);
  return code;
}

export interface TokenCall {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** POSTs a JSON body to {base}/auth/oauth/token. */
export async function tokenRequest(fetchFn: FetchFn, base: string, body: Record<string, unknown>): Promise<TokenCall> {
  const res = await fetchFn(`${base}/auth/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}
