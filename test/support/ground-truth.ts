/**
 * Compares a backup snapshot with the simulator's ground truth (docs/design.md §5.13), in one
 * normalized form: REST values decoded by field schema (src/jira/fields.ts), times as ISO UTC,
 * users as account ids, null members dropped. Returns the differences as readable lines; an empty
 * list means the snapshot holds exactly what the site holds.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../src/core/index.js';
import { decodeFieldValue, type FieldInfo } from '../../src/jira/fields.js';
import { compareIds } from '../../src/simulator/world/dump.js';
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

const same = (a: unknown, b: unknown): boolean => canonicalJson(clean(a) ?? null) === canonicalJson(clean(b) ?? null);

function propsObject(list: unknown): Json {
  if (Array.isArray(list)) return Object.fromEntries(list.map((p: Json) => [p.key, p.value]));
  return (list as Json) ?? {};
}

function visibility(v: Json | undefined): Json | undefined {
  return v ? { type: v.type, value: v.value ?? v.identifier } : undefined;
}

/** Where two JSON values first differ (a path like `[3].name`) and the values there. */
function firstDifference(e: unknown, a: unknown, path: string): [string, unknown, unknown] {
  if (Array.isArray(e) && Array.isArray(a) && e.length === a.length) {
    for (let i = 0; i < e.length; i++) if (!same(e[i], a[i])) return firstDifference(e[i], a[i], `${path}[${i}]`);
  } else if (e && a && typeof e === 'object' && typeof a === 'object' && !Array.isArray(e) && !Array.isArray(a)) {
    const keys = new Set([...Object.keys(e), ...Object.keys(a)]);
    for (const k of [...keys].sort())
      if (!same((e as Json)[k], (a as Json)[k])) return firstDifference((e as Json)[k], (a as Json)[k], `${path}.${k}`);
  }
  return [path, e, a];
}

export class Differences {
  readonly lines: string[] = [];
  /** What the comparison left out because Jira's API cannot show it to the backup account, and why. */
  readonly excluded: string[] = [];
  add(line: string): void {
    if (this.lines.length < 200) this.lines.push(line);
  }
  check(what: string, expected: unknown, actual: unknown): void {
    if (!same(expected, actual)) {
      const [where, e, a] = firstDifference(clean(expected), clean(actual), '');
      this.add(
        `${what}${where}: expected ${canonicalJson(e ?? null).slice(0, 300)} but the backup has ${canonicalJson(a ?? null).slice(0, 300)}`,
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

/**
 * Compares issues (and everything under them), links, projects, configuration (ids, and the
 * details of fields, screens, schemes, security levels, dashboards and filters), people, boards,
 * sprints, rank order, service desks and request types. What Jira's API cannot show the backup
 * account is left out and listed in `excluded`, with the reason.
 */
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
  /** What the agile comparison needs of the backed-up issues: project key, key, rank. */
  const backedUpIssues: Array<{ projectKey: string; key: string; fields: Json }> = [];
  for (const [id, t] of truthIssues) {
    const e = backedUp.get(id);
    if (!e || e.type !== 'tree') continue;
    const children = await dirMap(reader, e.tree);
    const issue = (await record(reader, children.get('issue')))!;
    const key = t.key as string;
    backedUpIssues.push({
      projectKey: String(issue.fields.project?.key),
      key: String(issue.key),
      fields: issue.fields,
    });
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
  await compareConfigDetails(d, reader, config, truth, options);
  await comparePeople(d, reader, root, truth);
  await compareAgile(d, reader, root, truth, backedUpIssues, [...fieldsById.values()]);
  await compareJsm(d, reader, root, truth);
  return d;
}

const byNum = (a: string, b: string): number => compareIds(a, b);
const ids = (list: unknown): string[] => ((list as Json[] | undefined) ?? []).map((x) => String(x.id ?? x));

/** Records of a config kind by id. */
async function kindRecords(
  reader: SnapshotReader,
  config: Map<string, TreeEntry>,
  kind: string,
): Promise<Map<string, Json>> {
  return new Map((await records(reader, config.get(kind))).map((r) => [String(r.id), r]));
}

/** Scheme lists show only schemes that some company-managed project uses, or that no project uses. */
function classicScheme(truth: Json, field: string, schemeId: string): boolean {
  const users = (truth.projects as Json[]).filter((p) => p.status !== 'deleted' && p[field] === schemeId);
  return users.length === 0 || users.some((p) => p.style === 'classic');
}

/** Company-managed projects using a scheme (what the scheme-association reads answer). */
function classicUsers(truth: Json, field: string, schemeId: string): string[] {
  return (truth.projects as Json[])
    .filter((p) => p.status !== 'deleted' && p.style === 'classic' && p[field] === schemeId)
    .map((p) => String(p.id))
    .sort(byNum);
}

/** Field contexts with options, screens with tabs, scheme mappings, security levels, dashboards, filter columns. */
async function compareConfigDetails(
  d: Differences,
  reader: SnapshotReader,
  config: Map<string, TreeEntry>,
  truth: Json,
  options: CompareOptions,
): Promise<void> {
  const c = truth.config as Json;

  // Custom field contexts with their projects, issue types and options.
  const fields = await kindRecords(reader, config, 'field');
  const contextsOf = new Map<string, Json[]>();
  for (const ctx of c.fieldContexts as Json[])
    contextsOf.set(String(ctx.fieldId), [...(contextsOf.get(String(ctx.fieldId)) ?? []), ctx]);
  for (const [fieldId, expected] of contextsOf) {
    const f = fields.get(fieldId);
    if (!f) {
      d.add(`field ${fieldId} (with ${expected.length} contexts) is missing`);
      continue;
    }
    const backed = new Map(((f.contexts as Json[] | undefined) ?? []).map((x) => [String(x.id), x]));
    d.check(
      `field ${fieldId} context ids`,
      expected.map((x) => String(x.id)).sort(byNum),
      [...backed.keys()].sort(byNum),
    );
    for (const t of expected) {
      const b = backed.get(String(t.id));
      if (!b) continue;
      // Jira lists a context's options parents first, then cascading options, each in display
      // order; the site stores them interleaved. Same order within each group.
      const opts = (t.options as Json[]).map((o) => ({
        id: o.id,
        value: o.value,
        disabled: o.disabled,
        optionId: o.optionId,
      }));
      d.check(
        `field ${fieldId} context ${t.id}`,
        {
          name: t.name,
          description: t.description,
          isGlobalContext: t.isGlobalContext,
          isAnyIssueType: t.isAnyIssueType,
          projectIds: [...(t.projectIds as string[])].sort(byNum),
          issueTypeIds: [...(t.issueTypeIds as string[])].sort(byNum),
          options: [...opts.filter((o) => !o.optionId), ...opts.filter((o) => o.optionId)],
        },
        {
          name: b.name,
          description: b.description,
          isGlobalContext: b.isGlobalContext,
          isAnyIssueType: b.isAnyIssueType,
          projectIds: b.projectIds,
          issueTypeIds: b.issueTypeIds,
          options: ((b.options as Json[] | undefined) ?? []).map((o) => ({
            id: String(o.id),
            value: o.value,
            disabled: o.disabled,
            optionId: o.optionId === undefined ? undefined : String(o.optionId),
          })),
        },
      );
      // Default values are readable only through GET /field/{id}/context/defaultValue, which the
      // spec marks deprecated; the backup does not read them (nor does the simulator serve it).
      if ((t.defaultOptionIds as string[]).length > 0)
        d.excluded.push(`field ${fieldId} context ${t.id}: default option ids (deprecated read)`);
    }
  }

  // Screens with tabs and their fields.
  const screens = await kindRecords(reader, config, 'screen');
  for (const t of c.screens as Json[]) {
    const b = screens.get(String(t.id));
    if (!b) continue; // missing screens are reported by the id comparison
    d.check(
      `screen ${t.id}`,
      { name: t.name, description: t.description, tabs: t.tabs },
      {
        name: b.name,
        description: b.description,
        tabs: ((b.tabs as Json[] | undefined) ?? []).map((x) => ({
          id: String(x.id),
          name: x.name,
          fieldIds: ids(x.fields),
        })),
      },
    );
  }

  // Issue type schemes: issue types in scheme order, company-managed projects using them.
  // (Team-managed projects' schemes are their own; Jira's scheme lists do not show them.)
  const itSchemes = await kindRecords(reader, config, 'issue-type-scheme');
  const itExpected = (c.issueTypeSchemes as Json[]).filter((s) =>
    classicScheme(truth, 'issueTypeSchemeId', String(s.id)),
  );
  d.check(
    'config issue-type-scheme ids',
    itExpected.map((s) => String(s.id)).sort(byNum),
    [...itSchemes.keys()].sort(byNum),
  );
  for (const t of itExpected) {
    const b = itSchemes.get(String(t.id));
    if (!b) continue;
    d.check(
      `issue type scheme ${t.id}`,
      {
        name: t.name,
        defaultIssueTypeId: t.defaultIssueTypeId,
        issueTypeIds: t.issueTypeIds,
        projectIds: classicUsers(truth, 'issueTypeSchemeId', String(t.id)),
      },
      {
        name: b.name,
        defaultIssueTypeId: b.defaultIssueTypeId,
        issueTypeIds: b.issueTypeIds,
        projectIds: b.projectIds,
      },
    );
  }

  // Issue type screen schemes: mappings and company-managed projects.
  const itss = await kindRecords(reader, config, 'issue-type-screen-scheme');
  for (const t of c.issueTypeScreenSchemes as Json[]) {
    const b = itss.get(String(t.id));
    if (!b) continue;
    d.check(
      `issue type screen scheme ${t.id}`,
      { mappings: t.mappings, projectIds: classicUsers(truth, 'issueTypeScreenSchemeId', String(t.id)) },
      { mappings: b.mappings, projectIds: b.projectIds },
    );
  }

  // Workflow schemes: company-managed projects using them.
  const wfSchemes = await kindRecords(reader, config, 'workflow-scheme');
  for (const t of c.workflowSchemes as Json[]) {
    const b = wfSchemes.get(String(t.id));
    if (!b) continue;
    d.check(`workflow scheme ${t.id} projects`, classicUsers(truth, 'workflowSchemeId', String(t.id)), b.projectIds);
  }

  // Security schemes with their levels. Level members are not compared: the simulator does not
  // serve the member reads (GET /issuesecurityschemes/level/member) yet, so they are not backed up.
  const security = await kindRecords(reader, config, 'security-scheme');
  for (const t of c.issueSecuritySchemes as Json[]) {
    const b = security.get(String(t.id));
    if (!b) continue;
    d.check(
      `security scheme ${t.id} levels`,
      (t.levels as Json[]).map((l) => ({
        id: l.id,
        name: l.name,
        description: l.description,
        isDefault: l.id === t.defaultLevelId,
      })),
      ((b.levels as Json[] | undefined) ?? []).map((l) => ({
        id: String(l.id),
        name: l.name,
        description: l.description,
        isDefault: l.isDefault,
      })),
    );
    if ((t.levels as Json[]).some((l) => (l.members as Json[]).length > 0))
      d.excluded.push(`security scheme ${t.id}: level members (not served by the simulator)`);
  }

  // Dashboards with gadgets and their item properties (others' private dashboards are excluded
  // above: Jira shows them to nobody else, administrators included).
  const dashboards = await kindRecords(reader, config, 'dashboard');
  for (const t of c.dashboards as Json[]) {
    const b = dashboards.get(String(t.id));
    if (!b) {
      if ((t.sharePermissions as Json[]).length === 0 && t.ownerAccountId !== options.backupAccountId)
        d.excluded.push(`dashboard ${t.id}: private to another user`);
      continue;
    }
    d.check(
      `dashboard ${t.id}`,
      { name: t.name, description: t.description, ownerAccountId: t.ownerAccountId, gadgets: t.gadgets },
      {
        name: b.name,
        description: b.description,
        ownerAccountId: b.owner?.accountId,
        gadgets: ((b.gadgets as Json[] | undefined) ?? []).map((g) => ({
          id: String(g.id),
          moduleKey: g.moduleKey,
          title: g.title,
          color: g.color,
          position: g.position,
          properties: g.properties,
        })),
      },
    );
  }

  // Filters: JQL, owner and columns. The filter search shows an administrator every filter, but
  // the column read has no override: columns of a filter not shared with the account are excluded.
  const filters = await kindRecords(reader, config, 'filter');
  for (const t of c.filters as Json[]) {
    const b = filters.get(String(t.id));
    if (!b) continue;
    d.check(
      `filter ${t.id}`,
      { name: t.name, jql: t.jql, ownerAccountId: t.ownerAccountId },
      { name: b.name, jql: b.jql, ownerAccountId: b.owner?.accountId },
    );
    if (b.columns === undefined) {
      d.excluded.push(`filter ${t.id}: columns (not shared with the backup account)`);
      continue;
    }
    d.check(
      `filter ${t.id} columns`,
      t.columns,
      (b.columns as Json[]).map((x) => x.value),
    );
  }
}

/** Users (site members as the user search lists them) and groups with their members. */
async function comparePeople(
  d: Differences,
  reader: SnapshotReader,
  root: Map<string, TreeEntry>,
  truth: Json,
): Promise<void> {
  const people = root.get('people');
  if (!people || people.type !== 'tree') {
    d.add('the backup has no people/');
    return;
  }
  const dir = await dirMap(reader, people.tree);
  const users = new Map((await records(reader, dir.get('users'))).map((u) => [String(u.accountId), u]));
  // The user search lists the site's members (and members of its groups): JSM portal customers
  // (`membership: "customer"`) are not site users and appear only where issues name them.
  const members = (truth.users as Json[]).filter((u) => u.membership === 'member' && u.known !== false);
  for (const u of truth.users as Json[])
    if (u.membership !== 'member')
      d.excluded.push(`user ${u.accountId}: ${u.membership}, not listed by the user search`);
  d.check('user ids', members.map((u) => String(u.accountId)).sort(), [...users.keys()].sort());
  for (const t of members) {
    const b = users.get(String(t.accountId));
    if (!b) continue;
    // `locale` and `siteAdmin` are not part of the user search answer; e-mail addresses follow
    // profile visibility (the site has null where the user hides it, and Jira then omits it).
    d.check(
      `user ${t.accountId}`,
      {
        accountType: t.accountType,
        displayName: t.displayName,
        emailAddress: t.emailAddress,
        active: t.active,
        timeZone: t.timeZone,
      },
      {
        accountType: b.accountType,
        displayName: b.displayName,
        emailAddress: b.emailAddress,
        active: b.active,
        timeZone: b.timeZone,
      },
    );
  }
  const groups = await records(reader, dir.get('groups'));
  d.check(
    'groups',
    (truth.groups as Json[]).map((g) => ({ groupId: g.groupId, name: g.name, members: [...g.members].sort() })),
    groups
      .map((g) => ({ groupId: g.groupId, name: g.name, members: [...g.members].sort() }))
      .sort((a, b) => compareIds(a.groupId, b.groupId)),
  );
}

/** Boards, sprints and rank order. */
async function compareAgile(
  d: Differences,
  reader: SnapshotReader,
  root: Map<string, TreeEntry>,
  truth: Json,
  issues: Array<{ projectKey: string; key: string; fields: Json }>,
  fields: FieldInfo[],
): Promise<void> {
  const agile = root.get('agile');
  const dir = agile?.type === 'tree' ? await dirMap(reader, agile.tree) : new Map<string, TreeEntry>();
  const boards = new Map((await records(reader, dir.get('boards'))).map((b) => [String(b.id), b]));
  d.check(
    'board ids',
    (truth.boards as Json[]).map((b) => String(b.id)),
    [...boards.keys()].sort(byNum),
  );
  const readable = new Set<string>();
  for (const t of truth.boards as Json[]) {
    const b = boards.get(String(t.id));
    if (!b) continue;
    if (b.isPrivate === true) {
      // Jira shows a board outside its filter's audience as {id, location} only, even to admins.
      d.excluded.push(`board ${t.id}: private to the backup account (only id and project compared)`);
      d.check(`board ${t.id} project`, t.projectId, String(b.location?.projectId));
      continue;
    }
    readable.add(String(t.id));
    if (t.type !== 'scrum' && t.estimationFieldId !== undefined)
      d.excluded.push(`board ${t.id}: estimation field (reported for scrum boards only)`);
    const conf = (b.configuration ?? {}) as Json;
    const rankId = conf.ranking?.rankCustomFieldId;
    d.check(
      `board ${t.id}`,
      {
        name: t.name,
        type: t.type,
        projectId: t.projectId,
        filterId: t.filterId,
        subQuery: t.subQuery,
        columns: t.columns,
        constraintType: t.constraintType,
        // The board configuration reports estimation for scrum boards only (as the spec says).
        estimationFieldId: t.type === 'scrum' ? t.estimationFieldId : undefined,
        rankFieldId: t.rankFieldId,
        adminAccountIds: t.adminAccountIds,
        properties: t.properties,
      },
      {
        name: b.name,
        type: b.type,
        projectId: String(b.location?.projectId),
        filterId: String(conf.filter?.id),
        subQuery: conf.subQuery?.query,
        columns: ((conf.columnConfig?.columns as Json[] | undefined) ?? []).map((col) => ({
          name: col.name,
          statusIds: ids(col.statuses),
          min: col.min,
          max: col.max,
        })),
        constraintType: conf.columnConfig?.constraintType,
        estimationFieldId: conf.estimation?.field?.fieldId,
        rankFieldId: rankId === undefined ? undefined : `customfield_${rankId}`,
        adminAccountIds: ((b.admins?.users as Json[] | undefined) ?? []).map((u) => String(u.accountId)).sort(),
        properties: b.properties,
      },
    );
  }

  // A sprint is visible through its origin board or any of its issues (every issue is compared
  // above, so every issue is visible to the backup account).
  const sprintField = fields.find((f) => f.schema?.custom === 'com.pyxis.greenhopper.jira:gh-sprint')?.id;
  const referenced = new Set<string>();
  for (const i of truth.issues as Json[])
    for (const s of ((sprintField ? i.fields[sprintField] : undefined) as string[] | undefined) ?? [])
      referenced.add(s);
  const expected = (truth.sprints as Json[]).filter(
    (s) => readable.has(String(s.originBoardId)) || referenced.has(String(s.id)),
  );
  for (const s of truth.sprints as Json[])
    if (!expected.includes(s)) d.excluded.push(`sprint ${s.id}: neither its board nor any of its issues is visible`);
  const sprints = await records(reader, dir.get('sprints'));
  d.check(
    'sprints',
    expected.map((s) => ({ ...s, id: String(s.id), originBoardId: String(s.originBoardId) })),
    sprints
      .map((s) => ({
        id: String(s.id),
        name: s.name,
        state: s.state,
        startDate: iso(s.startDate),
        endDate: iso(s.endDate),
        completeDate: iso(s.completeDate),
        createdDate: iso(s.createdDate),
        originBoardId: String(s.originBoardId),
        goal: s.goal,
      }))
      .sort((a, b) => compareIds(a.id, b.id)),
  );

  // Rank order per project: the issues' rank field values, in rank order.
  const rankField = fields.find((f) => f.schema?.custom === 'com.pyxis.greenhopper.jira:gh-lexo-rank')?.id;
  const byProject = new Map<string, Array<[string, string]>>();
  for (const i of issues) {
    const rank = rankField ? i.fields[rankField] : undefined;
    if (typeof rank !== 'string') continue;
    byProject.set(i.projectKey, [...(byProject.get(i.projectKey) ?? []), [rank, i.key]]);
  }
  const order: Json = {};
  for (const [project, list] of byProject)
    order[project] = list
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : compareIds(a[1], b[1])))
      .map(([, key]) => key);
  d.check('rank order', truth.rankOrder, order);
}

/** Service desks and request types. */
async function compareJsm(
  d: Differences,
  reader: SnapshotReader,
  root: Map<string, TreeEntry>,
  truth: Json,
): Promise<void> {
  const jsm = root.get('jsm');
  const dir = jsm?.type === 'tree' ? await dirMap(reader, jsm.tree) : new Map<string, TreeEntry>();
  d.check(
    'service desks',
    truth.serviceDesks,
    (await records(reader, dir.get('service-desks')))
      .map((s) => ({ id: String(s.id), projectId: String(s.projectId) }))
      .sort((a, b) => compareIds(a.id, b.id)),
  );
  d.check(
    'request types',
    truth.requestTypes,
    (await records(reader, dir.get('request-types')))
      .map((r) => ({
        id: String(r.id),
        serviceDeskId: String(r.serviceDeskId),
        issueTypeId: String(r.issueTypeId),
        name: r.name,
        description: r.description,
        helpText: r.helpText,
        groupIds: r.groupIds,
      }))
      .sort((a, b) => compareIds(a.id, b.id)),
  );
}
