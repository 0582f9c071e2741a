/**
 * The executor and JiraTarget against the tiny simulator: a hand-written plan restores issues (a
 * subtask under a restored parent), comments (one internal JSM comment), a worklog with its
 * started date, an attachment whose media id feeds an ADF media node of a later edit, links (one
 * end live), a watcher, a property, a transition to a done status with a resolution, and a sprint
 * created, started and closed with a member; the simulator's state is checked afterwards.
 */
import { describe, expect, it } from 'vitest';
import { CollectingSink, isTidemarkError } from '../../src/core/index.js';
import { applyPlan } from '../../src/restore/executor/executor.js';
import { MemoryJournal } from '../../src/restore/executor/journal.js';
import { PROVENANCE_KEY, type Step } from '../../src/restore/plan.js';
import { FIXED_ACCOUNT_IDS } from '../../src/simulator/generator/accounts.js';
import { DryRunTarget } from '../../src/restore/targets/dry-run.js';
import {
  ATTACHMENT_BYTES,
  doc,
  executorBench,
  issuesOfStep,
  para,
  plan,
  provenance,
  readSource,
  step,
  text,
  type Bench,
} from './executor-support.js';

const ref = (s: string, out = 'id', extra: Record<string, string> = {}): Record<string, string> => ({
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
  const withProv = (list: Array<{ properties: Map<string, unknown> }>, s: string) =>
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

describe('applyPlan on the tiny simulator', () => {
  it('restores every step kind of the plan and reports it', async () => {
    const b = await executorBench();
    const steps = fullPlan(b);
    const sink = new CollectingSink();
    const journal = new MemoryJournal();
    const report = await applyPlan({
      plan: plan(steps),
      target: b.target(),
      journal,
      readSource,
      progress: sink,
      clock: b.bench.clock,
    });
    expect(report.failed).toEqual([]);
    expect(report.done).toHaveLength(steps.length);
    expect(report.outputs['issue:A']!.key).toMatch(/^DEV-\d+$/);
    expect(report.outputs['attachment:A:1']!.mediaId).toBeTruthy();
    expectFullPlanApplied(b, steps);
    // Issues without dependencies went in one bulk create; progress counted every kind.
    expect(b.bench.sim.meter.counters().byEndpoint['POST /rest/api/3/issue/bulk']?.requests).toBe(1);
    const last = sink
      .ofType('progress')
      .filter((e) => e.phase === 'issue.create')
      .at(-1)!;
    expect(last).toMatchObject({ done: 4, total: 4 });
    expect(sink.ofType('done')).toHaveLength(1);
    // The journal has started + done for each step; applying again writes nothing.
    const before = b.writes();
    const again = await applyPlan({ plan: plan(steps), target: b.target(), journal, readSource, clock: b.bench.clock });
    expect(again.alreadyDone).toHaveLength(steps.length);
    expect(again.done).toEqual([]);
    expect(b.writes()).toBe(before);
  });

  it('refuses a plan with an undecided gap, naming it', async () => {
    const b = await executorBench();
    const gaps = [
      { kind: 'users' as const, sourceId: 'u-1', name: 'Ann Old', usedBy: 3 },
      {
        kind: 'fields' as const,
        sourceId: 'customfield_1',
        name: 'Team',
        usedBy: 1,
        decision: { skip: true as const },
      },
    ];
    const err = await applyPlan({
      plan: plan(fullPlan(b), gaps),
      target: b.target(),
      journal: new MemoryJournal(),
      readSource,
    }).catch((e: unknown) => e);
    expect(isTidemarkError(err, 'usage')).toBe(true);
    expect((err as Error).message).toContain('Ann Old');
    expect((err as Error).message).not.toContain('Team');
    expect(b.writes()).toBe(0);
  });

  it('fails only the dependents of a failed step', async () => {
    const b = await executorBench();
    const steps = [
      step('issue:X', 'issue.create', { project: 'DEV', issueType: '99999', fields: { summary: 'bad type' } }, [], 'X'),
      step('comment:X', 'comment.add', { issue: ref('issue:X'), body: doc(para(text('x'))) }, ['issue:X'], 'X'),
      step('issue:Y', 'issue.create', { project: 'DEV', issueType: '10003', fields: { summary: 'fine' } }, [], 'Y'),
      step('comment:Y', 'comment.add', { issue: ref('issue:Y'), body: doc(para(text('y'))) }, ['issue:Y'], 'Y'),
    ];
    const report = await applyPlan({ plan: plan(steps), target: b.target(), journal: new MemoryJournal(), readSource });
    expect(report.failed.map((f) => f.step)).toEqual(['issue:X']);
    expect(report.failed[0]!.error.code).toBe('validation');
    expect(report.skipped.map((s) => s.step)).toEqual(['comment:X']);
    expect(report.done.sort()).toEqual(['comment:Y', 'issue:Y']);
  });

  it('a dry run records the requests and fabricates outputs without writing', async () => {
    const b = await executorBench();
    const steps = fullPlan(b);
    const target = new DryRunTarget();
    const report = await applyPlan({ plan: plan(steps), target, journal: new MemoryJournal(), readSource });
    expect(report.failed).toEqual([]);
    expect(b.writes()).toBe(0);
    expect(report.outputs['issue:A']!.key).toMatch(/^DRY-\d+$/);
    const paths = target.recorded.map((r) => `${r.method} ${r.path}`);
    expect(paths).toContain('POST /rest/api/3/issue/bulk');
    expect(paths).toContain(`POST /rest/api/3/issue/${report.outputs['issue:A']!.id}/attachments`);
    expect(paths).toContain(`POST /rest/servicedeskapi/request/${report.outputs['issue:H']!.id}/comment`);
    const edit = target.recorded.find((r) => r.step === 'edit:M')!;
    expect(edit.body).toContain(report.outputs['attachment:A:1']!.mediaId);
    expect(edit.body).toContain(`See ${report.outputs['issue:A']!.key}`);
  });
});
