/**
 * Which snapshot issues a plan is about (restore modes of plan.ts): the deleted ones, chosen keys
 * or an IssueFilter, a project's issues; and which of them exist on the target (updated or rolled
 * back) or must be recreated.
 */
import { TidemarkError } from '../../core/index.js';
import type { IssueFilter, RestoreModeSpec } from '../plan.js';
import type { LiveIssue, LiveState } from '../live.js';
import type { IssueBundle, IssueEntry, RestoreSource } from '../source.js';

type Json = Record<string, unknown>;

export interface Selection {
  /** Source issues to recreate. */
  create: IssueBundle[];
  /** Source issues that exist on the target, with their live state (same site only). */
  update: Array<{ bundle: IssueBundle; live: LiveIssue }>;
  /** Chosen issues the plan leaves alone, with why. */
  skipped: Array<{ id: string; key: string | null; reason: string }>;
}

function byId(a: IssueEntry, b: IssueEntry): number {
  return Number(a.id) - Number(b.id) || a.id.localeCompare(b.id);
}

function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(textOf).join(' ');
  if (typeof v === 'object' && v !== null) {
    const o = v as Json;
    return [typeof o.text === 'string' ? o.text : '', textOf(o.content)].join(' ');
  }
  return '';
}

/** Filter terms answerable from the issue list alone (no record read). */
function metaMatch(e: IssueEntry, f: IssueFilter | undefined): boolean {
  if (!f) return true;
  if (f.projects && !(e.project && f.projects.includes(e.project))) return false;
  if (f.updatedFrom && !(e.updated && Date.parse(e.updated) >= Date.parse(f.updatedFrom))) return false;
  if (f.updatedTo && !(e.updated && Date.parse(e.updated) <= Date.parse(f.updatedTo))) return false;
  return true;
}

function bundleMatch(b: IssueBundle, f: IssueFilter | undefined): boolean {
  if (!f) return true;
  const fields = (b.issue.fields ?? {}) as Json;
  const type = (fields.issuetype ?? {}) as Json;
  if (
    f.issueTypes &&
    !f.issueTypes.some((t) => t === type.id || String(t).toLowerCase() === String(type.name).toLowerCase())
  )
    return false;
  if (f.text) {
    const hay = `${textOf(fields.summary)} ${textOf(fields.description)}`.toLowerCase();
    if (!hay.includes(f.text.toLowerCase())) return false;
  }
  return true;
}

async function bundles(source: RestoreSource, ids: string[]): Promise<Map<string, IssueBundle>> {
  const out = new Map<string, IssueBundle>();
  for await (const b of source.issueBundles(ids)) out.set(b.id, b);
  return out;
}

/** The entries chosen by keys (or ids) and a filter. */
function chosen(source: RestoreSource, keys: string[] | undefined, filter: IssueFilter | undefined): IssueEntry[] {
  const all = source.issues();
  if (keys && keys.length > 0) {
    const want = new Set(keys);
    const found = all.filter((e) => want.has(e.id) || (e.key !== null && want.has(e.key)));
    const missing = keys.filter((k) => !found.some((e) => e.id === k || e.key === k));
    if (missing.length > 0)
      throw new TidemarkError('usage', `Not in the snapshot: ${missing.join(', ')}`, {
        hint: 'Check the keys with `tidemark ls` on this snapshot.',
      });
    return found.filter((e) => metaMatch(e, filter));
  }
  return all.filter((e) => metaMatch(e, filter));
}

export async function selectIssues(
  source: RestoreSource,
  live: LiveState,
  mode: RestoreModeSpec,
  sameSite: boolean,
  liveFields: string[],
): Promise<Selection> {
  const skipped: Selection['skipped'] = [];
  if (mode.kind === 'project') {
    const entries = source
      .issues()
      .filter((e) => e.project === mode.project)
      .sort(byId);
    const b = await bundles(
      source,
      entries.map((e) => e.id),
    );
    return { create: entries.map((e) => b.get(e.id)!).filter(Boolean), update: [], skipped };
  }
  if (mode.kind === 'deleted-issues') {
    const entries = source
      .issues()
      .filter((e) => !mode.projects || (e.project !== null && mode.projects.includes(e.project)))
      .sort(byId);
    const present = await live.issues(
      entries.map((e) => e.id),
      ['key'],
    );
    const gone = entries.filter((e) => !present.has(e.id));
    const b = await bundles(
      source,
      gone.map((e) => e.id),
    );
    return { create: gone.map((e) => b.get(e.id)!).filter(Boolean), update: [], skipped };
  }
  const entries = chosen(source, mode.keys, mode.filter).sort(byId);
  const b = await bundles(
    source,
    entries.map((e) => e.id),
  );
  const picked = entries.map((e) => b.get(e.id)).filter((x): x is IssueBundle => !!x && bundleMatch(x, mode.filter));
  const present = sameSite
    ? await live.issues(
        picked.map((x) => x.id),
        liveFields,
      )
    : new Map<string, LiveIssue>();
  const create: IssueBundle[] = [];
  const update: Selection['update'] = [];
  for (const x of picked) {
    const l = present.get(x.id);
    if (l) update.push({ bundle: x, live: l });
    else if (mode.kind === 'fields')
      skipped.push({
        id: x.id,
        key: (x.issue.key as string) ?? null,
        reason: 'no longer on the site: field rollback needs the issue',
      });
    else create.push(x);
  }
  return { create, update, skipped };
}
