export * from './simulator.js';
export * from './services.js';
export * from './world/types.js';
export { SimHttpError, jiraError, gatewayError, oauthError } from './http/errors.js';
export { RouteTable, scopesAllow } from './http/route-table.js';
export { Router } from './http/router.js';
export * from './world/site.js';
export * from './world/events.js';
export * from './world/factory.js';
