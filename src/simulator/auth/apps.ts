/**
 * The simulated developer console: registering OAuth 2.0 (3LO) apps and service-account
 * client-credentials credentials in a world, and the demo apps every seeded world gets.
 */
import type { Account, OAuthApp, ServiceAccountCredential, World } from '../world/types.js';
import { AuthConfigError } from './errors.js';
import { isKnownScope, TIDEMARK_SCOPES } from './scopes.js';
import { derivedClientId, newClientSecret } from './secrets.js';

import { DEMO_ADMIN_EMAIL, DEMO_USER_EMAIL } from '../generator/accounts.js';

export { DEMO_ADMIN_EMAIL, DEMO_USER_EMAIL };
export const DEMO_APP_NAME = 'Tidemark';
export const DEV_APP_NAME = 'Tidemark (development)';
/** Default callback URL of the demo app: a local `tidemark server`. Change it per simulator. */
export const DEFAULT_DEMO_CALLBACK_URL = 'http://127.0.0.1:8080/oauth/callback';

/** The scopes a service-account credential of the demo world gets (no identity-platform scopes but read:me). */
export const SERVICE_ACCOUNT_SCOPES: readonly string[] = TIDEMARK_SCOPES.filter(
  (s) => s !== 'offline_access' && s !== 'report:personal-data',
);

export interface AppInput {
  name: string;
  callbackUrl: string;
  ownerAccountId: string;
  distributed?: boolean;
  scopes?: readonly string[];
  clientId?: string;
  clientSecret?: string;
}

export interface ServiceAccountInput {
  accountId: string;
  scopes?: readonly string[];
  /** Default: every site of the world (an org-level credential). */
  cloudIds?: readonly string[];
  clientId?: string;
  clientSecret?: string;
}

function checkScopes(scopes: readonly string[]): string[] {
  if (scopes.length === 0) throw new AuthConfigError('at least one scope is required');
  const unknown = scopes.filter((s) => !isKnownScope(s));
  if (unknown.length > 0) throw new AuthConfigError(`unknown scopes: ${unknown.join(' ')}`);
  return [...new Set(scopes)];
}

function checkCallbackUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AuthConfigError(`callbackUrl is not an absolute URL: ${url}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new AuthConfigError('callbackUrl must be an http(s) URL');
  if (parsed.hash) throw new AuthConfigError('callbackUrl must not have a fragment');
}

function checkClientId(world: World, clientId: string): void {
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(clientId))
    throw new AuthConfigError('clientId must be 8–64 characters of letters, digits, _ or -');
  if (world.apps.has(clientId) || world.serviceAccounts.has(clientId))
    throw new AuthConfigError(`clientId ${clientId} is already registered`);
}

/** Registers a 3LO app. Its client secret is random unless given. */
export function registerApp(world: World, input: AppInput): OAuthApp {
  if (!input.name.trim()) throw new AuthConfigError('name is required');
  checkCallbackUrl(input.callbackUrl);
  if (!world.accounts.has(input.ownerAccountId))
    throw new AuthConfigError(`owner ${input.ownerAccountId} is not an account of this world`);
  const clientId = input.clientId ?? derivedClientId(world.seed, `app:${world.apps.size}:${input.name}`);
  checkClientId(world, clientId);
  const app: OAuthApp = {
    clientId,
    clientSecret: input.clientSecret ?? newClientSecret(),
    name: input.name,
    callbackUrl: input.callbackUrl,
    ownerAccountId: input.ownerAccountId,
    distributed: input.distributed ?? false,
    scopes: checkScopes(input.scopes ?? TIDEMARK_SCOPES),
  };
  world.apps.set(clientId, app);
  return app;
}

/** Changes an app's settings in the developer console (callback URL, scopes, sharing, name). */
export function updateApp(
  world: World,
  clientId: string,
  patch: Partial<Pick<OAuthApp, 'name' | 'callbackUrl' | 'distributed' | 'scopes'>>,
): OAuthApp {
  const app = world.apps.get(clientId);
  if (!app) throw new AuthConfigError(`no app with clientId ${clientId}`);
  if (patch.callbackUrl !== undefined) checkCallbackUrl(patch.callbackUrl);
  if (patch.name !== undefined && !patch.name.trim()) throw new AuthConfigError('name is required');
  const scopes = patch.scopes !== undefined ? checkScopes(patch.scopes) : app.scopes;
  Object.assign(app, { ...patch, scopes });
  return app;
}

/** Creates a client-credentials credential for a service account (accountType 'app'). */
export function registerServiceAccount(world: World, input: ServiceAccountInput): ServiceAccountCredential {
  const account = world.accounts.get(input.accountId);
  if (!account) throw new AuthConfigError(`no account ${input.accountId}`);
  if (account.accountType !== 'app')
    throw new AuthConfigError('service-account credentials belong to accounts of type app');
  const cloudIds = [...(input.cloudIds ?? world.sites.keys())];
  const unknownSites = cloudIds.filter((id) => !world.sites.has(id));
  if (unknownSites.length > 0) throw new AuthConfigError(`unknown sites: ${unknownSites.join(', ')}`);
  const clientId =
    input.clientId ?? derivedClientId(world.seed, `service-account:${input.accountId}:${world.serviceAccounts.size}`);
  checkClientId(world, clientId);
  const cred: ServiceAccountCredential = {
    clientId,
    clientSecret: input.clientSecret ?? newClientSecret(),
    accountId: input.accountId,
    scopes: checkScopes(input.scopes ?? SERVICE_ACCOUNT_SCOPES),
    cloudIds,
  };
  world.serviceAccounts.set(clientId, cred);
  return cred;
}

export function findAccountByLoginEmail(world: World, email: string): Account | undefined {
  const wanted = email.toLowerCase();
  for (const account of world.accounts.values()) if (account.loginEmail.toLowerCase() === wanted) return account;
  return undefined;
}

/**
 * Service accounts of a world: active accounts of type 'app' whose login e-mail is at
 * serviceaccount.atlassian.com (as Atlassian names them); when there is none, every active app
 * account.
 */
export function serviceAccountsOf(world: World): Account[] {
  const apps = [...world.accounts.values()].filter((a) => a.accountType === 'app' && a.active);
  const named = apps.filter((a) => a.loginEmail.toLowerCase().endsWith('@serviceaccount.atlassian.com'));
  return named.length > 0 ? named : apps;
}

export interface DemoApps {
  /** The vendor's distributed app "Tidemark", owned by demo.admin. */
  tidemark: OAuthApp;
  /** An unshared app of demo.admin, usable only by its owner. */
  development: OAuthApp;
  /** One client-credentials credential per service account of the world. */
  serviceAccounts: ServiceAccountCredential[];
}

export interface DemoAppOptions {
  callbackUrl?: string;
  /** Client secret of the Tidemark app (random when omitted). */
  clientSecret?: string;
}

/**
 * Registers the demo apps in a world that has the demo admin account (demo.admin@tidemark.test);
 * returns undefined, registering nothing, when it has not. Client ids derive from world.seed, so
 * the same seed gives the same ids; secrets are random unless given.
 */
export function registerDemoApps(world: World, options: DemoAppOptions = {}): DemoApps | undefined {
  const admin = findAccountByLoginEmail(world, DEMO_ADMIN_EMAIL);
  if (!admin) return undefined;
  const callbackUrl = options.callbackUrl ?? DEFAULT_DEMO_CALLBACK_URL;
  const tidemarkInput: AppInput = {
    name: DEMO_APP_NAME,
    callbackUrl,
    ownerAccountId: admin.accountId,
    distributed: true,
    scopes: TIDEMARK_SCOPES,
    clientId: derivedClientId(world.seed, 'demo-app:tidemark'),
  };
  if (options.clientSecret !== undefined) tidemarkInput.clientSecret = options.clientSecret;
  const tidemark = registerApp(world, tidemarkInput);
  const development = registerApp(world, {
    name: DEV_APP_NAME,
    callbackUrl,
    ownerAccountId: admin.accountId,
    distributed: false,
    scopes: TIDEMARK_SCOPES,
    clientId: derivedClientId(world.seed, 'demo-app:development'),
  });
  const serviceAccounts = serviceAccountsOf(world).map((account) =>
    registerServiceAccount(world, {
      accountId: account.accountId,
      clientId: derivedClientId(world.seed, `demo-service-account:${account.accountId}`),
    }),
  );
  return { tidemark, development, serviceAccounts };
}

/** The demo app of a world, if registered. */
export function demoApp(world: World): OAuthApp | undefined {
  return world.apps.get(derivedClientId(world.seed, 'demo-app:tidemark'));
}
