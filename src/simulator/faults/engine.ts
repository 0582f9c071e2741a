/**
 * FaultsEngine: injects the failures a client of Jira Cloud meets — 500/502/503/504 answers (a
 * share of the 503s with Retry-After), connection resets, truncated bodies and slow responses — at
 * configured rates, optionally only for some methods or routes. Draws come from a seeded generator,
 * so a run is reproducible: the same seed and the same sequence of matching calls give the same
 * faults. The gateway asks for a fault only after a call was admitted by the rate limits.
 * docs/design.md §5 "Faults" documents the settings.
 */
import { z } from 'zod';
import { TidemarkError } from '../../core/index.js';
import { deepMerge, type DeepPatch } from '../limits/settings.js';
import type { CallInfo, FaultAction, FaultsService } from '../services.js';
import { SeededRandom } from './prng.js';

export const FAULT_KINDS = ['error500', 'error502', 'error503', 'error504', 'reset', 'truncate', 'slow'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSettings {
  /** Seed of the generator; (re)setting the settings restarts the sequence from it. */
  seed: number;
  /** Probability (0..1) per matching call of each fault; their sum must not exceed 1. */
  rates: Record<FaultKind, number>;
  /** Share (0..1) of injected 503s that carry Retry-After. */
  retryAfterShare: number;
  /** Retry-After value of those 503s, in seconds. */
  retryAfterSeconds: number;
  /** Delay of a slow response, in ms of the simulator's clock. */
  slowMs: number;
  /** Only calls with these methods (omitted → every method). */
  methods?: string[];
  /** Only calls to these spec routes; an entry ending in `*` matches routes starting with the rest (omitted → every route). */
  routes?: string[];
}

export type FaultPatch = DeepPatch<FaultSettings>;

export function defaultFaultSettings(): FaultSettings {
  return {
    seed: 1,
    rates: { error500: 0, error502: 0, error503: 0, error504: 0, reset: 0, truncate: 0, slow: 0 },
    retryAfterShare: 0.5,
    retryAfterSeconds: 5,
    slowMs: 2000,
  };
}

const rate = z.number().min(0).max(1);
const faultSchema = z
  .strictObject({
    seed: z.number().int(),
    rates: z.strictObject({
      error500: rate,
      error502: rate,
      error503: rate,
      error504: rate,
      reset: rate,
      truncate: rate,
      slow: rate,
    }),
    retryAfterShare: rate,
    retryAfterSeconds: z.number().int().positive(),
    slowMs: z.number().int().nonnegative(),
    methods: z.array(z.string()).optional(),
    routes: z.array(z.string()).optional(),
  })
  .refine((s) => FAULT_KINDS.reduce((sum, k) => sum + s.rates[k], 0) <= 1 + 1e-9, {
    message: 'the fault rates add up to more than 1',
    path: ['rates'],
  });

export function validateFaultSettings(value: unknown): FaultSettings {
  const r = faultSchema.safeParse(value);
  if (!r.success) throw new TidemarkError('usage', `invalid fault settings: ${z.prettifyError(r.error)}`);
  const s = r.data as FaultSettings;
  if (s.methods) s.methods = s.methods.map((m) => m.toUpperCase());
  return s;
}

/** Default settings (no faults) with a patch applied, validated. */
export function faultSettings(patch: FaultPatch = {}): FaultSettings {
  return validateFaultSettings(deepMerge(defaultFaultSettings(), patch));
}

export class FaultsEngine implements FaultsService {
  private current: FaultSettings;
  private random: SeededRandom;

  constructor(settings: FaultPatch = {}) {
    this.current = faultSettings(settings);
    this.random = new SeededRandom(this.current.seed);
  }

  get settings(): FaultSettings {
    return structuredClone(this.current);
  }

  /** Merges a patch into the settings in force and restarts the generator from the seed. */
  configure(patch: FaultPatch): FaultSettings {
    this.current = validateFaultSettings(deepMerge(this.current, patch));
    this.random = new SeededRandom(this.current.seed);
    return this.settings;
  }

  /** Replaces the settings (defaults with `patch` applied) and restarts the generator from the seed. */
  replace(patch: FaultPatch = {}): FaultSettings {
    this.current = faultSettings(patch);
    this.random = new SeededRandom(this.current.seed);
    return this.settings;
  }

  /** True when the settings can inject anything at all. */
  get active(): boolean {
    return FAULT_KINDS.some((k) => this.current.rates[k] > 0);
  }

  pick(call: CallInfo): FaultAction | undefined {
    const s = this.current;
    if (!this.active || !this.matches(call)) return undefined;
    const u = this.random.next();
    let edge = 0;
    for (const kind of FAULT_KINDS) {
      edge += s.rates[kind];
      if (u < edge) return this.action(kind);
    }
    return undefined;
  }

  private action(kind: FaultKind): FaultAction {
    const s = this.current;
    switch (kind) {
      case 'error500':
        return { kind: 'status', status: 500 };
      case 'error502':
        return { kind: 'status', status: 502 };
      case 'error503':
        return this.random.next() < s.retryAfterShare
          ? { kind: 'status', status: 503, retryAfterSeconds: s.retryAfterSeconds }
          : { kind: 'status', status: 503 };
      case 'error504':
        return { kind: 'status', status: 504 };
      case 'reset':
        return { kind: 'reset' };
      case 'truncate':
        return { kind: 'truncate' };
      case 'slow':
        return { kind: 'delay', ms: s.slowMs };
    }
  }

  private matches(call: CallInfo): boolean {
    const { methods, routes } = this.current;
    if (methods && !methods.includes(call.method.toUpperCase())) return false;
    if (routes && !routes.some((r) => (r.endsWith('*') ? call.route.startsWith(r.slice(0, -1)) : r === call.route)))
      return false;
    return true;
  }
}
