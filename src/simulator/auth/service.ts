/**
 * The simulator's AuthService: the auth host (authorize, login, consent, token endpoint), the API
 * host's identity routes, and bearer-token authentication for the gateway. Build it into a
 * simulator with `authPart()`; reach it from a JiraSimulator with `simAuth(sim)`.
 */
import { jsonResponse } from '../http/respond.js';
import type { AuthService, Principal, SimServices } from '../services.js';
import type { JiraSimulator } from '../simulator.js';
import { handleApiRoute } from './api-host.js';
import { findAccountByLoginEmail } from './apps.js';
import { AuthConfigError } from './errors.js';
import { AuthorizeFlow } from './authorize.js';
import { isKnownScope } from './scopes.js';
import { DEFAULT_AUTH_SETTINGS, mergeAuthSettings, type AuthSettings } from './settings.js';
import { tokenEndpoint } from './token-endpoint.js';
import { TokenAuthority, type Grant, type TokenResponse } from './tokens.js';

export interface IssueTokensInput {
  /** The 3LO app. */
  clientId: string;
  /** The consenting account, by id or by login e-mail. */
  accountId?: string;
  email?: string;
  /** Default: every scope the app is configured for. */
  scopes?: readonly string[];
  /** Default: every site the account is a member of. */
  cloudIds?: readonly string[];
}

export class SimAuthService implements AuthService {
  private current: AuthSettings;
  readonly tokens: TokenAuthority;
  private readonly flow: AuthorizeFlow;

  constructor(
    private readonly sim: SimServices,
    settings: Partial<AuthSettings> = {},
  ) {
    this.current = mergeAuthSettings({ ...DEFAULT_AUTH_SETTINGS }, settings);
    this.tokens = new TokenAuthority(sim, () => this.current);
    this.flow = new AuthorizeFlow(sim, this.tokens, () => this.current);
  }

  get settings(): Readonly<AuthSettings> {
    return this.current;
  }

  /** Changes settings (validated); returns the new settings. */
  configure(patch: Partial<AuthSettings> | Record<string, unknown>): AuthSettings {
    this.current = mergeAuthSettings(this.current, patch);
    return this.current;
  }

  async handleAuthHost(req: Request, path: string): Promise<Response> {
    if (path === '/oauth/token') {
      if (req.method !== 'POST')
        return jsonResponse(405, { error: 'invalid_request', error_description: 'Use POST.' }, { allow: 'POST' });
      return tokenEndpoint(req, this.tokens);
    }
    const res = await this.flow.handle(req, path);
    return res ?? jsonResponse(404, { code: 404, message: 'Not Found' });
  }

  handleApiHost(req: Request, path: string): Promise<Response> {
    return handleApiRoute(
      req,
      path,
      this.sim,
      (h) => this.authenticate(h),
      () => this.current,
    );
  }

  authenticate(authorization: string | null): Principal {
    return this.tokens.authenticate(authorization);
  }

  /**
   * Consent and code exchange in one call, for tests that need a 3LO token without the consent
   * page. Respects the same rules as the page: the app must be shared or the account its owner,
   * the account active, the scopes configured on the app, the sites the account's own.
   */
  issueTokens(input: IssueTokensInput): TokenResponse {
    const world = this.sim.world;
    const app = world.apps.get(input.clientId);
    if (!app) throw new AuthConfigError(`no app with clientId ${input.clientId}`);
    const account = input.accountId
      ? world.accounts.get(input.accountId)
      : input.email
        ? findAccountByLoginEmail(world, input.email)
        : undefined;
    if (!account)
      throw new AuthConfigError('issueTokens needs the accountId or login e-mail of an account of the world');
    if (!account.active) throw new AuthConfigError(`account ${account.accountId} is deactivated`);
    if (!app.distributed && app.ownerAccountId !== account.accountId)
      throw new AuthConfigError(`${app.name} is not shared; only its owner can consent`);
    const scopes = [...(input.scopes ?? app.scopes)];
    const bad = scopes.filter((s) => !isKnownScope(s) || !app.scopes.includes(s));
    if (bad.length > 0) throw new AuthConfigError(`${app.name} is not configured for: ${bad.join(' ')}`);
    const own = [...world.sites.values()].filter((s) => s.members.has(account.accountId)).map((s) => s.cloudId);
    const cloudIds = [...(input.cloudIds ?? own)];
    const foreign = cloudIds.filter((id) => !own.includes(id));
    if (foreign.length > 0)
      throw new AuthConfigError(`account ${account.accountId} is not a member of: ${foreign.join(', ')}`);
    return this.tokens.issueDirect(app, account, scopes, cloudIds);
  }

  /** The grant of an (app, account), if any: its scopes and sites. */
  grant(clientId: string, accountId: string): Readonly<Grant> | undefined {
    return this.tokens.grantOf(clientId, accountId);
  }

  /** Revokes an (app, account) grant and every token issued under it. */
  revokeGrant(clientId: string, accountId: string): boolean {
    return this.tokens.revokeGrant(clientId, accountId);
  }
}

/** The simulator part that builds the auth service (see SimulatorParts.auth). */
export function authPart(settings: Partial<AuthSettings> = {}): (services: SimServices) => AuthService {
  return (services) => new SimAuthService(services, settings);
}

/** The SimAuthService of a simulator built with authPart(); throws when it has another AuthService. */
export function simAuth(sim: Pick<JiraSimulator, 'auth'>): SimAuthService {
  if (!(sim.auth instanceof SimAuthService))
    throw new Error('this simulator was not built with the simulated auth server');
  return sim.auth;
}
