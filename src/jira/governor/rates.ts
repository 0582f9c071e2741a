/**
 * Atlassian's documented steady-state burst rates (requests per second per tenant, endpoint and
 * method) and the per-issue write limits.
 */
export const DEFAULT_METHOD_RATES: Record<string, number> = { GET: 100, POST: 100, PUT: 50, DELETE: 50, PATCH: 50 };

export const ENDPOINT_RATE_OVERRIDES: Record<string, number> = {
  'GET /rest/api/3/attachment/content/{id}': 300,
  'GET /rest/api/3/issue/{issueIdOrKey}': 150,
  'GET /rest/api/3/issue/{issueIdOrKey}/changelog': 200,
  'GET /rest/servicedeskapi/servicedesk/{serviceDeskId}/customer': 5,
};

/** Per-issue write limits: at most 20 writes per 2 s and 100 per 30 s on one issue. */
export const PER_ISSUE_LIMITS = [
  { windowMs: 2_000, max: 20 },
  { windowMs: 30_000, max: 100 },
] as const;

export function documentedRate(key: string): number {
  const override = ENDPOINT_RATE_OVERRIDES[key];
  if (override !== undefined) return override;
  const method = key.slice(0, key.indexOf(' '));
  return DEFAULT_METHOD_RATES[method] ?? 50;
}

/** The RateGovernor's defaults (its options), shared with the planners' ETA models. */
export const GOVERNOR_DEFAULTS = {
  spreadOverHour: true,
  initialShare: 0.2,
  burstUtilisation: 0.95,
  perIssueUtilisation: 0.9,
  maxConcurrency: 32,
} as const;
