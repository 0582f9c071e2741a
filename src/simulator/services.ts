/**
 * The seams of the simulator. The gateway (simulator.ts) calls these in order for every Jira API
 * request: auth → site → operation/scope → limits.admit → faults → handler → limits.settle → meter.
 */
import type { Clock } from '../core/index.js';
import type { Site, World } from './world/types.js';

/** The authenticated caller of an API request. */
export interface Principal {
  kind: 'user' | 'service-account';
  /** The acting account: the consenting user, or the service account. */
  accountId: string;
  /** The OAuth client (app or service-account credential) the token was issued to. */
  clientId: string;
  scopes: ReadonlySet<string>;
  /** Sites (cloudIds) the token may reach. */
  cloudIds: ReadonlySet<string>;
  /** Id of the access token (for logs; never the token itself). */
  tokenId: string;
}

export interface AuthService {
  /** auth.atlassian.com: GET /authorize (consent page), its form POSTs, POST /oauth/token. */
  handleAuthHost(req: Request, path: string): Promise<Response>;
  /** api.atlassian.com outside /ex/jira: /oauth/token/accessible-resources, /me, /app/report-accounts/. */
  handleApiHost(req: Request, path: string): Promise<Response>;
  /** Resolves an Authorization header to a principal; throws SimHttpError(401) when it is not valid. */
  authenticate(authorization: string | null): Principal;
}

/** What the limits engine and the meter know of one API call. */
export interface CallInfo {
  at: number;
  cloudId: string;
  clientId: string;
  accountId: string;
  method: string;
  /** The spec route string, e.g. /rest/api/3/issue/{issueIdOrKey}. */
  route: string;
  isWrite: boolean;
  /** The issue a write applies to (per-issue write limits). */
  issueId?: string;
}

export interface Rejection {
  status: 429;
  reason: 'jira-quota-global-based' | 'jira-quota-tenant-based' | 'jira-burst-based' | 'jira-per-issue-on-write';
  headers: Record<string, string>;
  body: unknown;
}

/** What the cost rules need to know of an answered call. */
export interface CallOutcome {
  status: number;
  /** Core objects the handler read (RouteResult.objects). */
  objects: number;
  /** Identity objects the handler read (RouteResult.identityObjects). */
  identityObjects: number;
}

export interface LimitsService {
  /** Decides before the handler runs; a rejection is answered as is and costs nothing. */
  admit(call: CallInfo): Rejection | undefined;
  /** Charges an answered call and returns the rate-limit headers to send with it. */
  settle(call: CallInfo, points: number): Record<string, string>;
  /** Points an answered call costs; the gateway applies docs/design.md §5.3's default rules when absent. */
  cost?(call: CallInfo, outcome: CallOutcome): number;
}

export type FaultAction =
  | { kind: 'status'; status: 500 | 502 | 503 | 504; retryAfterSeconds?: number }
  | { kind: 'reset' }
  | { kind: 'truncate' }
  | { kind: 'delay'; ms: number };

export interface FaultsService {
  /** A fault to inject for this call, if any. Faults apply only after admission. */
  pick(call: CallInfo): FaultAction | undefined;
}

export interface MeterRecord {
  at: number;
  cloudId: string;
  clientId: string;
  accountId: string;
  method: string;
  route: string;
  status: number;
  points: number;
  /** RateLimit-Reason of a 429, or the fault injected. */
  note?: string;
}

export interface MeterService {
  record(entry: MeterRecord): void;
}

/** Runtime knobs of the simulator, changeable through the control API. */
export interface SimSettings {
  /**
   * Search-index lag: writes become visible to /search/jql this many ms after they happen
   * (except for issues named in reconcileIssues). 0 = read-after-write.
   */
  indexLagMs: number;
}

/** What every route handler can reach. */
export interface SimServices {
  readonly world: World;
  readonly clock: Clock;
  readonly urls: SimUrls;
  readonly settings: SimSettings;
}

export interface SimUrls {
  /** Public base URL of the listener, e.g. http://127.0.0.1:8080. */
  base: string;
  /** Stand-in for https://auth.atlassian.com. */
  auth: string;
  /** Stand-in for https://api.atlassian.com. */
  api: string;
  /** Stand-in for the media platform that attachment downloads redirect to. */
  media: string;
  /** The REST root of a site through the gateway: {api}/ex/jira/{cloudId}. */
  siteApi(cloudId: string): string;
  /** The browse URL of a site, e.g. {base}/site/acme. */
  siteBrowse(name: string): string;
}

export interface RouteContext {
  readonly sim: SimServices;
  readonly site: Site;
  readonly principal: Principal;
  readonly req: Request;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The JSON body; answers 400 (as Jira does) when it is missing or malformed. */
  json<T = unknown>(): Promise<T>;
  readonly now: number;
}

export interface RouteResult {
  /** Default 200 (204 when there is no body). */
  status?: number;
  /** JSON body, or raw bytes/text for attachments and HTML. */
  body?: unknown;
  raw?: Uint8Array | string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Core objects read (issues, projects, comments…): +1 point each. */
  objects?: number;
  /** Identity objects read (users, groups, permissions): +2 points each. */
  identityObjects?: number;
}

export interface RouteSpec {
  handler(ctx: RouteContext): RouteResult | Promise<RouteResult>;
  /** A write (costs 1 point in all; counts toward per-issue write limits when issueOf is given). */
  write?: boolean;
  /** For writes on one issue: the issue id, resolved from the request (per-issue write limits). */
  issueOf?(ctx: Omit<RouteContext, 'json'>): string | undefined;
}
