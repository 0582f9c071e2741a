/**
 * Assembles a complete simulator: auth server, limits, faults, meter, every REST route family and
 * the control API. Tests and `tidemark sim` build simulators through this function.
 */
import type { Clock } from '../core/index.js';
import { JiraSimulator, type SimulatorParts } from './simulator.js';
import { registerAgileRoutes } from './rest/agile.js';
import { registerServiceDeskRoutes } from './rest/servicedesk.js';
import { registerWebhookRoutes } from './rest/webhooks.js';
import { installWebhookDelivery, type OutboundFetch } from './webhooks/delivery.js';

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
  /** How webhook deliveries reach the network (default: the global fetch). */
  outboundFetch?: OutboundFetch;
}

export function simulatorParts(): SimulatorParts {
  return { routes: [registerAgileRoutes, registerServiceDeskRoutes, registerWebhookRoutes], control: [] };
}

export function createSimulator(options: CreateSimulatorOptions = {}): JiraSimulator {
  const sim = new JiraSimulator({
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    control: options.control ?? false,
    parts: simulatorParts(),
  });
  installWebhookDelivery(sim, options.outboundFetch ? { outboundFetch: options.outboundFetch } : {});
  return sim;
}
