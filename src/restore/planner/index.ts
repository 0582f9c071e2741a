/**
 * The restore planner (docs/design.md §9.1): `planRestore` turns a snapshot (RestoreSource), the
 * live target (LiveState), a mode, options and mappings into a JSON RestorePlan — ordered steps
 * with explicit dependencies, the mappings in force, the gaps that need a decision, and stats.
 * Deterministic given its inputs (the plan id derives from them and `now`).
 */
import { canonicalJson, sha256Hex, TidemarkError } from '../../core/index.js';
import { applyDecisions, suggestMappings, Usage } from '../mappings.js';
import {
  checkOrder,
  emptyMappings,
  PLAN_FORMAT,
  type Gap,
  type Mappings,
  type RestoreModeSpec,
  type RestorePlan,
} from '../plan.js';
import type { LiveBoard, LiveSprint, LiveState, ScreenField } from '../live.js';
import type { IssueBundle, RestoreSource } from '../source.js';
import { FidelityTally, type PlanContext } from './context.js';
import { planLinks, planRank, planSprints, planVersionUpdates } from './cross-steps.js';
import { collectFieldUsage, fieldDefs, isSprintField } from './fields.js';
import {
  planAttachments,
  planComments,
  planDeferredEdit,
  planIssueCreate,
  planSocial,
  planTransition,
  planVote,
  planWorklogs,
  type CreateScreen,
  type Deferred,
} from './issue-steps.js';
import { planProjectConfig, projectSchemes, projectTarget, type ProjectTarget } from './project-steps.js';
import { selectIssues } from './select.js';
import { Workflows } from './workflows.js';
import { DEFAULT_QUOTA, planStats, type QuotaSpec } from './stats.js';
import { planFieldRestore, planIssueUpdate, resolveFields } from './update-steps.js';

export { renderPlanSummary } from './summary.js';
export {
  createRequests,
  etaBounds,
  planStats,
  perIssueMs,
  DEFAULT_QUOTA,
  type EtaBounds,
  type QuotaSpec,
} from './stats.js';

type Json = Record<string, unknown>;

export interface PlanInput {
  source: RestoreSource;
  live: LiveState;
  mode: RestoreModeSpec;
  options?: { notifyUsers?: boolean; fallbackUser?: string };
  /** Operator mappings (a mapping file): they win over suggestions. */
  mappings?: Partial<Mappings>;
  /** Operator decisions on gaps (matched by kind and source id). */
  decisions?: Gap[];
  now: number;
  quota?: QuotaSpec;
}

/** Fields a create screen has when the plan cannot ask (a project the plan creates). */
const BASIC_CREATE = [
  'summary',
  'description',
  'issuetype',
  'priority',
  'labels',
  'components',
  'versions',
  'fixVersions',
  'duedate',
  'assignee',
  'reporter',
  'environment',
  'parent',
  'timetracking',
];

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

const fieldsOf = (b: IssueBundle): Json => (b.issue.fields ?? {}) as Json;

/** Calls `found` for every user mention of an ADF document. */
function mentions(node: unknown, found: (accountId: string, name: string) => void): void {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const n of node) mentions(n, found);
    return;
  }
  const n = node as Json;
  const attrs = (n.attrs ?? {}) as Json;
  if (n.type === 'mention' && typeof attrs.id === 'string') found(attrs.id, str(attrs.text).replace(/^@/, ''));
  if (Array.isArray(n.content)) mentions(n.content, found);
}

/** Source items the plan's issues use, for mapping and gaps. */
function collectUsage(
  ctx: { defs: PlanContext['defs'] },
  bundles: IssueBundle[],
  projectMode: string | undefined,
  only?: Set<string>,
): Usage {
  const usage = new Usage();
  for (const b of bundles) {
    const f = fieldsOf(b);
    collectFieldUsage(f, ctx.defs, usage, only);
    if (only) continue;
    for (const doc of [...Object.values(f), ...b.comments.map((c) => c.body), ...b.worklogs.map((w) => w.comment)])
      mentions(doc, (id, name) => usage.add('users', id, name));
    const project = (f.project ?? {}) as Json;
    if (str(project.key) !== projectMode) usage.add('projects', str(project.id), str(project.key));
    for (const w of (b.issue.watchers ?? []) as unknown[]) if (typeof w === 'string') usage.add('users', w);
    for (const l of (f.issuelinks ?? []) as Json[]) {
      const t = (l.type ?? {}) as Json;
      usage.add('linkTypes', str(t.id), str(t.name));
    }
    const sprintField = [...ctx.defs.values()].find(isSprintField)?.id;
    for (const s of (sprintField ? (f[sprintField] ?? []) : []) as Json[]) {
      usage.add('sprints', str(s.id), str(s.name));
      usage.add('boards', str(s.boardId));
    }
  }
  return usage;
}

/** Issues that can be created: type and project known, parent restorable; in parent-first order. */
function creatable(ctx: PlanContext, bundles: IssueBundle[]): IssueBundle[] {
  const ok = new Map<string, IssueBundle>();
  const reasons = new Map<string, string>();
  for (const b of bundles) {
    const f = fieldsOf(b);
    const type = (f.issuetype ?? {}) as Json;
    const project = str((f.project as Json | undefined)?.id);
    if (!ctx.mappings.issueTypes[str(type.id)]) reasons.set(b.id, `issue type "${str(type.name)}" has no target`);
    else if (!ctx.projectSteps.has(project) && !ctx.mappings.projects[project])
      reasons.set(b.id, `project ${str((f.project as Json | undefined)?.key)} has no target`);
    else ok.set(b.id, b);
  }
  // A subtask needs its parent: restored here or present on the target.
  for (let changed = true; changed;) {
    changed = false;
    for (const b of [...ok.values()]) {
      const parent = str((fieldsOf(b).parent as Json | undefined)?.id);
      const subtask = ((fieldsOf(b).issuetype ?? {}) as Json).subtask === true;
      if (subtask && parent && !ok.has(parent) && !ctx.existing.has(parent)) {
        ok.delete(b.id);
        reasons.set(b.id, 'its parent is neither restored nor on the target');
        changed = true;
      }
    }
  }
  for (const reason of reasons.values()) ctx.fidelity.add('issue', 'notRestorable', reason);
  // Parents before children.
  const out: IssueBundle[] = [];
  const placed = new Set<string>();
  const place = (b: IssueBundle, depth = 0): void => {
    if (placed.has(b.id) || depth > 10) return;
    const parent = ok.get(str((fieldsOf(b).parent as Json | undefined)?.id));
    if (parent) place(parent, depth + 1);
    placed.add(b.id);
    out.push(b);
  };
  for (const b of ok.values()) place(b);
  return out;
}

/** Issues referenced by the plan's issues (links, parents) that exist on the target. */
async function findExisting(
  live: LiveState,
  bundles: IssueBundle[],
  known: Set<string>,
  sameSite: boolean,
): Promise<Map<string, string>> {
  if (!sameSite) return new Map();
  const ids = new Set<string>();
  for (const b of bundles) {
    const f = fieldsOf(b);
    const parent = str((f.parent as Json | undefined)?.id);
    if (parent) ids.add(parent);
    for (const l of (f.issuelinks ?? []) as Json[])
      ids.add(str(((l.outwardIssue ?? l.inwardIssue) as Json | undefined)?.id));
  }
  for (const id of known) ids.delete(id);
  ids.delete('');
  const found = await live.issues([...ids], ['key']);
  return new Map([...found.values()].map((i) => [i.id, i.id]));
}

export async function planRestore(input: PlanInput): Promise<RestorePlan> {
  const { source, live, mode } = input;
  const target = await live.site();
  const sameSite = target.cloudId === source.site.cloudId;
  if (!sameSite && (mode.kind === 'deleted-issues' || mode.kind === 'fields'))
    throw new TidemarkError(
      'usage',
      `Mode ${mode.kind} compares the snapshot with its own site; ${target.url} is another site`,
      {
        hint: 'Into another site, restore chosen issues (--keys / a filter) or a whole project.',
      },
    );
  const [caller, fieldConfig, workflows, schemes, projects] = await Promise.all([
    live.myself(),
    source.config('field'),
    source.config('workflow'),
    source.config('workflow-scheme'),
    source.config('project'),
  ]);
  const defs = fieldDefs(fieldConfig);
  const chosenFields = mode.kind === 'fields' ? resolveFields(mode.fields, defs) : [];
  const liveFields = mode.kind === 'fields' ? ['status', ...chosenFields] : ['*all'];
  const selection = await selectIssues(source, live, mode, sameSite, liveFields);

  const planId = `plan-${sha256Hex(
    canonicalJson({
      s: source.snapshotId,
      t: target.cloudId,
      mode,
      now: input.now,
      options: input.options ?? {},
      mappings: input.mappings ?? {},
      decisions: (input.decisions ?? []).map((g) => [g.kind, g.sourceId, g.decision ?? null]),
    }),
  ).slice(0, 16)}`;
  const ctx: PlanContext = {
    planId,
    source,
    live,
    mode,
    target,
    sameSite,
    caller,
    mappings: emptyMappings(),
    defs,
    created: new Map(),
    existing: new Map(selection.update.map((u) => [u.bundle.id, u.live.id])),
    createdByKey: new Map(),
    mediaSteps: new Map(),
    createdConfig: { components: new Map(), versions: new Map() },
    projectSteps: new Map(),
    workflows: new Workflows(workflows, schemes),
    steps: [],
    fidelity: new FidelityTally(),
    entities: {},
  };
  for (const s of selection.skipped) ctx.fidelity.add('issue', 'notRestorable', `${s.key ?? s.id}: ${s.reason}`);

  // Mappings: what the plan's issues use, matched on the target; decisions applied.
  const projectMode = mode.kind === 'project' ? mode.project : undefined;
  const all = [...selection.create, ...selection.update.map((u) => u.bundle)];
  const usage = collectUsage(
    ctx,
    mode.kind === 'fields' ? selection.update.map((u) => u.bundle) : all,
    projectMode,
    mode.kind === 'fields' ? new Set([...chosenFields, 'status']) : undefined,
  );
  let pt: ProjectTarget | undefined;
  if (mode.kind === 'project') {
    pt = await projectTarget(ctx, mode, projects);
    usage.add('users', str(pt.source.leadAccountId ?? (pt.source.lead as Json | undefined)?.accountId));
    for (const c of (pt.source.components ?? []) as Json[]) usage.add('users', str(c.leadAccountId));
  }
  const suggested = await suggestMappings(source, live, {
    usage,
    ...(input.mappings ? { overrides: input.mappings } : {}),
  });
  ctx.mappings = suggested.mappings;
  // Sprints without a target are created on their board: a gap only when the board is missing too.
  const boardsNeeded = new Set<string>();
  for (const b of all) {
    const sf = [...defs.values()].find(isSprintField)?.id;
    for (const s of (sf ? (fieldsOf(b)[sf] ?? []) : []) as Json[])
      if (!ctx.mappings.sprints[str(s.id)]) boardsNeeded.add(str(s.boardId));
  }
  const openGaps = suggested.gaps.filter(
    (g) =>
      g.kind !== 'sprints' &&
      (g.kind !== 'boards' || boardsNeeded.has(g.sourceId)) &&
      !(mode.kind === 'project' && (g.kind === 'components' || g.kind === 'versions')),
  );
  if (pt && !pt.reuse) openGaps.push(...(await globalIssueTypes(ctx, usage)));
  const gaps = applyDecisions(ctx.mappings, openGaps, input.decisions, input.options?.fallbackUser);

  if (pt) {
    const roleOnly = (x: Json): boolean => ((x.visibility ?? {}) as Json).type === 'role';
    const restricted = selection.create.some((b) => b.comments.some(roleOnly) || b.worklogs.some(roleOnly));
    const schemes = pt.reuse ? {} : await projectSchemes(ctx, str(pt.source.id), selection.create);
    planProjectConfig(ctx, pt, mode.kind === 'project' ? mode.targetName : undefined, restricted, schemes);
  }
  for (const [id, liveId] of await findExisting(live, all, new Set(all.map((b) => b.id)), sameSite))
    ctx.existing.set(id, liveId);

  if (mode.kind === 'fields') {
    for (const u of selection.update) planFieldRestore(ctx, u.bundle, u.live, chosenFields, 'field');
  } else {
    const create = creatable(ctx, selection.create);
    for (const b of create) {
      ctx.created.set(b.id, b);
      if (typeof b.issue.key === 'string') ctx.createdByKey.set(b.issue.key, b.id);
      for (const a of b.attachments) if (a.mediaId) ctx.mediaSteps.set(a.mediaId, `attachment:${b.id}:${a.id}`);
    }
    const screenOf = createScreens(ctx, pt);
    const deferred: Deferred = new Map();
    for (const b of create) await planIssueCreate(ctx, b, screenOf, deferred);
    for (const b of create) planAttachments(ctx, b);
    for (const b of create) {
      const after = [`issue:${b.id}`];
      const edit = planDeferredEdit(ctx, b.id, deferred);
      if (edit) after.push(edit);
      // Jira refuses votes on resolved issues: the caller's vote goes before the transition.
      const vote = planVote(ctx, b, [`issue:${b.id}`]);
      const t = planTransition(ctx, b.id, fieldsOf(b), [...after, ...(vote ? [vote] : [])]);
      if (t) after.push(t);
      planComments(ctx, b, after);
      planWorklogs(ctx, b, after);
      planSocial(ctx, b, [`issue:${b.id}`]);
    }
    for (const u of selection.update) await planIssueUpdate(ctx, u.bundle, u.live);
    const liveLinks = new Set(
      selection.update.flatMap((u) => ((u.live.fields.issuelinks ?? []) as Json[]).map((l) => str(l.id))),
    );
    planLinks(ctx, [...create, ...selection.update.map((u) => u.bundle)], (id) => liveLinks.has(id));
    const liveSprints = new Map<string, LiveSprint>();
    const liveBoards = new Map<string, LiveBoard>();
    const sprintField = [...defs.values()].find(isSprintField)?.id;
    if (sprintField && create.some((b) => Array.isArray(fieldsOf(b)[sprintField]))) {
      for (const s of await live.sprints().catch(() => [])) liveSprints.set(s.id, s);
      for (const b of await live.boards().catch(() => [])) liveBoards.set(b.id, b);
    }
    planSprints(ctx, create, liveSprints, liveBoards);
    if (pt) planVersionUpdates(ctx, (pt.source.versions ?? []) as Json[], create);
    planRank(ctx, create);
  }

  const problems = checkOrder(ctx.steps);
  if (problems.length > 0)
    throw new TidemarkError('internal', `The planner produced steps out of order: ${problems.slice(0, 5).join('; ')}`);
  return {
    format: PLAN_FORMAT,
    id: planId,
    createdAt: new Date(input.now).toISOString(),
    source: { snapshot: source.snapshotId, site: source.site },
    target,
    mode,
    options: {
      notifyUsers: input.options?.notifyUsers ?? false,
      ...(input.options?.fallbackUser ? { fallbackUser: input.options.fallbackUser } : {}),
    },
    mappings: ctx.mappings,
    gaps,
    steps: ctx.steps,
    stats: planStats(ctx.steps, ctx.entities, ctx.fidelity.byKind, {
      startAt: input.now,
      ...(input.quota ?? DEFAULT_QUOTA),
    }),
  };
}

/**
 * A project the plan creates gets the site's default schemes: a team-managed project's own issue
 * types and statuses do not exist there, so they map to site-wide ones of the same name (or are
 * gaps).
 */
async function globalIssueTypes(ctx: PlanContext, usage: Usage): Promise<Gap[]> {
  const types = await ctx.live.issueTypes();
  const gaps: Gap[] = [];
  const statuses = await ctx.live.statuses();
  for (const [sourceId, u] of usage.get('statuses')) {
    const mapped = statuses.find((t) => t.id === ctx.mappings.statuses[sourceId]);
    if (!mapped || mapped.scopeProject === undefined) continue;
    const global = statuses.find(
      (t) => t.scopeProject === undefined && t.name.toLowerCase() === mapped.name.toLowerCase(),
    );
    if (global) ctx.mappings.statuses[sourceId] = global.id;
    else {
      delete ctx.mappings.statuses[sourceId];
      gaps.push({ kind: 'statuses', sourceId, name: u.name || mapped.name, usedBy: u.count });
    }
  }
  for (const [sourceId, u] of usage.get('issueTypes')) {
    const mapped = types.find((t) => t.id === ctx.mappings.issueTypes[sourceId]);
    if (!mapped || mapped.scopeProject === undefined) continue;
    const global = types.find(
      (t) =>
        t.scopeProject === undefined &&
        t.name.toLowerCase() === mapped.name.toLowerCase() &&
        t.subtask === mapped.subtask,
    );
    if (global) ctx.mappings.issueTypes[sourceId] = global.id;
    else {
      delete ctx.mappings.issueTypes[sourceId];
      gaps.push({ kind: 'issueTypes', sourceId, name: u.name || mapped.name, usedBy: u.count });
    }
  }
  return gaps;
}

/** Create screens (createmeta), with a basic screen for a project the plan creates. */
function createScreens(ctx: PlanContext, pt: ProjectTarget | undefined): CreateScreen {
  return async (sourceProjectId, issueType) => {
    if (ctx.projectSteps.has(sourceProjectId)) {
      // The new project gets the target's default schemes: the screen of the original project
      // (same site) or of a target project of the same type is the best guess at them, else the
      // basic fields.
      const type = str(pt?.source.projectTypeKey);
      const model = ctx.sameSite
        ? str(pt?.source.key)
        : (await ctx.live.projects()).find((p) => p.projectTypeKey === type)?.key;
      const meta = model ? await ctx.live.createMeta(model, issueType) : undefined;
      // Components and versions of the model project are not the new project's (those the plan
      // creates are Refs, never checked); its other allowed values are the best guess.
      return screenMap(
        meta?.map(({ allowedValues, ...f }) =>
          f.fieldId === 'components' || f.fieldId === 'versions' || f.fieldId === 'fixVersions'
            ? f
            : { ...f, allowedValues },
        ),
      );
    }
    return screenMap(await ctx.live.createMeta(ctx.mappings.projects[sourceProjectId]!, issueType));
  };
}

function screenMap(meta: ScreenField[] | undefined): Map<string, ScreenField> {
  const list = meta ?? BASIC_CREATE.map((fieldId) => ({ fieldId, name: fieldId, required: false }));
  return new Map(list.map((f) => [f.fieldId, f]));
}

export { undecidedGaps, assertDecided } from '../mappings.js';
