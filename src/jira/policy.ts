/**
 * Policy guard. Atlassian's rules for apps (2025) forbid collecting or storing customers' API
 * tokens and asking customers to create their own OAuth apps. Tidemark refuses, at every entry
 * point (configuration files, environment, CLI flags, HTTP API inputs), anything that carries an
 * Atlassian API token, basic-auth credentials or a customer-created OAuth app's secret, and says
 * what to do instead.
 */
import { TidemarkError } from '../core/index.js';

export type InputSource = 'configuration' | 'environment' | 'command-line flag' | 'API request';

const RULE =
  "Atlassian's rules for apps forbid collecting or storing API tokens, passwords or basic-auth credentials, and asking customers to create their own OAuth apps " +
  '(https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/).';

const ALTERNATIVE =
  'Connect with `tidemark connect` (consent to the Tidemark app through Atlassian), or, on-prem, pair with the vendor broker (`tidemark connect --broker URL`). ' +
  "Customers who cannot reach the broker may use a service account's OAuth client credentials (`tidemark connect --service-account`).";

/** Names that mean "an API token or a password" wherever they appear. */
const TOKEN_NAME =
  /(^|[_.-])(api[_.-]?token|apitoken|personal[_.-]?access[_.-]?token|pat|password|passwd|basic[_.-]?auth)$/i;
/** Names of well-known environment variables people set for Jira scripts. */
const ENV_NAMES = new Set([
  'JIRA_API_TOKEN',
  'ATLASSIAN_API_TOKEN',
  'JIRA_TOKEN',
  'JIRA_PASSWORD',
  'ATLASSIAN_TOKEN',
  'CONFLUENCE_API_TOKEN',
]);
/** The repository passphrase is Tidemark's own secret, not a Jira credential (like restic's RESTIC_PASSWORD). */
const REPOSITORY_SECRET =
  /(^|\.)(tidemark_(repo_)?password(_file)?|repo(sitory)?[_.-]?(password|passphrase)(file)?|password[_.-]?file|passphrase)$|^repo(sitory)?\./i;

/** Names of OAuth client secrets (allowed only where the vendor runs the software). */
const SECRET_NAME = /(^|[_.-])(client[_.-]?secret|clientsecret|oauth[_.-]?secret)$/i;

/** Values that are credentials whatever they are called. */
function credentialValue(value: string): string | undefined {
  if (/\bATATT[A-Za-z0-9_=-]{10,}/.test(value)) return 'an Atlassian API token';
  if (/^\s*basic\s+[A-Za-z0-9+/=]{8,}\s*$/i.test(value)) return 'basic-auth credentials';
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@[^/\s]*atlassian\.(net|com)/i.test(value))
    return 'a URL with embedded credentials';
  return undefined;
}

export interface PolicyContext {
  source: InputSource;
  /** True where the vendor itself runs the code (SaaS server, broker): it may hold its own app's secret. */
  vendorOperated: boolean;
}

/** The policy refusal for `what` (e.g. 'an API token') found at `where`, with Atlassian's rule and the alternative. */
export function policyRefusal(what: string, where: string, ctx: PolicyContext): TidemarkError {
  return refuse(what, where, ctx);
}

function refuse(what: string, where: string, ctx: PolicyContext): TidemarkError {
  return new TidemarkError(
    'policy',
    // No "name: value" shape here: redaction would take the words after a credential's name for its value.
    `refused ${what} (${ctx.source} ${where}); Tidemark never accepts or stores it.`,
    {
      hint: `${RULE} ${ALTERNATIVE}`,
      details: { source: ctx.source, field: where },
    },
  );
}

/**
 * Throws a `policy` error when a flat or nested input carries a forbidden credential. Names are
 * checked case-insensitively; values are checked for credential shapes whatever their name.
 */
export function assertCompliantInput(input: unknown, ctx: PolicyContext, at = ''): void {
  if (input === null || input === undefined) return;
  if (typeof input === 'string') {
    const what = credentialValue(input);
    if (what) throw refuse(what, at || 'value', ctx);
    return;
  }
  if (Array.isArray(input)) {
    input.forEach((v, i) => assertCompliantInput(v, ctx, `${at}[${i}]`));
    return;
  }
  if (typeof input !== 'object') return;
  for (const [name, value] of Object.entries(input as Record<string, unknown>)) {
    const where = at ? `${at}.${name}` : name;
    const present = value !== undefined && value !== null && value !== '' && value !== false;
    const repositorySecret = REPOSITORY_SECRET.test(where);
    if (
      present &&
      !repositorySecret &&
      (TOKEN_NAME.test(name) || (ctx.source === 'environment' && ENV_NAMES.has(name.toUpperCase())))
    ) {
      throw refuse(
        /pass/i.test(name) ? 'a password' : /basic/i.test(name) ? 'basic-auth credentials' : 'an API token',
        where,
        ctx,
      );
    }
    if (present && SECRET_NAME.test(name) && !ctx.vendorOperated && !/service[_.-]?account/i.test(where)) {
      throw refuse("an OAuth app's client secret (a customer-created app)", where, ctx);
    }
    assertCompliantInput(value, ctx, where);
  }
}

/** Checks the environment: well-known Jira credential variables and TIDEMARK_* credential names. */
export function assertCompliantEnvironment(env: Record<string, string | undefined>, vendorOperated: boolean): void {
  const relevant: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    if (ENV_NAMES.has(k.toUpperCase()) || k.toUpperCase().startsWith('TIDEMARK_')) relevant[k] = v;
  }
  assertCompliantInput(relevant, { source: 'environment', vendorOperated });
}

/** What an HTTP API request carries, for `assertCompliantRequest`. */
export interface ApiRequestInput {
  authorization: string | null;
  query: Record<string, string>;
  body: unknown;
}

/**
 * Checks an HTTP API request of the server or the broker: basic-auth credentials in the
 * Authorization header, and credential-shaped names or values in the query or the body.
 */
export function assertCompliantRequest(input: ApiRequestInput, vendorOperated: boolean): void {
  const ctx: PolicyContext = { source: 'API request', vendorOperated };
  if (input.authorization && /^\s*basic\s/i.test(input.authorization))
    throw refuse('basic-auth credentials', 'header Authorization', ctx);
  assertCompliantInput(input.query, ctx, 'query');
  assertCompliantInput(input.body, ctx, 'body');
}

/** The parts of an HTTP framework's request the guard reads (Hono's `c.req` fits). */
export interface ApiRequestLike {
  method: string;
  header(name: string): string | undefined;
  query(): Record<string, string>;
  json(): Promise<unknown>;
  parseBody(): Promise<unknown>;
}

/** Collects what `assertCompliantRequest` checks; a body that does not parse is left to the handler. */
export async function apiRequestInput(req: ApiRequestLike): Promise<ApiRequestInput> {
  let body: unknown;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const type = req.header('content-type') ?? '';
    try {
      if (/json/i.test(type)) body = await req.json();
      else if (/form/i.test(type)) body = await req.parseBody();
    } catch {
      body = undefined;
    }
  }
  return { authorization: req.header('authorization') ?? null, query: req.query(), body };
}
