export * from './settings.js';
export * from './engine.js';
export * from './parts.js';
export { burstRate } from './burst.js';
export type { PoolSnapshot, PoolUsage, QuotaPolicy, QuotaReason } from './quota.js';
export { rateLimitResetHeader } from './headers.js';
