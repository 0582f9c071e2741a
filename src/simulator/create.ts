/**
 * Assembles a complete simulator: auth server, limits, faults, meter, every REST route family and
 * the control API. Tests and `tidemark sim` build simulators through this function.
 */
import type { Clock } from '../core/index.js';
import { JiraSimulator, type SimulatorParts } from './simulator.js';
import { createMediaHost } from './media.js';
import { registerAttachmentRoutes } from './rest/attachments.js';
import { registerCommentRoutes } from './rest/comments.js';
import { registerIssueReadRoutes } from './rest/issues-read.js';
import { registerSearchRoutes } from './rest/search.js';
import { registerWorklogRoutes } from './rest/worklogs.js';
import { attachSearchIndexes } from './search/search-index.js';

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
  return {
    routes: [
      registerSearchRoutes,
      registerIssueReadRoutes,
      registerCommentRoutes,
      registerWorklogRoutes,
      registerAttachmentRoutes,
    ],
    control: [],
    media: createMediaHost,
  };
}

export function createSimulator(options: CreateSimulatorOptions = {}): JiraSimulator {
  const sim = new JiraSimulator({
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    control: options.control ?? false,
    parts: simulatorParts(),
  });
  attachSearchIndexes(sim);
  return sim;
}
