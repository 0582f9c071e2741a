/**
 * The request pipeline: one chain of hooks, `auth → governor → retry → transport`. Each hook is
 * `(next) => (req) => Promise<Response>`; the client composes them and adds its own in between
 * when configured.
 */
import type { GovernorTicket } from './governor/governor.js';

export interface PreparedRequest {
  /** Route key, "METHOD route". */
  key: string;
  method: string;
  route: string;
  url: string;
  headers: Headers;
  body?: string | Uint8Array | FormData;
  /** Safe to send again after a transient failure (reads, searches, bulk fetches, PUTs we mark). */
  idempotent: boolean;
  /** Safe to send again after a 429 (the request was rejected unprocessed). */
  retryRejected: boolean;
  /** The governor's view of the request. */
  ticket: GovernorTicket;
  /** 'json' responses are read fully inside the retry hook so truncation is caught and retried. */
  responseType: 'json' | 'stream';
  signal?: AbortSignal;
  /**
   * Sets credentials on the request. Installed by the auth hook and run by the retry hook right
   * before each attempt goes out, so a request that waited (for quota, for a retry) never leaves
   * with a token that expired meanwhile.
   */
  authorize?: () => Promise<void>;
}

export type Handler = (req: PreparedRequest) => Promise<Response>;
export type RequestHook = (next: Handler) => Handler;

export function compose(hooks: RequestHook[], transport: Handler): Handler {
  return hooks.reduceRight<Handler>((next, hook) => hook(next), transport);
}
