/**
 * Runs a JQL search over a site's search index for a viewer: parse → compile → filter (index
 * state, plus the live state of reconciled issues) → permission filter → sort. Pagination is by
 * keyset: a page token carries the sort key of the last issue returned, so pages stay consistent
 * while issues come and go.
 */
import type { SimServices } from '../services.js';
import type { Site } from '../world/types.js';
import { findIssue } from '../world/queries.js';
import { BrowseChecker } from './browse.js';
import { compileJql, docFieldIds, searchDocOf, type CompiledQuery, type SearchDoc, type SortValue } from './compile.js';
import { parseJql, type JqlQuery } from './jql.js';
import { searchIndexOf } from './search-index.js';

export { BrowseChecker };

export interface SearchContext {
  sim: SimServices;
  site: Site;
  viewerId: string;
  now: number;
}

function timeZoneOf(ctx: SearchContext): string {
  return ctx.sim.world.accounts.get(ctx.viewerId)?.timeZone ?? ctx.site.data.settings.timeZone;
}

/** Parses and compiles JQL for a viewer (throws JqlError). */
export function compileFor(ctx: SearchContext, jql: string, browse: BrowseChecker): CompiledQuery {
  return compileQueryFor(ctx, parseJql(jql), browse);
}

/**
 * Compiles an already parsed (or assembled) query for a viewer (throws JqlError). The Agile
 * board endpoints combine a board's filter with their `jql` parameter this way.
 */
export function compileQueryFor(ctx: SearchContext, query: JqlQuery, browse: BrowseChecker): CompiledQuery {
  const index = searchIndexOf(ctx.sim, ctx.site);
  return compileJql(query, {
    site: ctx.site,
    viewerId: ctx.viewerId,
    now: ctx.now,
    timeZone: timeZoneOf(ctx),
    accounts: ctx.sim.world.accounts,
    projectVisible: (project) => browse.canSeeProject(project),
    resolveIssue: (keyOrId) => {
      const live = findIssue(ctx.site, keyOrId);
      if (live && browse.canBrowse(live)) return live.id;
      const doc = /^\d+$/.test(keyOrId) ? index.get(keyOrId, ctx.now) : index.findKey(keyOrId, ctx.now);
      return doc && browse.canBrowse(doc.issue) ? doc.id : undefined;
    },
  });
}

export interface SearchHit {
  doc: SearchDoc;
  key: SortValue[];
  /** True when the hit comes from the live state (reconcileIssues). */
  reconciled: boolean;
}

/**
 * Every hit of a compiled query in result order. `reconcileIds` are read from the live state:
 * included when the live issue matches, excluded otherwise, whatever the index says.
 */
export function searchHits(
  ctx: SearchContext,
  compiled: CompiledQuery,
  browse: BrowseChecker,
  reconcileIds: ReadonlySet<string> = new Set(),
): SearchHit[] {
  const index = searchIndexOf(ctx.sim, ctx.site);
  const hits: SearchHit[] = [];
  for (const doc of index.docs(ctx.now)) {
    if (reconcileIds.has(doc.id)) continue;
    if (doc.archived || !compiled.matches(doc) || !browse.canBrowse(doc.issue)) continue;
    hits.push({ doc, key: compiled.sortKey(doc), reconciled: false });
  }
  const fieldIds = docFieldIds(ctx.site);
  for (const id of reconcileIds) {
    const live = ctx.site.data.issues.get(id);
    if (!live || !browse.canBrowse(live)) continue;
    const doc = searchDocOf(ctx.site, live, fieldIds);
    if (compiled.matches(doc)) hits.push({ doc, key: compiled.sortKey(doc), reconciled: true });
  }
  hits.sort((a, b) => compiled.compareKeys(a.key, b.key));
  return hits;
}

/** Index of the first hit strictly after `after` in result order. */
export function firstAfter(hits: SearchHit[], compiled: CompiledQuery, after: SortValue[]): number {
  let lo = 0;
  let hi = hits.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compiled.compareKeys(hits[mid]!.key, after) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
