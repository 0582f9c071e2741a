/**
 * The compliance report: the auth model in use, the app identity, every scope requested with its
 * reason, every Jira operation the code can call — derived by scanning the code's own call sites,
 * not from a hand-kept list — and where tokens live and how they are protected.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { OPERATIONS_BY_KEY } from './generated/operations.js';
import { TIDEMARK_SCOPES } from './auth/oauth.js';

/** A call site: client.request('GET /rest/…'), client.stream(…), pages(client, 'POST /rest/…'), items(…). */
const CALL =
  /\b(?:request|stream|pages|items)\s*(?:<[^>()]*>)?\(\s*(?:[\w.]+\s*,\s*)?['"`]((?:GET|POST|PUT|DELETE|PATCH) \/rest\/[A-Za-z0-9_{}./-]+)['"`]/g;
/** Any client call, literal key or not (to prove every call site was understood). */
const ANY_CALL = /(?:\.request|\.stream|\bpages|\bitems)\s*(?:<[^>()]*>)?\(\s*(?:[\w.]+\s*,\s*)?(['"`]?)/g;
/** Files that use the Jira client (outside src/jira, which implements it). */
const USES_CLIENT = /from\s+['"][./]*(?:\.\.\/)*jira(?:\/index)?\.js['"]/;

const EXCLUDED_DIRS = new Set(['simulator', 'generated', 'node_modules']);

export interface OperationUse {
  key: string;
  operationId: string;
  /** Scope alternatives of the operation (any one set suffices). */
  scopes: readonly (readonly string[])[];
  /** The alternative Tidemark's requested scopes satisfy, if any. */
  grantedBy: readonly string[] | null;
  files: string[];
}

export interface RouteScan {
  operations: OperationUse[];
  /** Call sites whose route key is not a literal (the report would be incomplete). */
  unresolved: Array<{ file: string; line: number }>;
  /** Literal keys that are not operations of the pinned specs. */
  unknown: Array<{ key: string; file: string }>;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!EXCLUDED_DIRS.has(entry.name)) out.push(...(await sourceFiles(full)));
    } else if (/\.(ts|js)$/.test(entry.name) && !/\.(test|d)\.(ts|js)$/.test(entry.name)) {
      out.push(full);
    }
  }
  return out.sort();
}

/** Scans the product's source (src/ or dist/) for the Jira operations it calls. */
export async function scanRouteUsage(
  sourceRoot: string,
  requested: readonly string[] = Object.keys(TIDEMARK_SCOPES),
): Promise<RouteScan> {
  const granted = new Set(requested);
  const uses = new Map<string, Set<string>>();
  const unresolved: RouteScan['unresolved'] = [];
  const unknown: RouteScan['unknown'] = [];
  for (const file of await sourceFiles(sourceRoot)) {
    const text = await readFile(file, 'utf8');
    const rel = path.relative(sourceRoot, file);
    for (const m of text.matchAll(CALL)) {
      const key = m[1]!;
      if (!OPERATIONS_BY_KEY.has(key)) unknown.push({ key, file: rel });
      else uses.set(key, (uses.get(key) ?? new Set()).add(rel));
    }
    if (rel.split(path.sep)[0] !== 'jira' && USES_CLIENT.test(text)) {
      for (const m of text.matchAll(ANY_CALL)) {
        if (m[1] === '') unresolved.push({ file: rel, line: text.slice(0, m.index).split('\n').length });
      }
    }
  }
  const operations = [...uses.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, files]) => {
      const op = OPERATIONS_BY_KEY.get(key)!;
      return {
        key,
        operationId: op.operationId,
        scopes: op.scopes,
        grantedBy: op.scopes.find((alt) => alt.every((s) => granted.has(s))) ?? null,
        files: [...files].sort(),
      };
    });
  return { operations, unresolved, unknown };
}

export type AuthModel = 'saas' | 'on-prem-broker' | 'service-account' | 'embedded';

const MODEL_TEXT: Record<AuthModel, { summary: string; why: string; tokens: string }> = {
  saas: {
    summary:
      "One vendor-owned, distributed OAuth 2.0 (3LO) app. Customers consent through Atlassian's consent screen; the SaaS holds the app's client secret.",
    why: 'A single distributable app is what Atlassian asks for: every request is attributable to the vendor app, and no customer creates an app or hands over a token.',
    tokens:
      'Refresh and access tokens are sealed with AES-256-GCM under the server master key (token vault); the rotated refresh token is stored before use.',
  },
  'on-prem-broker': {
    summary:
      "The same single vendor app, brokered: consent goes through the vendor broker's callback; the broker holds the client secret and refresh tokens; this installation receives short-lived access tokens.",
    why: 'There is still one distributed app; no client secret or refresh token ships to the customer; traffic stays attributable to the app; backup data never passes through the broker.',
    tokens:
      'No refresh token or client secret on site. Access tokens live in memory only. The installation authenticates to the broker with an Ed25519 key pair (private key sealed under the local master key).',
  },
  'service-account': {
    summary:
      "The customer's own Atlassian service account with OAuth 2.0 client credentials, created by the customer's org admin, used only by this installation.",
    why: 'Atlassian documents client credentials for service accounts for integrations; the vendor never sees the credential. Caveat: Atlassian has not confirmed in writing that a vendor product may be driven this way, so it is offered only to customers who cannot reach the broker.',
    tokens:
      "The service account's client secret is sealed in the token vault (AES-256-GCM under the local master key); access tokens last 60 minutes and are not stored in clear.",
  },
  embedded: {
    summary:
      'One process with the vendor app (used for the bundled simulator demo and single-tenant vendor-run installs).',
    why: 'Same as SaaS: one distributed app, consent through Atlassian, no API tokens.',
    tokens:
      'Tokens are sealed in $TIDEMARK_HOME/vault.json (AES-256-GCM under the master key from a key file or environment variable).',
  },
};

export interface ComplianceReport {
  authModel: { model: AuthModel; summary: string; whyCompliant: string };
  app: { name: string; clientId: string | null; distribution: string };
  scopes: Array<{ scope: string; reason: string }>;
  operations: OperationUse[];
  tokens: { where: string; protection: string };
  neverAccepted: string[];
  problems: string[];
}

export async function buildComplianceReport(options: {
  model: AuthModel;
  clientId: string | null;
  sourceRoot: string;
  tokenLocation: string;
}): Promise<ComplianceReport> {
  const scan = await scanRouteUsage(options.sourceRoot);
  const text = MODEL_TEXT[options.model];
  const problems = [
    ...scan.operations
      .filter((o) => !o.grantedBy)
      .map((o) => `${o.key} needs one of ${JSON.stringify(o.scopes)}, which Tidemark does not request`),
    ...scan.unresolved.map(
      (u) =>
        `${u.file}:${u.line} calls Jira with a route key that is not a literal; the operation list may be incomplete`,
    ),
    ...scan.unknown.map((u) => `${u.file} calls ${u.key}, which is not an operation of the pinned specs`),
  ];
  return {
    authModel: { model: options.model, summary: text.summary, whyCompliant: text.why },
    app: {
      name: 'Tidemark',
      clientId: options.clientId,
      distribution:
        options.model === 'service-account'
          ? 'not used (customer-owned service account)'
          : 'distributed (sharing enabled), vendor-owned',
    },
    scopes: Object.entries(TIDEMARK_SCOPES).map(([scope, reason]) => ({ scope, reason })),
    operations: scan.operations,
    tokens: { where: options.tokenLocation, protection: text.tokens },
    neverAccepted: [
      'Atlassian API tokens',
      'passwords or basic-auth credentials',
      "customer-created OAuth apps' client secrets",
    ],
    problems,
  };
}
