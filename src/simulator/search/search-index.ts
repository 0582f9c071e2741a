/**
 * The search index of a site: what /search/jql and approximate-count see. It is fed by SiteEvents
 * (world/events.ts): every event that carries an issue re-snapshots that issue, `issue_deleted`
 * removes it. A change becomes visible `settings.indexLagMs` after the event (0 = at once); until
 * then searches see the previous state — new issues are absent, deleted ones still present, old
 * field values are used for filtering and ordering. Rendering always uses the live issue (as
 * Jira hydrates search hits from its database), or the deleted issue's last state.
 *
 * Writers must announce their changes with emitSiteEvent; the index never looks at issues
 * directly after it has been built (except through `reindexAll`, for tools that rewrite a site
 * wholesale, and through reconcileIssues, which reads the live state by design).
 *
 * API for other helpers:
 *   searchIndexOf(sim, site)        the site's index (built on first use from the live state)
 *   attachSearchIndexes(sim)        builds the index of every site of the world now (call after
 *                                   seeding sites, before writes, so that lag applies to them)
 *   index.docs(now)                 the visible documents at `now`
 *   index.reindexAll()              rebuilds from the live state at once (no lag)
 *   index.pendingCount              changes not yet visible
 */
import type { SimServices } from '../services.js';
import { onSiteEvent, type SiteEvent } from '../world/events.js';
import type { Site } from '../world/types.js';
import { docFieldIds, searchDocOf, type SearchDoc } from './compile.js';

interface Pending {
  visibleAt: number;
  id: string;
  doc: SearchDoc | null;
}

export class SearchIndex {
  private readonly visible = new Map<string, SearchDoc>();
  private pending: Pending[] = [];
  /** Bumped whenever visible content changes. */
  version = 0;
  private readonly stop: () => void;

  constructor(
    private readonly sim: SimServices,
    readonly site: Site,
  ) {
    this.reindexAll();
    this.stop = onSiteEvent(site, (_site, event) => this.onEvent(event));
  }

  /** Stops listening to the site (the index then no longer changes). */
  close(): void {
    this.stop();
  }

  /** Rebuilds the visible state from the live issues, dropping pending changes. */
  reindexAll(): void {
    this.visible.clear();
    this.pending = [];
    const fieldIds = docFieldIds(this.site);
    for (const issue of this.site.data.issues.values())
      this.visible.set(issue.id, searchDocOf(this.site, issue, fieldIds));
    this.version++;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  private onEvent(event: SiteEvent): void {
    if (!('issue' in event)) return;
    const visibleAt = event.at + Math.max(0, this.sim.settings.indexLagMs);
    const doc = event.type === 'issue_deleted' ? null : searchDocOf(this.site, event.issue);
    this.pending.push({ visibleAt, id: event.issue.id, doc });
  }

  /** Applies every change whose time has come (in the order the changes happened). */
  private refresh(now: number): void {
    if (this.pending.length === 0) return;
    const due: Pending[] = [];
    const later: Pending[] = [];
    for (const p of this.pending) (p.visibleAt <= now ? due : later).push(p);
    if (due.length === 0) return;
    this.pending = later;
    for (const p of due) {
      if (p.doc) this.visible.set(p.id, p.doc);
      else this.visible.delete(p.id);
    }
    this.version++;
  }

  /** The documents a search at `now` sees. */
  docs(now: number): Iterable<SearchDoc> {
    this.refresh(now);
    return this.visible.values();
  }

  /** One visible document at `now`. */
  get(id: string, now: number): SearchDoc | undefined {
    this.refresh(now);
    return this.visible.get(id);
  }

  /** Resolves a key (current or previous, case-insensitive) among the visible documents. */
  findKey(key: string, now: number): SearchDoc | undefined {
    this.refresh(now);
    const upper = key.toUpperCase();
    for (const d of this.visible.values()) if (d.keys.includes(upper)) return d;
    return undefined;
  }
}

const indexes = new WeakMap<Site, SearchIndex>();

/** The search index of a site, built from its live state on first use. */
export function searchIndexOf(sim: SimServices, site: Site): SearchIndex {
  let index = indexes.get(site);
  if (!index) {
    index = new SearchIndex(sim, site);
    indexes.set(site, index);
  }
  return index;
}

/** Builds the search index of every site in the world now, so later writes are lagged. */
export function attachSearchIndexes(sim: SimServices): void {
  for (const site of sim.world.sites.values()) searchIndexOf(sim, site);
}
