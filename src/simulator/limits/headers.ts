/**
 * Rate-limit header values in Atlassian's formats (docs/design.md §5 "Rate limits" says which header appears
 * when).
 */

/** Whole seconds until `until`, at least 1 (Retry-After never says 0). */
export function retryAfterSeconds(now: number, until: number): number {
  return Math.max(1, Math.ceil((until - now) / 1000));
}

/** Whole seconds until `until`, rounded up, never negative (the `t` member of Beta-RateLimit). */
export function secondsUntil(now: number, until: number): number {
  return Math.max(0, Math.ceil((until - now) / 1000));
}

/**
 * X-RateLimit-Reset: the reset time in Atlassian's documented `yyyy-MM-ddTHH:mmZ` form (ISO-8601
 * in UTC at minute precision), e.g. 2026-11-24T10:00Z. Like Jira, the value is request time plus
 * the Retry-After period, cut to the minute.
 */
export function rateLimitResetHeader(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16) + 'Z';
}

/** A quota policy as Beta-RateLimit-Policy states it: "global-app-quota";q=65000;w=3600. */
export function policyHeader(policy: string, quota: number, windowSeconds: number): string {
  return `"${policy}";q=${quota};w=${windowSeconds}`;
}

/** Quota status as Beta-RateLimit states it: "global-app-quota";r=12000;t=1800 (r only near the limit). */
export function statusHeader(policy: string, remaining: number | undefined, secondsToReset: number): string {
  return remaining === undefined
    ? `"${policy}";t=${secondsToReset}`
    : `"${policy}";r=${Math.max(0, Math.floor(remaining))};t=${secondsToReset}`;
}

/** Jira's ErrorCollection for a rate-limited call. */
export function rateLimitBody(message: string): {
  errorMessages: string[];
  errors: Record<string, string>;
  status: 429;
} {
  return { errorMessages: [message], errors: {}, status: 429 };
}
