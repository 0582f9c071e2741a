/**
 * Steps that span issues (docs/design.md §9.3): issue links once both ends exist (one end may be a
 * live issue), sprints (create → start → add issues → close, to reproduce closed sprints) and
 * membership, version release/archive after the issues that use the version, rank order last.
 */
import type { LiveBoard, LiveSprint } from '../live.js';
import type { Ref } from '../plan.js';
import type { IssueBundle } from '../source.js';
import { addStep, countEntity, issueRef, ref, type PlanContext } from './context.js';
import { isRankField, isSprintField } from './fields.js';

type Json = Record<string, unknown>;

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

const depOf = (r: Ref | string | undefined): string[] => (typeof r === 'object' ? [r.$ref] : []);

/**
 * link.create for every link of the given issues whose ends exist after the plan. `present`
 * answers whether a link is already on the target (it is then left alone).
 */
export function planLinks(ctx: PlanContext, bundles: IssueBundle[], present: (linkId: string) => boolean): void {
  const seen = new Set<string>();
  for (const b of bundles) {
    for (const l of ((b.issue.fields as Json | undefined)?.issuelinks ?? []) as Json[]) {
      const id = str(l.id);
      if (seen.has(id)) continue;
      seen.add(id);
      if (present(id)) continue;
      const other = (l.outwardIssue ?? l.inwardIssue) as Json | undefined;
      const [inwardId, outwardId] = l.outwardIssue ? [b.id, str(other?.id)] : [str(other?.id), b.id];
      const inward = issueRef(ctx, inwardId);
      const outward = issueRef(ctx, outwardId);
      const type = ctx.mappings.linkTypes[str((l.type as Json | undefined)?.id)];
      if (inward === undefined || outward === undefined) {
        ctx.fidelity.add(
          'link',
          'notRestorable',
          `linked issue ${str(other?.key)} is neither restored nor on the target`,
        );
        continue;
      }
      if (!type) {
        ctx.fidelity.add(
          'link',
          'notRestorable',
          `link type "${str((l.type as Json | undefined)?.name)}" has no target`,
        );
        continue;
      }
      addStep(ctx, {
        id: `link:${id}`,
        kind: 'link.create',
        deps: [...depOf(inward), ...depOf(outward)],
        payload: { type, inward, outward },
      });
      countEntity(ctx, 'link');
      ctx.fidelity.add('link', 'exact');
    }
  }
}

interface SprintUse {
  sprint: Json;
  issues: string[];
}

/** Sprints of the created issues: membership, creating (and starting, closing) sprints as needed. */
export function planSprints(
  ctx: PlanContext,
  bundles: IssueBundle[],
  liveSprints: Map<string, LiveSprint>,
  liveBoards: Map<string, LiveBoard>,
): void {
  const sprintField = [...ctx.defs.values()].find((d) => isSprintField(d))?.id;
  if (!sprintField) return;
  const uses = new Map<string, SprintUse>();
  for (const b of bundles) {
    for (const s of ((b.issue.fields as Json)[sprintField] ?? []) as Json[]) {
      const id = str(s.id);
      const u = uses.get(id) ?? { sprint: s, issues: [] };
      u.issues.push(b.id);
      uses.set(id, u);
    }
  }
  const ordered = [...uses.entries()].sort(
    ([a, x], [b, y]) => str(x.sprint.startDate).localeCompare(str(y.sprint.startDate)) || Number(a) - Number(b),
  );
  let prev: string | undefined;
  for (const [sid, u] of ordered) {
    const s = u.sprint;
    const state = str(s.state);
    const mapped = ctx.mappings.sprints[sid];
    const live = mapped ? liveSprints.get(mapped) : undefined;
    const reproduce = !mapped || (live?.state === 'closed' && ctx.mode.kind === 'project');
    let sprintRef: Ref | string;
    const chain = prev ? [prev] : [];
    if (!reproduce) {
      if (live?.state === 'closed') {
        ctx.fidelity.add(
          'sprint',
          'notRestorable',
          'the sprint is closed on the target: Jira adds issues only to future or active sprints',
          u.issues.length,
        );
        continue;
      }
      sprintRef = mapped!;
    } else {
      const board = ctx.mappings.boards[str(s.boardId ?? s.originBoardId)];
      if (!board) {
        ctx.fidelity.add(
          'sprint',
          'notRestorable',
          `sprint "${str(s.name)}": its board is not on the target`,
          u.issues.length,
        );
        continue;
      }
      // Jira creates sprints through the API on scrum boards only (kanban boards have none, and a
      // team-managed board refuses: "Board N does not support sprints").
      const type = liveBoards.get(board)?.type;
      if (type !== 'scrum') {
        ctx.fidelity.add(
          'sprint',
          'notRestorable',
          `sprint "${str(s.name)}": Jira creates sprints only on scrum boards, and its board on the target is ${type === undefined ? 'unknown' : `a ${type} board`}`,
          u.issues.length,
        );
        continue;
      }
      addStep(ctx, {
        id: `sprint:${sid}`,
        kind: 'sprint.create',
        deps: chain,
        payload: {
          board,
          name: s.name,
          ...(s.startDate ? { startDate: s.startDate } : {}),
          ...(s.endDate ? { endDate: s.endDate } : {}),
          ...(s.goal ? { goal: s.goal } : {}),
        },
      });
      countEntity(ctx, 'sprint');
      sprintRef = ref(`sprint:${sid}`);
      if (state === 'active' || state === 'closed') {
        addStep(ctx, {
          id: `sprint-start:${sid}`,
          kind: 'sprint.update',
          deps: [`sprint:${sid}`],
          payload: { sprint: sprintRef, state: 'active', startDate: s.startDate, endDate: s.endDate },
        });
      }
    }
    const startStep = reproduce
      ? state === 'active' || state === 'closed'
        ? `sprint-start:${sid}`
        : `sprint:${sid}`
      : undefined;
    const adds: string[] = [];
    for (let i = 0; i < u.issues.length; i += 50) {
      const chunk = u.issues.slice(i, i + 50);
      const refs = chunk.map((id) => issueRef(ctx, id)!);
      const stepId = `sprint-issues:${sid}:${i / 50}`;
      addStep(ctx, {
        id: stepId,
        kind: 'sprint.add-issues',
        deps: [...(startStep ? [startStep] : chain), ...refs.flatMap(depOf)],
        payload: { sprint: sprintRef, issues: refs },
      });
      adds.push(stepId);
    }
    prev = adds[adds.length - 1];
    if (reproduce && state === 'closed') {
      addStep(ctx, {
        id: `sprint-close:${sid}`,
        kind: 'sprint.update',
        deps: adds,
        payload: { sprint: sprintRef, state: 'closed' },
      });
      prev = `sprint-close:${sid}`;
    }
    countEntity(ctx, 'sprint-membership', u.issues.length);
    ctx.fidelity.add('sprint', 'exact', undefined, u.issues.length);
  }
}

/** version.update (released, archived) once the issues that use the version exist. */
export function planVersionUpdates(ctx: PlanContext, versions: Json[], bundles: IssueBundle[]): void {
  for (const v of versions) {
    const step = ctx.createdConfig.versions.get(str(v.id));
    if (!step || (v.released !== true && v.archived !== true)) continue;
    const users = bundles
      .filter((b) => {
        const f = (b.issue.fields ?? {}) as Json;
        return [...((f.fixVersions ?? []) as Json[]), ...((f.versions ?? []) as Json[])].some(
          (x) => str(x.id) === str(v.id),
        );
      })
      .map((b) => `issue:${b.id}`);
    addStep(ctx, {
      id: `version-update:${str(v.id)}`,
      kind: 'version.update',
      deps: [step, ...users],
      payload: { version: ref(step), released: v.released === true, archived: v.archived === true },
    });
  }
}

/** rank.order of the created issues, in their snapshot rank order, 50 per step. */
export function planRank(ctx: PlanContext, bundles: IssueBundle[]): void {
  const rankField = [...ctx.defs.values()].find((d) => isRankField(d))?.id;
  if (!rankField) return;
  const ranked = bundles
    .map((b) => ({ id: b.id, rank: (b.issue.fields as Json)[rankField] }))
    .filter((r): r is { id: string; rank: string } => typeof r.rank === 'string')
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
  if (ranked.length < 2) return;
  let prev: string | undefined;
  let last: Ref | undefined;
  for (let i = 0; i < ranked.length; i += 50) {
    const chunk = ranked.slice(i, i + 50).map((r) => ref(`issue:${r.id}`));
    const stepId = `rank:${i / 50}`;
    addStep(ctx, {
      id: stepId,
      kind: 'rank.order',
      deps: [...(prev ? [prev] : []), ...chunk.map((r) => r.$ref)],
      payload: { issues: chunk, ...(last ? { rankAfter: last } : {}) },
    });
    prev = stepId;
    last = chunk[chunk.length - 1];
  }
  ctx.fidelity.add('rank', 'exact', undefined, ranked.length);
}
