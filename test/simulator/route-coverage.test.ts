/**
 * Issue P1, acceptance item 3: the test fails if any operation the issue names is missing from
 * the simulator's route table. Every group of REQUIRED_OPERATIONS is checked against the table of
 * a fully assembled simulator (createSimulator), and the write operations must be registered as
 * writes — with the issue they write named for the per-issue limits when the path names one.
 */
import { describe, expect, it } from 'vitest';
import { OPERATIONS_BY_KEY } from '../../src/jira/generated/operations.js';
import { createSimulator } from '../../src/simulator/create.js';
import type { RegisteredRoute } from '../../src/simulator/http/route-table.js';
import type { RouteMatch } from '../../src/simulator/http/router.js';
import { REQUIRED_OPERATIONS } from './required-operations.js';

const sim = createSimulator();
const keys = new Set(sim.routes.keys());

describe('route coverage', () => {
  it('lists only operations of the pinned specs, each once', () => {
    const all = Object.values(REQUIRED_OPERATIONS).flat();
    expect(all.filter((k) => !OPERATIONS_BY_KEY.has(k))).toEqual([]);
    expect(new Set(all).size).toBe(all.length);
  });

  for (const [group, operations] of Object.entries(REQUIRED_OPERATIONS)) {
    it(`serves every operation of the ${group} group`, () => {
      expect(operations.length).toBeGreaterThan(0);
      expect(operations.filter((op) => !keys.has(op))).toEqual([]);
    });
  }

  it('registers the issue writes as writes, with the written issue for per-issue limits', () => {
    const wrong: string[] = [];
    for (const op of REQUIRED_OPERATIONS.issueWrites!) {
      const [method, route] = op.split(' ') as [string, string];
      const match = sim.routes.router.match(method, route.replace(/\{[^}]+\}/g, '10000'));
      const spec = (match as RouteMatch<RegisteredRoute>).value;
      if (!spec.write) wrong.push(`${op}: not a write`);
      if (route.includes('{issueIdOrKey}') && !spec.issueOf) wrong.push(`${op}: no issueOf`);
    }
    expect(wrong).toEqual([]);
  });
});
