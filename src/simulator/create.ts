/**
 * Assembles a complete simulator: auth server, limits, faults, meter, every REST route family and
 * the control API. Tests and `tidemark sim` build simulators through this function.
 */
import { systemClock, type Clock } from '../core/index.js';
import { OffsetClock } from './clock.js';
import { limitsControl } from './control/limits.js';
import { limitsParts, type LimitsPartsOptions } from './limits/parts.js';
import { JiraSimulator, type SimulatorParts } from './simulator.js';

export type SiteSize = 'tiny' | 'small' | 'medium' | 'large';

export interface CreateSimulatorOptions extends LimitsPartsOptions {
  /** The simulator runs on an OffsetClock around this clock (default: the system clock). */
  clock?: Clock;
  baseUrl?: string;
  /** Enables /__sim control routes. */
  control?: boolean;
  /** Seed of the data generator (same seed → byte-identical ground truth). */
  seed?: number;
  /** Size of the generated data; omit for an empty world. */
  size?: SiteSize;
}

export function simulatorParts(options: LimitsPartsOptions = {}): SimulatorParts {
  return { ...limitsParts(options), routes: [], control: [limitsControl] };
}

export function createSimulator(options: CreateSimulatorOptions = {}): JiraSimulator {
  const sim = new JiraSimulator({
    clock: new OffsetClock(options.clock ?? systemClock),
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    control: options.control ?? false,
    parts: simulatorParts(options),
  });
  return sim;
}
