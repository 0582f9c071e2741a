/**
 * What the verifier knows while it compares: the plan, the journal's old→new map (step outputs),
 * the mappings with the operator's gap decisions, and the field schemas of both sites. It answers
 * "what should this source value be on the target" for ids of every mapped kind, issue ids and
 * keys, sprint ids and media ids, and rewrites ADF (key mentions, issue URLs, media nodes) the way
 * the executor does (§9.3 rule 3).
 */
import type { JiraClient } from '../../jira/index.js';
import type { FieldInfo } from '../../jira/fields.js';
import type { MappingKind, RestorePlan, Step } from '../plan.js';
import type { JournalEntry, StepOutputs } from '../ports.js';
import type { AttachmentEntry, IssueBundle, RestoreSource } from '../source.js';

export type Json = Record<string, unknown>;

/** The part of `RestoreSource` (src/restore/source.ts) the verifier reads. */
export type VerifySource = Pick<RestoreSource, 'snapshotId' | 'site' | 'issueBundles' | 'config' | 'readFile'>;
export type SourceBundle = IssueBundle;
export type SourceAttachment = AttachmentEntry;

/** A value the operator decided to drop (gap decision `skip`). */
export const SKIPPED = Symbol('skipped');

/** The step kinds (`<prefix>:<source id>`) that create an item of a mapped kind. */
const CREATED_BY: Partial<Record<MappingKind, string>> = {
  projects: 'project',
  components: 'component',
  versions: 'version',
};

/** Step state from the journal: the last outcome of each step. */
export interface StepState {
  event: JournalEntry['event'];
  outputs?: StepOutputs;
  error?: string;
  reason?: string;
  at: string;
}

export class VerifyContext {
  readonly steps = new Map<string, Step>();
  readonly state = new Map<string, StepState>();
  /** Steps by the source issue they write to. */
  readonly stepsByIssue = new Map<string, Step[]>();
  readonly sameSite: boolean;
  /** Target field schemas by id. */
  readonly targetFields = new Map<string, FieldInfo>();
  readonly sourceFields = new Map<string, FieldInfo>();
  /** Source key → target key, source issue id → target id (filled as issues are read). */
  readonly keys = new Map<string, string>();
  readonly issueIds = new Map<string, string>();
  /** Source media id → target media id. */
  readonly media = new Map<string, string>();
  /** When the restore began writing (the first journal entry). */
  readonly startedAt: string | undefined;
  private readonly decisions = new Map<string, { map: string } | { skip: true } | { fallback: string }>();

  constructor(
    readonly plan: RestorePlan,
    journal: readonly JournalEntry[],
    readonly source: VerifySource,
    readonly client: JiraClient,
  ) {
    for (const s of plan.steps) {
      this.steps.set(s.id, s);
      if (s.issue) this.stepsByIssue.set(s.issue, [...(this.stepsByIssue.get(s.issue) ?? []), s]);
    }
    for (const e of journal) {
      const st: StepState = { event: e.event, at: e.at };
      if (e.event === 'done') st.outputs = e.outputs;
      if (e.event === 'failed') st.error = `${e.error.code}: ${e.error.message}`;
      if (e.event === 'skipped') st.reason = e.reason;
      this.state.set(e.step, st);
    }
    this.startedAt = journal[0]?.at;
    for (const g of plan.gaps) if (g.decision) this.decisions.set(`${g.kind}:${g.sourceId}`, g.decision);
    this.sameSite = plan.target.cloudId === plan.source.site.cloudId;
  }

  outputs(stepId: string): StepOutputs | undefined {
    const s = this.state.get(stepId);
    return s?.event === 'done' ? s.outputs : undefined;
  }

  /** Why a step has no result: its failure, skip reason, or that it never finished. */
  whyNot(stepId: string): { outcome: 'mismatch' | 'notRestorable'; reason: string } {
    const s = this.state.get(stepId);
    if (!s) return { outcome: 'mismatch', reason: `step ${stepId} was never applied` };
    if (s.event === 'skipped') return { outcome: 'notRestorable', reason: `skipped: ${s.reason ?? ''}` };
    if (s.event === 'failed') return { outcome: 'mismatch', reason: `step ${stepId} failed: ${s.error ?? ''}` };
    if (s.event === 'done') return { outcome: 'mismatch', reason: 'not found on the target (its step is done)' };
    return { outcome: 'mismatch', reason: `step ${stepId} started but did not finish` };
  }

  /** A source id of a mapped kind as the target knows it (SKIPPED when the operator chose to drop it). */
  map(kind: MappingKind, id: string): string | typeof SKIPPED {
    // A project, component or version the plan created: its create step's output.
    const creator = CREATED_BY[kind];
    const created = creator ? this.outputs(`${creator}:${id}`)?.id : undefined;
    if (created) return created;
    const d = this.decisions.get(`${kind}:${id}`);
    if (d && 'skip' in d) return SKIPPED;
    if (d && 'map' in d) return d.map;
    if (d && 'fallback' in d) return d.fallback;
    const m = this.plan.mappings[kind][id];
    if (m !== undefined) return m;
    if (kind === 'users' && this.plan.options.fallbackUser && !this.sameSite) return this.plan.options.fallbackUser;
    return id;
  }

  /** The target field id of a source field. */
  field(id: string): string {
    return this.plan.mappings.fields[id] ?? id;
  }

  /** The target id of a source issue: re-created (journal), written in place (a live id), or the same site's id. */
  targetIssue(sourceId: string): string | undefined {
    const created = this.outputs(`issue:${sourceId}`);
    if (created?.id) return created.id;
    const known = this.issueIds.get(sourceId);
    if (known) return known;
    if (this.steps.has(`issue:${sourceId}`) && this.steps.get(`issue:${sourceId}`)!.kind === 'issue.create')
      return undefined;
    for (const s of this.stepsByIssue.get(sourceId) ?? []) {
      const live = s.payload.issue;
      if (typeof live === 'string') return live;
    }
    return this.sameSite ? sourceId : undefined;
  }

  /** Whether the plan re-creates the issue (so server-set values can only be kept with provenance). */
  recreates(sourceId: string): boolean {
    return this.steps.get(`issue:${sourceId}`)?.kind === 'issue.create';
  }

  /** A sprint's target id: created by the plan, mapped, or the same. */
  sprint(id: string): string | typeof SKIPPED {
    const created = this.outputs(`sprint:${id}`);
    if (created?.id) return created.id;
    return this.map('sprints', id);
  }

  /** Rewrites key mentions, issue URLs and media ids in any JSON value (ADF documents). */
  rewrite<T>(value: T): T {
    const usersMapped = Object.entries(this.plan.mappings.users).some(([a, b]) => a !== b) || this.decisions.size > 0;
    if (this.keys.size === 0 && this.media.size === 0 && this.sameSite && !usersMapped) return value;
    return rewriteValue(value, this) as T;
  }

  rewriteText(s: string): string {
    let out = s;
    const from = this.plan.source.site.url.replace(/\/+$/, '');
    const to = this.plan.target.url.replace(/\/+$/, '');
    // Issue URLs of restored issues move to the target (new key); the planner keeps URLs of other
    // issues on the source site (they may not exist on the target).
    if (from !== to && out.includes(`${from}/browse/`))
      out = out.replace(
        new RegExp(`${escapeRe(from)}/browse/([A-Z][A-Z0-9_]+-\\d+)`, 'g'),
        // The key itself is rewritten with every other key mention below.
        (url, key: string) => (this.keys.has(key) ? `${to}/browse/${key}` : url),
      );
    if (this.keyPattern === undefined) {
      const changed = [...this.keys].filter(([a, b]) => a !== b).map(([a]) => a);
      this.keyPattern =
        changed.length === 0
          ? null
          : new RegExp(`(?<![A-Za-z0-9_-])(${changed.sort((a, b) => b.length - a.length).join('|')})(?![0-9])`, 'g');
    }
    if (this.keyPattern) out = out.replace(this.keyPattern, (k) => this.keys.get(k) ?? k);
    return out;
  }

  /** Call after `keys` changed (the pattern is cached). */
  keysChanged(): void {
    this.keyPattern = undefined;
  }

  private keyPattern: RegExp | null | undefined;
}

function rewriteValue(v: unknown, ctx: VerifyContext, parentType?: string): unknown {
  if (typeof v === 'string') return ctx.rewriteText(v);
  if (Array.isArray(v)) return v.map((x) => rewriteValue(x, ctx, parentType));
  if (v && typeof v === 'object') {
    const o = v as Json;
    const mention = o.type === 'mention' ? ((o.attrs ?? {}) as Json) : undefined;
    if (mention && typeof mention.id === 'string') {
      // User mentions name the mapped account (as the planner writes them), or become plain text.
      const m = ctx.map('users', mention.id);
      if (m === SKIPPED) return { type: 'text', text: typeof mention.text === 'string' ? mention.text : '@unknown' };
      return { ...o, attrs: { ...mention, id: m } };
    }
    const type = typeof o.type === 'string' ? o.type : parentType;
    const out: Json = {};
    for (const [k, x] of Object.entries(o)) {
      if (k === 'id' && parentType === 'media' && typeof x === 'string') out[k] = ctx.media.get(x) ?? x;
      else if (k === 'attrs') out[k] = rewriteValue(x, ctx, type);
      else if (k === 'type' || k === 'collection' || k === 'localId') out[k] = x;
      else out[k] = rewriteValue(x, ctx, type);
    }
    return out;
  }
  return v;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
