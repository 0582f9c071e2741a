/**
 * Verifies the parts of an issue without their own restorable id: issue links (type and the other
 * end mapped), remote links (by global id, else URL), watchers, votes (only the caller's own vote
 * can be written), issue properties and sprint membership.
 */
import { SPRINT_CUSTOM_TYPE } from '../../jira/fields.js';
import { PROVENANCE_KEY } from '../plan.js';
import { diff, same } from './compare.js';
import { SKIPPED, type Json, type VerifyContext } from './context.js';
import type { FieldDiff, FidelityItem, ReportBuilder } from './report.js';
import type { TargetIssue } from './readback.js';

/** One source issue and its restored counterpart, as every check here reads them. */
export interface IssueCheck {
  ctx: VerifyContext;
  report: ReportBuilder;
  issueId: string;
  issueKey: string | undefined;
  source: Json;
  target: TargetIssue;
}

const at = (key: string | undefined): { issueKey?: string } => (key ? { issueKey: key } : {});

/** Issue links of one source issue (each link once, from whichever end is verified first). */
export function verifyLinks(
  c: IssueCheck,
  /** Links already seen from the other end (by source link id). */
  seen: Set<string>,
): void {
  const { ctx, report, issueKey, source, target } = c;
  const links = (((source.fields ?? {}) as Json).issuelinks ?? []) as Json[];
  const have = ((target.fields.issuelinks ?? []) as Json[]).map((l) => ({
    type: String(((l.type ?? {}) as Json).id ?? ''),
    outward: l.outwardIssue !== undefined,
    other: String(((l.outwardIssue ?? l.inwardIssue ?? {}) as Json).id ?? ''),
  }));
  for (const l of links) {
    const id = String(l.id);
    if (seen.has(id)) continue;
    seen.add(id);
    const otherSrc = (l.outwardIssue ?? l.inwardIssue ?? {}) as Json;
    const outward = l.outwardIssue !== undefined;
    const base: FidelityItem = { kind: 'link', id, outcome: 'exact', ...at(issueKey) };
    const type = ctx.map('linkTypes', String(((l.type ?? {}) as Json).id ?? ''));
    const other = ctx.targetIssue(String(otherSrc.id));
    if (type === SKIPPED) {
      report.add({ ...base, outcome: 'notRestorable', reason: 'its link type was skipped by decision' });
      continue;
    }
    if (!other) {
      report.add({
        ...base,
        outcome: 'notRestorable',
        reason: `the other end ${String(otherSrc.key ?? otherSrc.id)} is not on the target`,
      });
      continue;
    }
    const found = have.some((h) => h.type === type && h.outward === outward && h.other === other);
    report.add(
      found
        ? base
        : {
            ...base,
            outcome: 'mismatch',
            reason: 'not found on the target',
            diffs: [
              { field: outward ? 'outwardIssue' : 'inwardIssue', expected: { type, issue: other }, actual: null },
            ],
          },
    );
  }
}

const remoteView = (r: Json): Json => ({
  globalId: r.globalId ?? null,
  application: r.application ?? null,
  relationship: r.relationship ?? null,
  object: r.object ?? null,
});

export function verifyRemoteLinks(c: IssueCheck): void {
  const { ctx, report, issueId, issueKey, source, target } = c;
  const have = target.remoteLinks ?? [];
  for (const r of (source.remoteLinks ?? []) as Json[]) {
    const base: FidelityItem = {
      kind: 'remotelink',
      id: `${issueId}:${String(r.id)}`,
      outcome: 'exact',
      ...at(issueKey),
    };
    const expected = ctx.rewrite(remoteView(r));
    const url = ((expected.object ?? {}) as Json).url;
    const t = have.find((h) =>
      expected.globalId ? h.globalId === expected.globalId : ((h.object ?? {}) as Json).url === url,
    );
    if (!t) {
      report.add({
        ...base,
        outcome: 'mismatch',
        reason: 'not found on the target',
        diffs: [{ field: 'remoteLink', expected, actual: null }],
      });
      continue;
    }
    const diffs: FieldDiff[] = [];
    const actual = remoteView(t);
    for (const k of ['globalId', 'application', 'relationship', 'object'] as const)
      diff(diffs, k, expected[k], actual[k]);
    report.add(
      diffs.length > 0
        ? { ...base, target: String(t.id), outcome: 'mismatch', diffs }
        : { ...base, target: String(t.id) },
    );
  }
}

/** Why the caller's vote cannot come back when the caller reports the restored issue (as the planner says). */
export const OWN_ISSUE_VOTE =
  'Jira does not let the reporter vote for their own issue, and the restoring account reports the restored issue';

function reporterOf(target: TargetIssue): string | undefined {
  const r = target.fields.reporter as Json | null | undefined;
  return r && typeof r.accountId === 'string' ? r.accountId : undefined;
}

export function verifyWatchersAndVotes(c: IssueCheck, caller: string | undefined): void {
  const { ctx, report, issueId, issueKey, source, target } = c;
  const watchers = new Set(target.watchers ?? []);
  for (const w of (source.watchers ?? []) as string[]) {
    const base: FidelityItem = { kind: 'watcher', id: `${issueId}:${w}`, outcome: 'exact', ...at(issueKey) };
    const m = ctx.map('users', w);
    if (m === SKIPPED) report.add({ ...base, outcome: 'notRestorable', reason: 'the user was skipped by decision' });
    else if (watchers.has(m)) report.add(base);
    else
      report.add({
        ...base,
        outcome: 'mismatch',
        reason: 'not watching on the target',
        diffs: [{ field: 'watchers', expected: m, actual: null }],
      });
  }
  const voters = new Set(target.voters ?? []);
  for (const v of (source.voters ?? []) as string[]) {
    const base: FidelityItem = { kind: 'vote', id: `${issueId}:${v}`, outcome: 'exact', ...at(issueKey) };
    const m = ctx.map('users', v);
    if (m !== SKIPPED && voters.has(m)) report.add(base);
    else if (m !== SKIPPED && m === caller && reporterOf(target) === caller)
      report.add({ ...base, outcome: 'notRestorable', reason: OWN_ISSUE_VOTE });
    else if (m !== SKIPPED && m === caller)
      report.add({ ...base, outcome: 'mismatch', reason: "the restoring account's own vote is missing" });
    else report.add({ ...base, outcome: 'notRestorable', reason: "Jira lets an app set only the caller's own vote" });
  }
}

export function verifyProperties(c: IssueCheck): void {
  const { report, issueId, issueKey, source, target } = c;
  for (const [k, v] of Object.entries((source.properties ?? {}) as Json)) {
    if (k === PROVENANCE_KEY) continue;
    const base: FidelityItem = { kind: 'property', id: `${issueId}:${k}`, outcome: 'exact', ...at(issueKey) };
    const actual = target.properties[k];
    report.add(
      same(v, actual) && actual !== undefined
        ? base
        : { ...base, outcome: 'mismatch', diffs: [{ field: k, expected: v, actual: actual ?? null }] },
    );
  }
}

/** Sprint membership: every sprint of the snapshot's Sprint field, mapped, is in the target's. */
export function verifySprints(c: IssueCheck): void {
  const { ctx, report, issueId, issueKey, source, target } = c;
  const fields = (source.fields ?? {}) as Json;
  for (const [fid, info] of ctx.sourceFields) {
    if (info.schema?.custom !== SPRINT_CUSTOM_TYPE) continue;
    const sprints = Array.isArray(fields[fid]) ? (fields[fid] as Json[]) : [];
    const tf = ctx.field(fid);
    const have = new Set(
      (Array.isArray(target.fields[tf]) ? (target.fields[tf] as Json[]) : []).map((s) => String(s.id)),
    );
    for (const s of sprints) {
      const base: FidelityItem = {
        kind: 'sprint-membership',
        id: `${issueId}:${String(s.id)}`,
        outcome: 'exact',
        ...at(issueKey),
      };
      const m = ctx.sprint(String(s.id));
      if (m === SKIPPED)
        report.add({ ...base, outcome: 'notRestorable', reason: 'the sprint was skipped by decision' });
      else if (have.has(m)) report.add(base);
      else if (String(s.state) === 'closed' && !ctx.plan.steps.some((x) => x.id === `sprint:${String(s.id)}`))
        // The planner leaves a closed sprint it does not re-create alone (as it says in the plan).
        report.add({
          ...base,
          outcome: 'notRestorable',
          reason: 'the sprint is closed on the target: Jira adds issues only to future or active sprints',
        });
      else if (!ctx.plan.steps.some((x) => x.id.startsWith(`sprint-issues:${String(s.id)}:`)))
        // The planner found no sprint to add the issue to (the board takes no sprints through the API).
        report.add({
          ...base,
          outcome: 'notRestorable',
          reason: 'the plan has no target sprint for it (its board cannot take a re-created sprint)',
        });
      else
        report.add({
          ...base,
          outcome: 'mismatch',
          reason: `not in sprint ${String(s.name ?? s.id)} on the target`,
          diffs: [{ field: tf, expected: m, actual: [...have] }],
        });
    }
  }
}
