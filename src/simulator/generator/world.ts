/**
 * generateWorld({ seed, size }): the deterministic simulated world — global accounts and several
 * Jira sites (see sizes.ts). The same seed and size always give the same world, byte for byte in
 * its ground-truth dump; nothing reads the wall clock or Math.random.
 */
import type { Site, World } from '../world/types.js';
import { generateAccounts } from './accounts.js';
import { generateSite } from './site.js';
import { SIZE_PROFILES, type WorldSize } from './sizes.js';

export interface GenerateWorldOptions {
  seed: number;
  size: WorldSize;
}

export function generateWorld(options: GenerateWorldOptions): World {
  const { seed, size } = options;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const profile = SIZE_PROFILES[size];
  if (!profile) throw new RangeError(`unknown world size '${String(size)}'`);
  const accounts = generateAccounts(seed, profile.accounts, profile.customers);
  const world: World = {
    seed,
    accounts: new Map(accounts.all.map((a) => [a.accountId, a])),
    apps: new Map(),
    serviceAccounts: new Map(),
    sites: new Map(),
  };
  profile.sites.forEach((spec, i) => {
    const site: Site = generateSite(seed, i, spec, profile, accounts, world);
    world.sites.set(site.cloudId, site);
  });
  return world;
}

/** The first (demo) site of a generated world: the one named 'acme'. */
export function firstSite(world: World): Site | undefined {
  return world.sites.values().next().value;
}
