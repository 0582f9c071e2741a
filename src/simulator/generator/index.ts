/** The deterministic data generator. */
export { generateWorld, firstSite, type GenerateWorldOptions } from './world.js';
export { SIZE_PROFILES, WORLD_SIZES, type WorldSize, type SizeProfile, type SiteSpec } from './sizes.js';
export {
  DEMO_ADMIN_EMAIL,
  DEMO_USER_EMAIL,
  SERVICE_ACCOUNT_EMAIL,
  AUTOMATION_EMAIL,
  FIXED_ACCOUNT_IDS,
} from './accounts.js';
export { GENERATION_END } from './site.js';
export { Rng, hash32, stableUuid } from './prng.js';
