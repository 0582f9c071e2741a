/**
 * Tidemark's one error type. Every failure the product reports is a TidemarkError with a `kind`
 * that callers branch on, a message written for the person reading it, and an optional hint that
 * says what to do next. Messages are redacted when the error is built, so a token or secret that
 * slipped into a message or cause never reaches a log.
 */
import { redact } from './redact.js';

export type ErrorKind =
  // Jira and the network (see JiraError in src/jira)
  | 'rate-limited'
  | 'auth'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'validation'
  | 'server'
  | 'network'
  // connections and policy
  | 'needs-reconsent'
  | 'policy'
  // repository and storage
  | 'corrupt'
  | 'wrong-key'
  | 'locked'
  | 'storage'
  | 'no-space'
  // everything else
  | 'config'
  | 'usage'
  | 'cancelled'
  | 'internal';

export interface TidemarkErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Structured, non-secret details for machine readers (NDJSON, API). */
  details?: Record<string, unknown>;
}

export class TidemarkError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown>;

  constructor(kind: ErrorKind, message: string, options: TidemarkErrorOptions = {}) {
    super(redact(message), options.cause === undefined ? undefined : { cause: scrubCause(options.cause) });
    this.name = 'TidemarkError';
    this.kind = kind;
    this.hint = options.hint === undefined ? undefined : redact(options.hint);
    this.details = options.details
      ? (JSON.parse(redact(JSON.stringify(options.details))) as Record<string, unknown>)
      : {};
  }

  /** A JSON form for NDJSON output and HTTP APIs. Never includes the stack. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { kind: this.kind, message: this.message };
    if (this.hint) out.hint = this.hint;
    if (Object.keys(this.details).length > 0) out.details = this.details;
    return out;
  }
}

export function isTidemarkError(e: unknown, kind?: ErrorKind): e is TidemarkError {
  return e instanceof TidemarkError && (kind === undefined || e.kind === kind);
}

/** Wraps anything thrown into a TidemarkError, keeping TidemarkErrors as they are. */
export function toTidemarkError(e: unknown, fallbackKind: ErrorKind = 'internal'): TidemarkError {
  if (e instanceof TidemarkError) return e;
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      return new TidemarkError('no-space', `out of disk space: ${e.message}`, {
        cause: e,
        hint: 'Free space on the target volume and run the command again; nothing written so far is lost.',
      });
    }
    return new TidemarkError(fallbackKind, e.message, { cause: e });
  }
  return new TidemarkError(fallbackKind, String(e));
}

function scrubCause(cause: unknown): unknown {
  if (cause instanceof TidemarkError) return cause;
  if (cause instanceof Error) {
    const copy = new Error(redact(cause.message));
    copy.name = cause.name;
    const code = (cause as NodeJS.ErrnoException).code;
    if (code) (copy as NodeJS.ErrnoException).code = code;
    return copy;
  }
  return typeof cause === 'string' ? redact(cause) : undefined;
}
