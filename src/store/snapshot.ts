/** Snapshot manifests (docs/design.md §6.10). */
import { TidemarkError } from '../core/index.js';
import { corrupt, isId } from './crypto.js';

export type SnapshotId = string;
export type Labels = Record<string, string>;

export interface SnapshotManifest {
  v: 1;
  time: string;
  labels: Labels;
  root: string;
  parent?: SnapshotId;
  incomplete?: string;
  host: string;
  stats: Record<string, number>;
}

/** A snapshot with its id (the file name). */
export interface Snapshot extends SnapshotManifest {
  id: SnapshotId;
}

const LABEL_NAME = /^[a-z][a-z0-9_.-]{0,63}$/;

export function labelsProblem(labels: unknown): string | undefined {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return 'labels are an object';
  for (const [k, v] of Object.entries(labels)) {
    if (!LABEL_NAME.test(k)) return `label name ${JSON.stringify(k)} must match ${LABEL_NAME.source}`;
    if (typeof v !== 'string' || v.length === 0 || v.length > 256)
      return `label ${k} must be a string of 1 to 256 characters`;
  }
  return undefined;
}

export function checkLabels(labels: Labels): void {
  const problem = labelsProblem(labels);
  if (problem) throw new TidemarkError('usage', `invalid labels: ${problem}`);
}

export function validateSnapshot(doc: unknown, what: string): SnapshotManifest {
  const d = doc as Partial<SnapshotManifest> | null;
  if (typeof d !== 'object' || d === null || d.v !== 1) throw corrupt(what, 'not a snapshot of version 1');
  if (typeof d.time !== 'string' || Number.isNaN(Date.parse(d.time))) throw corrupt(what, 'bad time');
  const lp = labelsProblem(d.labels);
  if (lp) throw corrupt(what, lp);
  if (!isId(d.root)) throw corrupt(what, 'bad root');
  if (d.parent !== undefined && !isId(d.parent)) throw corrupt(what, 'bad parent');
  if (d.incomplete !== undefined && (typeof d.incomplete !== 'string' || d.incomplete.length === 0)) {
    throw corrupt(what, 'bad incomplete reason');
  }
  if (typeof d.host !== 'string') throw corrupt(what, 'bad host');
  if (typeof d.stats !== 'object' || d.stats === null || !Object.values(d.stats).every((x) => typeof x === 'number')) {
    throw corrupt(what, 'bad stats');
  }
  return d as SnapshotManifest;
}

/** True when `labels` has exactly the given labels. */
export function sameLabels(a: Labels, b: Labels): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** True when `labels` includes every label of `filter`. */
export function matchesLabels(labels: Labels, filter: Labels): boolean {
  return Object.entries(filter).every(([k, v]) => labels[k] === v);
}

/** Newest first; ties broken by id so that every run orders the same way. */
export function newestFirst(a: Snapshot, b: Snapshot): number {
  return Date.parse(b.time) - Date.parse(a.time) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
