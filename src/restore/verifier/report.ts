/**
 * The fidelity report of a verified restore (docs/design.md §9.1): every entity of the plan
 * classified as exact, kept with provenance, not restorable (with the reason) or mismatch (with a
 * per-field diff), counted per entity kind. Plain JSON, so the CLI can print it as text
 * (`renderFidelityReport`) or write it as is.
 */

export const FIDELITY_FORMAT = 'tidemark-fidelity-report/1';

export type Outcome = 'exact' | 'provenance' | 'notRestorable' | 'mismatch';

export type EntityKind =
  | 'issue'
  | 'field'
  | 'comment'
  | 'worklog'
  | 'attachment'
  | 'link'
  | 'remotelink'
  | 'watcher'
  | 'vote'
  | 'property'
  | 'sprint-membership';

/** One difference between the snapshot (mapped to the target) and what the target holds. */
export interface FieldDiff {
  field: string;
  expected: unknown;
  actual: unknown;
}

export interface FidelityItem {
  kind: EntityKind;
  /** Source id of the entity (`10042`, `10042:10301` for a comment of issue 10042, `10042:summary`). */
  id: string;
  /** The source issue's key, for reading. */
  issueKey?: string;
  /** Where it is on the target (id), when found. */
  target?: string;
  outcome: Outcome;
  /** Why it is not restorable, or what went wrong. */
  reason?: string;
  /** Mismatch: what differs. */
  diffs?: FieldDiff[];
  /** Provenance: what Jira could not keep and the provenance holds (`key`, `created`, `author`…). */
  kept?: string[];
  /** Parts the plan did not restore: skipped by an operator's decision, or not written (not settable). */
  dropped?: string[];
}

export type Counts = Record<Outcome, number>;

export interface FidelityReport {
  format: typeof FIDELITY_FORMAT;
  plan: string;
  snapshot: string;
  mode: string;
  target: { cloudId: string; name: string; url: string };
  verifiedAt: string;
  totals: Counts;
  byKind: Partial<Record<EntityKind, Counts>>;
  /** Every item that is not exact (and exact items with dropped parts), mismatches first. */
  items: FidelityItem[];
  /** Steps of the plan by journal outcome (done, failed, skipped, pending = never finished). */
  steps: { done: number; failed: number; skipped: number; pending: number };
  /** Field rollback plans: the chosen fields, and the fields each issue has that the plan left alone. */
  rollback?: { fields: string[]; untouched: string[]; issues: number };
  /** What the verification read from the target. */
  usage: { requests: number; points: number };
}

export const emptyCounts = (): Counts => ({ exact: 0, provenance: 0, notRestorable: 0, mismatch: 0 });

const ORDER: Record<Outcome, number> = { mismatch: 0, notRestorable: 1, provenance: 2, exact: 3 };

/** Collects classified items into a report. */
export class ReportBuilder {
  private readonly items: FidelityItem[] = [];
  private readonly seen = new Set<string>();

  add(item: FidelityItem): void {
    const id = `${item.kind}:${item.id}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.items.push(item);
  }

  has(kind: EntityKind, id: string): boolean {
    return this.seen.has(`${kind}:${id}`);
  }

  build(head: Omit<FidelityReport, 'format' | 'totals' | 'byKind' | 'items'>): FidelityReport {
    const totals = emptyCounts();
    const byKind: Partial<Record<EntityKind, Counts>> = {};
    for (const i of this.items) {
      totals[i.outcome] += 1;
      (byKind[i.kind] ??= emptyCounts())[i.outcome] += 1;
    }
    const listed = this.items
      .filter((i) => i.outcome !== 'exact' || (i.dropped?.length ?? 0) > 0)
      .sort((a, b) => ORDER[a.outcome] - ORDER[b.outcome] || a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
    return { format: FIDELITY_FORMAT, ...head, totals, byKind, items: listed };
  }
}

const KIND_ORDER: EntityKind[] = [
  'issue',
  'field',
  'comment',
  'worklog',
  'attachment',
  'link',
  'remotelink',
  'watcher',
  'vote',
  'property',
  'sprint-membership',
];

const short = (v: unknown): string => {
  const s = v === undefined ? '(none)' : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

function describe(i: FidelityItem): string {
  const what = `${i.kind} ${i.issueKey ? `${i.issueKey} ` : ''}${i.id}`;
  if (i.outcome === 'mismatch') {
    const diffs = (i.diffs ?? []).map((d) => `${d.field}: expected ${short(d.expected)}, got ${short(d.actual)}`);
    return `MISMATCH ${what}: ${[i.reason, ...diffs].filter(Boolean).join('; ')}`;
  }
  if (i.outcome === 'notRestorable') return `not restorable ${what}: ${i.reason ?? ''}`;
  if (i.outcome === 'provenance') return `provenance ${what}: kept ${(i.kept ?? []).join(', ')}`;
  return `exact ${what}: dropped by decision ${(i.dropped ?? []).join(', ')}`;
}

/** A compact text table (kind | exact | provenance | not restorable | mismatch) and the first problems. */
export function renderFidelityReport(report: FidelityReport, options: { problems?: number } = {}): string {
  const limit = options.problems ?? 20;
  const head = ['kind', 'exact', 'provenance', 'not restorable', 'mismatch'];
  const rows: string[][] = [];
  for (const k of KIND_ORDER) {
    const c = report.byKind[k];
    if (c) rows.push([k, String(c.exact), String(c.provenance), String(c.notRestorable), String(c.mismatch)]);
  }
  const t = report.totals;
  rows.push(['total', String(t.exact), String(t.provenance), String(t.notRestorable), String(t.mismatch)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [
    `Fidelity of restore plan ${report.plan} (${report.mode}) from snapshot ${report.snapshot} to ${report.target.name}`,
    '',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.slice(0, -1).map(line),
    line(widths.map((w) => '-'.repeat(w))),
    line(rows[rows.length - 1]!),
  ];
  const s = report.steps;
  out.push('', `steps: ${s.done} done, ${s.failed} failed, ${s.skipped} skipped, ${s.pending} not finished`);
  if (report.rollback)
    out.push(
      `rollback: fields ${report.rollback.fields.join(', ')} on ${report.rollback.issues} issues; ` +
        `left alone: ${report.rollback.untouched.length} other fields`,
    );
  const problems = report.items.filter((i) => i.outcome === 'mismatch' || i.outcome === 'notRestorable');
  if (problems.length > 0) {
    out.push('', `problems (${problems.length}${problems.length > limit ? `, first ${limit}` : ''}):`);
    for (const p of problems.slice(0, limit)) out.push(`  ${describe(p)}`);
  } else out.push('', t.mismatch === 0 ? 'no mismatches' : '');
  out.push(`read back with ${report.usage.requests} requests, ${report.usage.points} points`);
  return out.join('\n');
}
