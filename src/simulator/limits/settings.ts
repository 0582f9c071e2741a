/**
 * Settings of the simulator's rate limits: the points quota (global and per-tenant pools), the
 * point costs of docs/design.md §5 "Points model", burst token buckets and per-issue write windows. Defaults
 * follow Atlassian's documentation (see docs/design.md §5 "Rate limits"); every value can be changed when the
 * simulator is built and at run time (LimitsEngine.configure, PUT/PATCH /__sim/limits).
 */
import { z } from 'zod';
import { TidemarkError } from '../../core/index.js';

/** Per-tenant pool tiers, as documented by Atlassian (granted to an app by review). */
export type TenantTier = 'free' | 'standard' | 'premium' | 'enterprise';

export interface TenantPoolSettings {
  tier: TenantTier;
  /** Licensed users of the site; omitted → the site's member count in the simulated world. */
  users?: number;
  /** An explicit pool size that overrides the tier formula. */
  points?: number;
  /** Apps (OAuth client ids) that use this pool on the site; omitted → every app. */
  apps?: string[];
}

export interface QuotaSettings {
  enabled: boolean;
  /** Size of an app's Global Pool (shared by every site the app reaches), points per window. */
  globalPoints: number;
  /** Sites (cloudIds) whose calls spend a Per-Tenant Pool instead of the app's Global Pool. */
  tenantPools: Record<string, TenantPoolSettings>;
  /** Window length; windows start at multiples of it since the epoch (3600 → top of each UTC hour). */
  windowSeconds: number;
  /** X-RateLimit-NearLimit and the `r` member of Beta-RateLimit appear when less than this share remains. */
  nearLimitShare: number;
  /** Prefix of the structured quota headers: 'Beta-' today; '' once Atlassian drops it. */
  headerPrefix: 'Beta-' | '';
}

/** The cost rules of docs/design.md §5 "Points model". */
export interface CostRules {
  /** Every answered read. */
  base: number;
  /** Each core object read (issues, projects, comments, attachments…). */
  perObject: number;
  /** Each identity object read (users, groups, permissions). */
  perIdentityObject: number;
  /** A successful write, in total. */
  write: number;
  /** An error answer (status ≥ 400; 429s are never charged). */
  error: number;
}

export interface BurstSettings {
  enabled: boolean;
  /** Steady-state requests per second by HTTP method. */
  rates: Record<string, number>;
  /** Rate of methods not named in `rates`. */
  defaultRate: number;
  /** Per-endpoint rates, keyed "METHOD /spec/route/{template}". */
  overrides: Record<string, number>;
  /** Burst buffer: a bucket holds rate × capacitySeconds tokens (at least 1). */
  capacitySeconds: number;
}

export interface PerIssueWindow {
  writes: number;
  seconds: number;
}

export interface PerIssueSettings {
  enabled: boolean;
  /** Sliding windows; a write is refused when any window already holds `writes` writes to the issue. */
  windows: PerIssueWindow[];
}

export interface LimitsSettings {
  quota: QuotaSettings;
  costs: CostRules;
  burst: BurstSettings;
  perIssue: PerIssueSettings;
}

/** A partial settings object: objects merge member by member, arrays replace, `null` removes a record entry. */
export type LimitsPatch = DeepPatch<LimitsSettings>;

export type DeepPatch<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPatch<T[K]> | (string extends keyof T ? null : never) }
    : T;

export const BURST_OVERRIDES: Readonly<Record<string, number>> = {
  'GET /rest/api/3/attachment/content/{id}': 300,
  'GET /rest/api/3/issue/{issueIdOrKey}': 150,
  'GET /rest/api/3/issue/{issueIdOrKey}/changelog': 200,
  'GET /rest/servicedeskapi/servicedesk/{serviceDeskId}/customer': 5,
};

/** Realistic defaults: Atlassian's documented values. */
export function defaultLimitSettings(): LimitsSettings {
  return {
    quota: {
      enabled: true,
      globalPoints: 65_000,
      tenantPools: {},
      windowSeconds: 3600,
      nearLimitShare: 0.2,
      headerPrefix: 'Beta-',
    },
    costs: { base: 1, perObject: 1, perIdentityObject: 2, write: 1, error: 1 },
    burst: {
      enabled: true,
      rates: { GET: 100, POST: 100, PUT: 50, DELETE: 50 },
      defaultRate: 50,
      overrides: { ...BURST_OVERRIDES },
      capacitySeconds: 1,
    },
    perIssue: {
      enabled: true,
      windows: [
        { writes: 20, seconds: 2 },
        { writes: 100, seconds: 30 },
      ],
    },
  };
}

/** No limit applies (costs are still computed and metered). */
export function unlimitedLimitSettings(): LimitsSettings {
  const s = defaultLimitSettings();
  s.quota.enabled = false;
  s.burst.enabled = false;
  s.perIssue.enabled = false;
  return s;
}

export const LIMIT_PRESETS = {
  realistic: defaultLimitSettings,
  unlimited: unlimitedLimitSettings,
} as const;

export type LimitPreset = keyof typeof LIMIT_PRESETS;

/** Documented Per-Tenant Pool sizes: Free 65k; Standard 100k + 10/user; Premium 130k + 20/user; Enterprise 150k + 30/user; at most 500k. */
export function tenantPoolPoints(tier: TenantTier, users: number): number {
  const u = Math.max(0, Math.floor(users));
  const raw =
    tier === 'free'
      ? 65_000
      : tier === 'standard'
        ? 100_000 + 10 * u
        : tier === 'premium'
          ? 130_000 + 20 * u
          : 150_000 + 30 * u;
  return Math.min(raw, 500_000);
}

const positive = z.number().finite().positive();
const nonNegative = z.number().finite().nonnegative();
const count = z.number().int().positive();

const limitsSchema = z.strictObject({
  quota: z.strictObject({
    enabled: z.boolean(),
    globalPoints: count,
    tenantPools: z.record(
      z.string(),
      z.strictObject({
        tier: z.enum(['free', 'standard', 'premium', 'enterprise']),
        users: z.number().int().nonnegative().optional(),
        points: count.optional(),
        apps: z.array(z.string()).optional(),
      }),
    ),
    windowSeconds: count,
    nearLimitShare: z.number().min(0).max(1),
    headerPrefix: z.enum(['Beta-', '']),
  }),
  costs: z.strictObject({
    base: nonNegative,
    perObject: nonNegative,
    perIdentityObject: nonNegative,
    write: nonNegative,
    error: nonNegative,
  }),
  burst: z.strictObject({
    enabled: z.boolean(),
    rates: z.record(z.string(), positive),
    defaultRate: positive,
    overrides: z.record(z.string().regex(/^[A-Z]+ \/\S*$/, 'expected "METHOD /route"'), positive),
    capacitySeconds: positive,
  }),
  perIssue: z.strictObject({
    enabled: z.boolean(),
    windows: z.array(z.strictObject({ writes: count, seconds: positive })),
  }),
});

/** Checks a complete settings object; throws a `usage` TidemarkError that names every problem. */
export function validateLimitSettings(value: unknown): LimitsSettings {
  const r = limitsSchema.safeParse(value);
  if (!r.success) throw new TidemarkError('usage', `invalid limit settings: ${z.prettifyError(r.error)}`);
  const s = r.data as LimitsSettings;
  // Methods are compared upper-case.
  s.burst.rates = Object.fromEntries(Object.entries(s.burst.rates).map(([k, v]) => [k.toUpperCase(), v]));
  return s;
}

/** Settings from a preset (default realistic) with a patch applied, validated. */
export function limitSettings(patch: LimitsPatch = {}, preset: LimitPreset = 'realistic'): LimitsSettings {
  return validateLimitSettings(deepMerge(LIMIT_PRESETS[preset](), patch));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Merges `patch` into a copy of `base`: plain objects member by member, anything else (arrays,
 * numbers…) replaces; a `null` member removes that member.
 */
export function deepMerge<T>(base: T, patch: unknown): T {
  if (patch === undefined) return structuredClone(base);
  if (!isPlainObject(base) || !isPlainObject(patch)) return structuredClone(patch) as T;
  const out: Record<string, unknown> = structuredClone(base);
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (v === null) delete out[k];
    else out[k] = k in out ? deepMerge(out[k], v) : structuredClone(v);
  }
  return out as T;
}
