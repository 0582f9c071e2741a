/**
 * Assembles a complete simulator: auth server, limits, faults, meter, every REST route family and
 * the control API. Tests and `tidemark sim` build simulators through this function.
 */
import { systemClock, type Clock } from '../core/index.js';
import { registerDemoApps } from './auth/apps.js';
import { authPart } from './auth/service.js';
import type { AuthSettings } from './auth/settings.js';
import { OffsetClock } from './clock.js';
import { authControl } from './control/auth.js';
import { limitsControl } from './control/limits.js';
import { limitsParts, type LimitsPartsOptions } from './limits/parts.js';
import { registerConfigRoutes } from './rest/config-routes.js';
import { registerIdentityRoutes } from './rest/identity.js';
import { JiraSimulator, type SimulatorParts } from './simulator.js';
import { registerAgileRoutes } from './rest/agile.js';
import { registerServiceDeskRoutes } from './rest/servicedesk.js';
import { registerWebhookRoutes } from './rest/webhooks.js';
import { installWebhookDelivery, type OutboundFetch } from './webhooks/delivery.js';
import { createMediaHost } from './media.js';
import { registerAttachmentRoutes } from './rest/attachments.js';
import { registerCommentRoutes } from './rest/comments.js';
import { registerIssueReadRoutes } from './rest/issues-read.js';
import { registerSearchRoutes } from './rest/search.js';
import { registerWorklogRoutes } from './rest/worklogs.js';
import { attachSearchIndexes } from './search/search-index.js';

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
    ],
    control: [limitsControl, authControl],
    media: createMediaHost,
  };
}

export function createSimulator(options: CreateSimulatorOptions = {}): JiraSimulator {
  const sim = new JiraSimulator({
    clock: new OffsetClock(options.clock ?? systemClock),
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    control: options.control ?? false,
    parts: simulatorParts(options),
  });
  // Registers nothing unless the world has the demo admin (demo.admin@tidemark.test).
  registerDemoApps(sim.world, {
    ...(options.demoCallbackUrl ? { callbackUrl: options.demoCallbackUrl } : {}),
    ...(options.demoClientSecret ? { clientSecret: options.demoClientSecret } : {}),
  });
  installWebhookDelivery(sim, options.outboundFetch ? { outboundFetch: options.outboundFetch } : {});
  attachSearchIndexes(sim);
  return sim;
}
