/**
 * Compares restored issues with the simulator's ground truth of the originals (docs/design.md §5.13),
 * independently of the restore engine's own verifier: the originals are dumped before they are
 * deleted (or changed), the restored issues after the restore, and every value is compared through
 * the old → new maps of issues, keys and media ids. What Jira's API cannot set (ids, keys, created,
 * authors, the creator, rank positions, other users' votes) is left out — and checked to be kept
 * in the `tidemark.provenance` property instead. Returns readable difference lines (empty = equal).
 */
import { canonicalJson } from '../../src/core/index.js';
import { issueDump } from '../../src/simulator/world/dump.js';
import type { Issue, Site } from '../../src/simulator/index.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface RestoreMaps {
  /** Source issue id → restored issue id. */
  issues: Map<string, string>;
  /** Source key → restored key. */
  keys: Map<string, string>;
  /** Source media id → restored media id. */
  media: Map<string, string>;
  /** Source component and version ids → restored ones (a project restored under a new key). */
  components?: Map<string, string>;
  versions?: Map<string, string>;
}

/** Fields Jira sets itself: compared elsewhere (rank order) or kept in provenance. */
const SERVER_SET_FIELDS = new Set([
  'created',
  'updated',
  'creator',
  'resolutiondate',
  'statuscategorychangedate',
  'lastViewed',
  'votes',
  'watches',
  'issuekey',
]);

const PROVENANCE = 'tidemark.provenance';

/** Rewrites key mentions, issue URLs and media ids inside any JSON value (ADF included). */
export function rewrite(value: unknown, maps: RestoreMaps): unknown {
  if (typeof value === 'string') {
    let s = value;
    if (maps.media.has(s)) return maps.media.get(s);
    s = s.replace(/\b([A-Z][A-Z0-9_]+-\d+)\b/g, (k) => maps.keys.get(k) ?? k);
    return s;
  }
  if (Array.isArray(value)) return value.map((v) => rewrite(v, maps));
  if (value && typeof value === 'object') {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value as Obj)) out[k] = rewrite(v, maps);
    return out;
  }
  return value;
}

/** An ADF body without the provenance paragraph the restore puts first ("Originally by … on …"). */
export function withoutProvenanceHeader(body: unknown): unknown {
  if (!body || typeof body !== 'object') return body;
  const doc = body as Obj;
  const first = doc.content?.[0];
  const text = JSON.stringify(first ?? '');
  if (first?.type === 'paragraph' && text.includes('Originally by')) return { ...doc, content: doc.content.slice(1) };
  return body;
}

const eq = (a: unknown, b: unknown): boolean => canonicalJson(a ?? null) === canonicalJson(b ?? null);

function withoutProvenance(props: Obj | undefined): Obj {
  const out: Obj = { ...(props ?? {}) };
  delete out[PROVENANCE];
  return out;
}

function linkView(
  site: Site,
  issueId: string,
  linkIds: string[],
  map?: Map<string, string>,
  records?: Obj[],
): string[] {
  // A deleted issue's links are gone from the site: its dump may keep their records.
  const byId = new Map((records ?? []).map((l) => [String(l.id), l]));
  return linkIds
    .map((id) => site.data.links.get(id) ?? byId.get(id))
    .filter((l): l is NonNullable<typeof l> => l !== undefined)
    .map((l) => {
      const outward = l.outwardIssueId === issueId;
      const other = outward ? l.inwardIssueId : l.outwardIssueId;
      return `${l.typeId}:${outward ? 'out' : 'in'}:${map?.get(other) ?? other}`;
    })
    .sort();
}

function specialFields(site: Site): { rank?: string; sprint?: string } {
  const byType = (t: string) => [...site.data.fields.values()].find((f) => f.schema.custom === t)?.id;
  return {
    rank: byType('com.pyxis.greenhopper.jira:gh-lexo-rank'),
    sprint: byType('com.pyxis.greenhopper.jira:gh-sprint'),
  };
}

/**
 * Whether the restored issues keep the originals' relative rank order (Jira gives each created
 * issue the last rank; the restore's rank step puts them back in order). Returns difference lines.
 */
export function rankOrderDiff(dumps: Iterable<Obj>, site: Site, maps: RestoreMaps): string[] {
  const rank = specialFields(site).rank;
  if (!rank) return [];
  const originals = [...dumps].filter((d) => typeof d.fields?.[rank] === 'string' && maps.issues.has(String(d.id)));
  const byProject = new Map<string, Obj[]>();
  for (const d of originals) byProject.set(String(d.projectId), [...(byProject.get(String(d.projectId)) ?? []), d]);
  const out: string[] = [];
  for (const [project, list] of byProject) {
    const want = [...list].sort((a, b) => (a.fields[rank] < b.fields[rank] ? -1 : 1)).map((d) => String(d.id));
    const restoredRank = (id: string) => String(site.data.issues.get(maps.issues.get(id)!)?.fields[rank] ?? '');
    const got = [...want].sort((a, b) => (restoredRank(a) < restoredRank(b) ? -1 : 1));
    if (!eq(want, got)) out.push(`project ${project}: restored issues are not in their original rank order`);
  }
  return out;
}

export interface CompareOptions {
  /** Fields to leave out (with the reason, for the reader of a failing test). */
  skipFields?: Record<string, string>;
  /** The account that ran the restore (Jira makes the creator a watcher). */
  restorer?: string;
}

/**
 * Differences between an original issue (its dump, taken before it was deleted, on `sourceSite`)
 * and the restored issue on `targetSite`.
 */
export function compareRestoredIssue(
  before: { dump: Obj; site: Site },
  restored: Issue,
  targetSite: Site,
  maps: RestoreMaps,
  options: CompareOptions = {},
): string[] {
  const after = issueDump(targetSite, restored) as Obj;
  const b = before.dump;
  const out: string[] = [];
  const where = `${b.key} → ${after.key}`;
  const skip = options.skipFields ?? {};
  const special = specialFields(targetSite);
  const fieldIds = new Set([...Object.keys(b.fields ?? {}), ...Object.keys(after.fields ?? {})]);
  // Values Jira refuses on create (an option the field's context no longer offers, a level outside
  // the project's scheme) cannot come back: they must be kept in the provenance instead.
  const refused = (after.properties?.[PROVENANCE]?.original?.fields ?? {}) as Obj;
  for (const f of fieldIds) {
    if (SERVER_SET_FIELDS.has(f) || f in skip || f === special.rank) continue;
    let want = b.fields?.[f];
    if (f in refused) {
      const held = canonicalJson(refused[f]?.value ?? null);
      // Ids (options, levels…) or, for other values, every primitive of them, as the REST form holds them.
      const parts = (v: unknown): string[] =>
        Array.isArray(v)
          ? v.flatMap(parts)
          : v && typeof v === 'object'
            ? (v as Obj).id !== undefined
              ? [JSON.stringify(String((v as Obj).id))]
              : Object.values(v as Obj).flatMap(parts)
            : [JSON.stringify(v)];
      if (parts(want).some((p) => !held.includes(p)))
        out.push(`${where}: field ${f}: refused value ${canonicalJson(want)} not kept in the provenance (${held})`);
      continue;
    }
    if (f === special.sprint) {
      // Jira adds issues to future and active sprints only; closed memberships are reported as not
      // restorable by the fidelity report (checked there).
      const open = (ids: unknown) =>
        (Array.isArray(ids) ? ids.map(String) : [])
          .filter((id) => targetSite.data.sprints.get(Number(id))?.state !== 'closed')
          .sort();
      if (!eq(open(want), open(after.fields?.[f])))
        out.push(`${where}: open sprints ${canonicalJson(open(want))} ≠ ${canonicalJson(open(after.fields?.[f]))}`);
      continue;
    }
    if (f === 'parent' && typeof want === 'string') want = maps.issues.get(want) ?? want;
    else if (f === 'components' && Array.isArray(want) && maps.components)
      want = want.map((id) => maps.components!.get(String(id)) ?? id);
    else if ((f === 'fixVersions' || f === 'versions') && Array.isArray(want) && maps.versions)
      want = want.map((id) => maps.versions!.get(String(id)) ?? id);
    else want = rewrite(want, maps);
    if (f === 'project' && typeof want === 'string') continue; // compared through the key's project
    if (!eq(want, after.fields?.[f]))
      out.push(`${where}: field ${f}: ${canonicalJson(want ?? null)} ≠ ${canonicalJson(after.fields?.[f] ?? null)}`);
  }

  const comments = (b.comments ?? []) as Obj[];
  const ac = (after.comments ?? []) as Obj[];
  if (comments.length !== ac.length) out.push(`${where}: ${comments.length} comments ≠ ${ac.length}`);
  else
    comments.forEach((c, i) => {
      const r = ac[i]!;
      if (!eq(rewrite(c.body, maps), withoutProvenanceHeader(r.body)))
        out.push(`${where}: comment ${c.id} body differs`);
      if (!eq(c.visibility, r.visibility)) out.push(`${where}: comment ${c.id} visibility differs`);
      if ((c.jsdPublic ?? true) !== (r.jsdPublic ?? true))
        out.push(`${where}: comment ${c.id} internal/public differs`);
      if (!eq(withoutProvenance(c.properties), withoutProvenance(r.properties)))
        out.push(`${where}: comment ${c.id} properties differ`);
      const prov = r.properties?.[PROVENANCE]?.original;
      if (
        !prov ||
        prov.id !== c.id ||
        prov.authorAccountId !== c.authorId ||
        Date.parse(prov.created) !== Date.parse(c.created)
      )
        out.push(`${where}: comment ${c.id} lacks provenance of its author and date`);
    });

  const worklogs = (b.worklogs ?? []) as Obj[];
  const aw = (after.worklogs ?? []) as Obj[];
  if (worklogs.length !== aw.length) out.push(`${where}: ${worklogs.length} worklogs ≠ ${aw.length}`);
  else
    worklogs.forEach((w, i) => {
      const r = aw[i]!;
      if (w.started !== r.started) out.push(`${where}: worklog ${w.id} started ${w.started} ≠ ${r.started}`);
      if (w.timeSpentSeconds !== r.timeSpentSeconds) out.push(`${where}: worklog ${w.id} time spent differs`);
      if (!eq(rewrite(w.comment, maps), withoutProvenanceHeader(r.comment)) && w.comment !== undefined)
        out.push(`${where}: worklog ${w.id} comment differs`);
      if (!eq(w.visibility, r.visibility)) out.push(`${where}: worklog ${w.id} visibility differs`);
      const prov = r.properties?.[PROVENANCE]?.original;
      if (!prov || prov.authorAccountId !== w.authorId)
        out.push(`${where}: worklog ${w.id} lacks provenance of its author`);
    });

  // Jira types an upload declared application/octet-stream from its file name (it sniffs): the
  // generic type of the original cannot come back, any other type must.
  const att = (list: Obj[]) =>
    list
      .map((a) => {
        const generic = (b.attachments ?? []).some(
          (o: Obj) =>
            o.filename === a.filename && (o.mimeType ?? 'application/octet-stream') === 'application/octet-stream',
        );
        return `${a.filename}|${a.size}|${generic ? '*' : a.mimeType}|${a.sha256}`;
      })
      .sort();
  if (!eq(att(b.attachments ?? []), att(after.attachments ?? []))) out.push(`${where}: attachments differ`);

  const linksBefore = linkView(before.site, b.id, b.linkIds ?? [], maps.issues, b.linkRecords);
  const linksAfter = linkView(targetSite, after.id, after.linkIds ?? []);
  if (!eq(linksBefore, linksAfter)) out.push(`${where}: links ${linksBefore.join(',')} ≠ ${linksAfter.join(',')}`);

  const remote = (list: Obj[]) => list.map((l) => canonicalJson({ ...l, id: undefined })).sort();
  if (!eq(remote(b.remoteLinks ?? []), remote(after.remoteLinks ?? []))) out.push(`${where}: remote links differ`);

  const watchers = (list: string[]) =>
    list.filter((w) => w !== options.restorer || (b.watchers ?? []).includes(w)).sort();
  if (!eq(watchers(b.watchers ?? []), watchers(after.watchers ?? []))) out.push(`${where}: watchers differ`);
  if (!eq(withoutProvenance(b.properties), withoutProvenance(after.properties)))
    out.push(`${where}: properties differ`);
  const prov = after.properties?.[PROVENANCE]?.original;
  if (!prov || prov.key !== b.key || Date.parse(prov.created) !== Date.parse(b.created))
    out.push(`${where}: issue lacks provenance of its key and creation date`);
  return out;
}
