/**
 * Lifetimes and policies of the simulated authorization server. Defaults follow Atlassian's
 * documentation (see docs/design.md §5.7); every value can be changed per simulator, in process or
 * through the control API (PUT /__sim/auth/settings).
 */
import { AuthConfigError } from './errors.js';

export interface AuthSettings {
  /** `expires_in` of 3LO access tokens (Atlassian: about one hour; read expires_in, never hard-code it). */
  accessTokenTtlSeconds: number;
  /** `expires_in` of client-credentials (service account) access tokens: 60 minutes. */
  serviceAccountTokenTtlSeconds: number;
  /** Authorization codes are single-use and live this long (10 minutes). */
  authorizationCodeTtlSeconds: number;
  /** A rotated-away refresh token may be exchanged again within this interval (10 minutes). */
  refreshReuseLeewaySeconds: number;
  /** An unused refresh token expires after this much inactivity (90 days); each rotation starts a new token. */
  refreshTokenInactivitySeconds: number;
  /**
   * Absolute lifetime of a refresh-token family, counted from the consent that created it; null
   * disables it. Atlassian staff stated 365 days and older docs listed it, but the current page
   * lists only the 90-day inactivity expiry and the 10-minute leeway — hence off by default, and
   * 31_536_000 (365 days) for clients that want to prove they survive a yearly forced re-consent.
   */
  refreshTokenAbsoluteLifetimeSeconds: number | null;
  /**
   * When a reused refresh token revokes its family, also refuse the family's unexpired access
   * tokens. Off by default: Atlassian's access tokens are self-contained JWTs that stay valid
   * until they expire.
   */
  revokeAccessTokensWithFamily: boolean;
  /** Simulated login sessions at the auth host last this long. */
  sessionTtlSeconds: number;
  /** A rendered login or consent form must be submitted within this time. */
  formTtlSeconds: number;
  /** `Cycle-Period` header of POST /app/report-accounts/, in seconds (default 7 days). */
  reportCyclePeriodSeconds: number;
}

export const DEFAULT_AUTH_SETTINGS: Readonly<AuthSettings> = Object.freeze({
  accessTokenTtlSeconds: 3600,
  serviceAccountTokenTtlSeconds: 3600,
  authorizationCodeTtlSeconds: 600,
  refreshReuseLeewaySeconds: 600,
  refreshTokenInactivitySeconds: 90 * 86_400,
  refreshTokenAbsoluteLifetimeSeconds: null,
  revokeAccessTokensWithFamily: false,
  sessionTtlSeconds: 12 * 3600,
  formTtlSeconds: 30 * 60,
  reportCyclePeriodSeconds: 7 * 86_400,
});

export const ABSOLUTE_LIFETIME_365_DAYS = 365 * 86_400;

/**
 * Validates a partial update (from the control API or a test) and returns the merged settings.
 * Throws an AuthConfigError naming the first bad key.
 */
export function mergeAuthSettings(current: AuthSettings, patch: Record<string, unknown>): AuthSettings {
  const next: AuthSettings = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (!(key in DEFAULT_AUTH_SETTINGS)) throw new AuthConfigError(`unknown auth setting ${key}`);
    const k = key as keyof AuthSettings;
    if (k === 'revokeAccessTokensWithFamily') {
      if (typeof value !== 'boolean') throw new AuthConfigError(`${key} must be a boolean`);
      next[k] = value;
    } else if (k === 'refreshTokenAbsoluteLifetimeSeconds') {
      if (value !== null && !isPositiveInteger(value))
        throw new AuthConfigError(`${key} must be a positive integer or null`);
      next[k] = value;
    } else {
      if (!isPositiveInteger(value)) throw new AuthConfigError(`${key} must be a positive integer (seconds)`);
      next[k] = value;
    }
  }
  return next;
}

function isPositiveInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}
