/**
 * Hand-built plans and journals for verifier tests (the planner and executor are built elsewhere):
 * an "identity" restore maps each backed-up issue, comment, worklog and attachment to itself, as if
 * the executor had written exactly what the snapshot holds.
 */
import { DERIVED_FIELDS } from '../../src/jira/fields.js';
import {
  PLAN_FORMAT,
  emptyMappings,
  type RestoreModeSpec,
  type RestorePlan,
  type Step,
} from '../../src/restore/plan.js';
import type { JournalEntry } from '../../src/restore/ports.js';
import type { IssueBundle, RestoreSource } from '../../src/restore/source.js';

type Json = Record<string, unknown>;

export function basePlan(source: RestoreSource, mode: RestoreModeSpec, steps: Step[]): RestorePlan {
  return {
    format: PLAN_FORMAT,
    id: 'plan-test',
    createdAt: '2026-11-24T09:00:00.000Z',
    source: { snapshot: source.snapshotId, site: source.site },
    target: source.site,
    mode,
    options: { notifyUsers: false },
    mappings: emptyMappings(),
    gaps: [],
    steps,
    stats: { entities: {}, writes: 0, reads: 0, points: 0, etaMs: 0, busiestIssueMs: 0, fidelity: {} },
  };
}

const step = (id: string, kind: Step['kind'], issue: string, payload: Json, deps: string[] = []): Step => ({
  id,
  kind,
  deps,
  issue,
  writes: 1,
  payload,
});

/** Steps restoring a bundle (create with every non-derived field, children), and their journal outcomes. */
export function identitySteps(b: IssueBundle, at: string): { steps: Step[]; journal: JournalEntry[] } {
  const id = b.id;
  const fields = (b.issue.fields ?? {}) as Json;
  const writable = Object.fromEntries(
    Object.keys(fields)
      .filter((f) => !DERIVED_FIELDS.has(f))
      .map((f) => [f, true]),
  );
  const steps: Step[] = [
    step(`issue:${id}`, 'issue.create', id, { project: 'p', issueType: 't', fields: writable, properties: [] }),
  ];
  const journal: JournalEntry[] = [];
  const done = (s: string, outputs: Record<string, string>): void => {
    journal.push({ step: s, event: 'started', at }, { step: s, event: 'done', at, outputs });
  };
  done(`issue:${id}`, { id, key: String(b.issue.key) });
  for (const c of b.comments) {
    steps.push(
      step(`comment:${id}:${String(c.id)}`, 'comment.add', id, { issue: { $ref: `issue:${id}` } }, [`issue:${id}`]),
    );
    done(`comment:${id}:${String(c.id)}`, { id: String(c.id) });
  }
  for (const w of b.worklogs) {
    steps.push(
      step(`worklog:${id}:${String(w.id)}`, 'worklog.add', id, { issue: { $ref: `issue:${id}` } }, [`issue:${id}`]),
    );
    done(`worklog:${id}:${String(w.id)}`, { id: String(w.id) });
  }
  for (const a of b.attachments) {
    steps.push(
      step(`attachment:${id}:${a.id}`, 'attachment.upload', id, { issue: { $ref: `issue:${id}` } }, [`issue:${id}`]),
    );
    done(`attachment:${id}:${a.id}`, { id: a.id, ...(a.mediaId ? { mediaId: a.mediaId } : {}) });
  }
  return { steps, journal };
}

export async function bundles(source: RestoreSource, ids: string[]): Promise<IssueBundle[]> {
  const out: IssueBundle[] = [];
  for await (const b of source.issueBundles(ids)) out.push(b);
  return out;
}
