/**
 * The browser side of the authorization server (auth.atlassian.com/authorize):
 *
 *   GET  /authorize  validate the request → login page (no session) → consent page
 *   POST /login      simulated login by e-mail → session cookie → back to /authorize
 *   POST /consent    approve (chosen sites) → redirect_uri?code&state; deny → ?error=access_denied&state
 *   POST /logout     drop the session, back to the login page ("use another account")
 *
 * Requests that fail validation (unknown client, redirect_uri other than the app's callback URL,
 * missing state, scopes the app is not configured for, …) get an error page and are never
 * redirected, so an unverified URI never receives anything. Forms are CSRF-protected: the login
 * form by a double-submit cookie, the consent form by a single-use secret bound to the session.
 */
import type { SimServices } from '../services.js';
import type { Account, OAuthApp, Site } from '../world/types.js';
import { clearCookie, parseCookies, readForm, redirect, setCookie, withQuery } from './http.js';
import { consentPage, errorPage, loginPage } from './pages.js';
import { describeScope, isKnownScope, parseScopeParam } from './scopes.js';
import { matchesHash, newSecret, secretHash } from './secrets.js';
import type { AuthSettings } from './settings.js';
import type { TokenAuthority } from './tokens.js';

export const SESSION_COOKIE = 'tmsim_session';
export const LOGIN_COOKIE = 'tmsim_login';
export const AUDIENCE = 'api.atlassian.com';

/** A validated authorization request. */
interface AuthorizeRequest {
  app: OAuthApp;
  scopes: string[];
  redirectUri: string;
  state: string;
  /** The query string to come back to after login. */
  query: string;
}

interface Session {
  accountId: string;
  expiresAt: number;
}

interface LoginChallenge {
  secretHash: string;
  query: string;
  appName: string;
  expiresAt: number;
}

interface PendingConsent {
  sessionHash: string;
  csrfHash: string;
  request: AuthorizeRequest;
  accountId: string;
  expiresAt: number;
}

type Validation = { ok: true; request: AuthorizeRequest } | { ok: false; response: Response };

export class AuthorizeFlow {
  private readonly sessions = new Map<string, Session>();
  private readonly logins = new Map<string, LoginChallenge>();
  private readonly consents = new Map<string, PendingConsent>();

  constructor(
    private readonly sim: SimServices,
    private readonly tokens: TokenAuthority,
    private readonly settings: () => AuthSettings,
  ) {}

  private now(): number {
    return this.sim.clock.now();
  }

  private get secure(): boolean {
    return this.sim.urls.base.startsWith('https:');
  }

  async handle(req: Request, path: string): Promise<Response | undefined> {
    if (path === '/authorize' && req.method === 'GET') return this.authorize(req);
    if (path === '/login' && req.method === 'POST') return this.login(req);
    if (path === '/consent' && req.method === 'POST') return this.decide(req);
    if (path === '/logout' && req.method === 'POST') return this.logout(req);
    return undefined;
  }

  // ---- GET /authorize -----------------------------------------------------------------------

  private authorize(req: Request): Response {
    const url = new URL(req.url);
    const validation = this.validate(url.searchParams);
    if (!validation.ok) return validation.response;
    const request = validation.request;
    const account = this.sessionAccount(req);
    if (!account) return this.showLogin(request.query, request.app.name);
    return this.showConsent(request, account, req);
  }

  private validate(q: URLSearchParams): Validation {
    const fail = (title: string, message: string, code: string): Validation => ({
      ok: false,
      response: errorPage(400, title, message, code),
    });
    for (const name of ['client_id', 'redirect_uri', 'state', 'scope', 'response_type', 'audience']) {
      if (q.getAll(name).length > 1)
        return fail('Invalid request', `The parameter ${name} appears more than once.`, 'invalid_request');
    }
    const clientId = q.get('client_id') ?? '';
    const app = clientId ? this.sim.world.apps.get(clientId) : undefined;
    if (!app)
      return fail(
        'Something went wrong',
        'The app that sent you here is not registered (unknown client_id).',
        'invalid_client',
      );
    const redirectUri = q.get('redirect_uri') ?? '';
    if (redirectUri !== app.callbackUrl)
      return fail(
        'Something went wrong',
        `The redirect_uri does not match the callback URL registered for ${app.name}.`,
        'invalid_redirect_uri',
      );
    if (q.get('response_type') !== 'code')
      return fail('Something went wrong', 'Only response_type=code is supported.', 'unsupported_response_type');
    if (q.get('audience') !== AUDIENCE)
      return fail('Something went wrong', `The audience parameter must be ${AUDIENCE}.`, 'invalid_request');
    const state = q.get('state') ?? '';
    if (state === '')
      return fail(
        'Something went wrong',
        'The request has no state parameter; it is required to protect against CSRF.',
        'invalid_request',
      );
    const scopes = parseScopeParam(q.get('scope'));
    if (scopes.length === 0) return fail('Something went wrong', 'The request asks for no scope.', 'invalid_scope');
    const unknown = scopes.filter((s) => !isKnownScope(s));
    if (unknown.length > 0) return fail('Something went wrong', `Unknown scope: ${unknown.join(' ')}`, 'invalid_scope');
    const notConfigured = scopes.filter((s) => !app.scopes.includes(s));
    if (notConfigured.length > 0)
      return fail(
        'Something went wrong',
        `${app.name} is not configured for the scope ${notConfigured.join(' ')}. Its developer must add it in the developer console.`,
        'invalid_scope',
      );
    const query = new URLSearchParams({
      audience: AUDIENCE,
      client_id: app.clientId,
      scope: scopes.join(' '),
      redirect_uri: redirectUri,
      state,
      response_type: 'code',
      prompt: 'consent',
    }).toString();
    return { ok: true, request: { app, scopes, redirectUri, state, query } };
  }

  private showLogin(query: string, appName: string, error?: string, email?: string): Response {
    this.sweep();
    const loginId = newSecret('form');
    const secret = newSecret('form');
    const ttl = this.settings().formTtlSeconds;
    this.logins.set(loginId, { secretHash: secretHash(secret), query, appName, expiresAt: this.now() + ttl * 1000 });
    const cookie = setCookie(LOGIN_COOKIE, secret, { maxAgeSeconds: ttl, secure: this.secure });
    const page: Parameters<typeof loginPage>[0] = { loginId, appName };
    if (error) page.error = error;
    if (email) page.email = email;
    return loginPage(page, error ? 400 : 200, { 'set-cookie': cookie });
  }

  private showConsent(request: AuthorizeRequest, account: Account, req: Request, error?: string): Response {
    const { app } = request;
    if (!app.distributed && app.ownerAccountId !== account.accountId)
      return errorPage(
        403,
        `${app.name} is not available`,
        `${app.name} has not been shared by its developer, so only the developer's own account can use it.`,
        'access_denied',
      );
    const sites = this.sitesOf(account.accountId);
    if (sites.length === 0)
      return errorPage(
        403,
        'No site to share',
        `Your account has no Jira site that ${app.name} could use.`,
        'access_denied',
      );
    const sessionValue = parseCookies(req.headers.get('cookie')).get(SESSION_COOKIE)!;
    this.sweep();
    const consentId = newSecret('form');
    const csrf = newSecret('form');
    this.consents.set(consentId, {
      sessionHash: secretHash(sessionValue),
      csrfHash: secretHash(csrf),
      request,
      accountId: account.accountId,
      expiresAt: this.now() + this.settings().formTtlSeconds * 1000,
    });
    const granted = this.tokens.grantOf(app.clientId, account.accountId)?.cloudIds ?? new Set<string>();
    const page: Parameters<typeof consentPage>[0] = {
      consentId,
      csrf,
      appName: app.name,
      account: { displayName: account.displayName, email: account.loginEmail },
      scopes: request.scopes.map((scope) => ({ scope, description: describeScope(scope) })),
      sites: sites.map((s) => ({ cloudId: s.cloudId, name: s.name, url: s.url, granted: granted.has(s.cloudId) })),
    };
    if (error) page.error = error;
    return consentPage(page, error ? 400 : 200);
  }

  // ---- POST /login --------------------------------------------------------------------------

  private async login(req: Request): Promise<Response> {
    const form = await readForm(req);
    const loginId = form.get('login_id') ?? '';
    const challenge = this.logins.get(loginId);
    if (!challenge || this.now() >= challenge.expiresAt) {
      if (challenge) this.logins.delete(loginId);
      return errorPage(400, 'Your login form has expired', 'Go back to the app and start again.', 'invalid_request');
    }
    const presented = parseCookies(req.headers.get('cookie')).get(LOGIN_COOKIE) ?? '';
    if (!presented || !matchesHash(presented, challenge.secretHash))
      return errorPage(
        403,
        'Login refused',
        'The login form was not submitted from this browser (CSRF check failed).',
        'access_denied',
      );
    this.logins.delete(loginId);
    const email = (form.get('email') ?? '').trim();
    const account = this.findAccountByEmail(email);
    if (!account)
      return this.showLogin(
        challenge.query,
        challenge.appName,
        'No simulated account uses this e-mail address.',
        email,
      );
    if (!account.active)
      return this.showLogin(challenge.query, challenge.appName, 'This account is deactivated.', email);
    const session = newSecret('session');
    const ttl = this.settings().sessionTtlSeconds;
    this.sessions.set(secretHash(session), { accountId: account.accountId, expiresAt: this.now() + ttl * 1000 });
    return redirect(`/auth/authorize?${challenge.query}`, 303, [
      ['set-cookie', setCookie(SESSION_COOKIE, session, { maxAgeSeconds: ttl, secure: this.secure })],
      ['set-cookie', clearCookie(LOGIN_COOKIE, this.secure)],
    ]);
  }

  // ---- POST /consent and /logout ------------------------------------------------------------

  /** Checks a posted consent form; returns its pending record (consumed) or an error page. */
  private async takeConsent(req: Request): Promise<{ form: URLSearchParams; pending: PendingConsent } | Response> {
    const form = await readForm(req);
    const consentId = form.get('consent_id') ?? '';
    const pending = this.consents.get(consentId);
    if (!pending || this.now() >= pending.expiresAt) {
      if (pending) this.consents.delete(consentId);
      return errorPage(
        400,
        'This page has expired',
        'The consent form expired or was already used. Go back to the app and start again.',
        'invalid_request',
      );
    }
    const session = parseCookies(req.headers.get('cookie')).get(SESSION_COOKIE) ?? '';
    if (
      !session ||
      !matchesHash(session, pending.sessionHash) ||
      !matchesHash(form.get('csrf') ?? '', pending.csrfHash)
    )
      return errorPage(
        403,
        'Request refused',
        'The form was not submitted from the page this server rendered (CSRF check failed).',
        'access_denied',
      );
    this.consents.delete(consentId);
    return { form, pending };
  }

  private async decide(req: Request): Promise<Response> {
    const taken = await this.takeConsent(req);
    if (taken instanceof Response) return taken;
    const { form, pending } = taken;
    const { request } = pending;
    const account = this.sim.world.accounts.get(pending.accountId);
    if (!account?.active) return errorPage(403, 'Login refused', 'This account is deactivated.', 'access_denied');
    const decision = form.get('decision');
    if (decision === 'deny') {
      return redirect(
        withQuery(request.redirectUri, {
          error: 'access_denied',
          error_description: 'User did not authorize the request',
          state: request.state,
        }),
      );
    }
    if (decision !== 'approve')
      return errorPage(400, 'Invalid request', 'The form carried no decision.', 'invalid_request');
    const own = new Set(this.sitesOf(account.accountId).map((s) => s.cloudId));
    const chosen = [...new Set(form.getAll('site'))];
    const foreign = chosen.filter((id) => !own.has(id));
    if (foreign.length > 0)
      return errorPage(403, 'Request refused', 'You can only share sites your account belongs to.', 'access_denied');
    const already = this.tokens.grantOf(request.app.clientId, account.accountId)?.cloudIds ?? new Set<string>();
    if (chosen.length === 0 && ![...already].some((id) => own.has(id)))
      return this.showConsent(request, account, req, 'Choose at least one site to use the app on.');
    const grant = this.tokens.consent(request.app, account.accountId, request.scopes, chosen);
    const code = this.tokens.issueCode(grant, request.redirectUri, request.scopes);
    return redirect(withQuery(request.redirectUri, { code, state: request.state }));
  }

  private async logout(req: Request): Promise<Response> {
    const taken = await this.takeConsent(req);
    if (taken instanceof Response) return taken;
    const session = parseCookies(req.headers.get('cookie')).get(SESSION_COOKIE);
    if (session) this.sessions.delete(secretHash(session));
    return redirect(`/auth/authorize?${taken.pending.request.query}`, 303, [
      ['set-cookie', clearCookie(SESSION_COOKIE, this.secure)],
    ]);
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Drops expired login challenges, consent forms and sessions once there are many of them. */
  private sweep(): void {
    const now = this.now();
    for (const map of [this.logins, this.consents, this.sessions] as Array<Map<string, { expiresAt: number }>>) {
      if (map.size < 1000) continue;
      for (const [key, value] of map) if (now >= value.expiresAt) map.delete(key);
    }
  }

  private sessionAccount(req: Request): Account | undefined {
    const value = parseCookies(req.headers.get('cookie')).get(SESSION_COOKIE);
    if (!value) return undefined;
    const hash = secretHash(value);
    const session = this.sessions.get(hash);
    if (!session) return undefined;
    if (this.now() >= session.expiresAt) {
      this.sessions.delete(hash);
      return undefined;
    }
    const account = this.sim.world.accounts.get(session.accountId);
    if (!account?.active) {
      this.sessions.delete(hash);
      return undefined;
    }
    return account;
  }

  private findAccountByEmail(email: string): Account | undefined {
    const wanted = email.toLowerCase();
    if (!wanted) return undefined;
    for (const account of this.sim.world.accounts.values())
      if (account.loginEmail.toLowerCase() === wanted) return account;
    return undefined;
  }

  /** The user's sites (where the account has Jira access), in the world's order. */
  private sitesOf(accountId: string): Site[] {
    return [...this.sim.world.sites.values()].filter((s) => s.members.has(accountId));
  }
}
