/**
 * Assembles a complete simulator: auth server, limits, faults, meter, every REST route family and
 * the control API. Tests and `tidemark sim` build simulators through this function.
 */
import type { Clock } from '../core/index.js';
import { worldControl } from './control/world.js';
import { generateWorld } from './generator/world.js';
import type { WorldSize } from './generator/sizes.js';
import { JiraSimulator, emptyWorld, type SimulatorParts } from './simulator.js';

export type SiteSize = WorldSize;

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
  return { routes: [], control: [worldControl] };
}

export function createSimulator(options: CreateSimulatorOptions = {}): JiraSimulator {
  const world = options.size
    ? generateWorld({ seed: options.seed ?? 1, size: options.size })
    : emptyWorld(options.seed ?? 0);
  const sim = new JiraSimulator({
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    control: options.control ?? false,
    world,
    parts: simulatorParts(),
  });
  return sim;
}
