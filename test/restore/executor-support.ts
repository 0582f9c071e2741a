/**
 * Support for the executor tests: a tiny simulated site, hand-written restore plans (steps per the
 * §9.2 payload table), a JiraTarget on the site, and counters read from the simulator (write
 * requests, per-issue 429s, entities carrying a provenance step).
 */
import { PLAN_FORMAT, PROVENANCE_KEY, emptyMappings, type RestorePlan, type Step } from '../../src/restore/plan.js';
import type { ReadSource } from '../../src/restore/ports.js';
import { JiraTarget } from '../../src/restore/targets/jira.js';
import { meterOf } from '../../src/simulator/limits/parts.js';
import type { Issue, Site } from '../../src/simulator/index.js';
import { backupBench, type BackupBench } from '../support/backup-harness.js';

export const ATTACHMENT_BYTES = new TextEncoder().encode('restored attachment bytes\n');

export const readSource: ReadSource = async function* () {
  yield ATTACHMENT_BYTES.subarray(0, 10);
  yield ATTACHMENT_BYTES.subarray(10);
};

export function plan(steps: Step[], gaps: RestorePlan['gaps'] = []): RestorePlan {
  return {
    format: PLAN_FORMAT,
    id: 'plan-test',
    createdAt: '2026-11-24T09:00:00.000Z',
    source: { snapshot: 'snap', site: { cloudId: 'c', name: 'acme', url: 'https://acme' } },
    target: { cloudId: 'c', name: 'acme', url: 'https://acme' },
    mode: { kind: 'deleted-issues' },
    options: { notifyUsers: false },
    mappings: emptyMappings(),
    gaps,
    steps,
    stats: { entities: {}, writes: 0, reads: 0, points: 0, etaMs: 0, busiestIssueMs: 0, fidelity: {} },
  };
}

export function step(
  id: string,
  kind: Step['kind'],
  payload: Record<string, unknown>,
  deps: string[] = [],
  issue?: string,
): Step {
  return { id, kind, deps, payload, writes: 1, ...(issue ? { issue } : {}) };
}

export const doc = (...content: unknown[]): Record<string, unknown> => ({ type: 'doc', version: 1, content });
export const para = (...content: unknown[]): Record<string, unknown> => ({ type: 'paragraph', content });
export const text = (t: unknown): Record<string, unknown> => ({ type: 'text', text: t });

export function provenance(
  stepId: string,
  kind: 'issue' | 'comment' | 'worklog',
  original: string,
): { key: string; value: unknown } {
  return {
    key: PROVENANCE_KEY,
    value: { plan: 'plan-test', step: stepId, snapshot: 'snap', site: 'acme', original: { kind, id: original } },
  };
}

export interface Bench {
  bench: BackupBench;
  site: Site;
  target(): JiraTarget;
  /** Live issues of the site. */
  issues(): Issue[];
  /** Write requests the simulator answered or refused so far. */
  writes(): number;
  perIssue429s(): number;
}

const READ_POSTS = ['/search', '/bulkfetch', '/workflows', '/list', '/approximate-count'];

export async function executorBench(): Promise<Bench> {
  const bench = await backupBench({ seed: 1, size: 'tiny' });
  const meter = meterOf(bench.sim);
  return {
    bench,
    site: bench.site,
    target: () => new JiraTarget({ client: bench.client() }),
    issues: () => [...bench.site.data.issues.values()],
    writes: () =>
      Object.entries(meter.counters().byEndpoint)
        .filter(([k]) => !k.startsWith('GET ') && !READ_POSTS.some((r) => k.includes(r)))
        .reduce((n, [, t]) => n + t.requests, 0),
    perIssue429s: () => meter.counters().rateLimited['jira-per-issue-on-write'] ?? 0,
  };
}

/** Issues carrying a provenance property for the step (0 = missing, 2+ = duplicated). */
export function issuesOfStep(b: Bench, stepId: string): Issue[] {
  return b.issues().filter((i) => (i.properties.get(PROVENANCE_KEY) as { step?: string } | undefined)?.step === stepId);
}
