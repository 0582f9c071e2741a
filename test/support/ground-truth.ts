/**
 * Compares a backup snapshot with the simulator's ground truth (docs/design.md §5.13), in one
 * normalized form: REST values decoded by field schema (src/jira/fields.ts), times as ISO UTC,
 * users as account ids, null members dropped. Returns the differences as readable lines; an empty
 * list means the snapshot holds exactly what the site holds.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../src/core/index.js';
import { decodeFieldValue, type FieldInfo } from '../../src/jira/fields.js';
import type { SnapshotReader, TreeEntry } from '../../src/store/index.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** ISO UTC from Jira's timestamp forms. */
const iso = (v: unknown): unknown =>
  typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? new Date(Date.parse(v)).toISOString() : v;

/** Drops null/undefined members (Jira omits some, the dump writes null), recursively. */
function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clean);
  if (v && typeof v === 'object') {
    const out: Json = {};
    for (const [k, x] of Object.entries(v as Json)) if (x !== null && x !== undefined) out[k] = clean(x);
    return out;
  }
  return v;
}

const same = (a: unknown, b: unknown): boolean => canonicalJson(clean(a)) === canonicalJson(clean(b));

function propsObject(list: unknown): Json {
  if (Array.isArray(list)) return Object.fromEntries(list.map((p: Json) => [p.key, p.value]));
  return (list as Json) ?? {};
}

function visibility(v: Json | undefined): Json | undefined {
  return v ? { type: v.type, value: v.value ?? v.identifier } : undefined;
}

export class Differences {
  readonly lines: string[] = [];
  add(line: string): void {
    if (this.lines.length < 200) this.lines.push(line);
  }
  check(what: string, expected: unknown, actual: unknown): void {
    if (!same(expected, actual)) {
      this.add(
        `${what}: expected ${canonicalJson(clean(expected)).slice(0, 300)} but the backup has ${canonicalJson(clean(actual)).slice(0, 300)}`,
      );
    }
  }
}

async function dirMap(reader: SnapshotReader, tree?: string): Promise<Map<string, TreeEntry>> {
  const out = new Map<string, TreeEntry>();
  for await (const e of reader.list(tree)) out.set(e.name, e);
  return out;
}

async function record<T = Json>(reader: SnapshotReader, e: TreeEntry | undefined): Promise<T | undefined> {
  return e && e.type === 'record' ? reader.readRecord<T>(e.blob) : undefined;
}

async function records(reader: SnapshotReader, dir: TreeEntry | undefined): Promise<Json[]> {
  if (!dir || dir.type !== 'tree') return [];
  const out: Json[] = [];
  for (const e of (await dirMap(reader, dir.tree)).values()) {
    const r = await record(reader, e);
    if (r) out.push(r);
  }
  return out;
}

export interface CompareOptions {
  /** Check attachment bytes (sha256) — reads every file back from the repository. Default true. */
  bytes?: boolean;
  /**
   * The account the backup ran as. Jira shows nobody else's private dashboards (there is no admin
   * override as there is for filters), so those are excluded from the comparison.
   */
  backupAccountId?: string;
}

/** Compares issues (and everything under them), links, projects and configuration ids. */
export async function compareWithGroundTruth(
  reader: SnapshotReader,
  truth: Json,
  options: CompareOptions = {},
): Promise<Differences> {
  const d = new Differences();
  const root = await dirMap(reader);
  const configDir = root.get('config');
  const config = configDir?.type === 'tree' ? await dirMap(reader, configDir.tree) : new Map<string, TreeEntry>();
  const fieldsById = new Map<string, FieldInfo>();
  for (const f of await records(reader, config.get('field'))) fieldsById.set(String(f.id), f as FieldInfo);

  // ---- issues ----
  const issuesDir = root.get('issues');
  const backedUp = issuesDir?.type === 'tree' ? await dirMap(reader, issuesDir.tree) : new Map<string, TreeEntry>();
  const truthIssues = new Map<string, Json>((truth.issues as Json[]).map((i) => [String(i.id), i]));
  for (const id of truthIssues.keys())
    if (!backedUp.has(id)) d.add(`issue ${truthIssues.get(id)!.key} (${id}) is missing from the backup`);
  for (const id of backedUp.keys()) if (!truthIssues.has(id)) d.add(`issue ${id} is in the backup but not on the site`);
  const links = new Map<string, Json>();
  for (const [id, t] of truthIssues) {
    const e = backedUp.get(id);
    if (!e || e.type !== 'tree') continue;
    const children = await dirMap(reader, e.tree);
    const issue = (await record(reader, children.get('issue')))!;
    const key = t.key as string;
    d.check(`${key} key`, t.key, issue.key);
    for (const [fid, value] of Object.entries(t.fields as Json)) {
      if (fid === 'project' || fid === 'status' || fid === 'issuetype') {
        d.check(`${key} ${fid}`, value, decodeFieldValue(fieldsById.get(fid) ?? { id: fid }, issue.fields[fid]));
        continue;
      }
      const decoded = decodeFieldValue(fieldsById.get(fid) ?? { id: fid }, issue.fields[fid]);
      d.check(`${key} field ${fid}`, value, decoded);
    }
    for (const [fid, raw] of Object.entries(issue.fields as Json)) {
      const decoded = decodeFieldValue(fieldsById.get(fid) ?? { id: fid }, raw);
      const empty =
        decoded === undefined ||
        decoded === null ||
        (Array.isArray(decoded) && decoded.length === 0) ||
        (typeof decoded === 'object' && decoded !== null && Object.keys(decoded).length === 0);
      if (!(fid in (t.fields as Json)) && !empty)
        d.add(`${key} field ${fid}: the backup has ${canonicalJson(decoded).slice(0, 200)} but the site has no value`);
    }
    d.check(`${key} created`, t.created, iso(issue.fields.created));
    d.check(`${key} updated`, t.updated, iso(issue.fields.updated));
    d.check(`${key} resolutiondate`, t.resolutionDate ?? null, iso(issue.fields.resolutiondate ?? null));
    d.check(`${key} creator`, t.creatorId, issue.fields.creator?.accountId);
    d.check(`${key} properties`, t.properties, issue.properties);
    d.check(`${key} watchers`, t.watchers, issue.watchers);
    d.check(`${key} voters`, t.voters, issue.voters);
    d.check(
      `${key} remote links`,
      (t.remoteLinks as Json[]).map((r) => ({ ...r, id: String(r.id) })),
      (issue.remoteLinks as Json[]).map((r) => ({ ...r, id: String(r.id) })),
    );
    for (const l of (issue.fields.issuelinks as Json[] | undefined) ?? []) {
      const other = l.outwardIssue ?? l.inwardIssue;
      const inward = l.outwardIssue ? id : String(other.id);
      const outward = l.outwardIssue ? String(other.id) : id;
      links.set(String(l.id), {
        id: String(l.id),
        typeId: String(l.type.id),
        inwardIssueId: inward,
        outwardIssueId: outward,
      });
    }
    // changelog
    const changelog = (await record(reader, children.get('changelog')))!;
    d.check(
      `${key} changelog`,
      (t.changelog as Json[]).map((h) => ({ id: h.id, authorId: h.authorId, created: h.created, items: h.items })),
      (changelog.histories as Json[]).map((h) => ({
        id: String(h.id),
        authorId: h.author?.accountId,
        created: iso(h.created),
        items: h.items,
      })),
    );
    // comments and worklogs
    const comments = await records(reader, children.get('comments'));
    const tc = (t.comments as Json[]).map((c) => String(c.id));
    const bc = comments.map((c) => String(c.id));
    const lost = tc.filter((x) => !bc.includes(x));
    if (lost.length > 0)
      d.add(
        `${key} comments missing from the backup: ${lost.join(',')} (of ${tc.length}) visibility ${JSON.stringify((t.comments as Json[]).filter((c) => lost.includes(String(c.id))).map((c) => c.visibility ?? null))}`,
      );
    d.check(
      `${key} comments`,
      (t.comments as Json[]).map((c) => ({ ...c, visibility: visibility(c.visibility) })),
      comments
        .map((c) => ({
          id: String(c.id),
          authorId: c.author?.accountId,
          updateAuthorId: c.updateAuthor?.accountId,
          body: c.body,
          created: iso(c.created),
          updated: iso(c.updated),
          visibility: visibility(c.visibility),
          jsdPublic: c.jsdPublic,
          properties: propsObject(c.properties),
        }))
        .sort((a, b) => Number(a.id) - Number(b.id)),
    );
    const worklogs = await records(reader, children.get('worklogs'));
    d.check(
      `${key} worklogs`,
      (t.worklogs as Json[]).map((w) => ({ ...w, issueId: id, visibility: visibility(w.visibility) })),
      worklogs
        .map((w) => ({
          id: String(w.id),
          issueId: String(w.issueId),
          authorId: w.author?.accountId,
          updateAuthorId: w.updateAuthor?.accountId,
          comment: w.comment,
          created: iso(w.created),
          updated: iso(w.updated),
          started: iso(w.started),
          timeSpentSeconds: w.timeSpentSeconds,
          visibility: visibility(w.visibility),
          properties: propsObject(w.properties),
        }))
        .sort((a, b) => Number(a.id) - Number(b.id)),
    );
    // attachments: metadata from the issue, bytes from the repository
    const files = children.get('attachments');
    const fileMap = files?.type === 'tree' ? await dirMap(reader, files.tree) : new Map<string, TreeEntry>();
    for (const a of t.attachments as Json[]) {
      const f = fileMap.get(String(a.id));
      const meta = ((issue.fields.attachment as Json[] | undefined) ?? []).find((x) => String(x.id) === String(a.id));
      if (!f || f.type !== 'file' || !meta) {
        d.add(`${key} attachment ${a.id} (${a.filename}) is missing`);
        continue;
      }
      d.check(
        `${key} attachment ${a.id} metadata`,
        { filename: a.filename, authorId: a.authorId, created: a.created, size: a.size, mimeType: a.mimeType },
        {
          filename: meta.filename,
          authorId: meta.author?.accountId,
          created: iso(meta.created),
          size: meta.size,
          mimeType: meta.mimeType,
        },
      );
      if (options.bytes ?? true) {
        const h = createHash('sha256');
        for await (const chunk of reader.readFile(f)) h.update(chunk);
        d.check(`${key} attachment ${a.id} bytes`, a.sha256, h.digest('hex'));
      }
    }
    if (fileMap.size !== (t.attachments as Json[]).length)
      d.add(`${key} has ${fileMap.size} attachment files, the site ${(t.attachments as Json[]).length}`);
  }
  d.check(
    'issue links',
    (truth.links as Json[]).map((l) => ({
      id: String(l.id),
      typeId: String(l.typeId),
      inwardIssueId: String(l.inwardIssueId),
      outwardIssueId: String(l.outwardIssueId),
    })),
    [...links.values()].sort((a, b) => Number(a.id) - Number(b.id)),
  );

  // ---- projects and configuration ----
  const projects = await records(reader, config.get('project'));
  const byId = new Map(projects.map((p) => [String(p.id), p]));
  for (const p of truth.projects as Json[]) {
    const b = byId.get(String(p.id));
    if (!b) {
      d.add(`project ${p.key} is missing`);
      continue;
    }
    d.check(
      `project ${p.key}`,
      { key: p.key, name: p.name, lead: p.leadAccountId },
      { key: b.key, name: b.name, lead: b.lead?.accountId },
    );
    d.check(
      `project ${p.key} components`,
      (p.components as Json[]).map((c) => String(c.id)).sort(),
      (b.components as Json[]).map((c) => String(c.id)).sort(),
    );
    d.check(
      `project ${p.key} versions`,
      (p.versions as Json[]).map((v) => String(v.id)).sort(),
      (b.versions as Json[]).map((v) => String(v.id)).sort(),
    );
    d.check(`project ${p.key} properties`, p.properties, b.properties);
  }
  const kinds: Array<[string, string]> = [
    ['statuses', 'status'],
    ['priorities', 'priority'],
    ['resolutions', 'resolution'],
    ['fields', 'field'],
    ['issueLinkTypes', 'issue-link-type'],
    ['projectCategories', 'project-category'],
    ['workflowSchemes', 'workflow-scheme'],
    ['screens', 'screen'],
    ['screenSchemes', 'screen-scheme'],
    ['issueTypeScreenSchemes', 'issue-type-screen-scheme'],
    ['permissionSchemes', 'permission-scheme'],
    ['notificationSchemes', 'notification-scheme'],
    ['issueSecuritySchemes', 'security-scheme'],
    ['filters', 'filter'],
    ['dashboards', 'dashboard'],
    ['roles', 'role'],
  ];
  for (const [truthKind, kind] of kinds) {
    const expected = ((truth.config[truthKind] as Json[] | undefined) ?? [])
      .filter(
        (o) =>
          truthKind !== 'dashboards' ||
          (o.sharePermissions as Json[]).length > 0 ||
          o.ownerAccountId === options.backupAccountId,
      )
      .map((o) => String(o.id))
      .sort();
    const dir = config.get(kind);
    const actual = dir?.type === 'tree' ? [...(await dirMap(reader, dir.tree)).keys()].sort() : [];
    d.check(`config ${kind} ids`, expected, actual);
  }
  return d;
}
