/**
 * Planner, field rollback: after a bulk edit, the plan edits only the chosen fields of the issues
 * where they differ from the snapshot, back to the snapshot values, and nothing else; chosen
 * issues (mode `issues`) bring back every differing editable field and missing comments.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { checkOrder, type RestorePlan } from '../../src/restore/plan.js';
import { planRestore } from '../../src/restore/planner/index.js';
import type { Issue } from '../../src/simulator/index.js';
import { plannerBench, type PlannerBench } from './planner-support.js';

type Json = Record<string, unknown>;

let pb: PlannerBench;
let edited: Issue[];
let untouched: Issue;
let before: Map<string, { summary: unknown; priority: unknown }>;

beforeAll(async () => {
  pb = await plannerBench(3);
  const issues = pb.issues().filter((i) => i.fields.priority !== undefined);
  edited = issues.filter((i) => i.fields.priority !== '1').slice(0, 8);
  untouched = issues.find((i) => !edited.includes(i))!;
  before = new Map(edited.map((i) => [i.id, { summary: i.fields.summary, priority: i.fields.priority }]));
  // The bad bulk edit: priority to Highest everywhere, summary on half of them, and a due date
  // (not chosen for rollback) on all of them.
  pb.apply(
    ...edited.map((i, n) => ({
      op: 'edit' as const,
      issue: i.key,
      fields: { priority: '1', duedate: '2027-01-01', ...(n % 2 === 0 ? { summary: `Bulk edited ${n}` } : {}) },
    })),
  );
}, 30_000);

describe('field rollback plan', () => {
  let plan: RestorePlan;
  beforeAll(async () => {
    plan = await planRestore({
      source: pb.source,
      live: pb.live(),
      mode: { kind: 'fields', fields: ['summary', 'Priority'], keys: [...edited, untouched].map((i) => i.key) },
      now: pb.bench.clock.now(),
    });
  });

  it('edits only the chosen fields that differ, back to the snapshot values', () => {
    expect(plan.steps.every((s) => s.kind === 'issue.edit')).toBe(true);
    expect(plan.steps.map((s) => s.issue).sort()).toEqual(edited.map((i) => i.id).sort());
    edited.forEach((i, n) => {
      const step = plan.steps.find((s) => s.issue === i.id)!;
      const fields = step.payload.fields as Json;
      expect(step.payload.issue).toBe(i.id);
      expect(Object.keys(fields).sort()).toEqual(n % 2 === 0 ? ['priority', 'summary'] : ['priority']);
      expect(fields.priority).toEqual({ id: before.get(i.id)!.priority });
      if (n % 2 === 0) expect(fields.summary).toBe(before.get(i.id)!.summary);
    });
    expect(plan.stats.entities.field).toBe(edited.length + Math.ceil(edited.length / 2));
    expect(plan.stats.writes).toBe(edited.length);
    expect(checkOrder(plan.steps)).toEqual([]);
    expect(plan.gaps).toEqual([]);
  });

  it('chosen-issues mode brings back every differing editable field and missing comments', async () => {
    const target = edited[0]!;
    const comment = target.comments[0];
    const ops: Parameters<PlannerBench['apply']> = [];
    if (comment) ops.push({ op: 'comment-delete', issue: target.key, comment: comment.id });
    pb.apply(...ops);
    const p = await planRestore({
      source: pb.source,
      live: pb.live(),
      mode: { kind: 'issues', keys: [target.key] },
      now: pb.bench.clock.now(),
    });
    const edit = p.steps.find((s) => s.kind === 'issue.edit')!;
    expect(Object.keys(edit.payload.fields as Json).sort()).toEqual(['duedate', 'priority', 'summary']);
    const snap = (await pb.source.issue(target.id))!.issue.fields as Json;
    expect((edit.payload.fields as Json).duedate).toBe(snap.duedate ?? null);
    expect(p.steps.filter((s) => s.kind === 'issue.create')).toEqual([]);
    if (comment)
      expect(p.steps.filter((s) => s.kind === 'comment.add').map((s) => s.id)).toEqual([
        `comment:${target.id}:${comment.id}`,
      ]);
    expect(checkOrder(p.steps)).toEqual([]);
  });
});
