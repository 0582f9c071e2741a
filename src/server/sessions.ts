/**
 * Operator sessions of the server: an opaque random id in an HttpOnly, SameSite=Lax cookie, with
 * the server-side data (pending OAuth consents, the CSRF token) kept in memory. The OAuth `state`
 * of a consent is bound to the session that started it, so a callback arriving in another browser
 * (or forged by another site) is refused.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

export interface PendingConsent {
  stateHash: string;
  createdAt: number;
}

export interface Session {
  id: string;
  csrf: string;
  createdAt: number;
  consents: PendingConsent[];
  flash?: string;
}

const COOKIE = 'tm_session';

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs = 12 * 3_600_000,
    private readonly secureCookies = false,
  ) {}

  /** The request's session, created (and the cookie set) when there is none. */
  get(c: Context): Session {
    this.prune();
    const id = getCookie(c, COOKIE);
    const existing = id ? this.sessions.get(id) : undefined;
    if (existing) return existing;
    const session: Session = {
      id: randomBytes(24).toString('base64url'),
      csrf: randomBytes(24).toString('base64url'),
      createdAt: this.now(),
      consents: [],
    };
    this.sessions.set(session.id, session);
    setCookie(c, COOKIE, session.id, {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      secure: this.secureCookies,
      maxAge: Math.floor(this.ttlMs / 1000),
    });
    return session;
  }

  /** The request's session if it has one (never creates). */
  find(c: Context): Session | undefined {
    const id = getCookie(c, COOKIE);
    return id ? this.sessions.get(id) : undefined;
  }

  private prune(): void {
    const cutoff = this.now() - this.ttlMs;
    for (const [id, s] of this.sessions) if (s.createdAt < cutoff) this.sessions.delete(id);
  }
}
