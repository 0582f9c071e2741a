/**
 * Configuration backup: one record per configuration object under config/<kind>/<id>
 * (docs/design.md §8.1). Every kind is one list endpoint; some need more than their list holds,
 * fetched with as few calls as the API allows (see `COMPLETE`): a project's components, versions,
 * role actors and properties; a custom field's contexts with their projects, issue types and
 * options; a screen's tabs and their fields; scheme mappings and project associations; security
 * levels; dashboard gadgets with their item properties; filter columns.
 */
import { chunks, isTidemarkError, mapLimit } from '../core/index.js';
import { JiraError, items, pages, type JiraClient, type PageShape, type RouteKey } from '../jira/index.js';
import type { SnapshotReader, TreeEntry } from '../store/index.js';
import type { BackupContext } from './context.js';
import { writeRecordDir } from './records.js';

type Json = Record<string, unknown>;

export interface ConfigObject {
  id: string;
  name: unknown;
  /** Project key, for project-bound objects. */
  project?: string | null;
  record: Json;
}

interface ListKind {
  kind: string;
  key: RouteKey;
  shape: PageShape | 'array' | { field: string };
  query?: Record<string, unknown>;
  id?: (o: Json) => string;
  name?: (o: Json) => unknown;
}

/** Kinds read from one list endpoint, object by object. */
const LIST_KINDS: ListKind[] = [
  { kind: 'project-category', key: 'GET /rest/api/3/projectCategory', shape: 'array' },
  { kind: 'role', key: 'GET /rest/api/3/role', shape: 'array' },
  { kind: 'issue-type', key: 'GET /rest/api/3/issuetype', shape: 'array' },
  {
    kind: 'issue-type-scheme',
    key: 'GET /rest/api/3/issuetypescheme',
    shape: 'page-bean',
    // Issue types and projects come inside each scheme (nested pages, no extra objects counted).
    query: { expand: 'projects,issueTypes' },
  },
  {
    kind: 'issue-type-screen-scheme',
    key: 'GET /rest/api/3/issuetypescreenscheme',
    shape: 'page-bean',
    query: { expand: 'projects' },
  },
  { kind: 'field', key: 'GET /rest/api/3/field', shape: 'array' },
  { kind: 'status', key: 'GET /rest/api/3/status', shape: 'array' },
  {
    kind: 'workflow',
    key: 'GET /rest/api/3/workflows/search',
    shape: 'page-bean',
    query: { expand: 'values.transitions' },
    id: (o) => String((o.id as Json | undefined)?.entityId ?? o.id),
    name: (o) => (o.id as Json | undefined)?.name ?? o.name,
  },
  { kind: 'workflow-scheme', key: 'GET /rest/api/3/workflowscheme', shape: 'page-bean' },
  { kind: 'screen', key: 'GET /rest/api/3/screens', shape: 'page-bean' },
  { kind: 'screen-scheme', key: 'GET /rest/api/3/screenscheme', shape: 'page-bean' },
  {
    kind: 'permission-scheme',
    key: 'GET /rest/api/3/permissionscheme',
    shape: { field: 'permissionSchemes' },
    query: { expand: 'all' },
  },
  {
    kind: 'notification-scheme',
    key: 'GET /rest/api/3/notificationscheme',
    shape: 'page-bean',
    query: { expand: 'all' },
  },
  { kind: 'security-scheme', key: 'GET /rest/api/3/issuesecurityschemes', shape: { field: 'issueSecuritySchemes' } },
  { kind: 'priority', key: 'GET /rest/api/3/priority/search', shape: 'page-bean' },
  { kind: 'resolution', key: 'GET /rest/api/3/resolution/search', shape: 'page-bean' },
  { kind: 'issue-link-type', key: 'GET /rest/api/3/issueLinkType', shape: { field: 'issueLinkTypes' } },
  {
    kind: 'filter',
    key: 'GET /rest/api/3/filter/search',
    shape: 'page-bean',
    query: {
      expand: 'description,owner,jql,sharePermissions,editPermissions,favourite,favouritedCount',
      overrideSharePermissions: true,
    },
  },
  {
    kind: 'dashboard',
    key: 'GET /rest/api/3/dashboard/search',
    shape: 'page-bean',
    query: { expand: 'description,owner,sharePermissions,editPermissions' },
  },
];

/** A kind's objects, and the calling account as Jira names it in answers (X-AAccountId). */
async function listObjects(
  client: JiraClient,
  spec: ListKind,
  signal?: AbortSignal,
): Promise<{ list: Json[]; caller: string | undefined }> {
  const sig = signal ? { signal } : {};
  if (spec.shape === 'array' || (typeof spec.shape === 'object' && 'field' in spec.shape)) {
    const res = await client.request(spec.key, { query: spec.query as never, expectObjects: 50, ...sig });
    const caller = res.headers.get('x-aaccountid') ?? undefined;
    const body = res.body as unknown;
    if (spec.shape === 'array') return { list: Array.isArray(body) ? (body as Json[]) : [], caller };
    const list = (body as Json)[spec.shape.field];
    return { list: Array.isArray(list) ? (list as Json[]) : [], caller };
  }
  const out: Json[] = [];
  let caller: string | undefined;
  for await (const page of pages<RouteKey>(client, spec.key, spec.shape as PageShape, {
    query: spec.query as never,
    expectObjects: 50,
    ...sig,
  })) {
    caller ??= page.headers.get('x-aaccountid') ?? undefined;
    const values = (page.body as { values?: unknown } | undefined)?.values;
    if (Array.isArray(values)) out.push(...(values as Json[]));
  }
  return { list: out, caller };
}

/** A project with what hangs off it: components, versions, role actors, properties. */
async function projectObject(ctx: BackupContext, p: Json): Promise<ConfigObject> {
  const sig = ctx.signal ? { signal: ctx.signal } : {};
  const path = { projectIdOrKey: String(p.id) };
  const [components, versions, roles, keys] = await Promise.all([
    ctx.client.request('GET /rest/api/3/project/{projectIdOrKey}/components', { path, expectObjects: 20, ...sig }),
    ctx.client.request('GET /rest/api/3/project/{projectIdOrKey}/versions', { path, expectObjects: 20, ...sig }),
    ctx.client.request('GET /rest/api/3/project/{projectIdOrKey}/role', { path, ...sig }),
    ctx.client.request('GET /rest/api/3/project/{projectIdOrKey}/properties', { path, ...sig }),
  ]);
  const roleActors: Json[] = [];
  for (const url of Object.values((roles.body ?? {}) as Record<string, string>)) {
    const roleId = /\/role\/(\d+)$/.exec(String(url))?.[1];
    if (!roleId) continue;
    const role = await ctx.client.request('GET /rest/api/3/project/{projectIdOrKey}/role/{id}', {
      path: { ...path, id: Number(roleId) },
      ...sig,
    });
    roleActors.push(role.body as Json);
  }
  const properties: Record<string, unknown> = {};
  for (const k of ((keys.body ?? {}) as { keys?: Array<{ key?: string }> }).keys ?? []) {
    if (!k.key) continue;
    const v = await ctx.client.request('GET /rest/api/3/project/{projectIdOrKey}/properties/{propertyKey}', {
      path: { ...path, propertyKey: k.key },
      ...sig,
    });
    properties[k.key] = (v.body as { value?: unknown }).value;
  }
  return {
    id: String(p.id),
    name: p.name,
    project: typeof p.key === 'string' ? p.key : null,
    record: { ...p, components: components.body, versions: versions.body, roles: roleActors, properties },
  };
}

// ---------------------------------------------------------------------------------------------
// What a kind's list leaves out

export interface CompleteEnv {
  /** Every project the backup sees. */
  projectIds: string[];
  /** The account the backup runs as, when Jira named it (X-AAccountId). */
  caller: string | undefined;
}

/** Completes a kind's listed objects with what a restore needs and the list does not hold. */
type Completer = (ctx: BackupContext, list: Json[], env: CompleteEnv) => Promise<Json[]>;

const PAGE = 100;

function signalOf(ctx: BackupContext): { signal?: AbortSignal } {
  return ctx.signal ? { signal: ctx.signal } : {};
}

async function collectItems<K extends RouteKey>(
  ctx: BackupContext,
  key: K,
  options: Parameters<typeof items<K, Json>>[3],
): Promise<Json[]> {
  const out: Json[] = [];
  for await (const o of items<K, Json>(ctx.client, key, 'page-bean', { ...options, ...signalOf(ctx) })) out.push(o);
  return out;
}

const byNumber = (a: string, b: string): number => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);

/**
 * The ids in a nested single page (the `projects` and `issueTypes` expands of scheme lists), or
 * undefined when the page holds only part of them. An absent page means none (Jira leaves out an
 * empty `projects`).
 */
function nestedIds(page: unknown): string[] | undefined {
  if (!page || typeof page !== 'object') return [];
  const p = page as { values?: Json[]; total?: number };
  const values = p.values ?? [];
  if (typeof p.total === 'number' && p.total > values.length) return undefined;
  return values.map((v) => String(v.id));
}

/** Custom field types whose values are options of a context. */
function hasOptions(field: Json): boolean {
  const schema = (field.schema ?? {}) as Json;
  return (
    schema.type === 'option' ||
    schema.type === 'option-with-child' ||
    (schema.type === 'array' && schema.items === 'option')
  );
}

/**
 * Custom fields: contexts (one paged list per field); the project and issue type mappings only
 * when some context is not global or not for every issue type (one paged list each per field,
 * covering all its contexts); the options of each context (cascading options included) only for
 * option fields.
 */
async function completeFields(ctx: BackupContext, list: Json[]): Promise<Json[]> {
  return mapLimit(list, ctx.concurrency.bulk, async (f) => {
    if (f.custom !== true) return f;
    const fieldId = String(f.id);
    const contexts = await collectItems(ctx, 'GET /rest/api/3/field/{fieldId}/context', {
      path: { fieldId },
      query: { maxResults: PAGE },
      expectObjects: 2,
    });
    const projects = new Map<string, string[]>();
    const issueTypes = new Map<string, string[]>();
    if (contexts.some((c) => c.isGlobalContext !== true)) {
      for (const row of await collectItems(ctx, 'GET /rest/api/3/field/{fieldId}/context/projectmapping', {
        path: { fieldId },
        query: { maxResults: PAGE },
        expectObjects: 5,
      }))
        if (row.projectId !== undefined)
          projects.set(String(row.contextId), [...(projects.get(String(row.contextId)) ?? []), String(row.projectId)]);
    }
    if (contexts.some((c) => c.isAnyIssueType !== true)) {
      for (const row of await collectItems(ctx, 'GET /rest/api/3/field/{fieldId}/context/issuetypemapping', {
        path: { fieldId },
        query: { maxResults: PAGE },
        expectObjects: 5,
      }))
        if (row.issueTypeId !== undefined)
          issueTypes.set(String(row.contextId), [
            ...(issueTypes.get(String(row.contextId)) ?? []),
            String(row.issueTypeId),
          ]);
    }
    const withOptions = hasOptions(f);
    const full: Json[] = [];
    for (const c of contexts) {
      const id = String(c.id);
      const out: Json = {
        ...c,
        projectIds: (projects.get(id) ?? []).sort(byNumber),
        issueTypeIds: (issueTypes.get(id) ?? []).sort(byNumber),
      };
      if (withOptions)
        out.options = await collectItems(ctx, 'GET /rest/api/3/field/{fieldId}/context/{contextId}/option', {
          path: { fieldId, contextId: Number(c.id) },
          query: { maxResults: PAGE },
          expectObjects: 20,
        });
      full.push(out);
    }
    return { ...f, contexts: full };
  });
}

/** Screens: each screen's tabs, and each tab's fields (no list form exists). */
async function completeScreens(ctx: BackupContext, list: Json[]): Promise<Json[]> {
  return mapLimit(list, ctx.concurrency.bulk, async (s) => {
    const screenId = Number(s.id);
    const tabs = await ctx.client.request('GET /rest/api/3/screens/{screenId}/tabs', {
      path: { screenId },
      expectObjects: 3,
      ...signalOf(ctx),
    });
    const full: Json[] = [];
    for (const t of (Array.isArray(tabs.body) ? tabs.body : []) as Json[]) {
      const fields = await ctx.client.request('GET /rest/api/3/screens/{screenId}/tabs/{tabId}/fields', {
        path: { screenId, tabId: Number(t.id) },
        expectObjects: 10,
        ...signalOf(ctx),
      });
      full.push({ ...t, fields: Array.isArray(fields.body) ? fields.body : [] });
    }
    return { ...s, tabs: full };
  });
}

/** Scheme id → project ids, from a scheme-for-projects list (only when a nested page was partial). */
async function schemeProjects(
  ctx: BackupContext,
  projectIds: string[],
  read: (batch: number[]) => Promise<Json[]>,
  schemeOf: (row: Json) => unknown,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const batch of chunks(projectIds, 100)) {
    for (const row of await read(batch.map(Number))) {
      const id = String(((schemeOf(row) ?? {}) as Json).id);
      out.set(id, [...(out.get(id) ?? []), ...((row.projectIds as unknown[]) ?? []).map(String)]);
    }
  }
  return out;
}

/**
 * Issue type schemes: issue types (in scheme order) and projects from the list's expands; the
 * mapping and project lists are asked only for schemes whose nested page was partial.
 */
export async function completeIssueTypeSchemes(
  ctx: BackupContext,
  list: Json[],
  { projectIds }: CompleteEnv,
): Promise<Json[]> {
  const out = list.map((s) => {
    const { projects, issueTypes, ...rest } = s;
    return { scheme: rest, issueTypeIds: nestedIds(issueTypes), projectIds: nestedIds(projects) };
  });
  const partial = out.filter((s) => s.issueTypeIds === undefined).map((s) => Number(s.scheme.id));
  if (partial.length > 0) {
    const byScheme = new Map<string, string[]>();
    for (const row of await collectItems(ctx, 'GET /rest/api/3/issuetypescheme/mapping', {
      query: { issueTypeSchemeId: partial, maxResults: PAGE },
      expectObjects: PAGE,
    })) {
      const id = String(row.issueTypeSchemeId);
      byScheme.set(id, [...(byScheme.get(id) ?? []), String(row.issueTypeId)]);
    }
    for (const s of out) s.issueTypeIds ??= byScheme.get(String(s.scheme.id)) ?? [];
  }
  if (out.some((s) => s.projectIds === undefined)) {
    const byScheme = await schemeProjects(
      ctx,
      projectIds,
      (projectId) =>
        collectItems(ctx, 'GET /rest/api/3/issuetypescheme/project', {
          query: { projectId, maxResults: PAGE },
          expectObjects: 5,
        }),
      (row) => row.issueTypeScheme,
    );
    for (const s of out) s.projectIds ??= byScheme.get(String(s.scheme.id)) ?? [];
  }
  return out.map((s) => ({ ...s.scheme, issueTypeIds: s.issueTypeIds, projectIds: s.projectIds!.sort(byNumber) }));
}

/**
 * Issue type screen schemes: the issue type → screen scheme mappings of every scheme in one paged
 * list, projects from the list's expand (the project list only when that page was partial).
 */
export async function completeIssueTypeScreenSchemes(
  ctx: BackupContext,
  list: Json[],
  { projectIds }: CompleteEnv,
): Promise<Json[]> {
  const mappings = new Map<string, Record<string, string>>();
  for (const row of await collectItems(ctx, 'GET /rest/api/3/issuetypescreenscheme/mapping', {
    query: { maxResults: PAGE },
    expectObjects: PAGE,
  })) {
    const id = String(row.issueTypeScreenSchemeId);
    mappings.set(id, { ...(mappings.get(id) ?? {}), [String(row.issueTypeId)]: String(row.screenSchemeId) });
  }
  const out = list.map((s) => {
    const { projects, ...rest } = s;
    return { scheme: rest, projectIds: nestedIds(projects) };
  });
  if (out.some((s) => s.projectIds === undefined)) {
    const byScheme = await schemeProjects(
      ctx,
      projectIds,
      (projectId) =>
        collectItems(ctx, 'GET /rest/api/3/issuetypescreenscheme/project', {
          query: { projectId, maxResults: PAGE },
          expectObjects: 5,
        }),
      (row) => row.issueTypeScreenScheme,
    );
    for (const s of out) s.projectIds ??= byScheme.get(String(s.scheme.id)) ?? [];
  }
  return out.map((s) => ({
    ...s.scheme,
    mappings: mappings.get(String(s.scheme.id)) ?? {},
    projectIds: s.projectIds!.sort(byNumber),
  }));
}

/** Workflow schemes: the company-managed projects using each (one request per 100 projects). */
async function completeWorkflowSchemes(ctx: BackupContext, list: Json[], { projectIds }: CompleteEnv): Promise<Json[]> {
  const byScheme = await schemeProjects(
    ctx,
    projectIds,
    async (projectId) => {
      const res = await ctx.client.request('GET /rest/api/3/workflowscheme/project', {
        query: { projectId },
        expectObjects: 5,
        ...signalOf(ctx),
      });
      return ((res.body as { values?: Json[] } | undefined)?.values ?? []) as Json[];
    },
    (row) => row.workflowScheme,
  );
  return list.map((s) => ({ ...s, projectIds: (byScheme.get(String(s.id)) ?? []).sort(byNumber) }));
}

/** Security schemes: the list leaves out the levels; each scheme is read with them. */
async function completeSecuritySchemes(ctx: BackupContext, list: Json[]): Promise<Json[]> {
  return mapLimit(list, ctx.concurrency.bulk, async (s) => {
    const res = await ctx.client.request('GET /rest/api/3/issuesecurityschemes/{id}', {
      path: { id: Number(s.id) },
      ...signalOf(ctx),
    });
    return { ...s, ...(res.body as Json) };
  });
}

/** Dashboards: gadgets, and each gadget's item properties (its configuration) with their values. */
async function completeDashboards(ctx: BackupContext, list: Json[]): Promise<Json[]> {
  return mapLimit(list, ctx.concurrency.bulk, async (d) => {
    const dashboardId = String(d.id);
    const res = await ctx.client.request('GET /rest/api/3/dashboard/{dashboardId}/gadget', {
      path: { dashboardId: Number(d.id) },
      expectObjects: 5,
      ...signalOf(ctx),
    });
    const gadgets: Json[] = [];
    for (const g of ((res.body as { gadgets?: Json[] } | undefined)?.gadgets ?? []) as Json[]) {
      const itemId = String(g.id);
      const keys = await ctx.client.request('GET /rest/api/3/dashboard/{dashboardId}/items/{itemId}/properties', {
        path: { dashboardId, itemId },
        ...signalOf(ctx),
      });
      const properties: Record<string, unknown> = {};
      for (const k of ((keys.body ?? {}) as { keys?: Array<{ key?: string }> }).keys ?? []) {
        if (!k.key) continue;
        const v = await ctx.client.request(
          'GET /rest/api/3/dashboard/{dashboardId}/items/{itemId}/properties/{propertyKey}',
          { path: { dashboardId, itemId, propertyKey: k.key }, ...signalOf(ctx) },
        );
        properties[k.key] = (v.body as { value?: unknown } | undefined)?.value;
      }
      gadgets.push({ ...g, properties });
    }
    return { ...d, gadgets };
  });
}

/**
 * Filters: the column configuration. The filter search lists every filter to an administrator
 * (overrideSharePermissions) but the column read has no such override: a filter neither owned by
 * nor shared with the account is not asked for (its record has no `columns`); one shared through
 * a group or role the account lacks answers 400 and is recorded the same way. Jira answers 404
 * when a filter has no column configuration (`columns: []`).
 */
async function completeFilters(ctx: BackupContext, list: Json[], { caller }: CompleteEnv): Promise<Json[]> {
  return mapLimit(list, ctx.concurrency.bulk, async (f) => {
    const owner = ((f.owner ?? {}) as Json).accountId;
    const shares = Array.isArray(f.sharePermissions) ? f.sharePermissions : [];
    if (caller !== undefined && owner !== caller && shares.length === 0) return f;
    try {
      const res = await ctx.client.request('GET /rest/api/3/filter/{id}/columns', {
        path: { id: Number(f.id) },
        expectObjects: 5,
        ...signalOf(ctx),
      });
      return { ...f, columns: Array.isArray(res.body) ? res.body : [] };
    } catch (e) {
      if (e instanceof JiraError && e.kind === 'not-found') return { ...f, columns: [] };
      if (e instanceof JiraError && e.kind === 'validation') return f;
      throw e;
    }
  });
}

const COMPLETE: Partial<Record<string, Completer>> = {
  field: completeFields,
  screen: completeScreens,
  'issue-type-scheme': completeIssueTypeSchemes,
  'issue-type-screen-scheme': completeIssueTypeScreenSchemes,
  'workflow-scheme': completeWorkflowSchemes,
  'security-scheme': completeSecuritySchemes,
  dashboard: completeDashboards,
  filter: completeFilters,
};

export interface ConfigResult {
  /** The config/ directory entry. */
  entry: TreeEntry;
  /** Projects (id, key), for the issue walk. */
  projects: Array<{ id: string; key: string }>;
  objects: number;
}

/** Reads every configuration kind and writes config/<kind>/<id> records. */
/** Kinds Jira's audit log does not cover (user-owned objects): re-read on every run. */
const UNAUDITED_KINDS = new Set(['filter', 'dashboard']);

export interface ConfigReuse {
  /** The parent snapshot and its config/ entry. */
  parent: SnapshotReader;
  entry: TreeEntry;
  /** When the parent's configuration was read (ms); the audit log is asked for changes since then. */
  since: number;
}

/**
 * Whether Jira's audit log shows any configuration change since `since` (one request). Anything
 * but a clear "no records" — no permission, a free plan, an error — counts as a change.
 */
export async function configChangedSince(ctx: BackupContext, since: number): Promise<boolean> {
  try {
    const res = await ctx.client.request('GET /rest/api/3/auditing/record', {
      query: { from: new Date(since).toISOString(), limit: 1 },
      expectObjects: 1,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    return Number((res.body as { total?: number }).total ?? 1) > 0;
  } catch (e) {
    if (isTidemarkError(e) && e.kind === 'cancelled') throw e;
    ctx.logger.info('the audit log cannot tell whether configuration changed; reading it again', {
      reason: isTidemarkError(e) ? e.kind : 'error',
    });
    return true;
  }
}

async function dirEntries(reader: SnapshotReader, entry: TreeEntry): Promise<Map<string, TreeEntry>> {
  const out = new Map<string, TreeEntry>();
  if (entry.type !== 'tree') return out;
  for await (const e of reader.list(entry.tree)) out.set(e.name, e);
  return out;
}

/**
 * Reads every configuration kind and writes config/<kind>/<id> records. With `reuse`, and when the
 * audit log shows no configuration change since the parent read it, the parent's directories are
 * kept for every audited kind and only unaudited kinds are read again.
 */
export async function backupConfiguration(
  ctx: BackupContext,
  reuse?: ConfigReuse,
): Promise<ConfigResult & { reused: boolean }> {
  if (reuse && !(await configChangedSince(ctx, reuse.since))) {
    const kinds = await dirEntries(reuse.parent, reuse.entry);
    const fresh = await readConfiguration(ctx, (kind) => UNAUDITED_KINDS.has(kind));
    const entries: TreeEntry[] = [];
    for (const [name, e] of kinds) if (!UNAUDITED_KINDS.has(name)) entries.push(e);
    for (const e of fresh.kindEntries) entries.push(e);
    const projects: Array<{ id: string; key: string }> = [];
    const projectDir = kinds.get('project');
    if (projectDir) {
      for (const p of (await dirEntries(reuse.parent, projectDir)).values()) {
        if (p.type === 'record' && typeof p.meta?.key === 'string') projects.push({ id: p.name, key: p.meta.key });
      }
    }
    ctx.counts.reuse('config-kind', kinds.size - fresh.kindEntries.length);
    return {
      entry: { name: 'config', type: 'tree', tree: await ctx.writer.writeTree(entries) },
      projects,
      objects: fresh.objects,
      reused: true,
    };
  }
  const all = await readConfiguration(ctx, () => true);
  return {
    entry: { name: 'config', type: 'tree', tree: await ctx.writer.writeTree(all.kindEntries) },
    projects: all.projects,
    objects: all.objects,
    reused: false,
  };
}

async function readConfiguration(
  ctx: BackupContext,
  wanted: (kind: string) => boolean,
): Promise<{ kindEntries: TreeEntry[]; projects: Array<{ id: string; key: string }>; objects: number }> {
  const sig = ctx.signal ? { signal: ctx.signal } : {};
  const byKind = new Map<string, ConfigObject[]>();
  const projects: Json[] = [];
  if (wanted('project')) {
    for await (const p of items<'GET /rest/api/3/project/search', Json>(
      ctx.client,
      'GET /rest/api/3/project/search',
      'page-bean',
      {
        query: {
          expand: 'description,lead,issueTypes,url,projectKeys,insight',
          status: ['live', 'archived'],
          maxResults: 100,
        },
        expectObjects: 100,
        ...sig,
      },
    ))
      projects.push(p);
    byKind.set('project', await mapLimit(projects, ctx.concurrency.bulk, (p) => projectObject(ctx, p)));
  }
  const projectIds = projects.map((p) => String(p.id));
  for (const spec of LIST_KINDS) {
    if (!wanted(spec.kind)) continue;
    const listed = await listObjects(ctx.client, spec, ctx.signal);
    const complete = COMPLETE[spec.kind];
    const list =
      complete && listed.list.length > 0
        ? await complete(ctx, listed.list, { projectIds, caller: listed.caller })
        : listed.list;
    byKind.set(
      spec.kind,
      list.map((o) => ({
        id: spec.id ? spec.id(o) : String(o.id),
        name: spec.name ? spec.name(o) : o.name,
        record: o,
      })),
    );
  }
  if (wanted('time-tracking')) {
    const tt = await ctx.client.request('GET /rest/api/3/configuration/timetracking', sig);
    if (tt.status === 200 && tt.body)
      byKind.set('time-tracking', [{ id: 'time-tracking', name: 'time tracking', record: tt.body as Json }]);
  }

  const kindEntries: TreeEntry[] = [];
  let objects = 0;
  for (const [kind, list] of byKind) {
    const dir = await writeRecordDir(ctx.writer, kind, list);
    ctx.counts.add(kind, dir.count);
    objects += dir.count;
    kindEntries.push({ name: kind, type: 'tree', tree: dir.tree });
  }
  return { kindEntries, projects: projects.map((p) => ({ id: String(p.id), key: String(p.key) })), objects };
}
