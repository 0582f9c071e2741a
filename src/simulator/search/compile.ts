/**
 * Compiles a parsed JQL query against a site into a predicate and an ordering over SearchDocs —
 * the searchable snapshot of an issue the search index holds.
 *
 * Supported fields (clause names, case-insensitive):
 *   project                          = != IN NOT IN (key, id or name)
 *   key, issuekey, issue, id         = != IN NOT IN < <= > >= (keys, previous keys, or ids)
 *   created(Date), updated(Date),
 *   resolved, resolutiondate,
 *   due, duedate                     = != < <= > >= IS [NOT] EMPTY; 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd
 *                                    HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', epoch ms, relative '-5m',
 *                                    '-1d', '4w 2d'; now(), startOfDay(), endOfDay(), startOfWeek(),
 *                                    endOfWeek(), startOfMonth(), endOfMonth() (with an optional
 *                                    offset argument such as "-1d")
 *   issuetype, type, status,
 *   statusCategory, priority,
 *   resolution                       = != IN NOT IN IS [NOT] EMPTY (name or id; resolution also
 *                                    'Unresolved')
 *   assignee, reporter, creator      = != IN NOT IN IS [NOT] EMPTY (account id, currentUser())
 *   labels                           = != IN NOT IN IS [NOT] EMPTY
 *   parent                           = != IN NOT IN IS [NOT] EMPTY
 *   sprint                           = != IN NOT IN IS [NOT] EMPTY (id or name; openSprints(),
 *                                    closedSprints(), futureSprints())
 *   summary                          ~ !~ (case-insensitive word match)
 * ORDER BY: id, key/issuekey, created, updated, resolved/resolutiondate, due/duedate, project,
 * issuetype, status, priority, resolution, summary, assignee, reporter, rank — at most 7 fields.
 */
import type { Issue, Project } from '../world/site.js';
import type { Site } from '../world/types.js';
import { rankFieldId, sprintFieldId, zonedWallTimeToMs, zoneOffsetMs } from '../render/issue-fields.js';
import { JqlError, type JqlClause, type JqlOperand, type JqlOperator, type JqlQuery } from './jql.js';

/** The searchable snapshot of an issue, as the index last saw it. */
export interface SearchDoc {
  id: string;
  idNum: number;
  key: string;
  /** Current and previous keys, upper-cased. */
  keys: string[];
  projectId: string;
  issueTypeId: string;
  statusId: string;
  priorityId: string | undefined;
  resolutionId: string | undefined;
  assignee: string | undefined;
  reporter: string | undefined;
  creator: string;
  labels: string[];
  sprintIds: number[];
  parentId: string | undefined;
  created: number;
  updated: number;
  resolved: number | undefined;
  due: string | undefined;
  rank: string | undefined;
  summary: string;
  archived: boolean;
  version: number;
  /** The issue object (the live one while it exists; its last state once deleted). */
  issue: Issue;
}

/** The ids of the site's Sprint and Rank fields (look them up once for many documents). */
export function docFieldIds(site: Site): { sprint: string | undefined; rank: string | undefined } {
  return { sprint: sprintFieldId(site), rank: rankFieldId(site) };
}

export function searchDocOf(site: Site, issue: Issue, fieldIds = docFieldIds(site)): SearchDoc {
  const f = issue.fields;
  const sprintField = fieldIds.sprint;
  const rankField = fieldIds.rank;
  const str = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : String(v));
  const sprints = sprintField ? f[sprintField] : undefined;
  return {
    id: issue.id,
    idNum: Number(issue.id),
    key: issue.key,
    keys: [issue.key, ...issue.previousKeys].map((k) => k.toUpperCase()),
    projectId: issue.projectId,
    issueTypeId: String(f.issuetype ?? ''),
    statusId: String(f.status ?? ''),
    priorityId: str(f.priority),
    resolutionId: str(f.resolution),
    assignee: str(f.assignee),
    reporter: str(f.reporter),
    creator: issue.creatorId,
    labels: Array.isArray(f.labels) ? (f.labels as unknown[]).map(String) : [],
    sprintIds: Array.isArray(sprints)
      ? (sprints as unknown[]).map(Number)
      : sprints !== undefined && sprints !== null
        ? [Number(sprints)]
        : [],
    parentId: str(f.parent),
    created: issue.created,
    updated: issue.updated,
    resolved: issue.resolutionDate,
    due: str(f.duedate),
    rank: rankField ? str(f[rankField]) : undefined,
    summary: typeof f.summary === 'string' ? f.summary : '',
    archived: issue.archived,
    version: issue.version,
    issue,
  };
}

export interface CompileEnv {
  site: Site;
  viewerId: string;
  now: number;
  /** The viewer's time zone (JQL date literals are read in it). */
  timeZone: string;
  /** Resolves an issue key (current or previous) or id to an issue id the viewer may know of. */
  resolveIssue(keyOrId: string): string | undefined;
  /** True when the viewer may see a project (unknown and invisible projects answer alike). */
  projectVisible(project: Project): boolean;
  /** Atlassian accounts (user clauses resolve display names and visible e-mail addresses). */
  accounts: ReadonlyMap<string, { accountId: string; displayName: string; emailAddress: string | null }>;
}

export type SortValue = string | number | null;

export interface CompiledQuery {
  bounded: boolean;
  matches(doc: SearchDoc): boolean;
  /** The sort key of a document (ORDER BY values, then the id). */
  sortKey(doc: SearchDoc): SortValue[];
  /** Compares two sort keys in result order. */
  compareKeys(a: SortValue[], b: SortValue[]): number;
}

const MAX_ORDER_BY = 7;

function unknownField(name: string): JqlError {
  return new JqlError(`Field '${name}' does not exist or you do not have permission to view it.`);
}

function unsupportedOperator(op: JqlOperator, field: string): JqlError {
  return new JqlError(`The operator '${op.toUpperCase()}' is not supported by the '${field}' field.`);
}

function valueMissing(value: string, field: string): JqlError {
  return new JqlError(`The value '${value}' does not exist for the field '${field}'.`);
}

type Kind =
  | 'project'
  | 'issue'
  | 'id'
  | 'date'
  | 'issuetype'
  | 'status'
  | 'statusCategory'
  | 'priority'
  | 'resolution'
  | 'user'
  | 'labels'
  | 'parent'
  | 'sprint'
  | 'text';

interface FieldSpec {
  kind: Kind;
  /** The canonical field name used in messages. */
  name: string;
  dateOf?: (d: SearchDoc) => number | undefined;
  dateOnly?: boolean;
  userOf?: (d: SearchDoc) => string | undefined;
}

const FIELDS: Record<string, FieldSpec> = {
  project: { kind: 'project', name: 'project' },
  key: { kind: 'issue', name: 'key' },
  issuekey: { kind: 'issue', name: 'issuekey' },
  issue: { kind: 'issue', name: 'issue' },
  id: { kind: 'id', name: 'id' },
  created: { kind: 'date', name: 'created', dateOf: (d) => d.created },
  createddate: { kind: 'date', name: 'created', dateOf: (d) => d.created },
  updated: { kind: 'date', name: 'updated', dateOf: (d) => d.updated },
  updateddate: { kind: 'date', name: 'updated', dateOf: (d) => d.updated },
  resolved: { kind: 'date', name: 'resolved', dateOf: (d) => d.resolved },
  resolutiondate: { kind: 'date', name: 'resolutiondate', dateOf: (d) => d.resolved },
  due: { kind: 'date', name: 'due', dateOnly: true },
  duedate: { kind: 'date', name: 'duedate', dateOnly: true },
  issuetype: { kind: 'issuetype', name: 'issuetype' },
  type: { kind: 'issuetype', name: 'type' },
  status: { kind: 'status', name: 'status' },
  statuscategory: { kind: 'statusCategory', name: 'statusCategory' },
  priority: { kind: 'priority', name: 'priority' },
  resolution: { kind: 'resolution', name: 'resolution' },
  assignee: { kind: 'user', name: 'assignee', userOf: (d) => d.assignee },
  reporter: { kind: 'user', name: 'reporter', userOf: (d) => d.reporter },
  creator: { kind: 'user', name: 'creator', userOf: (d) => d.creator },
  labels: { kind: 'labels', name: 'labels' },
  parent: { kind: 'parent', name: 'parent' },
  sprint: { kind: 'sprint', name: 'sprint' },
  summary: { kind: 'text', name: 'summary' },
};

const EQUALITY: JqlOperator[] = ['=', '!=', 'in', 'not in'];
const EMPTINESS: JqlOperator[] = ['is', 'is not'];
const ORDERING: JqlOperator[] = ['<', '<=', '>', '>='];

function keyParts(key: string): { project: string; num: number } | undefined {
  const m = /^([A-Z][A-Z0-9_]*)-(\d+)$/i.exec(key);
  return m ? { project: m[1]!.toUpperCase(), num: Number(m[2]) } : undefined;
}

export class JqlCompiler {
  constructor(private readonly env: CompileEnv) {}

  private get site(): Site {
    return this.env.site;
  }

  compile(query: JqlQuery): CompiledQuery {
    const where = query.where ? this.clause(query.where) : () => true;
    if (query.orderBy.length > MAX_ORDER_BY)
      throw new JqlError(`The ORDER BY clause can contain at most ${MAX_ORDER_BY} fields.`);
    const sorts = query.orderBy.length > 0 ? query.orderBy : [{ field: 'key', direction: 'desc' as const, pos: 0 }];
    const getters = sorts.map((s) => ({
      get: this.sortGetter(s.field),
      desc: (s.direction ?? this.defaultDirection(s.field)) === 'desc',
    }));
    return {
      bounded: query.where !== undefined,
      matches: (doc) => where(doc),
      sortKey: (doc) => [...getters.map((g) => g.get(doc)), doc.idNum],
      compareKeys: (a, b) => {
        for (let i = 0; i < getters.length; i++) {
          const c = compareValues(a[i] ?? null, b[i] ?? null);
          if (c !== 0) return getters[i]!.desc ? -c : c;
        }
        return compareValues(a[getters.length] ?? null, b[getters.length] ?? null);
      },
    };
  }

  private defaultDirection(field: string): 'asc' | 'desc' {
    // Jira sorts date fields newest first by default, everything else ascending.
    return ['created', 'updated', 'resolved', 'resolutiondate', 'createddate', 'updateddate'].includes(
      field.toLowerCase(),
    )
      ? 'desc'
      : 'asc';
  }

  private spec(field: string): FieldSpec {
    const spec = FIELDS[field.toLowerCase()];
    if (spec) return spec;
    const def = [...this.site.data.fields.values()].find(
      (f) =>
        f.id.toLowerCase() === field.toLowerCase() ||
        f.clauseNames.some((c) => c.toLowerCase() === field.toLowerCase()) ||
        f.name.toLowerCase() === field.toLowerCase(),
    );
    if (def) throw new JqlError(`Searching by the field '${field}' is not supported by the simulator's JQL subset.`);
    throw unknownField(field);
  }

  private clause(c: JqlClause): (d: SearchDoc) => boolean {
    switch (c.kind) {
      case 'and': {
        const parts = c.clauses.map((x) => this.clause(x));
        return (d) => parts.every((p) => p(d));
      }
      case 'or': {
        const parts = c.clauses.map((x) => this.clause(x));
        return (d) => parts.some((p) => p(d));
      }
      case 'not': {
        const inner = this.clause(c.clause);
        return (d) => !inner(d);
      }
      case 'term':
        return this.term(c.field, c.op, c.operand);
    }
  }

  private values(operand: JqlOperand, op: JqlOperator, field: string): JqlOperand[] {
    if (operand.kind === 'list') {
      if (op !== 'in' && op !== 'not in')
        throw new JqlError(`The operator '${op.toUpperCase()}' does not support the list value for field '${field}'.`);
      return operand.items;
    }
    return [operand];
  }

  private term(field: string, op: JqlOperator, operand: JqlOperand): (d: SearchDoc) => boolean {
    const spec = this.spec(field);
    const isEmpty = operand.kind === 'empty';
    if (EMPTINESS.includes(op) && !isEmpty)
      throw new JqlError(
        `The operator '${op.toUpperCase()}' is only supported with EMPTY or NULL on the '${spec.name}' field.`,
      );
    if (isEmpty && (op === '=' || op === '!=')) op = op === '=' ? 'is' : 'is not';
    if (isEmpty && !EMPTINESS.includes(op)) throw unsupportedOperator(op, spec.name);

    switch (spec.kind) {
      case 'project':
        return this.setTerm(
          spec,
          op,
          operand,
          (v) => this.projectIds(v, spec.name),
          (d) => [d.projectId],
        );
      case 'issue':
      case 'id':
        return this.issueTerm(spec, op, operand);
      case 'date':
        return this.dateTerm(spec, op, operand);
      case 'issuetype':
        return this.setTerm(
          spec,
          op,
          operand,
          (v) => this.issueTypeIds(v, spec.name),
          (d) => [d.issueTypeId],
        );
      case 'status':
        return this.setTerm(
          spec,
          op,
          operand,
          (v) => this.byNameOrId(this.site.data.statuses, v, spec.name),
          (d) => [d.statusId],
        );
      case 'statusCategory':
        return this.setTerm(
          spec,
          op,
          operand,
          (v) => this.statusCategoryIds(v, spec.name),
          (d) => {
            const s = this.site.data.statuses.get(d.statusId);
            return s ? [String(s.statusCategoryId)] : [];
          },
        );
      case 'priority':
        return this.setTerm(
          spec,
          op,
          operand,
          (v) => this.byNameOrId(this.site.data.priorities, v, spec.name),
          (d) => (d.priorityId ? [d.priorityId] : []),
        );
      case 'resolution':
        return this.setTerm(
          spec,
          op,
          operand,
          (v) => {
            if (v.kind === 'value' && v.value.toLowerCase() === 'unresolved') return [];
            return this.byNameOrId(this.site.data.resolutions, v, spec.name);
          },
          (d) => (d.resolutionId ? [d.resolutionId] : []),
          (v) => v.kind === 'value' && v.value.toLowerCase() === 'unresolved',
        );
      case 'user':
        return this.setTerm(
          spec,
          op,
          operand,
          (v) => this.accountIds(v, spec.name),
          (d) => {
            const u = spec.userOf!(d);
            return u ? [u] : [];
          },
        );
      case 'labels':
        return this.setTerm(
          spec,
          op,
          operand,
          (v) => {
            if (v.kind !== 'value')
              throw new JqlError(
                `Function '${v.kind === 'function' ? v.name : ''}' is not supported for the 'labels' field.`,
              );
            return [v.value];
          },
          (d) => d.labels,
        );
      case 'parent':
        return this.setTerm(
          spec,
          op,
          operand,
          (v) => {
            if (v.kind !== 'value')
              throw new JqlError(`Unable to find JQL function '${v.kind === 'function' ? v.name : ''}()'.`);
            const id = this.env.resolveIssue(v.value);
            if (!id) throw new JqlError(`An issue with key '${v.value}' does not exist for field 'parent'.`);
            return [id];
          },
          (d) => (d.parentId ? [d.parentId] : []),
        );
      case 'sprint':
        return this.setTerm(
          spec,
          op,
          operand,
          (v) => this.sprintIds(v),
          (d) => d.sprintIds.map(String),
        );
      case 'text':
        return this.textTerm(spec, op, operand);
    }
  }

  /**
   * A term over a set-valued property: `=`/IN match when the doc holds any wanted value;
   * `!=`/NOT IN match non-empty values that hold none (Jira's negations skip empty fields);
   * IS [NOT] EMPTY test emptiness.
   */
  private setTerm(
    spec: FieldSpec,
    op: JqlOperator,
    operand: JqlOperand,
    resolve: (v: JqlOperand) => string[],
    valuesOf: (d: SearchDoc) => string[],
    meansEmpty?: (v: JqlOperand) => boolean,
  ): (d: SearchDoc) => boolean {
    if (op === 'is' || op === 'is not') {
      const empty = op === 'is';
      return (d) => (valuesOf(d).length === 0) === empty;
    }
    if (!EQUALITY.includes(op)) throw unsupportedOperator(op, spec.name);
    const items = this.values(operand, op, spec.name);
    const wanted = new Set<string>();
    let wantsEmpty = false;
    for (const item of items) {
      if (item.kind === 'empty' || meansEmpty?.(item)) {
        wantsEmpty = true;
        continue;
      }
      for (const v of resolve(item)) wanted.add(v);
    }
    const positive = (d: SearchDoc): boolean => {
      const vs = valuesOf(d);
      if (vs.length === 0) return wantsEmpty;
      return vs.some((v) => wanted.has(v));
    };
    if (op === '=' || op === 'in') return positive;
    return (d) => {
      const vs = valuesOf(d);
      if (vs.length === 0) return false;
      return !vs.some((v) => wanted.has(v));
    };
  }

  private projectIds(v: JqlOperand, field: string): string[] {
    if (v.kind !== 'value')
      throw new JqlError(`Unable to find JQL function '${v.kind === 'function' ? v.name : ''}()'.`);
    const data = this.site.data;
    const byKey = data.projectKeys.get(v.value.toUpperCase());
    const project =
      (byKey ? data.projects.get(byKey) : undefined) ??
      data.projects.get(v.value) ??
      [...data.projects.values()].find((p) => p.name.toLowerCase() === v.value.toLowerCase());
    if (!project || project.status === 'deleted' || !this.env.projectVisible(project))
      throw valueMissing(v.value, field);
    return [project.id];
  }

  private byNameOrId(map: Map<string, { id: string; name: string }>, v: JqlOperand, field: string): string[] {
    if (v.kind !== 'value')
      throw new JqlError(`Unable to find JQL function '${v.kind === 'function' ? v.name : ''}()'.`);
    if (map.has(v.value)) return [v.value];
    const ids = [...map.values()].filter((x) => x.name.toLowerCase() === v.value.toLowerCase()).map((x) => x.id);
    if (ids.length === 0) throw valueMissing(v.value, field);
    return ids;
  }

  private issueTypeIds(v: JqlOperand, field: string): string[] {
    const types = [...this.site.data.issueTypes.values()];
    if (v.kind === 'function') {
      const name = v.name.toLowerCase();
      if (name === 'standardissuetypes') return types.filter((t) => !t.subtask).map((t) => t.id);
      if (name === 'subtaskissuetypes') return types.filter((t) => t.subtask).map((t) => t.id);
      throw new JqlError(`Unable to find JQL function '${v.name}()'.`);
    }
    return this.byNameOrId(this.site.data.issueTypes, v, field);
  }

  private statusCategoryIds(v: JqlOperand, field: string): string[] {
    if (v.kind !== 'value')
      throw new JqlError(`Unable to find JQL function '${v.kind === 'function' ? v.name : ''}()'.`);
    const wanted = v.value.toLowerCase();
    const ids = [...this.site.data.statusCategories.values()]
      .filter((c) => String(c.id) === v.value || c.key.toLowerCase() === wanted || c.name.toLowerCase() === wanted)
      .map((c) => String(c.id));
    if (ids.length === 0) throw valueMissing(v.value, field);
    return ids;
  }

  private accountIds(v: JqlOperand, field: string): string[] {
    if (v.kind === 'function') {
      if (v.name.toLowerCase() === 'currentuser') return [this.env.viewerId];
      throw new JqlError(`Unable to find JQL function '${v.name}()'.`);
    }
    if (v.kind !== 'value') return [];
    const accounts = this.env.site.members;
    if (accounts.has(v.value)) return [v.value];
    // Jira also resolves display names (and visible e-mail addresses).
    const world = this.worldAccounts();
    const matched = [...world.values()]
      .filter(
        (a) =>
          a.displayName.toLowerCase() === v.value.toLowerCase() ||
          (a.emailAddress !== null && a.emailAddress.toLowerCase() === v.value.toLowerCase()),
      )
      .map((a) => a.accountId);
    if (matched.length > 0) return matched;
    if (world.has(v.value)) return [v.value];
    throw new JqlError(`The value '${v.value}' does not exist for the field '${field}'.`);
  }

  private worldAccounts(): CompileEnv['accounts'] {
    return this.env.accounts;
  }

  private sprintIds(v: JqlOperand): string[] {
    const sprints = [...this.site.data.sprints.values()];
    if (v.kind === 'function') {
      const name = v.name.toLowerCase();
      const state =
        name === 'opensprints'
          ? 'active'
          : name === 'closedsprints'
            ? 'closed'
            : name === 'futuresprints'
              ? 'future'
              : undefined;
      if (!state) throw new JqlError(`Unable to find JQL function '${v.name}()'.`);
      return sprints
        .filter((s) => s.state === state || (name === 'opensprints' && s.state === 'future'))
        .map((s) => String(s.id));
    }
    if (v.kind !== 'value') return [];
    if (/^\d+$/.test(v.value) && this.site.data.sprints.has(Number(v.value))) return [v.value];
    const ids = sprints.filter((s) => s.name.toLowerCase() === v.value.toLowerCase()).map((s) => String(s.id));
    if (ids.length === 0) throw valueMissing(v.value, 'sprint');
    return ids;
  }

  private issueTerm(spec: FieldSpec, op: JqlOperator, operand: JqlOperand): (d: SearchDoc) => boolean {
    if (op === 'is' || op === 'is not') {
      const empty = op === 'is';
      return () => !empty;
    }
    if (ORDERING.includes(op)) {
      if (operand.kind !== 'value') throw unsupportedOperator(op, spec.name);
      const cmp = ordering(op);
      if (/^\d+$/.test(operand.value)) {
        const n = Number(operand.value);
        if (spec.kind === 'id') return (d) => cmp(d.idNum, n);
        const id = this.env.resolveIssue(operand.value);
        if (!id) throw new JqlError(`An issue with key '${operand.value}' does not exist for field '${spec.name}'.`);
        return this.issueTerm(spec, op, { ...operand, value: id });
      }
      const parts = keyParts(operand.value);
      if (!parts) throw new JqlError(`The issue key '${operand.value}' for field '${spec.name}' is invalid.`);
      return (d) => {
        const own = keyParts(d.key);
        return own !== undefined && own.project === parts.project && cmp(own.num, parts.num);
      };
    }
    if (!EQUALITY.includes(op)) throw unsupportedOperator(op, spec.name);
    const ids = new Set<string>();
    for (const item of this.values(operand, op, spec.name)) {
      if (item.kind !== 'value')
        throw new JqlError(`Unable to find JQL function '${item.kind === 'function' ? item.name : ''}()'.`);
      const id = this.env.resolveIssue(item.value);
      if (id === undefined) {
        if (/^\d+$/.test(item.value) && spec.kind === 'id') {
          ids.add(item.value);
          continue;
        }
        if (!keyParts(item.value) && !/^\d+$/.test(item.value))
          throw new JqlError(`The issue key '${item.value}' for field '${spec.name}' is invalid.`);
        throw new JqlError(`An issue with key '${item.value}' does not exist for field '${spec.name}'.`);
      }
      ids.add(id);
    }
    const positive = (d: SearchDoc): boolean => ids.has(d.id);
    return op === '=' || op === 'in' ? positive : (d) => !positive(d);
  }

  private dateTerm(spec: FieldSpec, op: JqlOperator, operand: JqlOperand): (d: SearchDoc) => boolean {
    const valueOf = spec.dateOnly
      ? (d: SearchDoc): number | undefined => (d.due ? this.parseDate(d.due, spec.name) : undefined)
      : spec.dateOf!;
    if (op === 'is' || op === 'is not') {
      const empty = op === 'is';
      return (d) => (valueOf(d) === undefined) === empty;
    }
    if (op === 'in' || op === 'not in') {
      const set = new Set(this.values(operand, op, spec.name).map((v) => this.dateOperand(v, spec.name)));
      return op === 'in'
        ? (d) => {
            const v = valueOf(d);
            return v !== undefined && set.has(v);
          }
        : (d) => {
            const v = valueOf(d);
            return v !== undefined && !set.has(v);
          };
    }
    if (op === '~' || op === '!~') throw unsupportedOperator(op, spec.name);
    const t = this.dateOperand(operand, spec.name);
    const cmp =
      op === '=' ? (a: number) => a === t : op === '!=' ? (a: number) => a !== t : (a: number) => ordering(op)(a, t);
    return (d) => {
      const v = valueOf(d);
      return v !== undefined && cmp(v);
    };
  }

  private dateOperand(v: JqlOperand, field: string): number {
    if (v.kind === 'function') return this.dateFunction(v.name, v.args, field);
    if (v.kind !== 'value') throw new JqlError(`Date value for field '${field}' is invalid.`);
    return this.parseDate(v.value, field);
  }

  private parseDate(text: string, field: string): number {
    const s = text.trim();
    const tz = this.env.timeZone;
    let m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(s);
    if (m) {
      const [y, mo, d, h, mi] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0)];
      if (mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60) return zonedWallTimeToMs(y, mo, d, h, mi, tz);
    }
    if (/^\d{9,}$/.test(s)) return Number(s);
    m = /^([+-]?)\s*((?:\d+\s*[wdhm]\s*)+)$/.exec(s);
    if (m) {
      const sign = m[1] === '-' ? -1 : 1;
      let ms = 0;
      for (const part of m[2]!.matchAll(/(\d+)\s*([wdhm])/g)) {
        const n = Number(part[1]);
        ms += n * { w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000 }[part[2] as 'w' | 'd' | 'h' | 'm'];
      }
      return this.env.now + sign * ms;
    }
    throw new JqlError(
      `Date value '${text}' for field '${field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
    );
  }

  private dateFunction(name: string, args: string[], field: string): number {
    const now = this.env.now;
    const tz = this.env.timeZone;
    const offset = args[0] !== undefined ? this.parseDate(args[0], field) - now : 0;
    const local = new Date(now + zoneOffsetMs(now, tz));
    const y = local.getUTCFullYear();
    const mo = local.getUTCMonth() + 1;
    const d = local.getUTCDate();
    const dow = (local.getUTCDay() + 6) % 7; // Monday = 0
    const at = (yy: number, mm: number, dd: number): number => zonedWallTimeToMs(yy, mm, dd, 0, 0, tz);
    switch (name.toLowerCase()) {
      case 'now':
        return now;
      case 'startofday':
        return at(y, mo, d) + offset;
      case 'endofday':
        return at(y, mo, d) + 86_400_000 - 1 + offset;
      case 'startofweek':
        return at(y, mo, d) - dow * 86_400_000 + offset;
      case 'endofweek':
        return at(y, mo, d) + (7 - dow) * 86_400_000 - 1 + offset;
      case 'startofmonth':
        return at(y, mo, 1) + offset;
      case 'endofmonth':
        return (mo === 12 ? at(y + 1, 1, 1) : at(y, mo + 1, 1)) - 1 + offset;
      default:
        throw new JqlError(`Unable to find JQL function '${name}()'.`);
    }
  }

  private textTerm(spec: FieldSpec, op: JqlOperator, operand: JqlOperand): (d: SearchDoc) => boolean {
    if (op !== '~' && op !== '!~') throw unsupportedOperator(op, spec.name);
    if (operand.kind !== 'value') throw unsupportedOperator(op, spec.name);
    const words = operand.value
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w !== '')
      .map((w) => w.replace(/\*$/, ''));
    const matches = (d: SearchDoc): boolean => {
      const text = d.summary.toLowerCase();
      return words.every((w) => text.includes(w));
    };
    return op === '~' ? matches : (d) => !matches(d);
  }

  private sortGetter(field: string): (d: SearchDoc) => SortValue {
    const site = this.site;
    switch (field.toLowerCase()) {
      case 'id':
        return (d) => d.idNum;
      case 'key':
      case 'issuekey':
        return (d) => {
          const p = keyParts(d.key);
          return p ? `${p.project}-${String(p.num).padStart(12, '0')}` : d.key;
        };
      case 'created':
      case 'createddate':
        return (d) => d.created;
      case 'updated':
      case 'updateddate':
        return (d) => d.updated;
      case 'resolved':
      case 'resolutiondate':
        return (d) => d.resolved ?? null;
      case 'due':
      case 'duedate':
        return (d) => d.due ?? null;
      case 'project':
        return (d) => site.data.projects.get(d.projectId)?.name.toLowerCase() ?? null;
      case 'issuetype':
      case 'type':
        return (d) => site.data.issueTypes.get(d.issueTypeId)?.name.toLowerCase() ?? null;
      case 'status':
        return (d) => site.data.statuses.get(d.statusId)?.name.toLowerCase() ?? null;
      case 'priority': {
        const order = [...site.data.priorities.keys()];
        // Higher priorities (earlier in the list) sort last ascending, first with DESC.
        return (d) => (d.priorityId ? order.length - order.indexOf(d.priorityId) : null);
      }
      case 'resolution':
        return (d) => (d.resolutionId ? (site.data.resolutions.get(d.resolutionId)?.name.toLowerCase() ?? null) : null);
      case 'summary':
        return (d) => d.summary.toLowerCase();
      case 'assignee':
        return (d) =>
          d.assignee ? (this.worldAccounts().get(d.assignee)?.displayName.toLowerCase() ?? d.assignee) : null;
      case 'reporter':
        return (d) =>
          d.reporter ? (this.worldAccounts().get(d.reporter)?.displayName.toLowerCase() ?? d.reporter) : null;
      case 'rank':
        return (d) => d.rank ?? null;
      default:
        break;
    }
    if (FIELDS[field.toLowerCase()]) throw new JqlError(`Not able to sort using field '${field}'.`);
    const def = [...site.data.fields.values()].find(
      (f) => f.id.toLowerCase() === field.toLowerCase() || f.name.toLowerCase() === field.toLowerCase(),
    );
    if (def) throw new JqlError(`Not able to sort using field '${field}'.`);
    throw unknownField(field);
  }
}

function ordering(op: JqlOperator): (a: number, b: number) => boolean {
  switch (op) {
    case '<':
      return (a, b) => a < b;
    case '<=':
      return (a, b) => a <= b;
    case '>':
      return (a, b) => a > b;
    default:
      return (a, b) => a >= b;
  }
}

/** Ascending order of sort values; empty values sort after every value. */
export function compareValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export function compileJql(query: JqlQuery, env: CompileEnv): CompiledQuery {
  return new JqlCompiler(env).compile(query);
}
