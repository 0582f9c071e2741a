/**
 * The restore plan: a JSON document the planner produces and the executor applies (docs/design.md
 * §9). Nothing is written to Jira that is not a step of a plan the operator could review first.
 *
 * A plan is an ordered list of steps. Each step is one logical write (usually one request) with
 * everything it needs already decided: ids mapped to the target site, bodies rewritten, provenance
 * attached. Values that only exist once an earlier step ran (the new id or key of a restored issue,
 * a new sprint id, a new media id) are written as references: `{ "$ref": "<step id>", "out": "id" }`.
 * Dependencies are explicit (`deps`), so the executor may run independent steps in parallel and
 * must run a step only after all its dependencies succeeded.
 */

import { TidemarkError } from '../core/index.js';

/** A value produced by an earlier step: `{ "$ref": "issue:10042", "out": "key" }`. */
export interface Ref {
  $ref: string;
  /** Which output of that step (default "id"). */
  out?: string;
  /**
   * Text around the output, for values that embed it: a key mention in ADF text
   * (`{ $ref: "issue:10042", out: "key" }`), an issue URL (`prefix: "https://acme.atlassian.net/browse/"`).
   */
  prefix?: string;
  suffix?: string;
}

/** The value a Ref stands for, given the outputs of its step. */
export function refValue(ref: Ref, outputs: Record<string, string>): string | undefined {
  const v = outputs[ref.out ?? 'id'];
  return v === undefined ? undefined : `${ref.prefix ?? ''}${v}${ref.suffix ?? ''}`;
}

export function isRef(v: unknown): v is Ref {
  return typeof v === 'object' && v !== null && typeof (v as Ref).$ref === 'string';
}

export const PLAN_FORMAT = 'tidemark-restore-plan/1';

/** Issues one bulk create takes at most (`POST /issue/bulk`): the executor batches, the stats count. */
export const BULK_CREATE_MAX = 50;

export type RestoreModeSpec =
  /** Issues that are in the snapshot but no longer on the site, with everything they had. */
  | { kind: 'deleted-issues'; projects?: string[] }
  /** Chosen issues (by key, or a filter over the snapshot), recreated or updated. */
  | { kind: 'issues'; keys?: string[]; filter?: IssueFilter }
  /** Chosen fields of existing issues back to their snapshot values, nothing else touched. */
  | { kind: 'fields'; fields: string[]; keys?: string[]; filter?: IssueFilter }
  /** A whole project, into its original key (when free or empty) or a new one. */
  | { kind: 'project'; project: string; targetKey?: string; targetName?: string };

export interface IssueFilter {
  projects?: string[];
  issueTypes?: string[];
  /** ISO date-times: issues whose snapshot `updated` is in [from, to]. */
  updatedFrom?: string;
  updatedTo?: string;
  /** Case-insensitive text in summary or description. */
  text?: string;
}

/** What each mapped kind maps: source id → target id (or account id for users). */
export interface Mappings {
  users: Record<string, string>;
  fields: Record<string, string>;
  /** customfield option ids. */
  options: Record<string, string>;
  statuses: Record<string, string>;
  issueTypes: Record<string, string>;
  priorities: Record<string, string>;
  resolutions: Record<string, string>;
  linkTypes: Record<string, string>;
  projects: Record<string, string>;
  components: Record<string, string>;
  versions: Record<string, string>;
  boards: Record<string, string>;
  sprints: Record<string, string>;
  groups: Record<string, string>;
}

export type MappingKind = keyof Mappings;

/** An item the plan cannot map on its own: apply refuses until each has a decision. */
export interface Gap {
  kind: MappingKind;
  /** Source id and a readable name. */
  sourceId: string;
  name: string;
  /** How many entities of the plan depend on it. */
  usedBy: number;
  /** The operator's decision: a target id, skip (drop the value), or a fallback (users). */
  decision?: { map: string } | { skip: true } | { fallback: string };
  /** What the planner suggests, with why. */
  suggestion?: { target: string; why: string };
}

export type StepKind =
  | 'project.create'
  | 'component.create'
  | 'version.create'
  | 'version.update'
  | 'issue.create'
  | 'issue.edit'
  | 'issue.transition'
  | 'comment.add'
  | 'worklog.add'
  | 'attachment.upload'
  | 'link.create'
  | 'remotelink.upsert'
  | 'watcher.add'
  | 'vote.add'
  | 'property.set'
  | 'sprint.create'
  | 'sprint.update'
  | 'sprint.add-issues'
  | 'rank.order';

export interface Step {
  /** Unique and stable within the plan, e.g. "issue:10042", "comment:10042:10301". */
  id: string;
  kind: StepKind;
  /** Step ids that must have succeeded first. */
  deps: string[];
  /** The source issue this step writes to (per-issue write pacing; grouping in reports). */
  issue?: string;
  /** Write requests the step is expected to make (for stats and the ETA). */
  writes: number;
  /** Read requests it is expected to make (e.g. a transition path, a media id). */
  reads?: number;
  /** Everything the step writes, already mapped; may contain Refs. */
  payload: Record<string, unknown>;
  /** Where the content comes from in the snapshot, for bulky payloads (attachment bytes). */
  source?: { path: string[] };
}

export interface PlanStats {
  /** Entities the plan restores, by kind. */
  entities: Record<string, number>;
  writes: number;
  reads: number;
  /** Points the plan is expected to spend (writes 1 each, reads by the cost model). */
  points: number;
  /** Expected duration under the current quota and per-issue write limits. */
  etaMs: number;
  /** Per-issue serial time of the busiest issue (writes × the per-issue pace). */
  busiestIssueMs: number;
  /** What the plan cannot restore exactly, by kind, with reasons (provenance or not restorable). */
  fidelity: Record<string, { exact: number; provenance: number; notRestorable: number; reasons: string[] }>;
}

export interface RestorePlan {
  format: typeof PLAN_FORMAT;
  id: string;
  createdAt: string;
  source: { snapshot: string; site: { cloudId: string; name: string; url: string } };
  target: { cloudId: string; name: string; url: string };
  mode: RestoreModeSpec;
  options: { notifyUsers: boolean; fallbackUser?: string };
  mappings: Mappings;
  gaps: Gap[];
  steps: Step[];
  stats: PlanStats;
}

/** The provenance written on restored issues, comments and worklogs (property `tidemark.provenance`). */
export const PROVENANCE_KEY = 'tidemark.provenance';

/** Bytes of field values an issue's provenance keeps at most (an entity property holds 32 KB). */
export const PROVENANCE_VALUES_MAX = 16_000;

export interface Provenance {
  plan: string;
  step: string;
  snapshot: string;
  site: string;
  /** The entity as it was: what the API could not keep. */
  original: {
    kind: 'issue' | 'comment' | 'worklog' | 'attachment';
    id: string;
    key?: string;
    authorAccountId?: string;
    authorName?: string;
    /** Issues: the reporter, when the target would not let the restore set it. */
    reporterAccountId?: string;
    created?: string;
    updated?: string;
    /**
     * Issues: field values (source field id → snapshot value) the target would not accept on
     * create — an option its context does not offer, a level outside the project's scheme —, with
     * the reason. The verifier reports them as not restorable.
     */
    fields?: Record<string, { value: unknown; reason: string }>;
  };
}

export function emptyMappings(): Mappings {
  return {
    users: {},
    fields: {},
    options: {},
    statuses: {},
    issueTypes: {},
    priorities: {},
    resolutions: {},
    linkTypes: {},
    projects: {},
    components: {},
    versions: {},
    boards: {},
    sprints: {},
    groups: {},
  };
}

/** Gaps without an operator decision: apply refuses a plan until there are none. */
export function undecidedGaps(plan: { gaps: readonly Gap[] }): Gap[] {
  return plan.gaps.filter((g) => g.decision === undefined);
}

/** Throws a TidemarkError listing every undecided gap. */
export function assertDecided(plan: { gaps: readonly Gap[] }): void {
  const open = undecidedGaps(plan);
  if (open.length === 0) return;
  const lines = open.map(
    (g) =>
      `  ${g.kind} ${g.sourceId} "${g.name}" (used by ${g.usedBy})` +
      (g.suggestion ? ` — suggestion: ${g.suggestion.target} (${g.suggestion.why})` : ''),
  );
  throw new TidemarkError(
    'usage',
    `The plan has ${open.length} unmapped item${open.length === 1 ? '' : 's'} without a decision:\n${lines.join('\n')}`,
    {
      hint: 'Edit the mapping file `tidemark restore plan` wrote beside the plan (<plan>.mappings.json): give each gap a decision ({"map": id}, {"skip": true} or {"fallback": accountId}), and plan again with --mappings <file>.',
      details: { gaps: open.map((g) => ({ kind: g.kind, sourceId: g.sourceId, name: g.name, usedBy: g.usedBy })) },
    },
  );
}

/** Steps in an order that respects `deps` (the plan's own order already does; this checks it). */
export function checkOrder(steps: readonly Step[]): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  const ids = new Set(steps.map((s) => s.id));
  for (const s of steps) {
    if (seen.has(s.id)) problems.push(`step ${s.id} appears twice`);
    for (const d of s.deps) {
      if (!ids.has(d)) problems.push(`step ${s.id} depends on unknown step ${d}`);
      else if (!seen.has(d)) problems.push(`step ${s.id} comes before its dependency ${d}`);
    }
    seen.add(s.id);
  }
  return problems;
}
