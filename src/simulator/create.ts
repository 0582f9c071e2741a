/**
 * Assembles a complete simulator: the seeded world, auth server, limits, faults, meter, every
 * REST route family, the media host, webhook delivery and the control API. Tests and
 * `tidemark sim` build simulators through this function.
 */
import { systemClock, type Clock } from '../core/index.js';
import { registerDemoApps } from './auth/apps.js';
import { authPart } from './auth/service.js';
import type { AuthSettings } from './auth/settings.js';
import { OffsetClock } from './clock.js';
import { authControl } from './control/auth.js';
import { limitsControl } from './control/limits.js';
import { onWorldReseeded, worldControl } from './control/world.js';
import type { WorldSize } from './generator/sizes.js';
import { generateWorld } from './generator/world.js';
import { limitsParts, type LimitsPartsOptions } from './limits/parts.js';
import { createMediaHost } from './media.js';
import { registerAgileRoutes } from './rest/agile.js';
import { registerAttachmentRoutes } from './rest/attachments.js';
import { registerAuditRoutes } from './rest/audit.js';
import { registerCommentRoutes } from './rest/comments.js';
import { registerConfigRoutes } from './rest/config-routes.js';
import { registerIdentityRoutes } from './rest/identity.js';
import { registerIssueReadRoutes } from './rest/issues-read.js';
import { registerSearchRoutes } from './rest/search.js';
import { registerServiceDeskRoutes } from './rest/servicedesk.js';
import { registerWebhookRoutes } from './rest/webhooks.js';
import { registerWorklogRoutes } from './rest/worklogs.js';
import { registerWriteRoutes } from './rest/writes.js';
import { attachSearchIndexes } from './search/search-index.js';
import { JiraSimulator, emptyWorld, type SimulatorParts } from './simulator.js';
import { installWebhookDelivery, type OutboundFetch } from './webhooks/delivery.js';

export type SiteSize = WorldSize;

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
  /** Token lifetimes and policies of the auth server (defaults: Atlassian's documented values). */
  auth?: Partial<AuthSettings>;
  /** Callback URL of the demo OAuth app "Tidemark" (default DEFAULT_DEMO_CALLBACK_URL). */
  demoCallbackUrl?: string;
  /** Client secret of the demo app (random when omitted). */
  demoClientSecret?: string;
  /** How webhook deliveries reach the network (default: the global fetch). */
  outboundFetch?: OutboundFetch;
}

export function simulatorParts(
  options: LimitsPartsOptions & Pick<CreateSimulatorOptions, 'auth'> = {},
): SimulatorParts {
  return {
    ...limitsParts(options),
    auth: authPart(options.auth),
    routes: [
      registerIdentityRoutes,
      registerConfigRoutes,
      registerAgileRoutes,
      registerServiceDeskRoutes,
      registerWebhookRoutes,
      registerSearchRoutes,
      registerIssueReadRoutes,
      registerCommentRoutes,
      registerWorklogRoutes,
      registerAttachmentRoutes,
      registerWriteRoutes,
      registerAuditRoutes,
    ],
    control: [limitsControl, authControl, worldControl],
    media: createMediaHost,
  };
}

export function createSimulator(options: CreateSimulatorOptions = {}): JiraSimulator {
  const world = options.size
    ? generateWorld({ seed: options.seed ?? 1, size: options.size })
    : emptyWorld(options.seed ?? 0);
  const sim = new JiraSimulator({
    clock: new OffsetClock(options.clock ?? systemClock),
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    control: options.control ?? false,
    world,
    parts: simulatorParts(options),
  });
  const demo = {
    ...(options.demoCallbackUrl ? { callbackUrl: options.demoCallbackUrl } : {}),
    ...(options.demoClientSecret ? { clientSecret: options.demoClientSecret } : {}),
  };
  const delivery = options.outboundFetch ? { outboundFetch: options.outboundFetch } : {};
  // Registers nothing unless the world has the demo admin (demo.admin@tidemark.test).
  registerDemoApps(sim.world, demo);
  installWebhookDelivery(sim, delivery);
  attachSearchIndexes(sim);
  // A reseed replaces the sites: listeners and credentials must follow the new ones.
  onWorldReseeded(sim, () => {
    if (![...sim.world.apps.values()].some((a) => a.name === 'Tidemark')) registerDemoApps(sim.world, demo);
    installWebhookDelivery(sim, delivery);
    attachSearchIndexes(sim);
  });
  return sim;
}
