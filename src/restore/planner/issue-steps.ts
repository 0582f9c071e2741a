/**
 * Steps for one recreated issue (docs/design.md §9.2/§9.3): issue.create with the create screen's
 * fields and provenance, attachment uploads, the deferred issue.edit of text that embeds media or
 * keys of other restored issues, the status transition, comments and worklogs (oldest first, with
 * a provenance header and property), watchers, the caller's vote and remote links.
 */
import { PROVENANCE_KEY, PROVENANCE_VALUES_MAX, type Ref } from '../plan.js';
import type { IssueBundle } from '../source.js';
import { isAdf, provenanceParagraph, rewriteAdf, withProvenance, type AdfContext } from './adf.js';
import {
  accountOf,
  addStep,
  countEntity,
  issueRef,
  provenance,
  ref,
  userName,
  valueMapper,
  type PlanContext,
} from './context.js';
import { isEmpty, isWritable, toWriteValue } from './fields.js';
import type { ScreenField } from '../live.js';

type Json = Record<string, unknown>;

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

export function adfContext(ctx: PlanContext): AdfContext {
  return {
    attachmentStep: (mediaId) => ctx.mediaSteps.get(mediaId),
    issueStep: (key) => {
      const id = ctx.createdByKey.get(key);
      return id ? `issue:${id}` : undefined;
    },
    sourceUrl: ctx.source.site.url,
    targetUrl: ctx.target.url,
    user: (accountId) => ctx.mappings.users[accountId],
  };
}

/** The target project of a source project: a Ref to its create step, or its mapped id. */
export function targetProject(ctx: PlanContext, sourceProjectId: string): Ref | string | undefined {
  const step = ctx.projectSteps.get(sourceProjectId);
  return step ? ref(step) : ctx.mappings.projects[sourceProjectId];
}

/** The create screen for a source issue's project and type on the target: target field id → field. */
export type CreateScreen = (sourceProjectId: string, targetIssueType: string) => Promise<Map<string, ScreenField>>;

const KEPT_VALUES_MAX = PROVENANCE_VALUES_MAX;

/** Values the create cannot carry yet (text with Refs), per issue: target field id → value. */
export type Deferred = Map<string, { fields: Json; deps: Set<string> }>;

/** issue.create for one recreated issue. */
export async function planIssueCreate(
  ctx: PlanContext,
  b: IssueBundle,
  screenOf: CreateScreen,
  deferred: Deferred,
): Promise<void> {
  const f = (b.issue.fields ?? {}) as Json;
  const sid = b.id;
  const stepId = `issue:${sid}`;
  const project = (f.project ?? {}) as Json;
  const issueType = ctx.mappings.issueTypes[str((f.issuetype as Json | undefined)?.id)]!;
  const targetProj = targetProject(ctx, str(project.id))!;
  const screen = await screenOf(str(project.id), issueType);
  const mapper = valueMapper(ctx);
  const adf = adfContext(ctx);
  const deps = new Set<string>();
  if (typeof targetProj === 'object') deps.add(targetProj.$ref);
  const fields: Json = {};
  const later: { fields: Json; deps: Set<string> } = { fields: {}, deps: new Set() };
  /** Values Jira would refuse on this screen: kept as they were in the provenance. */
  const refused: Record<string, { value: unknown; reason: string }> = {};
  let kept = 0;
  const keep = (id: string, value: unknown, reason: string): void => {
    // An entity property holds 32 KB: large values (long text) are named without their value.
    const size = JSON.stringify(value).length;
    kept += size;
    refused[id] =
      kept <= KEPT_VALUES_MAX ? { value, reason } : { value: null, reason: `${reason} (value too large to keep)` };
  };
  // An unassigned issue is created unassigned (absent, Jira would give it the default assignee).
  if ('assignee' in f && f.assignee === null && screen.has('assignee')) fields.assignee = null;
  for (const [id, value] of Object.entries(f)) {
    if (isEmpty(value) || id === 'parent') continue;
    const def = ctx.defs.get(id);
    if (!isWritable(id, def)) continue;
    const name = def?.name ?? id;
    const target = def?.custom ? ctx.mappings.fields[id] : id;
    if (target === undefined) {
      ctx.fidelity.add('field', 'notRestorable', `field "${name}" has no target field`);
      continue;
    }
    const wv = toWriteValue(id, value, def, mapper);
    if (!screen.has(target)) {
      ctx.fidelity.add('field', 'notRestorable', `field "${name}" is not on the target's create screen`);
      // Kept when there was something to write (time tracking of worklogs alone has nothing).
      if (wv?.value !== null)
        keep(id, value, `field "${name}" is not on the create screen of the issue's project and type on the target`);
      continue;
    }
    if (!wv && id === 'security') {
      // Another site has its own issue security schemes: the level is kept in the provenance.
      const why = 'another site has other issue security schemes: kept in tidemark.provenance';
      ctx.fidelity.add('field', 'notRestorable', `field "${name}": ${why}`);
      keep(id, value, `field "${name}": level ${str((value as Json).name)} — ${why}`);
      continue;
    }
    if (!wv) {
      ctx.fidelity.add('field', 'notRestorable', `field "${name}": its value has no target (unmapped or skipped)`);
      continue;
    }
    if (wv.value === null) continue;
    for (const d of wv.dropped) ctx.fidelity.add('field', 'notRestorable', `field "${name}": ${d} has no target`);
    const allowed = screen.get(target)!.allowedValues;
    if (allowed) {
      const checked = onlyAllowed(wv.value, new Set(allowed));
      if (checked.refused.length > 0) {
        const why =
          "not allowed for the issue's project and type on the target (the field's context or the project's scheme does not offer it): kept in tidemark.provenance";
        ctx.fidelity.add('field', 'notRestorable', `field "${name}": a value ${why}`);
        keep(id, value, `field "${name}": ${checked.refused.join(', ')} ${why}`);
        if (checked.value === undefined) continue;
        wv.value = checked.value;
      }
    }
    wv.deps.forEach((d) => deps.add(d));
    if (isAdf(wv.value)) {
      const r = rewriteAdf(wv.value, adf);
      if (r.hasRefs) {
        later.fields[target] = r.doc;
        r.deps.forEach((d) => later.deps.add(d));
        continue;
      }
      fields[target] = r.doc;
    } else fields[target] = wv.value;
  }
  const parent = f.parent as Json | undefined;
  if (parent) {
    const p = issueRef(ctx, str(parent.id));
    if (p === undefined)
      ctx.fidelity.add('parent', 'notRestorable', `parent ${str(parent.key)} is neither restored nor on the target`);
    else {
      fields.parent = { id: p };
      if (typeof p === 'object') deps.add(p.$ref);
      ctx.fidelity.add('parent', 'exact');
    }
  }
  if (Object.keys(later.fields).length > 0) deferred.set(sid, later);
  const creator = f.creator ?? f.reporter;
  const properties = [
    {
      key: PROVENANCE_KEY,
      value: provenance(ctx, stepId, {
        kind: 'issue',
        id: sid,
        ...(typeof b.issue.key === 'string' ? { key: b.issue.key } : {}),
        ...(accountOf(creator) ? { authorAccountId: accountOf(creator)! } : {}),
        authorName: userName(creator),
        ...(accountOf(f.reporter) && fields.reporter === undefined
          ? { reporterAccountId: accountOf(f.reporter)! }
          : {}),
        ...(typeof f.created === 'string' ? { created: f.created } : {}),
        ...(typeof f.updated === 'string' ? { updated: f.updated } : {}),
        ...(Object.keys(refused).length > 0 ? { fields: refused } : {}),
      }),
    },
    ...Object.entries((b.issue.properties ?? {}) as Json)
      .filter(([k]) => k !== PROVENANCE_KEY)
      .map(([key, value]) => ({ key, value })),
  ];
  addStep(ctx, {
    id: stepId,
    kind: 'issue.create',
    deps: [...deps],
    issue: sid,
    payload: { project: targetProj, issueType, fields, properties },
  });
  countEntity(ctx, 'issue');
  ctx.fidelity.add(
    'issue',
    'provenance',
    'key, created, updated and creator are set by Jira: kept in tidemark.provenance',
  );
  countEntity(ctx, 'property', properties.length - 1);
  if (properties.length > 1) ctx.fidelity.add('property', 'exact', undefined, properties.length - 1);
}

/**
 * A write value without the ids a screen does not allow (`{id}` objects, arrays of them, a
 * cascading option's child). Refs (to components or versions the plan creates) are not checked.
 * `value` is undefined when nothing allowed is left.
 */
export function onlyAllowed(value: unknown, allowed: Set<string>): { value: unknown; refused: string[] } {
  const refused: string[] = [];
  const ok = (v: unknown): boolean => {
    if (typeof v !== 'object' || v === null) return true;
    const o = v as Json;
    if (typeof o.id !== 'string') return true;
    if (!allowed.has(o.id)) {
      refused.push(`id ${o.id}`);
      return false;
    }
    const child = o.child as Json | undefined;
    if (child && typeof child.id === 'string' && !allowed.has(child.id)) {
      refused.push(`id ${child.id}`);
      return false;
    }
    return true;
  };
  if (Array.isArray(value)) {
    const kept = value.filter(ok);
    return { value: kept.length > 0 ? kept : undefined, refused };
  }
  return { value: ok(value) ? value : undefined, refused };
}

/** attachment.upload for every attachment of a recreated issue. */
export function planAttachments(ctx: PlanContext, b: IssueBundle, only?: Set<string>): void {
  const issue = issueRef(ctx, b.id);
  for (const a of b.attachments) {
    if (only && !only.has(a.id)) continue;
    const stepId = `attachment:${b.id}:${a.id}`;
    addStep(ctx, {
      id: stepId,
      kind: 'attachment.upload',
      deps: typeof issue === 'object' ? [issue.$ref] : [],
      issue: b.id,
      reads: 1,
      payload: { issue, filename: a.filename, mimeType: a.mimeType, size: a.size },
      source: { path: a.path },
    });
    countEntity(ctx, 'attachment');
    ctx.fidelity.add('attachment', 'exact');
  }
}

/** The deferred edit of text fields that embed new media ids or keys. */
export function planDeferredEdit(ctx: PlanContext, sid: string, deferred: Deferred): string | undefined {
  const later = deferred.get(sid);
  if (!later) return undefined;
  const stepId = `edit:${sid}`;
  const issue = issueRef(ctx, sid);
  addStep(ctx, {
    id: stepId,
    kind: 'issue.edit',
    deps: [...(typeof issue === 'object' ? [issue.$ref] : []), ...later.deps],
    issue: sid,
    payload: { issue, fields: later.fields },
  });
  return stepId;
}

/**
 * issue.transition to the snapshot status (and resolution). `liveStatus`: the status of an issue
 * that exists; a created issue starts in its workflow's initial status. Writes and reads are the
 * shortest path of the snapshot's workflow (one write per hop, a read of the issue and of each
 * transition screen on the way).
 */
export function planTransition(
  ctx: PlanContext,
  sid: string,
  fields: Json,
  deps: string[],
  liveStatus?: string,
): string | undefined {
  const status = fields.status as Json | undefined;
  if (!status) return undefined;
  const target = ctx.mappings.statuses[str(status.id)];
  if (!target) {
    ctx.fidelity.add('status', 'notRestorable', `status "${str(status.name)}" has no target status`);
    return undefined;
  }
  const resolution = fields.resolution as Json | undefined;
  const res = resolution ? ctx.mappings.resolutions[str(resolution.id)] : undefined;
  if (resolution && !res)
    ctx.fidelity.add('resolution', 'notRestorable', `resolution "${str(resolution.name)}" has no target resolution`);
  ctx.fidelity.add('status', 'exact');
  const projectId = str((fields.project as Json | undefined)?.id);
  const typeId = str((fields.issuetype as Json | undefined)?.id);
  const path = ctx.workflows.path(projectId, typeId, str(status.id), liveStatus);
  // On its own site a new issue already in the right status needs no step.
  if (ctx.sameSite && path?.hops === 0 && !resolution) return undefined;
  const issue = issueRef(ctx, sid);
  return addStep(ctx, {
    id: `transition:${sid}`,
    kind: 'issue.transition',
    deps,
    issue: sid,
    writes: path ? path.hops : 1,
    reads: 1 + (path ? path.screenHops : 0),
    payload: { issue, status: target, ...(res ? { resolution: res } : {}) },
  }).id;
}

function visibility(ctx: PlanContext, v: unknown): Json | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Json;
  if (o.type === 'group') {
    const g = ctx.mappings.groups[str(o.identifier)];
    return g ? { type: 'group', identifier: g } : o.value ? { type: 'group', value: o.value } : undefined;
  }
  return { type: 'role', value: o.value };
}

function byCreated(a: Json, b: Json): number {
  return str(a.created).localeCompare(str(b.created)) || Number(a.id) - Number(b.id);
}

/**
 * comment.add for each comment, oldest first. Not chained: the executor runs one step per issue at
 * a time in plan order, and one refused comment must not hold back the others.
 */
export function planComments(ctx: PlanContext, b: IssueBundle, after: string[], only?: Set<string>): void {
  const issue = issueRef(ctx, b.id);
  const adf = adfContext(ctx);
  for (const c of [...b.comments].sort(byCreated)) {
    if (only && !only.has(str(c.id))) continue;
    const stepId = `comment:${b.id}:${str(c.id)}`;
    const r = rewriteAdf(c.body, adf);
    const vis = visibility(ctx, c.visibility);
    const props = ((c.properties ?? []) as Json[]).filter((p) => p.key !== PROVENANCE_KEY);
    addStep(ctx, {
      id: stepId,
      kind: 'comment.add',
      deps: [...after, ...r.deps],
      issue: b.id,
      // An internal JSM comment: the JSM create, the rich body's edit, then each property.
      ...(c.jsdPublic === false ? { writes: 3 + props.length } : {}),
      payload: {
        issue,
        body: withProvenance(r.doc, provenanceParagraph(userName(c.author), str(c.created) || undefined)),
        ...(vis ? { visibility: vis } : {}),
        ...(c.jsdPublic === false ? { internal: true } : {}),
        properties: [
          {
            key: PROVENANCE_KEY,
            value: provenance(ctx, stepId, {
              kind: 'comment',
              id: str(c.id),
              ...(accountOf(c.author) ? { authorAccountId: accountOf(c.author)! } : {}),
              authorName: userName(c.author),
              ...(typeof c.created === 'string' ? { created: c.created } : {}),
              ...(typeof c.updated === 'string' ? { updated: c.updated } : {}),
            }),
          },
          ...props.map((p) => ({ key: p.key, value: p.value })),
        ],
      },
    });
    countEntity(ctx, 'comment');
    ctx.fidelity.add(
      'comment',
      'provenance',
      'author and dates are set by Jira: kept in a header and tidemark.provenance',
    );
  }
}

/** worklog.add for each worklog (oldest first), `started` kept. */
export function planWorklogs(ctx: PlanContext, b: IssueBundle, after: string[], only?: Set<string>): void {
  const issue = issueRef(ctx, b.id);
  const adf = adfContext(ctx);
  for (const w of [...b.worklogs].sort(byCreated)) {
    if (only && !only.has(str(w.id))) continue;
    const stepId = `worklog:${b.id}:${str(w.id)}`;
    const r = rewriteAdf(w.comment, adf);
    const vis = visibility(ctx, w.visibility);
    const props = ((w.properties ?? []) as Json[]).filter((p) => p.key !== PROVENANCE_KEY);
    addStep(ctx, {
      id: stepId,
      kind: 'worklog.add',
      deps: [...after, ...r.deps],
      issue: b.id,
      payload: {
        issue,
        started: w.started,
        timeSpentSeconds: w.timeSpentSeconds,
        comment: withProvenance(r.doc, provenanceParagraph(userName(w.author), str(w.created) || undefined)),
        ...(vis ? { visibility: vis } : {}),
        properties: [
          {
            key: PROVENANCE_KEY,
            value: provenance(ctx, stepId, {
              kind: 'worklog',
              id: str(w.id),
              ...(accountOf(w.author) ? { authorAccountId: accountOf(w.author)! } : {}),
              authorName: userName(w.author),
              ...(typeof w.created === 'string' ? { created: w.created } : {}),
              ...(typeof w.updated === 'string' ? { updated: w.updated } : {}),
            }),
          },
          ...props.map((p) => ({ key: p.key, value: p.value })),
        ],
      },
    });
    countEntity(ctx, 'worklog');
    ctx.fidelity.add(
      'worklog',
      'provenance',
      'author and dates are set by Jira: kept in a header and tidemark.provenance',
    );
  }
}

/** The caller's own vote (before the issue is resolved: Jira refuses votes on resolved issues). */
export function planVote(ctx: PlanContext, b: IssueBundle, after: string[]): string | undefined {
  const issue = issueRef(ctx, b.id);
  let step: string | undefined;
  // A created issue's reporter is the one its create sets, else the caller.
  const create = ctx.steps.find((s) => s.id === `issue:${b.id}` && s.kind === 'issue.create');
  const setReporter = ((create?.payload.fields as Json | undefined)?.reporter as Json | undefined)?.accountId;
  const callerReports = create !== undefined && (setReporter ?? ctx.caller.accountId) === ctx.caller.accountId;
  for (const v of (b.issue.voters ?? []) as unknown[]) {
    const source = typeof v === 'string' ? v : accountOf(v);
    const own = source !== undefined && ctx.mappings.users[source] === ctx.caller.accountId;
    if (own && callerReports)
      ctx.fidelity.add(
        'vote',
        'notRestorable',
        'Jira does not let the reporter vote for their own issue, and the restoring account reports the restored issue',
      );
    else if (own && !step) {
      step = addStep(ctx, { id: `vote:${b.id}`, kind: 'vote.add', deps: after, issue: b.id, payload: { issue } }).id;
      countEntity(ctx, 'vote');
      ctx.fidelity.add('vote', 'exact');
    } else
      ctx.fidelity.add(
        'vote',
        'notRestorable',
        "Jira sets only the caller's own vote: other users' votes cannot be restored",
      );
  }
  return step;
}

/** Watchers and remote links. */
export function planSocial(ctx: PlanContext, b: IssueBundle, after: string[]): void {
  const issue = issueRef(ctx, b.id);
  const caller = ctx.caller.accountId;
  for (const w of (b.issue.watchers ?? []) as unknown[]) {
    const source = typeof w === 'string' ? w : accountOf(w);
    if (!source) continue;
    const target = ctx.mappings.users[source];
    if (!target) {
      ctx.fidelity.add('watcher', 'notRestorable', 'watcher has no target user (unmapped or skipped)');
      continue;
    }
    countEntity(ctx, 'watcher');
    ctx.fidelity.add('watcher', 'exact');
    // The creating account watches what it creates.
    if (target === caller && ctx.created.has(b.id)) continue;
    addStep(ctx, {
      id: `watcher:${b.id}:${source}`,
      kind: 'watcher.add',
      deps: after,
      issue: b.id,
      payload: { issue, accountId: target },
    });
  }
  for (const rl of (b.issue.remoteLinks ?? []) as Json[]) {
    addStep(ctx, {
      id: `remotelink:${b.id}:${str(rl.globalId ?? rl.id)}`,
      kind: 'remotelink.upsert',
      deps: after,
      issue: b.id,
      payload: {
        issue,
        ...(rl.globalId !== undefined ? { globalId: rl.globalId } : {}),
        ...(rl.application !== undefined ? { application: rl.application } : {}),
        ...(rl.relationship !== undefined ? { relationship: rl.relationship } : {}),
        object: rl.object,
      },
    });
    countEntity(ctx, 'remotelink');
    ctx.fidelity.add('remotelink', 'exact');
  }
}
