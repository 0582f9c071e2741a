/**
 * Contract assertions for simulator route tests: a response body must validate against the pinned
 * OpenAPI schema of its operation and status (and every ADF document in it against the ADF schema).
 */
import { expect } from 'vitest';
import { checkResponse } from './openapi.js';
import type { CallResult } from './sim-harness.js';

export function expectContract(method: string, route: string, res: CallResult): void {
  const result = checkResponse(method, route, res.status, res.body);
  expect(result.errors, `${method} ${route} ${res.status}: ${res.text.slice(0, 300)}`).toEqual([]);
}

/** Jira's ErrorCollection with at least one message. */
export function expectErrorCollection(res: CallResult, status: number, message?: string | RegExp): void {
  expect(res.status, res.text.slice(0, 300)).toBe(status);
  expect(Array.isArray(res.body?.errorMessages)).toBe(true);
  expect(typeof res.body?.errors).toBe('object');
  if (message !== undefined) {
    const joined = (res.body.errorMessages as string[]).join('\n');
    if (typeof message === 'string') expect(joined).toContain(message);
    else expect(joined).toMatch(message);
  }
}
