/**
 * `verifyRestore`: after a plan was applied, reads the restored entities back from the target and
 * compares each with its snapshot value through the plan's mappings and the journal's old→new map
 * (docs/design.md §9.1). Every entity of the plan is classified (report.ts); nothing is written.
 */
import { systemClock, TidemarkError, nullSink, type Clock, type ProgressSink } from '../../core/index.js';
import type { FieldInfo } from '../../jira/fields.js';
import type { JiraClient } from '../../jira/index.js';
import type { RestorePlan } from '../plan.js';
import { PROVENANCE_KEY } from '../plan.js';
import type { JournalEntry } from '../ports.js';
import { verifyAttachments, verifyCommentsAndWorklogs } from './children.js';
import { VerifyContext, type Json, type SourceBundle, type VerifySource } from './context.js';
import { verifyIssue, verifyRollback } from './issue.js';
import { fetchChildren, fetchIssues, fetchProperties, fetchSocial } from './readback.js';
import { ReportBuilder, type FidelityReport } from './report.js';
import { verifyLinks, verifyProperties, verifyRemoteLinks, verifySprints, verifyWatchersAndVotes } from './social.js';

export interface VerifyOptions {
  plan: RestorePlan;
  /** The journal's entries (`Journal.entries()`), in order. */
  journal: readonly JournalEntry[];
  /** The snapshot the plan was made from (a `RestoreSource`). */
  source: VerifySource;
  /** A client on the target site. */
  client: JiraClient;
  progress?: ProgressSink;
  clock?: Clock;
  /**
   * Also compare attachment bytes (sha256 of the snapshot file and of the target's content). Reads
   * every restored attachment back; `fetch` follows the media redirect (default: global fetch).
   */
  contentHash?: boolean | { fetch: typeof fetch };
}

const JOB = 'restore-verify';

/** Source issue ids the plan touches, in id order. */
function planIssues(plan: RestorePlan): string[] {
  const ids = new Set<string>();
  for (const s of plan.steps) {
    if (s.issue) ids.add(s.issue);
    if (s.kind === 'issue.create' && s.id.startsWith('issue:')) ids.add(s.id.slice('issue:'.length));
  }
  return [...ids].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
}

function fieldInfo(r: unknown): FieldInfo | undefined {
  const o = r as Json | null;
  return o && typeof o.id === 'string' ? (o as unknown as FieldInfo) : undefined;
}

export async function verifyRestore(options: VerifyOptions): Promise<FidelityReport> {
  const { plan, client } = options;
  const progress = options.progress ?? nullSink;
  const clock = options.clock ?? systemClock;
  if (plan.source.snapshot !== options.source.snapshotId)
    throw new TidemarkError(
      'validation',
      `the plan was made from snapshot ${plan.source.snapshot}, not ${options.source.snapshotId}`,
      { hint: 'Verify against the snapshot the plan names.' },
    );
  if (plan.target.cloudId !== client.cloudId)
    throw new TidemarkError(
      'validation',
      `the plan restores to ${plan.target.name}, but the client is connected to another site`,
    );
  const usage0 = { requests: client.usage.requests, points: client.usage.points };
  const ctx = new VerifyContext(plan, options.journal, options.source, client);
  const rollback = plan.mode.kind === 'fields';
  const ids = planIssues(plan);
  progress.emit({ type: 'start', job: JOB, at: clock.now(), estimate: { items: ids.length } });

  // Field schemas of both sites.
  for (const r of await options.source.config('field')) {
    const f = fieldInfo(r);
    if (f) ctx.sourceFields.set(f.id, f);
  }
  const tf = await client.request('GET /rest/api/3/field', { expectObjects: 0 });
  for (const r of (tf.body as unknown as unknown[]) ?? []) {
    const f = fieldInfo(r);
    if (f) ctx.targetFields.set(f.id, f);
  }

  // The snapshot's side.
  const bundles = new Map<string, SourceBundle>();
  for await (const b of options.source.issueBundles(ids)) bundles.set(b.id, b);
  for (const [id, b] of bundles)
    for (const a of b.attachments) {
      const media = ctx.outputs(`attachment:${id}:${a.id}`)?.mediaId;
      if (a.mediaId && media) ctx.media.set(a.mediaId, media);
    }
  const propKeys = new Map<string, number>();
  for (const b of bundles.values())
    for (const k of Object.keys(((b.issue as Json).properties ?? {}) as Json))
      if (k !== PROVENANCE_KEY) propKeys.set(k, (propKeys.get(k) ?? 0) + 1);
  const extraKeys = [...propKeys].sort((a, b) => b[1] - a[1]).map(([k]) => k);

  // The target's side.
  progress.emit({ type: 'phase', job: JOB, phase: 'read', at: clock.now(), total: ids.length, unit: 'issues' });
  const targetOf = new Map<string, string>();
  for (const id of ids) {
    const t = ctx.targetIssue(id);
    if (t) targetOf.set(id, t);
  }
  let read = 0;
  const issues = await fetchIssues(client, [...targetOf.values()], {
    extraKeys: rollback ? [] : extraKeys.slice(0, 4),
    changelog: rollback,
    onBatch: (n) =>
      progress.emit({
        type: 'progress',
        job: JOB,
        phase: 'read',
        at: clock.now(),
        done: (read += n),
        total: ids.length,
      }),
  });
  for (const [src, t] of targetOf) {
    const bean = issues.get(t)?.bean;
    const srcKey = (bundles.get(src)?.issue as Json | undefined)?.key;
    if (!bean) continue;
    ctx.issueIds.set(src, t);
    if (typeof srcKey === 'string' && typeof bean.key === 'string') ctx.keys.set(srcKey, bean.key);
  }
  ctx.keysChanged();

  const report = new ReportBuilder();
  let caller: string | undefined;
  if (!rollback) {
    const present = [...targetOf.values()].filter((t) => issues.has(t));
    await fetchChildren(client, issues, present, 'comment');
    await fetchChildren(client, issues, present, 'worklog');
    const need = new Map<string, { remoteLinks: boolean; watchers: boolean; voters: boolean }>();
    const moreProps = new Map<string, string[]>();
    for (const [src, t] of targetOf) {
      const rec = (bundles.get(src)?.issue ?? {}) as Json;
      const n = {
        remoteLinks: ((rec.remoteLinks ?? []) as unknown[]).length > 0,
        watchers: ((rec.watchers ?? []) as unknown[]).length > 0,
        voters: ((rec.voters ?? []) as unknown[]).length > 0,
      };
      if (n.remoteLinks || n.watchers || n.voters) need.set(t, n);
      const extra = Object.keys((rec.properties ?? {}) as Json).filter(
        (k) => k !== PROVENANCE_KEY && !extraKeys.slice(0, 4).includes(k),
      );
      if (extra.length > 0) moreProps.set(t, extra);
    }
    await fetchSocial(client, issues, need);
    await fetchProperties(client, moreProps, issues);
    if ([...need.values()].some((n) => n.voters)) {
      const me = await client.request('GET /rest/api/3/myself', {});
      caller = String((me.body as Json).accountId ?? '');
    }
  }

  // Compare.
  progress.emit({ type: 'phase', job: JOB, phase: 'compare', at: clock.now(), total: ids.length, unit: 'issues' });
  const chosenAll = new Set<string>();
  const untouched = new Set<string>();
  const linksSeen = new Set<string>();
  const reverseField = new Map(Object.entries(plan.mappings.fields).map(([s, t]) => [t, s]));
  let compared = 0;
  for (const id of ids) {
    const bundle = bundles.get(id);
    const t = targetOf.has(id) ? issues.get(targetOf.get(id)!) : undefined;
    if (!bundle) {
      report.add({ kind: 'issue', id, outcome: 'notRestorable', reason: 'the issue is not in the snapshot' });
      continue;
    }
    const rec = bundle.issue as Json;
    const key = typeof rec.key === 'string' ? rec.key : undefined;
    if (rollback) {
      const chosen = new Set(plan.mode.kind === 'fields' ? plan.mode.fields : []);
      for (const s of ctx.stepsByIssue.get(id) ?? []) {
        if (s.kind === 'issue.edit')
          for (const f of Object.keys((s.payload.fields ?? {}) as Json)) chosen.add(reverseField.get(f) ?? f);
        if (s.kind === 'issue.transition') chosen.add('status');
      }
      for (const f of chosen) chosenAll.add(f);
      verifyRollback(ctx, report, id, rec, t, chosen, untouched);
    } else {
      verifyIssue(ctx, report, id, rec, t);
      if (t) {
        verifyCommentsAndWorklogs(ctx, report, id, key, bundle.comments as Json[], bundle.worklogs as Json[], t);
        const hash = options.contentHash
          ? { fetch: typeof options.contentHash === 'object' ? options.contentHash.fetch : fetch }
          : undefined;
        await verifyAttachments(ctx, report, id, key, bundle.attachments, t, hash);
        const check = { ctx, report, issueId: id, issueKey: key, source: rec, target: t };
        verifyLinks(check, linksSeen);
        verifyRemoteLinks(check);
        verifyWatchersAndVotes(check, caller);
        verifyProperties(check);
        verifySprints(check);
      }
    }
    progress.emit({
      type: 'progress',
      job: JOB,
      phase: 'compare',
      at: clock.now(),
      done: ++compared,
      total: ids.length,
    });
  }

  const steps = { done: 0, failed: 0, skipped: 0, pending: 0 };
  for (const s of plan.steps) {
    const st = ctx.state.get(s.id)?.event;
    if (st === 'done') steps.done++;
    else if (st === 'failed') steps.failed++;
    else if (st === 'skipped') steps.skipped++;
    else steps.pending++;
  }
  for (const f of chosenAll) untouched.delete(f);
  const result = report.build({
    plan: plan.id,
    snapshot: plan.source.snapshot,
    mode: plan.mode.kind,
    target: plan.target,
    verifiedAt: new Date(clock.now()).toISOString(),
    steps,
    ...(rollback
      ? { rollback: { fields: [...chosenAll].sort(), untouched: [...untouched].sort(), issues: ids.length } }
      : {}),
    usage: { requests: client.usage.requests - usage0.requests, points: client.usage.points - usage0.points },
  });
  progress.emit({ type: 'done', job: JOB, at: clock.now(), summary: { ...result.totals } });
  return result;
}
