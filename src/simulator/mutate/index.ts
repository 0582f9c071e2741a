/** Mutation primitives over a site's stored data (see context.ts for the contract). */
export * from './context.js';
export * from './fields.js';
export * from './issues.js';
export * from './comments.js';
export * from './worklogs.js';
export * from './attachments.js';
export * from './links.js';
export * from './social.js';
export * from './properties.js';
export * from './projects.js';
export * from './config.js';
