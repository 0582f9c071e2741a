export * from './errors.js';
export * from './redact.js';
export * from './canonical-json.js';
export * from './hash.js';
export * from './ids.js';
export * from './clock.js';
export * from './progress.js';
export * from './logger.js';
