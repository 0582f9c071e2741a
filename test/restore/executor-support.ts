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
import { expect } from 'vitest';
import { FIXED_ACCOUNT_IDS } from '../../src/simulator/generator/accounts.js';
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

export const ref = (s: string, out = 'id', extra: Record<string, string> = {}): Record<string, string> => ({
  $ref: s,
  out,
  ...extra,
});

/** The full plan of the module header, built from what the tiny site holds. */
export function fullPlan(b: Bench): Step[] {
  const d = b.site.data;
  const project = (key: string): string => [...d.projects.values()].find((p) => p.key === key)!.id;
  const typeIn = (key: string): string =>
    String(
      b
        .issues()
        .find(
          (i) =>
            i.projectId === project(key) &&
            !i.fields.parent &&
            d.issueTypes.get(String(i.fields.issuetype))?.hierarchyLevel === 0,
        )!.fields.issuetype,
    );
  const live = b.issues().find((i) => i.projectId === project('DEV'))!;
  const watcher = [...b.site.members].find(
    (a) =>
      b.issues().some((i) => i.projectId === project('DEV') && i.watchers.has(a) && a !== i.creatorId) &&
      a !== FIXED_ACCOUNT_IDS.demoAdmin,
  )!;
  const board = [...d.boards.values()].find((x) => x.type === 'scrum')!;
  return [
    step(
      'issue:A',
      'issue.create',
      {
        project: 'DEV',
        issueType: typeIn('DEV'),
        fields: { summary: 'Restored A', description: doc(para(text('The parent'))) },
        properties: [provenance('issue:A', 'issue', '1')],
      },
      [],
      'A',
    ),
    step(
      'issue:S',
      'issue.create',
      {
        project: project('DEV'),
        issueType: '10005',
        fields: { summary: 'Restored subtask', parent: ref('issue:A') },
        properties: [provenance('issue:S', 'issue', '2')],
      },
      ['issue:A'],
      'S',
    ),
    step(
      'issue:M',
      'issue.create',
      {
        project: 'MKT',
        issueType: typeIn('MKT'),
        fields: { summary: 'Restored M' },
        properties: [provenance('issue:M', 'issue', '3')],
      },
      [],
      'M',
    ),
    step(
      'issue:H',
      'issue.create',
      {
        project: 'HELP',
        issueType: typeIn('HELP'),
        fields: { summary: 'Restored request' },
        properties: [provenance('issue:H', 'issue', '4')],
      },
      [],
      'H',
    ),
    {
      ...step(
        'attachment:A:1',
        'attachment.upload',
        { issue: ref('issue:A'), filename: 'notes.txt', mimeType: 'text/plain', size: ATTACHMENT_BYTES.length },
        ['issue:A'],
        'A',
      ),
      source: { path: ['att', '1'] },
    },
    step(
      'edit:M',
      'issue.edit',
      {
        issue: ref('issue:M'),
        fields: {
          description: doc(para(text(ref('issue:A', 'key', { prefix: 'See ', suffix: ' for the notes' }))), {
            type: 'mediaSingle',
            content: [{ type: 'media', attrs: { type: 'file', id: ref('attachment:A:1', 'mediaId'), collection: '' } }],
          }),
        },
      },
      ['issue:M', 'attachment:A:1'],
      'M',
    ),
    step(
      'transition:M',
      'issue.transition',
      { issue: ref('issue:M'), status: '10082', resolution: '10001' },
      ['edit:M'],
      'M',
    ),
    step(
      'comment:A:1',
      'comment.add',
      {
        issue: ref('issue:A'),
        body: doc(para(text('Originally by Ann on 2024-01-02')), para(text('First comment'))),
        properties: [provenance('comment:A:1', 'comment', '11')],
      },
      ['issue:A'],
      'A',
    ),
    step(
      'comment:H:1',
      'comment.add',
      {
        issue: ref('issue:H'),
        internal: true,
        body: doc(para(text('Originally by Bob on 2024-01-03')), para(text('Internal note'))),
        properties: [provenance('comment:H:1', 'comment', '12')],
      },
      ['issue:H'],
      'H',
    ),
    step(
      'worklog:A:1',
      'worklog.add',
      {
        issue: ref('issue:A'),
        started: '2024-03-01T10:00:00.000+0000',
        timeSpentSeconds: 3600,
        comment: doc(para(text('Originally by Ann'))),
        properties: [provenance('worklog:A:1', 'worklog', '21')],
      },
      ['issue:A'],
      'A',
    ),
    step(
      'link:A:S',
      'link.create',
      { type: '10000', inward: ref('issue:A'), outward: ref('issue:S') },
      ['issue:A', 'issue:S'],
      'A',
    ),
    step('link:A:live', 'link.create', { type: '10003', inward: live.id, outward: ref('issue:A') }, ['issue:A'], 'A'),
    step('watcher:A', 'watcher.add', { issue: ref('issue:A'), accountId: watcher }, ['issue:A'], 'A'),
    step(
      'property:A',
      'property.set',
      { issue: ref('issue:A'), key: 'restore.test', value: { n: 1 } },
      ['issue:A'],
      'A',
    ),
    step('sprint:1', 'sprint.create', {
      board: String(board.id),
      name: 'Restored sprint',
      startDate: '2024-02-01T09:00:00.000Z',
      endDate: '2024-02-14T17:00:00.000Z',
      goal: 'Back',
    }),
    step('sprint:1:start', 'sprint.update', { sprint: ref('sprint:1'), state: 'active' }, ['sprint:1']),
    step('sprint:1:issues', 'sprint.add-issues', { sprint: ref('sprint:1'), issues: [ref('issue:A')] }, [
      'sprint:1:start',
      'issue:A',
    ]),
    step('sprint:1:close', 'sprint.update', { sprint: ref('sprint:1'), state: 'closed' }, ['sprint:1:issues']),
  ];
}

/** Checks the site holds exactly one of everything the full plan writes. */
export function expectFullPlanApplied(b: Bench, steps: Step[]): void {
  const d = b.site.data;
  const one = (s: string) => {
    const list = issuesOfStep(b, s);
    expect(
      list.map((i) => i.key),
      s,
    ).toHaveLength(1);
    return list[0]!;
  };
  const A = one('issue:A');
  const S = one('issue:S');
  const M = one('issue:M');
  const H = one('issue:H');
  expect(S.fields.parent).toBe(A.id);
  const withProv = <T extends { properties: Map<string, unknown> }>(list: T[], s: string): T[] =>
    list.filter((x) => (x.properties.get(PROVENANCE_KEY) as { step?: string } | undefined)?.step === s);
  expect(withProv(A.comments, 'comment:A:1')).toHaveLength(1);
  const internal = withProv(H.comments, 'comment:H:1');
  expect(internal).toHaveLength(1);
  expect(internal[0]!.jsdPublic).toBe(false);
  const wl = withProv(A.worklogs, 'worklog:A:1');
  expect(wl).toHaveLength(1);
  expect(wl[0]!.started).toBe(Date.parse('2024-03-01T10:00:00.000Z'));
  expect(wl[0]!.timeSpentSeconds).toBe(3600);
  const atts = A.attachmentIds.map((id) => d.attachments.get(id)!).filter((a) => a.filename === 'notes.txt');
  expect(atts).toHaveLength(1);
  const media = JSON.stringify(M.fields.description);
  expect(media).toContain(`"id":"${atts[0]!.mediaId}"`);
  expect(media).toContain(`See ${A.key} for the notes`);
  expect(M.fields.status).toBe('10082');
  expect(M.fields.resolution).toBe('10001');
  const links = A.linkIds.map((id) => d.links.get(id)!);
  expect(
    links.filter((l) => l.typeId === '10000' && l.inwardIssueId === A.id && l.outwardIssueId === S.id),
  ).toHaveLength(1);
  expect(links.filter((l) => l.typeId === '10003' && l.outwardIssueId === A.id)).toHaveLength(1);
  expect(A.properties.get('restore.test')).toEqual({ n: 1 });
  const watcher = steps.find((x) => x.id === 'watcher:A')!.payload.accountId as string;
  expect(A.watchers.has(watcher)).toBe(true);
  const sprints = [...d.sprints.values()].filter((s) => s.name === 'Restored sprint');
  expect(sprints).toHaveLength(1);
  expect(sprints[0]!.state).toBe('closed');
  const sprintField = [...d.fields.values()].find(
    (f) => f.schema.custom === 'com.pyxis.greenhopper.jira:gh-sprint',
  )!.id;
  expect(A.fields[sprintField]).toEqual([sprints[0]!.id]);
}
