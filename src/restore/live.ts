/**
 * The live target as the restore planner and verifier see it (docs/design.md §9.1): `LiveState`,
 * and `JiraLiveState`, which reads it through a JiraClient frugally — list endpoints, issues by
 * bulk fetch (100 at a time, only the fields asked for), and every answer cached for the life of
 * the object (one plan).
 */
import { JiraError } from '../jira/errors.js';
import { items, type JiraClient } from '../jira/index.js';
import type { RouteKey } from '../jira/routes.js';

type Json = Record<string, unknown>;

export interface SiteIdentity {
  cloudId: string;
  name: string;
  url: string;
}

export interface LiveIssue {
  id: string;
  key: string;
  /** The fields asked for, in the REST representation. */
  fields: Json;
}

export interface Named {
  id: string;
  name: string;
}

export interface LiveProject extends Named {
  key: string;
  projectTypeKey: string;
  components: Named[];
  versions: Array<Named & { released?: boolean; archived?: boolean }>;
}

export interface LiveOption {
  id: string;
  value: string;
  contextId: string;
  optionId?: string;
}

export interface LiveField extends Named {
  custom: boolean;
  /** `schema.custom` (custom fields) or `schema.system`. */
  type: string | undefined;
  options: LiveOption[];
}

export interface LiveIssueType extends Named {
  subtask: boolean;
  hierarchyLevel: number;
  /** The project of a team-managed project's own issue type (usable there only). */
  scopeProject?: string;
}

export interface LiveUser {
  accountId: string;
  displayName: string;
  emailAddress?: string;
  active: boolean;
}

export interface LiveGroup {
  groupId: string;
  name: string;
}

export interface LiveBoard extends Named {
  type: string;
  projectKey?: string;
}

export interface LiveSprint extends Named {
  state: string;
  boardId: string;
}

/** A field of a create or edit screen (createmeta / editmeta). */
export interface ScreenField {
  fieldId: string;
  name: string;
  required: boolean;
  /**
   * The ids Jira accepts for the field on this screen (options of the field's context, security
   * levels of the project's scheme, the project's versions and components, priorities), when the
   * screen lists them; undefined when it does not (any value goes to Jira's own checks).
   */
  allowedValues?: string[];
}

/** What the restore engine reads from the target site. */
export interface LiveState {
  site(): Promise<SiteIdentity>;
  /** The calling account. */
  myself(): Promise<LiveUser>;
  /** The issues of `ids` that exist on the target (missing ones are absent), with the given fields. */
  issues(ids: readonly string[], fields: readonly string[]): Promise<Map<string, LiveIssue>>;
  /** How many issues a project holds (0 when it does not exist). */
  projectIssueCount(projectKey: string): Promise<number>;
  projects(): Promise<LiveProject[]>;
  fields(): Promise<LiveField[]>;
  statuses(): Promise<Array<Named & { scopeProject?: string }>>;
  issueTypes(): Promise<LiveIssueType[]>;
  priorities(): Promise<Named[]>;
  resolutions(): Promise<Named[]>;
  linkTypes(): Promise<Array<Named & { inward: string; outward: string }>>;
  users(): Promise<LiveUser[]>;
  groups(): Promise<LiveGroup[]>;
  boards(): Promise<LiveBoard[]>;
  sprints(): Promise<LiveSprint[]>;
  /** The create screen of a project and issue type; undefined when the project does not exist. */
  createMeta(project: string, issueTypeId: string): Promise<ScreenField[] | undefined>;
  /** The edit screen of an existing issue. */
  editMeta(issueId: string): Promise<ScreenField[]>;
  /** The permission scheme id of a project; undefined when the project does not exist. */
  permissionScheme(project: string): Promise<string | undefined>;
}

const BULK = 100;
const PAGE = 50;

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

function screenFields(raw: unknown): ScreenField[] {
  const list: Json[] = Array.isArray(raw)
    ? (raw as Json[])
    : Object.entries((raw ?? {}) as Record<string, Json>).map(([k, v]): Json => ({ fieldId: k, ...v }));
  return list.map((f) => ({
    fieldId: str(f.fieldId ?? f.key),
    name: str(f.name),
    required: f.required === true,
    ...(Array.isArray(f.allowedValues) ? { allowedValues: allowedIds(f.allowedValues as unknown[]) } : {}),
  }));
}

/** The ids of a createmeta/editmeta `allowedValues` list, with the children of cascading options. */
function allowedIds(values: unknown[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (typeof v !== 'object' || v === null) continue;
    const o = v as Json;
    if (o.id !== undefined) out.push(str(o.id));
    if (Array.isArray(o.children)) out.push(...allowedIds(o.children as unknown[]));
  }
  return out;
}

/** LiveState through a JiraClient; answers are cached per instance (one plan). */
export class JiraLiveState implements LiveState {
  private readonly cache = new Map<string, Promise<unknown>>();
  private readonly issueCache = new Map<string, LiveIssue | null>();

  constructor(private readonly client: JiraClient) {}

  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let p = this.cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = load();
      this.cache.set(key, p);
    }
    return p;
  }

  private async get(key: RouteKey, options: Json = {}): Promise<unknown> {
    const res = await this.client.request(key, options as never);
    return res.body as unknown;
  }

  private async list(key: RouteKey, shape: 'page-bean' | 'agile', options: Json = {}): Promise<Json[]> {
    const out: Json[] = [];
    for await (const item of items<RouteKey, Json>(this.client, key, shape, options as never)) out.push(item);
    return out;
  }

  site(): Promise<SiteIdentity> {
    return this.once('site', async () => {
      const info = (await this.get('GET /rest/api/3/serverInfo')) as Json;
      const url = str(info.baseUrl);
      const host = url.replace(/^https?:\/\//, '').split('/')[0] ?? '';
      return { cloudId: this.client.cloudId, name: host.split('.')[0] ?? host, url };
    });
  }

  myself(): Promise<LiveUser> {
    return this.once('myself', async () => toUser((await this.get('GET /rest/api/3/myself')) as Json));
  }

  async issues(ids: readonly string[], fields: readonly string[]): Promise<Map<string, LiveIssue>> {
    const fieldKey = [...fields].sort().join(',');
    const out = new Map<string, LiveIssue>();
    const todo = [...new Set(ids)].filter((id) => !this.issueCache.has(`${fieldKey}|${id}`));
    for (let i = 0; i < todo.length; i += BULK) {
      const chunk = todo.slice(i, i + BULK);
      const body = (await this.client.request('POST /rest/api/3/issue/bulkfetch', {
        body: { issueIdsOrKeys: chunk, fields: fields.length > 0 ? [...fields] : ['key'] } as never,
        expectObjects: chunk.length,
      })) as { body: { issues?: Json[] } };
      const found = new Map<string, LiveIssue>();
      for (const raw of body.body.issues ?? []) {
        const issue = { id: str(raw.id), key: str(raw.key), fields: (raw.fields ?? {}) as Json };
        found.set(issue.id, issue);
      }
      for (const id of chunk) this.issueCache.set(`${fieldKey}|${id}`, found.get(id) ?? null);
    }
    for (const id of ids) {
      const hit = this.issueCache.get(`${fieldKey}|${id}`);
      if (hit) out.set(id, hit);
    }
    return out;
  }

  projectIssueCount(projectKey: string): Promise<number> {
    return this.once(`count:${projectKey}`, async () => {
      if (!(await this.projects()).some((p) => p.key === projectKey)) return 0;
      const body = (await this.get('POST /rest/api/3/search/approximate-count', {
        body: { jql: `project = "${projectKey}"` },
      })) as Json;
      return Number(body.count ?? 0);
    });
  }

  projects(): Promise<LiveProject[]> {
    return this.once('projects', async () => {
      const list = await this.list('GET /rest/api/3/project/search', 'page-bean', {
        query: { maxResults: PAGE },
        expectObjects: PAGE,
      });
      const out: LiveProject[] = [];
      for (const p of list) {
        const path = { projectIdOrKey: str(p.id) };
        const [components, versions] = await Promise.all([
          this.get('GET /rest/api/3/project/{projectIdOrKey}/components', { path, expectObjects: 20 }),
          this.get('GET /rest/api/3/project/{projectIdOrKey}/versions', { path, expectObjects: 20 }),
        ]);
        out.push({
          id: str(p.id),
          key: str(p.key),
          name: str(p.name),
          projectTypeKey: str(p.projectTypeKey),
          components: ((components as Json[]) ?? []).map((c) => ({ id: str(c.id), name: str(c.name) })),
          versions: ((versions as Json[]) ?? []).map((v) => ({
            id: str(v.id),
            name: str(v.name),
            released: v.released === true,
            archived: v.archived === true,
          })),
        });
      }
      return out;
    });
  }

  fields(): Promise<LiveField[]> {
    return this.once('fields', async () => {
      const list = (await this.get('GET /rest/api/3/field', { expectObjects: 100 })) as Json[];
      const out: LiveField[] = [];
      for (const f of list) {
        const schema = (f.schema ?? {}) as Json;
        const type = typeof schema.custom === 'string' ? schema.custom : (schema.system as string | undefined);
        const field: LiveField = { id: str(f.id), name: str(f.name), custom: f.custom === true, type, options: [] };
        if (field.custom && isOptionType(type)) field.options = await this.fieldOptions(field.id);
        out.push(field);
      }
      return out;
    });
  }

  private async fieldOptions(fieldId: string): Promise<LiveOption[]> {
    const out: LiveOption[] = [];
    const contexts = await this.list('GET /rest/api/3/field/{fieldId}/context', 'page-bean', {
      path: { fieldId },
      query: { maxResults: PAGE },
      expectObjects: 2,
    });
    for (const c of contexts) {
      const options = await this.list('GET /rest/api/3/field/{fieldId}/context/{contextId}/option', 'page-bean', {
        path: { fieldId, contextId: Number(c.id) },
        query: { maxResults: 100 },
        expectObjects: 20,
      });
      for (const o of options)
        out.push({
          id: str(o.id),
          value: str(o.value),
          contextId: str(c.id),
          ...(o.optionId !== undefined ? { optionId: str(o.optionId) } : {}),
        });
    }
    return out;
  }

  statuses(): Promise<Array<Named & { scopeProject?: string }>> {
    return this.once('statuses', async () =>
      ((await this.get('GET /rest/api/3/status')) as Json[]).map((x) => {
        const scope = (x.scope ?? {}) as Json;
        const project = (scope.project ?? {}) as Json;
        return {
          id: str(x.id),
          name: str(x.name),
          ...(scope.type === 'PROJECT' && project.id !== undefined ? { scopeProject: str(project.id) } : {}),
        };
      }),
    );
  }

  issueTypes(): Promise<LiveIssueType[]> {
    return this.once('issueTypes', async () =>
      ((await this.get('GET /rest/api/3/issuetype')) as Json[]).map((t) => {
        const scope = (t.scope ?? {}) as Json;
        const project = (scope.project ?? {}) as Json;
        return {
          id: str(t.id),
          name: str(t.name),
          subtask: t.subtask === true,
          hierarchyLevel: Number(t.hierarchyLevel ?? (t.subtask === true ? -1 : 0)),
          ...(scope.type === 'PROJECT' && project.id !== undefined ? { scopeProject: str(project.id) } : {}),
        };
      }),
    );
  }

  priorities(): Promise<Named[]> {
    return this.once('priorities', async () =>
      named(await this.list('GET /rest/api/3/priority/search', 'page-bean', { query: { maxResults: PAGE } })),
    );
  }

  resolutions(): Promise<Named[]> {
    return this.once('resolutions', async () =>
      named(await this.list('GET /rest/api/3/resolution/search', 'page-bean', { query: { maxResults: PAGE } })),
    );
  }

  linkTypes(): Promise<Array<Named & { inward: string; outward: string }>> {
    return this.once('linkTypes', async () => {
      const body = (await this.get('GET /rest/api/3/issueLinkType')) as Json;
      return ((body.issueLinkTypes ?? []) as Json[]).map((t) => ({
        id: str(t.id),
        name: str(t.name),
        inward: str(t.inward),
        outward: str(t.outward),
      }));
    });
  }

  users(): Promise<LiveUser[]> {
    return this.once('users', async () => {
      const out: LiveUser[] = [];
      for (let startAt = 0; ;) {
        const page = (await this.get('GET /rest/api/3/users/search', {
          query: { startAt, maxResults: 1000 },
          expectObjects: 1000,
        })) as Json[];
        out.push(...(Array.isArray(page) ? page : []).map(toUser));
        if (!Array.isArray(page) || page.length < 1000) return out;
        startAt += page.length;
      }
    });
  }

  groups(): Promise<LiveGroup[]> {
    return this.once('groups', async () =>
      (await this.list('GET /rest/api/3/group/bulk', 'page-bean', { query: { maxResults: PAGE } })).map((g) => ({
        groupId: str(g.groupId),
        name: str(g.name),
      })),
    );
  }

  boards(): Promise<LiveBoard[]> {
    return this.once('boards', async () => {
      try {
        const list = await this.list('GET /rest/agile/1.0/board', 'agile', { query: { maxResults: PAGE } });
        return list.map((b) => {
          const location = (b.location ?? {}) as Json;
          return {
            id: str(b.id),
            name: str(b.name),
            type: str(b.type),
            ...(location.projectKey !== undefined ? { projectKey: str(location.projectKey) } : {}),
          };
        });
      } catch (e) {
        // A site without Jira Software has no Agile API.
        if (e instanceof JiraError && e.kind === 'not-found') return [];
        throw e;
      }
    });
  }

  sprints(): Promise<LiveSprint[]> {
    return this.once('sprints', async () => {
      const out = new Map<string, LiveSprint>();
      for (const board of await this.boards()) {
        // Kanban boards have no sprints; scrum and team-managed (`simple`) boards list theirs.
        if (board.type === 'kanban') continue;
        const list = await this.list('GET /rest/agile/1.0/board/{boardId}/sprint', 'agile', {
          path: { boardId: Number(board.id) },
          query: { maxResults: PAGE },
        });
        for (const s of list)
          if (!out.has(str(s.id)))
            out.set(str(s.id), {
              id: str(s.id),
              name: str(s.name),
              state: str(s.state),
              boardId: str(s.originBoardId ?? board.id),
            });
      }
      return [...out.values()];
    });
  }

  createMeta(project: string, issueTypeId: string): Promise<ScreenField[] | undefined> {
    return this.once(`createmeta:${project}:${issueTypeId}`, async () => {
      try {
        const fields: Json[] = [];
        for (let startAt = 0; ;) {
          const page = (await this.get('GET /rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}', {
            path: { projectIdOrKey: project, issueTypeId },
            query: { startAt, maxResults: 200 },
            expectObjects: 50,
          })) as Json;
          const list = (page.fields ?? []) as Json[];
          fields.push(...list);
          startAt += list.length;
          if (list.length === 0 || startAt >= Number(page.total ?? 0)) break;
        }
        return screenFields(fields);
      } catch (e) {
        if (e instanceof JiraError && (e.kind === 'not-found' || e.kind === 'validation')) return undefined;
        throw e;
      }
    });
  }

  permissionScheme(project: string): Promise<string | undefined> {
    return this.once(`permissionscheme:${project}`, async () => {
      try {
        const body = (await this.get('GET /rest/api/3/project/{projectKeyOrId}/permissionscheme', {
          path: { projectKeyOrId: project },
        })) as Json;
        return body.id === undefined ? undefined : str(body.id);
      } catch (e) {
        if (e instanceof JiraError && e.kind === 'not-found') return undefined;
        throw e;
      }
    });
  }

  editMeta(issueId: string): Promise<ScreenField[]> {
    return this.once(`editmeta:${issueId}`, async () => {
      const body = (await this.get('GET /rest/api/3/issue/{issueIdOrKey}/editmeta', {
        path: { issueIdOrKey: issueId },
      })) as Json;
      return screenFields(body.fields);
    });
  }
}

function toUser(u: Json): LiveUser {
  return {
    accountId: str(u.accountId),
    displayName: str(u.displayName),
    ...(typeof u.emailAddress === 'string' ? { emailAddress: u.emailAddress } : {}),
    active: u.active !== false,
  };
}

function named(list: Json[]): Named[] {
  return (Array.isArray(list) ? list : []).map((x) => ({ id: str(x.id), name: str(x.name) }));
}

const OPTION_TYPES = /:(select|multiselect|radiobuttons|multicheckboxes|cascadingselect)$/;

export function isOptionType(type: string | undefined): boolean {
  return type !== undefined && OPTION_TYPES.test(type);
}
