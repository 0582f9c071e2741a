/**
 * Assembles a complete simulator: auth server, limits, faults, meter, every REST route family and
 * the control API. Tests and `tidemark sim` build simulators through this function.
 */
import type { Clock } from '../core/index.js';
import { registerConfigRoutes } from './rest/config-routes.js';
import { JiraSimulator, type SimulatorParts } from './simulator.js';

export type SiteSize = 'tiny' | 'small' | 'medium' | 'large';

export interface CreateSimulatorOptions {
  clock?: Clock;
  baseUrl?: string;
  /** Enables /__sim control routes. */
  control?: boolean;
  /** Seed of the data generator (same seed → byte-identical ground truth). */
  seed?: number;
  /** Size of the generated data; omit for an empty world. */
  size?: SiteSize;
}

export function simulatorParts(): SimulatorParts {
  return { routes: [registerConfigRoutes], control: [] };
}

export function createSimulator(options: CreateSimulatorOptions = {}): JiraSimulator {
  const sim = new JiraSimulator({
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    control: options.control ?? false,
    parts: simulatorParts(),
  });
  return sim;
}
