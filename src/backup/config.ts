/**
 * Configuration backup: one record per configuration object under config/<kind>/<id>
 * (docs/design.md §8.1). Most kinds are one list endpoint; some need a few calls per object
 * (a project's components, versions, role actors and properties).
 */
import { mapLimit } from '../core/index.js';
import { items, type JiraClient, type PageShape, type RouteKey } from '../jira/index.js';
import type { TreeEntry } from '../store/index.js';
import type { BackupContext } from './context.js';
import { configMeta, stable } from './records.js';

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
  { kind: 'issue-type-scheme', key: 'GET /rest/api/3/issuetypescheme', shape: 'page-bean' },
  { kind: 'issue-type-screen-scheme', key: 'GET /rest/api/3/issuetypescreenscheme', shape: 'page-bean' },
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

async function listObjects(client: JiraClient, spec: ListKind, signal?: AbortSignal): Promise<Json[]> {
  const sig = signal ? { signal } : {};
  if (spec.shape === 'array' || (typeof spec.shape === 'object' && 'field' in spec.shape)) {
    const res = await client.request(spec.key, { query: spec.query as never, expectObjects: 50, ...sig });
    const body = res.body as unknown;
    if (spec.shape === 'array') return Array.isArray(body) ? (body as Json[]) : [];
    const list = (body as Json)[spec.shape.field];
    return Array.isArray(list) ? (list as Json[]) : [];
  }
  const out: Json[] = [];
  for await (const o of items<RouteKey, Json>(client, spec.key, spec.shape as PageShape, {
    query: spec.query as never,
    expectObjects: 50,
    ...sig,
  }))
    out.push(o);
  return out;
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

export interface ConfigResult {
  /** The config/ directory entry. */
  entry: TreeEntry;
  /** Projects (id, key), for the issue walk. */
  projects: Array<{ id: string; key: string }>;
  objects: number;
}

/** Reads every configuration kind and writes config/<kind>/<id> records. */
export async function backupConfiguration(ctx: BackupContext): Promise<ConfigResult> {
  const sig = ctx.signal ? { signal: ctx.signal } : {};
  const byKind = new Map<string, ConfigObject[]>();
  const projects: Json[] = [];
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
  for (const spec of LIST_KINDS) {
    const list = await listObjects(ctx.client, spec, ctx.signal);
    byKind.set(
      spec.kind,
      list.map((o) => ({
        id: spec.id ? spec.id(o) : String(o.id),
        name: spec.name ? spec.name(o) : o.name,
        record: o,
      })),
    );
  }
  const tt = await ctx.client.request('GET /rest/api/3/configuration/timetracking', sig);
  if (tt.status === 200 && tt.body)
    byKind.set('time-tracking', [{ id: 'time-tracking', name: 'time tracking', record: tt.body as Json }]);

  const kindEntries: TreeEntry[] = [];
  let objects = 0;
  for (const [kind, list] of byKind) {
    const entries: TreeEntry[] = [];
    const seen = new Set<string>();
    for (const o of list) {
      if (seen.has(o.id)) continue;
      seen.add(o.id);
      const stored = await ctx.writer.putRecord(stable(o.record));
      entries.push({
        name: o.id,
        type: 'record',
        blob: stored.id,
        size: stored.size,
        meta: configMeta(kind, o.id, o.name, o.project ?? null),
      });
    }
    ctx.counts.add(kind, entries.length);
    objects += entries.length;
    kindEntries.push({ name: kind, type: 'tree', tree: await ctx.writer.writeTree(entries) });
  }
  return {
    entry: { name: 'config', type: 'tree', tree: await ctx.writer.writeTree(kindEntries) },
    projects: projects.map((p) => ({ id: String(p.id), key: String(p.key) })),
    objects,
  };
}
