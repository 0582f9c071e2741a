/**
 * Issue generation as a simulation: every issue is created through the mutation primitives and
 * then lives through a planned sequence of events (transitions along its workflow, edits,
 * comments, worklogs, attachments, links, sprint membership, rank changes, watchers, votes,
 * properties, and sometimes a move or a deletion). Events of all issues run in one global time
 * order (a heap), so ids grow with time across the site, histories always end at the current
 * values, and cross-issue effects (links, deletions) happen in the order they would in Jira.
 *
 * Each issue draws from its own random stream (seed, site, issue number), so its life does not
 * depend on the draws of other issues.
 */
import { SimHttpError } from '../http/errors.js';
import type { Account } from '../world/types.js';
import type { AdfDoc, Issue, IssueType, JsonValue, Visibility, Workflow } from '../world/site.js';
import { FIELD_IDS } from '../world/fields.js';
import { statusCategoryKey, workflowFor } from '../world/workflow.js';
import { type MutationContext, addHistory, touch } from '../mutate/context.js';
import { createIssue, deleteIssue, editIssueFields, moveIssue, transitionIssue } from '../mutate/issues.js';
import { addComment, deleteComment, editComment } from '../mutate/comments.js';
import { addWorklog, deleteWorklog, editWorklog } from '../mutate/worklogs.js';
import { type AttachmentSource, addAttachment } from '../mutate/attachments.js';
import { addIssueLink, deleteIssueLink, upsertRemoteLink } from '../mutate/links.js';
import { addVote, addWatcher, removeWatcher } from '../mutate/social.js';
import { setProperty } from '../mutate/properties.js';
import { rankChangeItem } from '../mutate/agile.js';
import type { ContentKind } from '../world/content.js';
import { type AdfEnv, hostileDoc, longDoc, mediaDoc, richDoc, simpleDoc } from './adf.js';
import { CF } from './config.js';
import { Rng, stableUuid } from './prng.js';
import { DAY, GENERATION_END, type ProjectPlan, type SiteEnv } from './site.js';
import { HOSTILE_FILENAMES, HOSTILE_TEXTS, LABELS, NOUNS, paragraphText, sentence, summary } from './words.js';

const HOUR = 3_600_000;

type EventKind =
  | 'transition'
  | 'sprint'
  | 'assign'
  | 'edit'
  | 'comment'
  | 'commentEdit'
  | 'commentDelete'
  | 'worklog'
  | 'worklogEdit'
  | 'worklogDelete'
  | 'attach'
  | 'link'
  | 'unlink'
  | 'remote'
  | 'watch'
  | 'unwatch'
  | 'vote'
  | 'property'
  | 'rank'
  | 'move'
  | 'delete';

interface Ev {
  t: number;
  k: EventKind;
  a?: string | number[];
}

interface Cursor {
  /** Time of the next event (events[i].t), kept here for the heap. */
  t: number;
  issueId: string;
  plan: number;
  n: number;
  rng: Rng;
  events: Ev[];
  i: number;
  seq: number;
}

/** Binary min-heap of cursors by (time of next event, seq). */
class Heap {
  private items: Cursor[] = [];
  get size(): number {
    return this.items.length;
  }
  private less(a: Cursor, b: Cursor): boolean {
    return a.t < b.t || (a.t === b.t && a.seq < b.seq);
  }
  peek(): Cursor | undefined {
    return this.items[0];
  }
  push(c: Cursor): void {
    const h = this.items;
    h.push(c);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): Cursor | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

interface TypeIds {
  epic?: string;
  story?: string;
  task?: string;
  bug?: string;
  subtask?: string;
  serviceRequest?: string;
  incident?: string;
  problem?: string;
}

interface OptionSet {
  top: string[];
  children: Map<string, string[]>;
}

/** What the generator keeps about the site while it runs. */
interface State {
  env: SiteEnv;
  types: TypeIds[];
  workflows: Map<string, Workflow>;
  /** Issue ids created per project plan (for parents and links). */
  issuesOf: string[][];
  epicsOf: string[][];
  allIds: string[];
  keys: string[];
  contentPool: string[];
  specialAttachments: Array<{ filename: string; kind: ContentKind; size: number; mimeType?: string }>;
  options: Map<string, OptionSet>;
  deskSeverity: string[];
  rankSerial: number;
  skipped: number;
  seq: number;
  /** Moves and deletions still to plan (capped: each one scans the site for sub-tasks). */
  movesLeft: number;
  deletesLeft: number;
  moveCap: number;
}

function expo(r: Rng, mean: number): number {
  return Math.floor(-Math.log(1 - r.float()) * mean);
}

/** Cuts a string to at most `max` UTF-16 units without splitting a surrogate pair. */
function truncateUnits(s: string, max: number): string {
  if (s.length <= max) return s;
  let out = '';
  for (const cp of s) {
    if (out.length + cp.length > max) break;
    out += cp;
  }
  return out;
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').trim();
}

function typeIdsOf(env: SiteEnv, plan: ProjectPlan): TypeIds {
  const d = env.site.data;
  const scheme = d.issueTypeSchemes.get(plan.project.issueTypeSchemeId)!;
  const out: TypeIds = {};
  for (const id of scheme.issueTypeIds) {
    const t = d.issueTypes.get(id)!;
    if (t.hierarchyLevel === 1) out.epic = id;
    else if (t.subtask) out.subtask = id;
    else if (t.name === 'Story') out.story = id;
    else if (t.name === 'Task') out.task = id;
    else if (t.name === 'Bug') out.bug = id;
    else if (id === env.cfg.types.serviceRequest) out.serviceRequest = id;
    else if (id === env.cfg.types.incident) out.incident = id;
    else if (id === env.cfg.types.problem) out.problem = id;
  }
  return out;
}

function buildOptions(env: SiteEnv): Map<string, OptionSet> {
  const out = new Map<string, OptionSet>();
  for (const c of env.site.data.fieldContexts.values()) {
    if (!c.isGlobalContext) continue;
    const set: OptionSet = { top: [], children: new Map() };
    for (const o of c.options) {
      if (o.disabled) continue;
      if (o.optionId) {
        const list = set.children.get(o.optionId) ?? [];
        list.push(o.id);
        set.children.set(o.optionId, list);
      } else set.top.push(o.id);
    }
    out.set(c.fieldId, set);
  }
  return out;
}

function specialAttachments(): State['specialAttachments'] {
  return [
    { filename: 'empty.txt', kind: 'empty', size: 0 },
    { filename: 'full-export-2026.zip', kind: 'zip', size: 10 * 1024 * 1024 + 512 * 1024 },
    ...HOSTILE_FILENAMES.map((filename, i) => ({
      filename,
      kind: (['text', 'binary', 'png', 'pdf'] as const)[i % 4],
      size: 100 + i * 997,
      ...(i === 4 ? { mimeType: 'text/html' } : {}),
    })),
  ];
}

// ---------------------------------------------------------------------------------------------
// Helpers used while events run

function ctxAt(state: State, t: number, actorId: string): MutationContext {
  return { world: state.env.world, site: state.env.site, now: t, actorId };
}

function adfEnv(state: State, r: Rng, mediaIds?: string[]): AdfEnv {
  const env: AdfEnv = { rng: r, siteUrl: state.env.site.url, people: state.env.workers, issueKeys: state.keys };
  if (mediaIds) env.mediaIds = mediaIds;
  return env;
}

function alive(state: State, id: string): Issue | undefined {
  return state.env.site.data.issues.get(id);
}

const activeTeams = new WeakMap<ProjectPlan, Account[]>();

function worker(state: State, r: Rng, plan: ProjectPlan): Account {
  let active = activeTeams.get(plan);
  if (!active) activeTeams.set(plan, (active = plan.team.filter((a) => a.active)));
  if (active.length > 0 && r.chance(0.85)) return r.pick(active);
  return r.pick(state.env.workers);
}

function dateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function attachmentSpec(
  state: State,
  r: Rng,
  n: number,
): { filename: string; mimeType?: string; source: AttachmentSource } {
  const special = state.specialAttachments.shift();
  if (special) {
    const out: { filename: string; mimeType?: string; source: AttachmentSource } = {
      filename: special.filename,
      source: { generated: { seed: r.next(), kind: special.kind, size: special.size } },
    };
    if (special.mimeType) out.mimeType = special.mimeType;
    return out;
  }
  if (state.contentPool.length > 0 && r.chance(0.25)) {
    const contentId = r.pick(state.contentPool);
    const content = state.env.site.data.contents.get(contentId);
    if (content?.generated) {
      const ext = { text: 'txt', binary: 'bin', png: 'png', pdf: 'pdf', zip: 'zip', empty: 'txt' }[
        content.generated.kind
      ];
      return { filename: `copy-of-file-${n}.${ext}`, source: { contentId } };
    }
  }
  const kind = r.weighted<ContentKind>([
    ['png', 30],
    ['text', 30],
    ['pdf', 15],
    ['zip', 8],
    ['binary', 17],
  ]);
  const kb = 1024;
  const size =
    kind === 'png'
      ? r.int(8 * kb, 600 * kb)
      : kind === 'text'
        ? Math.floor(200 * Math.pow(1000, r.float()))
        : kind === 'pdf'
          ? r.int(40 * kb, 1500 * kb)
          : kind === 'zip'
            ? r.int(100 * kb, 4000 * kb)
            : r.int(kb, 800 * kb);
  const name = {
    png: `screenshot-${n}.png`,
    text: `server-${n}.log`,
    pdf: `specification-${n}.pdf`,
    zip: `export-${n}.zip`,
    binary: `core-dump-${n}.bin`,
    empty: `empty-${n}.txt`,
  }[kind];
  return { filename: name, source: { generated: { seed: r.next(), kind, size } } };
}

function attach(state: State, ctx: MutationContext, issue: Issue, r: Rng, forceImage = false): string {
  const spec: { filename: string; mimeType?: string; source: AttachmentSource } = forceImage
    ? {
        filename: `image-${issue.attachmentIds.length + 1}.png`,
        source: { generated: { seed: r.next(), kind: 'png', size: r.int(20_000, 400_000) } },
      }
    : attachmentSpec(state, r, state.env.site.data.ids.attachment + 1);
  const a = addAttachment(ctx, issue, spec);
  if ('generated' in spec.source) state.contentPool.push(a.contentId);
  return a.mediaId;
}

function customValue(state: State, r: Rng, fieldId: string, t: number, plan: ProjectPlan): unknown {
  const opts = state.options.get(fieldId);
  const workers = state.env.workers;
  switch (fieldId) {
    case FIELD_IDS.storyPointEstimate:
      return r.pick([1, 2, 3, 5, 8, 13]);
    case FIELD_IDS.storyPoints:
      return r.pick([0.5, 1, 2, 3, 5]);
    case FIELD_IDS.startDate:
      return dateOf(t + r.int(0, 20) * DAY);
    case FIELD_IDS.flagged:
      return opts ? [opts.top[0]!] : undefined;
    case CF.teamNotes:
      return sentence(r, 3, 10);
    case CF.acceptance:
      return simpleDoc(r);
    case CF.impact:
      return opts ? r.pick(opts.top) : undefined;
    case CF.platforms:
      return opts ? r.sample(opts.top, r.int(1, 3)) : undefined;
    case CF.severity:
      return plan.kind === 'servicedesk' && state.deskSeverity.length > 0
        ? r.pick(state.deskSeverity)
        : opts
          ? r.pick(opts.top)
          : undefined;
    case CF.envFlags:
      return opts ? r.sample(opts.top, r.int(1, 2)) : undefined;
    case CF.category: {
      if (!opts) return undefined;
      const id = r.pick(opts.top);
      const kids = opts.children.get(id) ?? [];
      return kids.length > 0 && r.chance(0.8) ? { id, childId: r.pick(kids) } : { id };
    }
    case CF.reviewer:
      return r.pick(workers).accountId;
    case CF.collaborators:
      return r.sample(workers, r.int(1, 3)).map((w) => w.accountId);
    case CF.owningGroup:
      return r.pick([...state.env.site.data.groups.keys()]);
    case CF.approverGroups:
      return r.sample([...state.env.site.data.groups.keys()], r.int(1, 2));
    case CF.tags:
      return r.sample(LABELS, r.int(1, 2));
    case CF.designDoc:
      return `https://docs.example.com/design/${r.hex(8)}?ref=${encodeURIComponent(state.env.site.name)}`;
    case CF.goLive:
      return t + r.int(5, 90) * DAY + r.int(0, 23) * HOUR;
    case CF.budget:
      return Math.round(r.float() * 1_000_000) / 100;
    case CF.hostile:
      return truncateUnits(oneLine(r.pick(HOSTILE_TEXTS)), 255);
    default:
      return undefined;
  }
}

const CUSTOM_BY_KIND: Record<string, Array<[string, number]>> = {
  software: [
    [FIELD_IDS.storyPointEstimate, 0.45],
    [FIELD_IDS.startDate, 0.15],
    [FIELD_IDS.flagged, 0.04],
    [FIELD_IDS.storyPoints, 0.05],
    [CF.teamNotes, 0.1],
    [CF.acceptance, 0.12],
    [CF.impact, 0.2],
    [CF.platforms, 0.2],
    [CF.envFlags, 0.12],
    [CF.category, 0.04],
    [CF.reviewer, 0.15],
    [CF.collaborators, 0.1],
    [CF.owningGroup, 0.08],
    [CF.approverGroups, 0.04],
    [CF.tags, 0.1],
    [CF.designDoc, 0.08],
    [CF.goLive, 0.06],
    [CF.hostile, 0.01],
  ],
  business: [
    [FIELD_IDS.startDate, 0.3],
    [CF.budget, 0.35],
    [CF.platforms, 0.1],
    [CF.owningGroup, 0.2],
    [CF.reviewer, 0.2],
    [CF.tags, 0.15],
    [CF.goLive, 0.15],
    [CF.approverGroups, 0.1],
    [CF.hostile, 0.01],
  ],
  servicedesk: [
    [CF.category, 0.6],
    [CF.impact, 0.4],
    [CF.severity, 0.5],
    [CF.envFlags, 0.1],
    [CF.hostile, 0.01],
  ],
};

function kindGroup(plan: ProjectPlan): 'software' | 'business' | 'servicedesk' {
  return plan.kind === 'business' ? 'business' : plan.kind === 'servicedesk' ? 'servicedesk' : 'software';
}

// ---------------------------------------------------------------------------------------------
// Workflow walks

function categoryRank(state: State, statusId: string): number {
  const key = statusCategoryKey(state.env.site, statusId);
  return key === 'done' ? 2 : key === 'indeterminate' ? 1 : 0;
}

/** Transition ids from the initial status toward a goal category (0 new, 1 in progress, 2 done). */
function planWalk(state: State, workflow: Workflow, r: Rng, start: string, goal: number): string[] {
  const path: string[] = [];
  let cur = start;
  let reopened = false;
  for (let guard = 0; guard < 14; guard++) {
    const rank = categoryRank(state, cur);
    if (rank >= goal) {
      if (goal === 2 && !reopened && r.chance(0.05)) {
        const back = workflow.transitions.filter(
          (t) => t.type === 'directed' && t.from.includes(cur) && categoryRank(state, t.to) < 2,
        );
        if (back.length > 0) {
          const t = r.pick(back);
          path.push(t.id);
          cur = t.to;
          reopened = true;
          continue;
        }
      }
      break;
    }
    const avail = workflow.transitions.filter(
      (t) => (t.type === 'directed' && t.from.includes(cur)) || (t.type === 'global' && t.to !== cur),
    );
    const forward = avail.filter((t) => categoryRank(state, t.to) > rank);
    const lateral = avail.filter((t) => categoryRank(state, t.to) === rank && t.to !== cur);
    let pick;
    if (lateral.length > 0 && r.chance(0.2)) pick = r.pick(lateral);
    else if (forward.length > 0) {
      const step = forward.filter((t) => categoryRank(state, t.to) === rank + 1);
      pick = step.length > 0 && r.chance(0.8) ? r.pick(step) : r.pick(forward);
    } else if (lateral.length > 0) pick = r.pick(lateral);
    else break;
    path.push(pick.id);
    cur = pick.to;
  }
  return path;
}

// ---------------------------------------------------------------------------------------------
// Creation and planning

function chooseType(
  state: State,
  r: Rng,
  planIndex: number,
  projIndex: number,
): { typeId: string; role: keyof TypeIds } {
  const plan = state.env.plans[planIndex]!;
  const types = state.types[planIndex]!;
  let role: keyof TypeIds;
  if (plan.kind === 'servicedesk') {
    role = r.weighted<keyof TypeIds>([
      ['serviceRequest', 60],
      ['incident', 30],
      ['problem', 10],
    ]);
  } else if (plan.kind === 'business') {
    role = projIndex < 1 || r.chance(0.05) ? 'epic' : r.chance(0.15) ? 'subtask' : 'task';
  } else {
    role =
      projIndex < 2 || r.chance(0.06)
        ? 'epic'
        : r.weighted<keyof TypeIds>([
            ['story', 40],
            ['task', 25],
            ['bug', 20],
            ['subtask', 12],
          ]);
  }
  if (!types[role]) role = types.task ? 'task' : types.serviceRequest ? 'serviceRequest' : 'story';
  return { typeId: types[role]!, role };
}

function pickParent(state: State, r: Rng, planIndex: number, wantEpic: boolean): string | undefined {
  const plan = state.env.plans[planIndex]!;
  const pool = wantEpic ? state.epicsOf[planIndex]! : state.issuesOf[planIndex]!;
  const recent = pool.slice(-40);
  for (let tries = 0; tries < 6 && recent.length > 0; tries++) {
    const id = r.pick(recent);
    const issue = alive(state, id);
    if (!issue || issue.projectId !== plan.project.id) continue;
    const t = state.env.site.data.issueTypes.get(String(issue.fields.issuetype))!;
    if (wantEpic ? t.hierarchyLevel === 1 : t.hierarchyLevel === 0) return id;
  }
  return undefined;
}

function createOne(state: State, t0: number, planIndex: number, n: number, projIndex: number): Cursor | undefined {
  const { env } = state;
  const r = Rng.of(env.seed, 'site', env.siteIndex, 'issue', n);
  const plan = env.plans[planIndex]!;
  const project = plan.project;
  const data = env.site.data;
  let { typeId, role } = chooseType(state, r, planIndex, projIndex);
  let parent: string | undefined;
  if (role === 'subtask') {
    parent = pickParent(state, r, planIndex, false);
    if (!parent) {
      role = state.types[planIndex]!.task ? 'task' : 'story';
      typeId = state.types[planIndex]![role]!;
    }
  } else if (role !== 'epic' && r.chance(0.35)) parent = pickParent(state, r, planIndex, true);
  const type: IssueType = data.issueTypes.get(typeId)!;
  const group = kindGroup(plan);

  const reporter =
    plan.kind === 'servicedesk'
      ? env.customers.length > 0 && r.chance(0.8)
        ? r.pick(env.customers)
        : r.pick(env.agents)
      : r.chance(0.92)
        ? worker(state, r, plan)
        : r.pick(env.people);

  const fields: Record<string, unknown> = {};
  let s = summary(r);
  if (n === 1) s = truncateUnits(oneLine(HOSTILE_TEXTS[0]), 255);
  else if (n === 2) s = truncateUnits(oneLine(`${HOSTILE_TEXTS[2]} ${HOSTILE_TEXTS[3]}`), 255);
  else if (r.chance(0.004)) s = truncateUnits(oneLine(r.pick(HOSTILE_TEXTS)), 255);
  if (n === 3) s = truncateUnits(`${s} — ${'lorem ipsum dolor sit amet '.repeat(12)}`, 255).padEnd(255, '.');
  fields.summary = s;

  // Description, possibly embedding images attached at creation.
  let mediaCount = 0;
  const dice = r.float();
  if (n === 5) fields.description = longDoc(r, 110_000);
  else if (n === 8 || dice < 0.03) fields.description = hostileDoc(r, n === 8);
  else if (dice < 0.25) {
    mediaCount = r.chance(0.4) ? r.int(1, 2) : 0;
    const mediaIds: string[] = [];
    for (let i = 1; i <= mediaCount; i++)
      mediaIds.push(stableUuid('media', env.site.cloudId, String(data.ids.attachment + i)));
    fields.description = richDoc(adfEnv(state, r, mediaIds));
  } else if (dice < 0.85) fields.description = simpleDoc(r);
  if (r.chance(0.05) && group === 'software') fields.environment = simpleDoc(r);
  fields.priority = r.weighted([
    ['1', 4],
    ['2', 14],
    ['3', 55],
    ['4', 20],
    ['5', 7],
  ]);
  if (r.chance(0.4)) fields.labels = r.sample(LABELS, r.int(1, 3));
  const components = [...project.components.keys()];
  if (components.length > 0 && r.chance(0.3)) fields.components = r.sample(components, r.int(1, 2));
  const versions = [...project.versions.values()].filter((v) => !v.archived).map((v) => v.id);
  if (versions.length > 0 && r.chance(0.25)) fields.fixVersions = [r.pick(versions)];
  if (versions.length > 0 && role === 'bug' && r.chance(0.3)) fields.versions = [r.pick(versions)];
  if (r.chance(0.15)) fields.duedate = dateOf(t0 + r.int(3, 60) * DAY);
  if (r.chance(0.5))
    fields.assignee = plan.kind === 'servicedesk' ? r.pick(env.agents).accountId : worker(state, r, plan).accountId;
  if (r.chance(0.3) && group !== 'servicedesk')
    fields.timetracking = { originalEstimateSeconds: (r.pick([1, 2, 4, 8, 16, 24, 40]) * HOUR) / 1000 };
  if (project.issueSecuritySchemeId && r.chance(plan.kind === 'restricted' ? 0.3 : 0.04))
    fields.security = r.pick(env.cfg.securityLevels);
  if (parent) fields.parent = parent;
  for (const [fieldId, p] of CUSTOM_BY_KIND[group]!) {
    if (fieldId === FIELD_IDS.storyPointEstimate && type.hierarchyLevel !== 0) continue;
    if (fieldId === CF.severity && plan.kind !== 'servicedesk' && role !== 'bug') continue;
    if (!r.chance(n === 8 && fieldId === CF.hostile ? 1 : p)) continue;
    const v = customValue(state, r, fieldId, t0, plan);
    if (v !== undefined) fields[fieldId] = v;
  }
  if (plan.kind === 'servicedesk') {
    const rts = plan.requestTypes.get(typeId);
    if (rts && rts.length > 0) fields[FIELD_IDS.requestType] = r.pick(rts);
    if (r.chance(0.2))
      fields[FIELD_IDS.requestParticipants] = r
        .sample(env.customers.length > 0 ? env.customers : env.workers, r.int(1, 2))
        .map((a) => a.accountId);
  }

  const ctx = ctxAt(state, t0, reporter.accountId);
  const issue = createIssue(ctx, { project: project.id, issueTypeId: typeId, fields });
  for (let i = 0; i < mediaCount; i++) {
    const mediaId = attach(state, ctx, issue, r, true);
    if (mediaId !== stableUuid('media', env.site.cloudId, issue.attachmentIds[i]!))
      throw new Error('generator: media id of an inline image does not match its attachment');
  }

  state.allIds.push(issue.id);
  state.keys.push(issue.key);
  state.issuesOf[planIndex]!.push(issue.id);
  if (type.hierarchyLevel === 1) state.epicsOf[planIndex]!.push(issue.id);

  const events = planEvents(state, r, plan, issue, type, t0, n);
  if (events.length === 0) return undefined;
  return { t: events[0]!.t, issueId: issue.id, plan: planIndex, n, rng: r, events, i: 0, seq: state.seq++ };
}

interface Planner {
  events: Ev[];
  t0: number;
}

/** Adds an event if it falls after the issue's creation and before the end of generation. */
function schedule(at: Planner, t: number, k: EventKind, a?: string | number[]): void {
  if (t > at.t0 && t < GENERATION_END) at.events.push(a === undefined ? { t, k } : { t, k, a });
}

function planEvents(
  state: State,
  r: Rng,
  plan: ProjectPlan,
  issue: Issue,
  type: IssueType,
  t0: number,
  n: number,
): Ev[] {
  const { env } = state;
  const events: Ev[] = [];
  const at: Planner = { events, t0 };
  const age = GENERATION_END - t0;
  const group = kindGroup(plan);

  // Workflow.
  const workflow = workflowFor(env.site, plan.project, type.id)!;
  const pDone = Math.min(0.85, age / (90 * DAY));
  const goal = r.chance(pDone) ? 2 : r.chance(0.6) ? 1 : 0;
  const walk = planWalk(state, workflow, r, String(issue.fields.status), goal);
  let t = t0;
  let doneAt = Infinity;
  for (const id of walk) {
    t += expo(r, 2.5 * DAY) + 60_000;
    schedule(at, t, 'transition', id);
    const tr = workflow.transitions.find((x) => x.id === id)!;
    doneAt = categoryRank(state, tr.to) === 2 && t < GENERATION_END ? t : Infinity;
  }
  if (issue.fields.assignee === undefined && walk.length > 0) schedule(at, t0 + expo(r, DAY) + 1000, 'assign');
  if (r.chance(0.15)) schedule(at, t0 + expo(r, 20 * DAY) + 1000, 'assign');

  // Edits.
  const editKinds = ['priority', 'summary', 'labels', 'description', 'custom', 'duedate', 'components', 'estimate'];
  if (group === 'software') editKinds.push('fixVersion', 'storypoints', 'custom');
  if (group === 'business') editKinds.push('fixVersion');
  const edits = r.count(0.45, 5);
  for (let i = 0; i < edits; i++) schedule(at, t0 + expo(r, 20 * DAY) + 1000, 'edit', r.pick(editKinds));

  // Comments.
  let comments: number;
  if (n === 4) comments = r.int(105, 130);
  else if (n === 6) comments = 25;
  else if (r.chance(env.profile.heavyCommentShare)) comments = r.int(21, 40);
  else
    comments = r.weighted([
      [0, 30],
      [1, 20],
      [2, 15],
      [3, 10],
      [r.int(4, 6), 15],
      [r.int(7, 12), 8],
      [r.int(13, 20), 2],
    ]);
  const commentSpan = comments > 20 ? 60 * DAY : 12 * DAY;
  for (let i = 0; i < comments; i++) schedule(at, t0 + expo(r, commentSpan) + 2000, 'comment');
  if (comments > 0 && r.chance(0.08)) schedule(at, t0 + expo(r, 30 * DAY) + 5000, 'commentEdit');
  if (comments > 1 && r.chance(0.03)) schedule(at, t0 + expo(r, 30 * DAY) + 5000, 'commentDelete');

  // Worklogs.
  let worklogs = 0;
  if (n === 7) worklogs = 24;
  else if (r.chance(0.003)) worklogs = r.int(21, 30);
  else if (r.chance(group === 'servicedesk' ? 0.1 : 0.22)) worklogs = r.int(1, 4);
  for (let i = 0; i < worklogs; i++) schedule(at, t0 + expo(r, 15 * DAY) + 3000, 'worklog');
  if (worklogs > 0 && r.chance(0.04)) schedule(at, t0 + expo(r, 20 * DAY) + 6000, 'worklogEdit');
  if (worklogs > 1 && r.chance(0.03)) schedule(at, t0 + expo(r, 20 * DAY) + 6000, 'worklogDelete');

  // Attachments.
  const attachments = n === 9 ? 4 : r.chance(0.18) ? r.int(1, 3) : 0;
  for (let i = 0; i < attachments; i++) schedule(at, t0 + expo(r, 5 * DAY) + 1500, 'attach');

  // Links, remote links, watchers, votes, properties, rank.
  if (r.chance(0.12)) for (let i = r.int(1, 2); i > 0; i--) schedule(at, t0 + expo(r, 10 * DAY) + 1000, 'link');
  if (r.chance(0.02)) schedule(at, t0 + expo(r, 30 * DAY) + 9000, 'unlink');
  if (r.chance(0.06)) for (let i = r.int(1, 2); i > 0; i--) schedule(at, t0 + expo(r, 10 * DAY) + 1000, 'remote');
  if (r.chance(0.3)) for (let i = r.int(1, 3); i > 0; i--) schedule(at, t0 + expo(r, 10 * DAY) + 1000, 'watch');
  if (r.chance(0.04)) schedule(at, t0 + expo(r, 20 * DAY) + 1000, 'unwatch');
  if (r.chance(0.1)) for (let i = r.int(1, 5); i > 0; i--) schedule(at, t0 + expo(r, 5 * DAY) + 1000, 'vote');
  if (n === 10 || r.chance(0.04)) schedule(at, t0 + expo(r, 10 * DAY) + 1000, 'property');
  if (group === 'software' && r.chance(0.08)) schedule(at, t0 + expo(r, 10 * DAY) + 1000, 'rank');

  // Sprints: stories, tasks and bugs of scrum projects.
  if (plan.sprints.length > 0 && type.hierarchyLevel === 0 && r.chance(0.75)) {
    const sprints = plan.sprints;
    const ts = t0 + expo(r, 3 * DAY) + 1000;
    let j = sprints.findIndex((s) => s.state !== 'closed' || s.completeDate! > ts);
    if (j >= 0 && sprints[j]!.state === 'active' && r.chance(0.25)) {
      const f = sprints.findIndex((s) => s.state === 'future');
      if (f >= 0) j = f;
    }
    if (j >= 0) {
      const addAt = Math.max(ts, sprints[j]!.createdDate + 1000);
      if (addAt < doneAt) {
        const list = [sprints[j]!.id];
        schedule(at, addAt, 'sprint', list.slice());
        // Unfinished work carries over to the next sprint when a sprint closes (up to three
        // times); otherwise it goes back to the backlog, keeping the closed sprints it was in.
        let carried = 0;
        while (
          sprints[j]!.state === 'closed' &&
          sprints[j]!.completeDate! < doneAt &&
          j + 1 < sprints.length &&
          carried++ < 3 &&
          r.chance(0.7)
        ) {
          const closedAt = sprints[j]!.completeDate!;
          j += 1;
          list.push(sprints[j]!.id);
          schedule(at, closedAt, 'sprint', list.slice());
        }
      }
    }
  }

  // Moves and deletions come last.
  let last = t0;
  for (const e of events) if (e.t > last) last = e.t;
  if (n > 10 && plan.kind !== 'servicedesk' && !type.subtask && type.hierarchyLevel === 0) {
    // The first eligible issues of a site are always moved and deleted, so every size has both.
    const first = state.movesLeft === state.moveCap;
    if (state.movesLeft > 0 && (first || r.chance(0.01))) {
      state.movesLeft--;
      schedule(at, Math.min(last + expo(r, 10 * DAY) + 1000, GENERATION_END - 1000), 'move');
    } else if (state.deletesLeft > 0 && (state.deletesLeft === state.moveCap || r.chance(0.006))) {
      state.deletesLeft--;
      schedule(at, Math.min(last + expo(r, 10 * DAY) + 1000, GENERATION_END - 1000), 'delete');
    }
  }
  events.sort((a, b) => a.t - b.t);
  return events;
}

// ---------------------------------------------------------------------------------------------
// Running events

function applyEdit(state: State, ctx: MutationContext, issue: Issue, r: Rng, kind: string, plan: ProjectPlan): void {
  const project = state.env.site.data.projects.get(issue.projectId)!;
  const changes: Record<string, unknown> = {};
  switch (kind) {
    case 'priority':
      changes.priority = r.pick(state.env.cfg.priorities.filter((p) => p !== issue.fields.priority));
      break;
    case 'summary':
      changes.summary = summary(r);
      break;
    case 'labels': {
      const labels = new Set((issue.fields.labels as string[] | undefined) ?? []);
      const l = r.pick(LABELS);
      if (labels.has(l)) labels.delete(l);
      else labels.add(l);
      changes.labels = [...labels];
      break;
    }
    case 'description':
      changes.description = r.chance(0.3) ? richDoc(adfEnv(state, r)) : simpleDoc(r);
      break;
    case 'custom': {
      const candidates = CUSTOM_BY_KIND[kindGroup(plan)]!.map(([id]) => id).filter((id) => id !== CF.hostile);
      const fieldId = r.pick(candidates);
      const v = customValue(state, r, fieldId, ctx.now, plan);
      if (v !== undefined) changes[fieldId] = v;
      break;
    }
    case 'duedate':
      changes.duedate = dateOf(ctx.now + r.int(3, 60) * DAY);
      break;
    case 'components': {
      const ids = [...project.components.keys()];
      if (ids.length > 0) changes.components = r.sample(ids, r.int(0, 2));
      break;
    }
    case 'fixVersion': {
      const ids = [...project.versions.values()].filter((v) => !v.archived).map((v) => v.id);
      if (ids.length > 0) changes.fixVersions = [r.pick(ids)];
      break;
    }
    case 'storypoints':
      if (state.env.site.data.issueTypes.get(String(issue.fields.issuetype))?.hierarchyLevel === 0)
        changes[FIELD_IDS.storyPointEstimate] = r.pick([1, 2, 3, 5, 8, 13]);
      break;
    case 'estimate': {
      const tt = (issue.fields.timetracking as { originalEstimateSeconds?: number } | undefined) ?? {};
      changes.timetracking = { ...tt, remainingEstimateSeconds: r.pick([1, 2, 4, 8]) * 3600 };
      break;
    }
  }
  if (Object.keys(changes).length > 0) editIssueFields(ctx, issue, changes);
}

function commentAuthor(state: State, r: Rng, plan: ProjectPlan, issue: Issue): { author: Account; internal: boolean } {
  const { env } = state;
  if (plan.kind === 'servicedesk') {
    const reporter = env.world.accounts.get(String(issue.fields.reporter));
    if (reporter?.accountType === 'customer' && r.chance(0.4)) return { author: reporter, internal: false };
    return { author: r.pick(env.agents), internal: r.chance(0.3) };
  }
  if (r.chance(0.05)) return { author: env.accounts.automation, internal: false };
  return { author: worker(state, r, plan), internal: false };
}

function actorOf(state: State, r: Rng, plan: ProjectPlan, assignee: string | undefined): string {
  return assignee && r.chance(0.7) ? assignee : worker(state, r, plan).accountId;
}

function applyEvent(state: State, cur: Cursor, ev: Ev): void {
  const { env } = state;
  const issue = alive(state, cur.issueId);
  if (!issue) return;
  const r = cur.rng;
  const plan = env.plans[cur.plan]!;
  const data = env.site.data;
  const assignee = typeof issue.fields.assignee === 'string' ? issue.fields.assignee : undefined;
  const actor = actorOf;
  switch (ev.k) {
    case 'transition': {
      const tr = String(ev.a);
      const ctx = ctxAt(
        state,
        ev.t,
        plan.kind === 'servicedesk' ? (assignee ?? r.pick(env.agents).accountId) : actor(state, r, plan, assignee),
      );
      const wf = workflowFor(env.site, data.projects.get(issue.projectId)!, String(issue.fields.issuetype));
      const target = wf?.transitions.find((x) => x.id === tr);
      const fields: Record<string, unknown> = {};
      if (target?.screenId && categoryRank(state, target.to) === 2 && issue.fields.resolution === undefined) {
        const res = env.cfg.resolutions;
        fields.resolution = r.weighted([
          [res.done, 80],
          [res.wontDo, 10],
          [res.duplicate, 5],
          [res.cannotReproduce, 5],
        ]);
      }
      transitionIssue(ctx, issue, tr, { fields });
      return;
    }
    case 'assign': {
      const who = plan.kind === 'servicedesk' ? r.pick(env.agents) : worker(state, r, plan);
      if (who.accountId !== assignee)
        editIssueFields(ctxAt(state, ev.t, actor(state, r, plan, assignee)), issue, { assignee: who.accountId });
      return;
    }
    case 'edit':
      applyEdit(state, ctxAt(state, ev.t, actor(state, r, plan, assignee)), issue, r, String(ev.a), plan);
      return;
    case 'sprint':
      editIssueFields(ctxAt(state, ev.t, plan.boardAdminId), issue, { [FIELD_IDS.sprint]: ev.a });
      return;
    case 'comment': {
      const { author, internal } = commentAuthor(state, r, plan, issue);
      const ctx = ctxAt(state, ev.t, author.accountId);
      let body: AdfDoc;
      const dice = r.float();
      if (dice < 0.03 && data.settings.attachmentsEnabled) body = mediaDoc(r, [attach(state, ctx, issue, r, true)]);
      else if (dice < 0.06) body = hostileDoc(r);
      else if (dice < 0.16) body = richDoc(adfEnv(state, r));
      else body = simpleDoc(r);
      const input: Parameters<typeof addComment>[2] = { body };
      if (plan.kind === 'servicedesk') {
        input.jsdPublic = !internal;
        if (internal) input.properties = { 'sd.public.comment': { internal: true } };
      } else if (r.chance(0.02)) {
        input.visibility = r.chance(0.5)
          ? { type: 'role', value: 'Administrators' }
          : { type: 'group', value: 'developers' };
      } else if ((cur.n === 4 && issue.comments.length === 0) || r.chance(0.01))
        input.properties = { 'tidemark.reaction': { emoji: '👍', count: r.int(1, 9) } };
      addComment(ctx, issue, input);
      return;
    }
    case 'commentEdit': {
      if (issue.comments.length === 0) return;
      const c = r.pick(issue.comments);
      editComment(ctxAt(state, ev.t, c.authorId), issue, c.id, { body: simpleDoc(r) });
      return;
    }
    case 'commentDelete': {
      if (issue.comments.length === 0) return;
      const c = r.pick(issue.comments);
      deleteComment(ctxAt(state, ev.t, c.authorId), issue, c.id);
      return;
    }
    case 'worklog': {
      const author = actor(state, r, plan, assignee);
      const visibility: Visibility | undefined = r.chance(0.02) ? { type: 'role', value: 'Administrators' } : undefined;
      const w = addWorklog(ctxAt(state, ev.t, author), issue, {
        started: ev.t - r.int(0, 2) * DAY - r.int(0, 8) * HOUR,
        timeSpentSeconds: r.pick([900, 1800, 3600, 5400, 7200, 14400, 28800]),
        ...(r.chance(0.5) ? { comment: simpleDoc(r) } : {}),
        ...(visibility ? { visibility } : {}),
      });
      if ((cur.n === 7 && issue.worklogs.length === 1) || r.chance(0.01))
        setProperty(ctxAt(state, ev.t, author), { type: 'worklog', issue, worklog: w }, 'tidemark.billing', {
          billable: true,
          rate: r.int(50, 150),
        });
      return;
    }
    case 'worklogEdit': {
      if (issue.worklogs.length === 0) return;
      const w = r.pick(issue.worklogs);
      editWorklog(ctxAt(state, ev.t, w.authorId), issue, w.id, { timeSpentSeconds: w.timeSpentSeconds + 900 });
      return;
    }
    case 'worklogDelete': {
      if (issue.worklogs.length === 0) return;
      const w = r.pick(issue.worklogs);
      deleteWorklog(ctxAt(state, ev.t, w.authorId), issue, w.id);
      return;
    }
    case 'attach':
      attach(state, ctxAt(state, ev.t, actor(state, r, plan, assignee)), issue, r);
      return;
    case 'link': {
      const pool = r.chance(0.7) ? state.issuesOf[cur.plan]! : state.allIds;
      const otherId = r.pick(pool);
      if (otherId === issue.id || !alive(state, otherId)) return;
      const lt = env.cfg.linkTypes;
      const typeId = r.weighted([
        [lt.relates, 40],
        [lt.blocks, 30],
        [lt.duplicate, 15],
        [lt.cloners, 15],
      ]);
      const out = r.chance(0.5);
      addIssueLink(ctxAt(state, ev.t, actor(state, r, plan, assignee)), {
        typeId,
        inwardIssueId: out ? issue.id : otherId,
        outwardIssueId: out ? otherId : issue.id,
      });
      return;
    }
    case 'unlink':
      if (issue.linkIds.length > 0)
        deleteIssueLink(ctxAt(state, ev.t, actor(state, r, plan, assignee)), r.pick(issue.linkIds));
      return;
    case 'remote': {
      const num = r.int(1, 9999);
      const github = r.chance(0.6);
      upsertRemoteLink(
        ctxAt(state, ev.t, actor(state, r, plan, assignee)),
        issue,
        github
          ? {
              globalId: `github=pr:${env.site.name}/${num}`,
              application: { type: 'com.github', name: 'GitHub' },
              relationship: 'mentioned in',
              object: {
                url: `https://github.com/${env.site.name}/app/pull/${num}`,
                title: `PR #${num}: ${summary(r)}`,
                icon: { url16x16: 'https://github.com/favicon.ico', title: 'GitHub' },
                status: { resolved: r.chance(0.5) },
              },
            }
          : {
              ...(r.chance(0.5) ? { globalId: `appId=confluence&pageId=${num}` } : {}),
              application: { type: 'com.atlassian.confluence', name: 'Confluence' },
              relationship: 'Wiki Page',
              object: {
                url: `${env.site.url}/wiki/spaces/ENG/pages/${num}`,
                title: `Design: ${r.pick(NOUNS)}`,
                summary: paragraphText(r, 1),
              },
            },
      );
      return;
    }
    case 'watch':
      addWatcher(ctxAt(state, ev.t, actor(state, r, plan, assignee)), issue, r.pick(env.workers).accountId);
      return;
    case 'unwatch':
      if (issue.watchers.size > 0)
        removeWatcher(ctxAt(state, ev.t, actor(state, r, plan, assignee)), issue, r.pick([...issue.watchers]));
      return;
    case 'vote': {
      const voter = r.pick(env.workers);
      if (
        voter.accountId === issue.fields.reporter ||
        issue.fields.resolution !== undefined ||
        issue.voters.has(voter.accountId)
      )
        return;
      addVote(ctxAt(state, ev.t, voter.accountId), issue);
      return;
    }
    case 'property': {
      const key = r.pick(['tidemark.test.meta', 'com.example.flags', 'ünïcödé.key']);
      const value: JsonValue = {
        n: r.int(0, 1000),
        tags: r.sample(LABELS, 2),
        nested: { ok: r.chance(0.5), note: sentence(r, 2, 5) },
      };
      setProperty(ctxAt(state, ev.t, actor(state, r, plan, assignee)), { type: 'issue', issue }, key, value);
      return;
    }
    case 'rank': {
      const pool = state.issuesOf[cur.plan]!;
      const other = alive(state, r.pick(pool));
      if (!other || other.id === issue.id) return;
      const oldRank = String(issue.fields[FIELD_IDS.rank]);
      const rank = `0|i${(Number(other.id) * 8 - 4).toString(36).padStart(5, '0')}:${Number(issue.id).toString(36).padStart(6, '0')}${(state.rankSerial++).toString(36)}`;
      issue.fields[FIELD_IDS.rank] = rank;
      const ctx = ctxAt(state, ev.t, actor(state, r, plan, assignee));
      addHistory(ctx, issue, [rankChangeItem(FIELD_IDS.rank, oldRank, rank)]);
      touch(ctx, issue);
      return;
    }
    case 'move': {
      const group = kindGroup(plan);
      const targets = env.plans.filter(
        (p) => p.project.id !== issue.projectId && kindGroup(p) === group && p.project.status === 'live',
      );
      if (targets.length === 0) return;
      moveIssue(ctxAt(state, ev.t, env.accounts.demoAdmin.accountId), issue, r.pick(targets).project.id);
      return;
    }
    case 'delete':
      deleteIssue(ctxAt(state, ev.t, plan.project.leadAccountId), issue, { deleteSubtasks: true });
      return;
  }
}

function byUpdatedTime(a: { updatedTime: number }, b: { updatedTime: number }): number {
  return a.updatedTime - b.updatedTime;
}

/** Generates the site's issues (see the file header); returns how many planned events were skipped. */
export function generateIssues(env: SiteEnv): number {
  const state: State = {
    env,
    types: env.plans.map((p) => typeIdsOf(env, p)),
    workflows: env.site.data.workflows,
    issuesOf: env.plans.map(() => []),
    epicsOf: env.plans.map(() => []),
    allIds: [],
    keys: [],
    contentPool: [],
    specialAttachments: specialAttachments(),
    options: buildOptions(env),
    deskSeverity: [...env.site.data.fieldContexts.values()]
      .filter((c) => !c.isGlobalContext && c.fieldId === CF.severity)
      .flatMap((c) => c.options.map((o) => o.id)),
    rankSerial: 0,
    skipped: 0,
    seq: 0,
    movesLeft: 0,
    deletesLeft: 0,
    moveCap: 0,
  };
  state.moveCap = Math.min(30, Math.max(2, Math.floor(env.spec.issues / 500)));
  state.movesLeft = state.moveCap;
  state.deletesLeft = state.moveCap;

  // Creation slots, in time order.
  const slotRng = Rng.of(env.seed, 'site', env.siteIndex, 'slots');
  const totalWeight = env.plans.reduce((s, p) => s + p.weight, 0);
  const slots: Array<{ t: number; plan: number }> = [];
  let assigned = 0;
  env.plans.forEach((p, i) => {
    const count =
      i === env.plans.length - 1 ? env.spec.issues - assigned : Math.round((env.spec.issues * p.weight) / totalWeight);
    assigned += count;
    const from = p.start + DAY;
    const to = GENERATION_END - 2 * DAY;
    for (let k = 0; k < count; k++) slots.push({ t: from + Math.floor(slotRng.float() * (to - from)), plan: i });
  });
  slots.sort((a, b) => a.t - b.t || a.plan - b.plan);

  const heap = new Heap();
  const perProject = env.plans.map(() => 0);
  let next = 0;
  let n = 0;
  for (;;) {
    const top = heap.peek();
    const slot = slots[next];
    if (slot && (!top || slot.t <= top.t)) {
      next++;
      n++;
      const cursor = createOne(state, slot.t, slot.plan, n, perProject[slot.plan]!++);
      if (cursor) heap.push(cursor);
      continue;
    }
    const cur = heap.pop();
    if (!cur) break;
    const ev = cur.events[cur.i]!;
    try {
      applyEvent(state, cur, ev);
    } catch (e) {
      if (!(e instanceof SimHttpError)) throw e;
      state.skipped++;
    }
    cur.i++;
    if (cur.i < cur.events.length) {
      cur.t = cur.events[cur.i]!.t;
      cur.seq = state.seq++;
      heap.push(cur);
    }
  }
  env.site.data.worklogUpdates.sort(byUpdatedTime);
  env.site.data.worklogDeletions.sort(byUpdatedTime);
  return state.skipped;
}
