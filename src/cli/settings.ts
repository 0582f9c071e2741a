/**
 * Where the CLI finds its settings: $TIDEMARK_HOME, the master key, configuration files and the
 * vendor app's identity. Only src/cli reads the environment and files for this; everything below
 * takes the values as parameters. Every configuration file passes the policy guard when read.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { TidemarkError, registerSecret } from '../core/index.js';
import {
  DEFAULT_API_BASE_URL,
  DEFAULT_AUTH_BASE_URL,
  FileVaultStorage,
  TokenVault,
  assertCompliantInput,
  open,
  parseMasterKey,
  seal,
  type InstallationIdentity,
  type OAuthAppConfig,
  type SealedEnvelope,
} from '../jira/index.js';
import type { CliContext } from './context.js';

type Env = Record<string, string | undefined>;

export function tidemarkHome(env: Env): string {
  return path.resolve(env.TIDEMARK_HOME ?? path.join(env.HOME ?? '.', '.tidemark'));
}

export function vaultFile(env: Env): string {
  return path.join(tidemarkHome(env), 'vault.json');
}

/** The master key: --master-key-file, else TIDEMARK_MASTER_KEY_FILE, else TIDEMARK_MASTER_KEY (base64 or hex, ≥ 32 bytes). */
export async function masterKey(env: Env, keyFile: string | undefined): Promise<Buffer> {
  const file = keyFile ?? env.TIDEMARK_MASTER_KEY_FILE;
  if (file) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new TidemarkError('config', `cannot read the master key file ${file}`, { cause: e });
    }
    return parseMasterKey(text);
  }
  if (env.TIDEMARK_MASTER_KEY) return parseMasterKey(env.TIDEMARK_MASTER_KEY);
  throw new TidemarkError('config', 'no master key: tokens are stored sealed under a master key', {
    hint: 'Pass --master-key-file FILE or set TIDEMARK_MASTER_KEY (32 random bytes, base64: `head -c 32 /dev/urandom | base64`).',
  });
}

export async function openVault(env: Env, keyFile: string | undefined): Promise<TokenVault> {
  return TokenVault.open({ storage: new FileVaultStorage(vaultFile(env)), masterKey: await masterKey(env, keyFile) });
}

/** Reads a JSON configuration file and passes it through the policy guard. */
export async function readConfigFile(file: string, vendorOperated: boolean): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new TidemarkError('config', `cannot read the configuration file ${file}`, { cause: e });
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    throw new TidemarkError('config', `the configuration file ${file} is not JSON`);
  }
  if (!config || typeof config !== 'object' || Array.isArray(config))
    throw new TidemarkError('config', `the configuration file ${file} must hold a JSON object`);
  assertCompliantInput(config, { source: 'configuration', vendorOperated });
  return config as Record<string, unknown>;
}

/** Reads a secret from a file (trimmed) and checks it is not an Atlassian API token or basic-auth credentials. */
export async function readSecretFile(file: string, what: string, vendorOperated: boolean): Promise<string> {
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).trim();
  } catch (e) {
    throw new TidemarkError('config', `cannot read ${what} from ${file}`, { cause: e });
  }
  if (!text) throw new TidemarkError('config', `${file} is empty; it should hold ${what}`);
  assertCompliantInput(text, { source: 'configuration', vendorOperated }, file);
  registerSecret(text);
  return text;
}

function str(obj: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = obj?.[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export interface VendorAppSettings {
  clientId: string;
  clientSecret: string;
  authBaseUrl: string;
  apiBaseUrl: string;
  /** The app's callback URL, when configured (embedded connect needs it; the server derives it). */
  redirectUri: string | undefined;
}

/**
 * The vendor app's identity — its client id and its secret — for the commands the vendor operates
 * (server, broker, embedded connect). From the `app` member of a configuration file, else from
 * TIDEMARK_CLIENT_ID, TIDEMARK_CLIENT_SECRET or TIDEMARK_CLIENT_SECRET_FILE, TIDEMARK_AUTH_BASE_URL,
 * TIDEMARK_API_BASE_URL and TIDEMARK_REDIRECT_URI.
 */
export async function vendorApp(
  ctx: CliContext,
  config: Record<string, unknown> | undefined,
  options: { required: boolean } = { required: true },
): Promise<VendorAppSettings | undefined> {
  const app = (config?.app && typeof config.app === 'object' ? config.app : undefined) as
    Record<string, unknown> | undefined;
  const env = ctx.env;
  const clientId = str(app, 'clientId') ?? env.TIDEMARK_CLIENT_ID;
  const secretFile = str(app, 'clientSecretFile') ?? env.TIDEMARK_CLIENT_SECRET_FILE;
  const clientSecret =
    str(app, 'clientSecret') ??
    env.TIDEMARK_CLIENT_SECRET ??
    (secretFile ? await readSecretFile(secretFile, "the app's client secret", true) : undefined);
  if (!clientId || !clientSecret) {
    if (!options.required) return undefined;
    throw new TidemarkError('config', "the vendor app's client id and secret are not configured", {
      hint: 'Give them in the configuration file ({"app": {"clientId": …, "clientSecretFile": …}}) or as TIDEMARK_CLIENT_ID and TIDEMARK_CLIENT_SECRET_FILE. Only the vendor holds this secret: on-prem installations connect through the broker instead.',
    });
  }
  registerSecret(clientSecret);
  return {
    clientId,
    clientSecret,
    authBaseUrl: str(app, 'authBaseUrl') ?? env.TIDEMARK_AUTH_BASE_URL ?? DEFAULT_AUTH_BASE_URL,
    apiBaseUrl: str(app, 'apiBaseUrl') ?? env.TIDEMARK_API_BASE_URL ?? DEFAULT_API_BASE_URL,
    redirectUri: str(app, 'redirectUri') ?? env.TIDEMARK_REDIRECT_URI,
  };
}

export function oauthApp(app: VendorAppSettings, redirectUri: string): OAuthAppConfig {
  return {
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    authBaseUrl: app.authBaseUrl,
    apiBaseUrl: app.apiBaseUrl,
    redirectUri,
  };
}

const IDENTITY_PURPOSE = 'installation identity';

export function identityFile(env: Env): string {
  return path.join(tidemarkHome(env), 'installation.json');
}

/** The broker pairing of this installation (its Ed25519 private key), sealed under the master key. */
export async function loadIdentity(env: Env, key: Uint8Array): Promise<InstallationIdentity | undefined> {
  const storage = new FileVaultStorage(identityFile(env));
  const bytes = await storage.load();
  if (!bytes) return undefined;
  let envelope: SealedEnvelope;
  try {
    envelope = JSON.parse(Buffer.from(bytes).toString('utf8')) as SealedEnvelope;
  } catch {
    throw new TidemarkError('corrupt', `${identityFile(env)} is not a sealed installation identity`);
  }
  return JSON.parse(open(key, envelope, IDENTITY_PURPOSE).toString('utf8')) as InstallationIdentity;
}

export async function saveIdentity(env: Env, key: Uint8Array, identity: InstallationIdentity): Promise<void> {
  const storage = new FileVaultStorage(identityFile(env));
  const sealed = seal(key, Buffer.from(JSON.stringify(identity)), IDENTITY_PURPOSE);
  await storage.exclusive(() => storage.save(Buffer.from(JSON.stringify(sealed))));
}
