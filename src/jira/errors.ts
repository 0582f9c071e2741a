/**
 * JiraError: the one error type (a TidemarkError) for everything that goes wrong talking to Jira.
 * Its `kind` says how to react; its message never carries a token or secret (TidemarkError
 * redacts on construction, and the request line is built from the route, not the full URL).
 */
import { TidemarkError, type ErrorKind } from '../core/index.js';

export type JiraErrorKind = Extract<
  ErrorKind,
  | 'rate-limited'
  | 'auth'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'validation'
  | 'server'
  | 'network'
  | 'needs-reconsent'
>;

export interface JiraErrorInit {
  status?: number;
  method?: string;
  route?: string;
  /** Jira's ErrorCollection, when the body had one. */
  errorMessages?: string[];
  errors?: Record<string, string>;
  /** From Retry-After / X-RateLimit-Reset on 429 and some 503s. */
  retryAfterMs?: number;
  rateLimitReason?: string;
  hint?: string;
  cause?: unknown;
}

export class JiraError extends TidemarkError {
  declare readonly kind: JiraErrorKind;
  readonly status: number | undefined;
  readonly method: string | undefined;
  readonly route: string | undefined;
  readonly errorMessages: string[];
  readonly errors: Record<string, string>;
  readonly retryAfterMs: number | undefined;
  readonly rateLimitReason: string | undefined;

  constructor(kind: JiraErrorKind, message: string, init: JiraErrorInit = {}) {
    const details: Record<string, unknown> = {};
    if (init.status !== undefined) details.status = init.status;
    if (init.method) details.method = init.method;
    if (init.route) details.route = init.route;
    if (init.rateLimitReason) details.rateLimitReason = init.rateLimitReason;
    if (init.retryAfterMs !== undefined) details.retryAfterMs = init.retryAfterMs;
    super(kind, message, { hint: init.hint, cause: init.cause, details });
    this.name = 'JiraError';
    this.status = init.status;
    this.method = init.method;
    this.route = init.route;
    this.errorMessages = init.errorMessages ?? [];
    this.errors = init.errors ?? {};
    this.retryAfterMs = init.retryAfterMs;
    this.rateLimitReason = init.rateLimitReason;
  }
}

/** Maps an HTTP status to the kind of JiraError it means. */
export function kindForStatus(status: number): JiraErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'server';
  return 'validation';
}

/** Reads Jira's error bodies: ErrorCollection, the gateway's {code,message}, OAuth {error,error_description}. */
export function parseErrorBody(text: string): { errorMessages: string[]; errors: Record<string, string> } {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const errorMessages = Array.isArray(body.errorMessages) ? body.errorMessages.map(String) : [];
    const errors: Record<string, string> = {};
    if (body.errors && typeof body.errors === 'object' && !Array.isArray(body.errors)) {
      for (const [k, v] of Object.entries(body.errors as Record<string, unknown>)) errors[k] = String(v);
    }
    if (typeof body.message === 'string') errorMessages.push(body.message);
    if (typeof body.error_description === 'string') errorMessages.push(body.error_description);
    else if (typeof body.error === 'string') errorMessages.push(body.error);
    return { errorMessages, errors };
  } catch {
    return { errorMessages: [], errors: {} };
  }
}
