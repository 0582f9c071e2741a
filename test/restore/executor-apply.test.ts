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
import { DryRunTarget } from '../../src/restore/targets/dry-run.js';
import { meterOf } from '../../src/simulator/limits/parts.js';
import {
  doc,
  executorBench,
  expectFullPlanApplied,
  fullPlan,
  para,
  plan,
  readSource,
  ref,
  step,
  text,
} from './executor-support.js';

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
    expect(meterOf(b.bench.sim).counters().byEndpoint['POST /rest/api/3/issue/bulk']?.requests).toBe(1);
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
