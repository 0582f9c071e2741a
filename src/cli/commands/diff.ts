import type { Command } from 'commander';
import type { SnapshotReader } from '../../store/index.js';
import type { CliContext } from '../context.js';
import { fieldText } from '../field-text.js';
import { addRepoOptions, type RepoCliOptions } from './repo-options.js';
import { snapshotLine, withSnapshots } from '../snapshot-ref.js';
import {
  compareKeys,
  diffSnapshots,
  issueFieldChanges,
  readFields,
  type EntityChange,
  type FieldChange,
} from '../snapshot-view.js';
import { clean, columns, formatCount, truncate } from '../text.js';
import { SNAPSHOT_ARGUMENT_HELP } from './ls.js';

type Json = Record<string, unknown>;

export interface DiffOptions extends RepoCliOptions {
  site?: string;
}

export interface IssueDiff {
  id: string;
  key: string | null;
  /** The key in the older snapshot, when it differs (a moved issue). */
  previousKey?: string | null;
  summary: string | null;
  change: 'added' | 'changed' | 'deleted';
  fields: FieldChange[];
  /** Other entities of the issue that changed: comments, worklogs, attachments, changelog. */
  children: Record<string, { added: number; changed: number; deleted: number }>;
}

export interface DiffResult {
  from: { id: string; time: string; labels: Record<string, string> };
  to: { id: string; time: string; labels: Record<string, string> };
  kinds: Record<string, { added: number; changed: number; deleted: number }>;
  issues: IssueDiff[];
  entities: Array<Omit<EntityChange, 'before' | 'after'>>;
}

export function registerDiffCommand(program: Command, ctx: CliContext): void {
  addRepoOptions(
    program
      .command('diff')
      .summary('what changed between two snapshots: entities by kind, fields of issues')
      .description(
        'Compare two snapshots: the entities added, changed and deleted, counted by kind (issues, comments, ' +
          'worklogs, attachments, changelogs, configuration objects…), then each issue that was added, deleted ' +
          'or changed, with its field-level changes (old → new) and what changed under it. Unchanged parts are ' +
          'recognised by their content ids and never read, so a diff costs what changed.',
      )
      .argument('<from>', `the older snapshot: ${SNAPSHOT_ARGUMENT_HELP}`)
      .argument('<to>', 'the newer snapshot (same forms)')
      .option('-s, --site <site>', 'with `latest`: snapshots of this site (name or host)'),
  ).action(async (from: string, to: string, opts: DiffOptions) =>
    withSnapshots(ctx, opts, [from, to], async ([a, b]) => {
      const result = await computeDiff(a!, b!);
      ctx.out(opts.json ? JSON.stringify(result, null, 2) : diffText(result));
    }),
  );
}

function bump(
  map: Record<string, { added: number; changed: number; deleted: number }>,
  kind: string,
  change: string,
): void {
  const c = (map[kind] ??= { added: 0, changed: 0, deleted: 0 });
  c[change as 'added'] += 1;
}

/** Entities and issue fields that differ from `a` to `b`. */
export async function computeDiff(a: SnapshotReader, b: SnapshotReader): Promise<DiffResult> {
  const changes = await diffSnapshots(a, b);
  const kinds: DiffResult['kinds'] = {};
  for (const c of changes) bump(kinds, c.kind, c.change);
  const fields = await readFields(b);
  for (const [id, def] of await readFields(a)) if (!fields.has(id)) fields.set(id, def);

  const issues = new Map<string, IssueDiff>();
  const issueOf = (c: EntityChange): IssueDiff | undefined => {
    if (!c.issue) return undefined;
    let d = issues.get(c.issue);
    if (!d) {
      d = { id: c.issue, key: null, summary: null, change: 'changed', fields: [], children: {} };
      issues.set(c.issue, d);
    }
    return d;
  };
  for (const c of changes) {
    const d = issueOf(c);
    if (!d) continue;
    if (c.kind === 'issue') {
      d.change = c.change;
      d.key = c.key;
      d.summary = c.summary;
      if (c.change === 'changed' && c.before?.type === 'record' && c.after?.type === 'record') {
        const [before, after] = await Promise.all([
          a.readRecord<Json>(c.before.blob),
          b.readRecord<Json>(c.after.blob),
        ]);
        d.fields = issueFieldChanges(before, after, fields);
        if (before.key !== after.key) d.previousKey = typeof before.key === 'string' ? before.key : null;
      }
    } else bump(d.children, c.kind, c.change);
  }
  // Issues whose own record did not change (only comments, attachments…): key and summary from the newer tree.
  for (const d of issues.values()) {
    if (d.key !== null) continue;
    const e = await b.lookup(['issues', d.id, 'issue']);
    if (e && e.type !== 'tree') {
      d.key = typeof e.meta?.key === 'string' ? e.meta.key : null;
      d.summary = typeof e.meta?.summary === 'string' ? e.meta.summary : null;
    }
  }
  const order = { deleted: 0, added: 1, changed: 2 } as const;
  return {
    from: { id: a.snapshot.id, time: a.snapshot.time, labels: a.snapshot.labels },
    to: { id: b.snapshot.id, time: b.snapshot.time, labels: b.snapshot.labels },
    kinds: Object.fromEntries(Object.entries(kinds).sort(([x], [y]) => x.localeCompare(y))),
    issues: [...issues.values()].sort((x, y) => order[x.change] - order[y.change] || compareKeys(x.key, y.key)),
    entities: changes.map(({ before: _b, after: _a, ...rest }) => rest),
  };
}

function valueText(v: unknown): string {
  const t = fieldText(v).replace(/\n+/g, ' ⏎ ');
  return t === '' ? '(none)' : truncate(t, 100);
}

/** Old → new; for lists of ids (watchers, voters) what was added and removed. */
function fieldChangeText(f: FieldChange): string {
  if (
    (f.field === 'watchers' || f.field === 'voters') &&
    (Array.isArray(f.before) || f.before === null) &&
    (Array.isArray(f.after) || f.after === null)
  ) {
    const before = new Set((f.before ?? []) as string[]);
    const after = new Set((f.after ?? []) as string[]);
    const added = [...after].filter((x) => !before.has(x)).length;
    const removed = [...before].filter((x) => !after.has(x)).length;
    return `${added > 0 ? `+${added} ` : ''}${removed > 0 ? `-${removed} ` : ''}(${after.size} in all)`;
  }
  return `${valueText(f.before)} → ${valueText(f.after)}`;
}

function childrenText(children: IssueDiff['children']): string {
  const parts: string[] = [];
  for (const [kind, c] of Object.entries(children).sort(([x], [y]) => x.localeCompare(y))) {
    if (kind === 'changelog') continue; // every change writes history; the fields above say what changed
    const bits: string[] = [];
    if (c.added) bits.push(`+${c.added}`);
    if (c.changed) bits.push(`~${c.changed}`);
    if (c.deleted) bits.push(`-${c.deleted}`);
    parts.push(`${kind} ${bits.join(' ')}`);
  }
  return parts.join(', ');
}

/** The diff as text. */
export function diffText(r: DiffResult): string {
  const out: string[] = [];
  out.push(`From ${snapshotLine(r.from)}`);
  out.push(`To   ${snapshotLine(r.to)}`);
  const kinds = Object.entries(r.kinds);
  if (kinds.length === 0) {
    out.push('', 'No differences.');
    return out.join('\n');
  }
  out.push('');
  out.push(
    columns(
      [
        ['Kind', 'added', 'changed', 'deleted'],
        ...kinds.map(([k, c]) => [clean(k), formatCount(c.added), formatCount(c.changed), formatCount(c.deleted)]),
      ],
      { right: [1, 2, 3] },
    ),
  );
  const groups: Array<[string, IssueDiff[]]> = [
    ['Deleted issues', r.issues.filter((i) => i.change === 'deleted')],
    ['Added issues', r.issues.filter((i) => i.change === 'added')],
    ['Changed issues', r.issues.filter((i) => i.change === 'changed')],
  ];
  for (const [title, list] of groups) {
    if (list.length === 0) continue;
    out.push('', `${title} (${list.length}):`);
    for (const i of list) {
      const moved = i.previousKey ? ` (was ${clean(i.previousKey)})` : '';
      out.push(`  ${clean(i.key ?? i.id)}${moved}  ${truncate(clean(i.summary ?? ''), 80)}`);
      if (i.change !== 'changed') continue;
      for (const f of i.fields) out.push(`      ${clean(f.name)}: ${fieldChangeText(f)}`);
      const kids = childrenText(i.children);
      if (kids) out.push(`      ${kids}`);
    }
  }
  return out.join('\n');
}
