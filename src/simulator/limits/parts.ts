/**
 * Wiring of the limits, faults and meter parts into a simulator, and typed access to them from a
 * built simulator (tests, benchmarks, the control API).
 */
import { TidemarkError, type Clock } from '../../core/index.js';
import { OffsetClock } from '../clock.js';
import { FaultsEngine, type FaultPatch } from '../faults/engine.js';
import { SimMeter, type MeterOptions } from '../meter/meter.js';
import type { FaultsService, LimitsService, MeterService } from '../services.js';
import type { SimulatorParts } from '../simulator.js';
import { LimitsEngine } from './engine.js';
import type { LimitPreset, LimitsPatch } from './settings.js';

export interface LimitsPartsOptions {
  /** Limit settings applied to the preset (see LimitsSettings). */
  limits?: LimitsPatch;
  /** 'realistic' (default, Atlassian's documented values) or 'unlimited'. */
  limitsPreset?: LimitPreset;
  /** Fault settings (default: no faults). */
  faults?: FaultPatch;
  meter?: Omit<MeterOptions, 'now'>;
}

/** The limits, faults and meter parts of a simulator. */
export function limitsParts(
  options: LimitsPartsOptions = {},
): Required<Pick<SimulatorParts, 'limits' | 'faults' | 'meter'>> {
  return {
    limits: (services) => new LimitsEngine(services, options.limits ?? {}, options.limitsPreset ?? 'realistic'),
    faults: () => new FaultsEngine(options.faults ?? {}),
    meter: (services) => new SimMeter({ ...options.meter, now: () => services.clock.now() }),
  };
}

/** The simulator's LimitsEngine (throws when it was built with another limits service). */
export function limitsOf(sim: { readonly limits: LimitsService }): LimitsEngine {
  if (sim.limits instanceof LimitsEngine) return sim.limits;
  throw new TidemarkError('usage', 'this simulator was not built with the LimitsEngine');
}

/** The simulator's FaultsEngine (throws when it was built with another faults service). */
export function faultsOf(sim: { readonly faults: FaultsService }): FaultsEngine {
  if (sim.faults instanceof FaultsEngine) return sim.faults;
  throw new TidemarkError('usage', 'this simulator was not built with the FaultsEngine');
}

/** The simulator's SimMeter (throws when it was built with another meter). */
export function meterOf(sim: { readonly meter: MeterService }): SimMeter {
  if (sim.meter instanceof SimMeter) return sim.meter;
  throw new TidemarkError('usage', 'this simulator was not built with the SimMeter');
}

/** The simulator's adjustable clock, or undefined when it runs on a plain Clock. */
export function offsetClockOf(sim: { readonly clock: Clock }): OffsetClock | undefined {
  return sim.clock instanceof OffsetClock ? sim.clock : undefined;
}
