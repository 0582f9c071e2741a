/**
 * Planner, deleted-issues mode: after deleting issues with comments, worklogs, attachments, links
 * and subtasks, the plan recreates exactly them and everything they had, with the dependencies
 * of §9.3; stats agree with the steps; the plan survives a JSON round trip.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { checkOrder, isRef, PROVENANCE_KEY, type RestorePlan, type Step } from '../../src/restore/plan.js';
import { createRequests, planRestore, renderPlanSummary } from '../../src/restore/planner/index.js';
import { undecidedGaps } from '../../src/restore/mappings.js';
import type { IssueBundle } from '../../src/restore/source.js';
import { plannerBench, type PlannerBench } from './planner-support.js';

type Json = Record<string, unknown>;

let pb: PlannerBench;
let plan: RestorePlan;
let deleted: string[];
const bundles = new Map<string, IssueBundle>();

function steps(kind: Step['kind'], issue?: string): Step[] {
  return plan.steps.filter((s) => s.kind === kind && (issue === undefined || s.issue === issue));
}

beforeAll(async () => {
  pb = await plannerBench();
  const issues = pb.issues();
  const parentOf = new Map(issues.map((i) => [i.id, i.fields.parent as string | undefined]));
  const isSubtask = (i: (typeof issues)[number]): boolean =>
    pb.bench.site.data.issueTypes.get(String(i.fields.issuetype))?.subtask === true;
  const withSubtasks = issues.find(
    (i) => !i.fields.parent && issues.some((c) => parentOf.get(c.id) === i.id && isSubtask(c)),
  )!;
  const rich = issues.find(
    (i) =>
      i.id !== withSubtasks.id &&
      parentOf.get(i.id) !== withSubtasks.id &&
      i.attachmentIds.length > 0 &&
      i.linkIds.length > 0 &&
      i.comments.length > 0 &&
      !issues.some((c) => parentOf.get(c.id) === i.id),
  )!;
  const results = pb.apply(
    { op: 'issue-delete', issue: withSubtasks.key, deleteSubtasks: true },
    { op: 'issue-delete', issue: rich.key, deleteSubtasks: true },
  ) as Array<{ deletedIssueIds: string[] }>;
  deleted = results.flatMap((r) => r.deletedIssueIds).sort();
  for (const id of deleted) bundles.set(id, (await pb.source.issue(id))!);
  plan = await planRestore({
    source: pb.source,
    live: pb.live(),
    mode: { kind: 'deleted-issues' },
    now: pb.bench.clock.now(),
  });
}, 30_000);

describe('deleted-issues plan', () => {
  it('recreates exactly the deleted issues (a parent, its subtasks, a linked issue)', () => {
    expect(deleted.length).toBeGreaterThanOrEqual(3);
    expect(
      steps('issue.create')
        .map((s) => s.id)
        .sort(),
    ).toEqual(deleted.map((id) => `issue:${id}`).sort());
    // Nothing else is written to: every per-issue step names a deleted issue.
    for (const s of plan.steps) if (s.issue !== undefined) expect(deleted).toContain(s.issue);
    expect(checkOrder(plan.steps)).toEqual([]);
    expect(undecidedGaps(plan)).toEqual([]);
  });

  it('brings every comment, worklog and attachment, each after its issue', () => {
    for (const id of deleted) {
      const b = bundles.get(id)!;
      const comments = steps('comment.add', id);
      expect(comments.map((s) => s.id).sort()).toEqual(b.comments.map((c) => `comment:${id}:${String(c.id)}`).sort());
      expect(steps('worklog.add', id)).toHaveLength(b.worklogs.length);
      expect(steps('attachment.upload', id).map((s) => s.source?.path.join('/'))).toEqual(
        b.attachments.map((a) => a.path.join('/')),
      );
      for (const s of [...comments, ...steps('worklog.add', id), ...steps('attachment.upload', id)])
        expect(s.deps).toContain(`issue:${id}`);
    }
  });

  it('puts subtasks after their parent, with the parent as a Ref', () => {
    const subtasks = deleted.filter((id) => (bundles.get(id)!.issue.fields as Json).parent);
    expect(subtasks.length).toBeGreaterThan(0);
    for (const id of subtasks) {
      const parentId = String(((bundles.get(id)!.issue.fields as Json).parent as Json).id);
      const create = plan.steps.find((s) => s.id === `issue:${id}`)!;
      expect(create.deps).toContain(`issue:${parentId}`);
      expect((create.payload.fields as Json).parent).toEqual({ id: { $ref: `issue:${parentId}` } });
    }
  });

  it('re-creates links with both ends: restored ones as Refs (deps), the others as live ids', () => {
    const expected = new Set<string>();
    for (const id of deleted)
      for (const l of ((bundles.get(id)!.issue.fields as Json).issuelinks ?? []) as Json[])
        expected.add(`link:${String(l.id)}`);
    expect(expected.size).toBeGreaterThan(0);
    const links = steps('link.create');
    expect(links.map((s) => s.id).sort()).toEqual([...expected].sort());
    for (const s of links) {
      for (const end of [s.payload.inward, s.payload.outward]) {
        if (isRef(end)) expect(s.deps).toContain(end.$ref);
        else expect(pb.bench.site.data.issues.has(String(end))).toBe(true);
      }
      expect([s.payload.inward, s.payload.outward].some(isRef)).toBe(true);
    }
  });

  it('keeps provenance on issues, comments and worklogs (property with the step id; a header)', () => {
    for (const s of [...steps('issue.create'), ...steps('comment.add'), ...steps('worklog.add')]) {
      const prop = (s.payload.properties as Array<{ key: string; value: Json }>).find((p) => p.key === PROVENANCE_KEY);
      expect(prop?.value.step).toBe(s.id);
      expect(prop?.value.plan).toBe(plan.id);
    }
    const c = steps('comment.add')[0]!;
    const first = ((c.payload.body as Json).content as Json[])[0]!;
    expect(JSON.stringify(first)).toMatch(/Originally by .+ on \d{4}-\d{2}-\d{2}/);
  });

  it('has stats consistent with its steps and survives a JSON round trip', () => {
    // Creates go in bulk: the two top-level issues in one request, their subtasks in another.
    expect(createRequests(plan.steps)).toBe(2);
    const writes = plan.steps.filter((s) => s.kind !== 'issue.create').reduce((n, s) => n + s.writes, 0) + 2;
    const reads = plan.steps.reduce((n, s) => n + (s.reads ?? 0), 0);
    expect(plan.stats.writes).toBe(writes);
    expect(plan.stats.reads).toBe(reads);
    expect(plan.stats.points).toBeGreaterThanOrEqual(writes + reads);
    expect(plan.stats.entities.issue).toBe(deleted.length);
    expect(plan.stats.entities.comment).toBe(deleted.reduce((n, id) => n + bundles.get(id)!.comments.length, 0));
    expect(plan.stats.etaMs).toBeGreaterThanOrEqual(plan.stats.busiestIssueMs);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    const summary = renderPlanSummary(plan);
    expect(summary).toContain(`issue              ${deleted.length}`);
    expect(summary).toContain(`writes ${writes}`);
  });

  it('plans nothing when nothing was deleted since the snapshot', async () => {
    const fresh = await plannerBench(2);
    const empty = await planRestore({
      source: fresh.source,
      live: fresh.live(),
      mode: { kind: 'deleted-issues' },
      now: 0,
    });
    expect(empty.steps).toEqual([]);
    expect(empty.stats.writes).toBe(0);
  });
});
