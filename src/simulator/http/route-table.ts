import { OPERATIONS_BY_KEY, type OperationInfo } from '../../jira/generated/operations.js';
import { Router } from './router.js';
import type { RouteSpec } from '../services.js';

export interface RegisteredRoute extends RouteSpec {
  operation: OperationInfo;
}

/**
 * The simulator's Jira REST route table. Every route must be an operation of the pinned specs;
 * registering anything else fails at start-up, so the table can never drift from the spec.
 */
export class RouteTable {
  readonly router = new Router<RegisteredRoute>();

  add(method: string, route: string, spec: RouteSpec | RouteSpec['handler']): void {
    const key = `${method.toUpperCase()} ${route}`;
    const operation = OPERATIONS_BY_KEY.get(key);
    if (!operation) throw new Error(`simulator route ${key} is not an operation of the pinned OpenAPI specs`);
    const full = typeof spec === 'function' ? { handler: spec } : spec;
    this.router.add(method, route, { ...full, operation });
  }

  get(route: string, spec: RouteSpec | RouteSpec['handler']): void {
    this.add('GET', route, spec);
  }
  post(route: string, spec: RouteSpec | RouteSpec['handler']): void {
    this.add('POST', route, spec);
  }
  put(route: string, spec: RouteSpec | RouteSpec['handler']): void {
    this.add('PUT', route, spec);
  }
  delete(route: string, spec: RouteSpec | RouteSpec['handler']): void {
    this.add('DELETE', route, spec);
  }

  /** "METHOD route" of every implemented operation. */
  keys(): string[] {
    return this.router.list();
  }
}

/**
 * True when a token holding `scopes` may call the operation. An operation whose spec lists no
 * OAuth scope (x-atlassian-oauth2-scopes with empty lists, e.g. GET /rest/api/3/serverInfo) is open
 * to every valid token.
 */
export function scopesAllow(operation: OperationInfo, scopes: ReadonlySet<string>): boolean {
  if (operation.scopes.length === 0) return true;
  return operation.scopes.some((alternative) => alternative.every((s) => scopes.has(s)));
}
