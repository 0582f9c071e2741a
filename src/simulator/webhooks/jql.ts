/**
 * The JQL subset of dynamic-webhook `jqlFilter`s: Atlassian documents issueKey, project,
 * issuetype, status, assignee, reporter, issue.property and cf[id] with =, !=, IN and NOT IN
 * (`parseWebhookJql` validates a filter against it in Jira's wording), evaluated on each event's
 * live issue (`matchesJql`). Board filters and the Agile `jql` parameters use the shared search
 * engine instead (src/simulator/search, rest/agile-access.ts).
 */
import { findProject } from '../world/queries.js';
import type { Issue, JsonValue } from '../world/site.js';
import type { Site } from '../world/types.js';

export type JqlValue = { kind: 'string'; value: string } | { kind: 'empty' } | { kind: 'func'; name: string };

export type JqlNode =
  | { type: 'and' | 'or'; left: JqlNode; right: JqlNode }
  | { type: 'not'; expr: JqlNode }
  | { type: 'clause'; field: string; op: JqlOp; values: JqlValue[] };

/** Operators the evaluator understands. The parser also accepts ~, !~, <, >, <=, >= so that a
 *  query can be reported precisely (unsupported field before unsupported operator). */
export type JqlOp = '=' | '!=' | 'in' | 'not in' | 'is' | 'is not' | '~' | '!~' | '<' | '>' | '<=' | '>=';

const EVALUABLE_OPS = new Set<JqlOp>(['=', '!=', 'in', 'not in', 'is', 'is not']);

export interface JqlQuery {
  where?: JqlNode;
  orderBy: Array<{ field: string; direction: 'asc' | 'desc' }>;
}

export class JqlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JqlError';
  }
}

// ---------------------------------------------------------------------------------------------
// Lexer and parser

type Tok = { t: 'word'; v: string; quoted: boolean } | { t: 'op'; v: string } | { t: '(' | ')' | ',' | 'end' };

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      out.push({ t: c });
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let v = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        v += src[j];
        j++;
      }
      if (j >= src.length)
        throw new JqlError(`Error in the JQL Query: the quoted string starting at character ${i} is not closed.`);
      out.push({ t: 'word', v, quoted: true });
      i = j + 1;
    } else if (c === '!' && src[i + 1] === '=') {
      out.push({ t: 'op', v: '!=' });
      i += 2;
    } else if (c === '=' || c === '~' || c === '<' || c === '>') {
      const two = src.slice(i, i + 2);
      const v = two === '<=' || two === '>=' || two === '!~' ? two : c;
      out.push({ t: 'op', v });
      i += v.length;
    } else {
      let j = i;
      let v = '';
      while (j < src.length && !/[\s(),=!~<>"']/.test(src[j]!)) {
        // cf[10020] and issue.property[key].path keep their brackets.
        v += src[j];
        j++;
      }
      if (v === '') throw new JqlError(`Error in the JQL Query: the character '${c}' is a reserved JQL character.`);
      out.push({ t: 'word', v, quoted: false });
      i = j;
    }
  }
  out.push({ t: 'end' });
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i]!;
  }
  private next(): Tok {
    return this.toks[this.i++]!;
  }
  private isWord(w: string): boolean {
    const t = this.peek();
    return t.t === 'word' && !t.quoted && t.v.toLowerCase() === w;
  }

  parse(): JqlQuery {
    const q: JqlQuery = { orderBy: [] };
    if (!this.isWord('order') && this.peek().t !== 'end') q.where = this.or();
    if (this.isWord('order')) {
      this.next();
      if (!this.isWord('by')) throw new JqlError("Error in the JQL Query: expecting 'by' after 'order'.");
      this.next();
      for (;;) {
        const f = this.next();
        if (f.t !== 'word') throw new JqlError('Error in the JQL Query: expecting a field name after ORDER BY.');
        let direction: 'asc' | 'desc' = 'asc';
        if (this.isWord('asc') || this.isWord('desc'))
          direction = (this.next() as { v: string }).v.toLowerCase() as 'asc';
        q.orderBy.push({ field: f.v.toLowerCase(), direction });
        if (this.peek().t !== ',') break;
        this.next();
      }
    }
    if (this.peek().t !== 'end') throw new JqlError('Error in the JQL Query: unexpected text after the query.');
    return q;
  }

  private or(): JqlNode {
    let left = this.and();
    while (this.isWord('or')) {
      this.next();
      left = { type: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): JqlNode {
    let left = this.unary();
    while (this.isWord('and')) {
      this.next();
      left = { type: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): JqlNode {
    if (this.isWord('not')) {
      this.next();
      return { type: 'not', expr: this.unary() };
    }
    if (this.peek().t === '(') {
      this.next();
      const e = this.or();
      if (this.next().t !== ')') throw new JqlError("Error in the JQL Query: expecting ')'.");
      return e;
    }
    return this.clause();
  }

  private clause(): JqlNode {
    const f = this.next();
    if (f.t !== 'word') throw new JqlError('Error in the JQL Query: expecting a field name.');
    const field = f.v;
    let op: JqlOp;
    const t = this.peek();
    if (t.t === 'op') {
      this.next();
      op = t.v as JqlOp;
    } else if (this.isWord('in')) {
      this.next();
      op = 'in';
    } else if (this.isWord('not')) {
      this.next();
      if (!this.isWord('in')) throw new JqlError("Error in the JQL Query: expecting 'in' after 'not'.");
      this.next();
      op = 'not in';
    } else if (this.isWord('is')) {
      this.next();
      op = 'is';
      if (this.isWord('not')) {
        this.next();
        op = 'is not';
      }
    } else {
      throw new JqlError(`Error in the JQL Query: expecting an operator after '${field}'.`);
    }
    const values: JqlValue[] = [];
    if (op === 'in' || op === 'not in') {
      if (this.peek().t === '(') {
        this.next();
        for (;;) {
          values.push(this.value());
          const sep = this.next();
          if (sep.t === ')') break;
          if (sep.t !== ',') throw new JqlError("Error in the JQL Query: expecting ',' or ')'.");
        }
      } else {
        values.push(this.value()); // "sprint in openSprints()"
      }
    } else {
      values.push(this.value());
    }
    return { type: 'clause', field, op, values };
  }

  private value(): JqlValue {
    const t = this.next();
    if (t.t !== 'word') throw new JqlError('Error in the JQL Query: expecting a value.');
    if (!t.quoted && (t.v.toLowerCase() === 'empty' || t.v.toLowerCase() === 'null')) return { kind: 'empty' };
    if (!t.quoted && this.peek().t === '(') {
      this.next();
      if (this.next().t !== ')')
        throw new JqlError('Error in the JQL Query: functions with arguments are not supported.');
      return { kind: 'func', name: t.v.toLowerCase() };
    }
    return { kind: 'string', value: t.v };
  }
}

function checkOperators(q: JqlQuery): JqlQuery {
  for (const c of clauses(q.where))
    if (!EVALUABLE_OPS.has(c.op)) throw new JqlError(`The operator '${c.op}' is not supported.`);
  return q;
}

/** Parses a query the evaluator can run (operators =, !=, IN, NOT IN, IS, IS NOT). */
export function parseJql(src: string): JqlQuery {
  return checkOperators(new Parser(lex(src)).parse());
}

type Clause = Extract<JqlNode, { type: 'clause' }>;

/** Every clause of a query tree, left to right. */
function clauses(n: JqlNode | undefined, out: Clause[] = []): Clause[] {
  if (!n) return out;
  if (n.type === 'clause') out.push(n);
  else if (n.type === 'not') clauses(n.expr, out);
  else {
    clauses(n.left, out);
    clauses(n.right, out);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The webhook subset

const WEBHOOK_FIELDS = new Set(['issuekey', 'key', 'project', 'issuetype', 'type', 'status', 'assignee', 'reporter']);

function webhookField(field: string): boolean {
  const f = field.toLowerCase();
  return WEBHOOK_FIELDS.has(f) || /^cf\[\d+\]$/.test(f) || /^issue\.property\[[^\]]+\](\.[^\s]+)?$/i.test(field);
}

/**
 * Parses a webhook jqlFilter and checks it stays inside the documented subset. Throws JqlError
 * with Jira's wording ("The clause watchCount is unsupported") otherwise.
 */
export function parseWebhookJql(src: string): JqlQuery {
  const q = new Parser(lex(src)).parse();
  if (q.orderBy.length > 0) throw new JqlError('The ORDER BY clause is unsupported');
  for (const n of clauses(q.where)) {
    if (!webhookField(n.field)) throw new JqlError(`The clause ${n.field} is unsupported`);
    if (!EVALUABLE_OPS.has(n.op)) throw new JqlError(`The operator '${n.op}' is not supported.`);
    if (n.op === 'is' || n.op === 'is not') throw new JqlError(`The operator '${n.op.toUpperCase()}' is unsupported`);
    for (const v of n.values) {
      if (v.kind === 'func' && v.name !== 'currentuser') throw new JqlError(`The function ${v.name}() is unsupported`);
    }
  }
  return q;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

export interface JqlContext {
  site: Site;
  /** The account currentUser() stands for. */
  accountId: string;
}

function eqi(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** What an issue's field holds, as comparable strings (several for multi-valued fields). */
function candidates(ctx: JqlContext, issue: Issue, field: string): Array<string[]> | 'sprint' {
  const { site } = ctx;
  const data = site.data;
  const f = field.toLowerCase();
  const one = (...names: Array<string | undefined>): string[] => names.filter((n): n is string => n !== undefined);
  switch (f) {
    case 'issuekey':
    case 'key':
    case 'id':
      return [one(issue.key, issue.id, ...issue.previousKeys)];
    case 'project': {
      const p = data.projects.get(issue.projectId);
      return [one(p?.key, p?.id, p?.name, ...(p?.previousKeys ?? []))];
    }
    case 'issuetype':
    case 'type': {
      const t = data.issueTypes.get(String(issue.fields.issuetype));
      return [one(t?.name, t?.id)];
    }
    case 'status': {
      const s = data.statuses.get(String(issue.fields.status));
      return [one(s?.name, s?.id)];
    }
    case 'statuscategory': {
      const s = data.statuses.get(String(issue.fields.status));
      const c = s ? data.statusCategories.get(s.statusCategoryId) : undefined;
      return [one(c?.key, c?.name, c ? String(c.id) : undefined)];
    }
    case 'assignee':
    case 'reporter':
      return typeof issue.fields[f] === 'string' ? [[issue.fields[f] as string]] : [];
    case 'labels':
      return Array.isArray(issue.fields.labels) ? (issue.fields.labels as string[]).map((l) => [l]) : [];
    case 'sprint':
      return 'sprint';
  }
  const cf = /^cf\[(\d+)\]$/.exec(f);
  if (cf) return customValues(ctx, issue, `customfield_${cf[1]}`);
  const prop = /^issue\.property\[([^\]]+)\](?:\.(.+))?$/i.exec(field);
  if (prop) {
    let v: JsonValue | undefined = issue.properties.get(prop[1]!);
    for (const part of prop[2] ? prop[2].split('.') : []) {
      v = v !== null && typeof v === 'object' && !Array.isArray(v) ? v[part] : undefined;
    }
    if (v === undefined || v === null) return [];
    return Array.isArray(v) ? v.map((x) => [String(x)]) : [[String(v)]];
  }
  throw new JqlError(`Field '${field}' does not exist or you do not have permission to view it.`);
}

function customValues(ctx: JqlContext, issue: Issue, fieldId: string): Array<string[]> {
  const v = issue.fields[fieldId];
  if (v === undefined || v === null) return [];
  const optionValue = (id: string): string | undefined => {
    for (const c of ctx.site.data.fieldContexts.values()) {
      if (c.fieldId !== fieldId) continue;
      const o = c.options.find((x) => x.id === id);
      if (o) return o.value;
    }
    return undefined;
  };
  const expand = (x: unknown): string[] => {
    if (x !== null && typeof x === 'object' && 'id' in (x as object)) {
      const id = String((x as { id: unknown }).id);
      return [id, optionValue(id)].filter((s): s is string => s !== undefined);
    }
    const s = String(x);
    return [s, optionValue(s)].filter((t): t is string => t !== undefined);
  };
  return Array.isArray(v) ? v.map(expand) : [expand(v)];
}

function sprintMatches(ctx: JqlContext, issue: Issue, value: JqlValue): boolean {
  const data = ctx.site.data;
  const fieldId = [...data.fields.values()].find((f) => f.schema.custom === 'com.pyxis.greenhopper.jira:gh-sprint')?.id;
  const raw = fieldId ? issue.fields[fieldId] : undefined;
  const ids = Array.isArray(raw) ? (raw as number[]) : [];
  if (value.kind === 'empty') return ids.length === 0;
  if (value.kind === 'func') {
    const want =
      value.name === 'opensprints'
        ? ['active', 'future']
        : value.name === 'closedsprints'
          ? ['closed']
          : value.name === 'futuresprints'
            ? ['future']
            : undefined;
    if (!want) throw new JqlError(`Unable to find JQL function '${value.name}()'.`);
    return ids.some((id) => want.includes(data.sprints.get(id)?.state ?? ''));
  }
  return ids.some((id) => String(id) === value.value || eqi(data.sprints.get(id)?.name ?? '', value.value));
}

function valueMatches(ctx: JqlContext, cands: string[][], value: JqlValue): boolean {
  if (value.kind === 'empty') return cands.length === 0;
  let literal: string;
  if (value.kind === 'func') {
    if (value.name !== 'currentuser') throw new JqlError(`Unable to find JQL function '${value.name}()'.`);
    literal = ctx.accountId;
  } else {
    literal = value.value;
  }
  return cands.some((names) => names.some((n) => eqi(n, literal)));
}

function evalNode(ctx: JqlContext, issue: Issue, node: JqlNode): boolean {
  switch (node.type) {
    case 'and':
      return evalNode(ctx, issue, node.left) && evalNode(ctx, issue, node.right);
    case 'or':
      return evalNode(ctx, issue, node.left) || evalNode(ctx, issue, node.right);
    case 'not':
      return !evalNode(ctx, issue, node.expr);
    case 'clause': {
      const c = candidates(ctx, issue, node.field);
      const any = (v: JqlValue): boolean => (c === 'sprint' ? sprintMatches(ctx, issue, v) : valueMatches(ctx, c, v));
      const hit = node.values.some(any);
      return node.op === '=' || node.op === 'in' || node.op === 'is' ? hit : !hit;
    }
  }
}

/** True when the issue matches the query's WHERE part (no WHERE matches everything). */
export function matchesJql(ctx: JqlContext, query: JqlQuery, issue: Issue): boolean {
  return query.where ? evalNode(ctx, issue, query.where) : true;
}

/**
 * Checks the values of a query against the site, as Jira does when a query is submitted:
 * unknown projects and unknown fields are errors (evaluation itself never throws for them).
 */
export function checkJqlValues(site: Site, query: JqlQuery): void {
  for (const c of clauses(query.where)) {
    const f = c.field.toLowerCase();
    if (f === 'project') {
      for (const v of c.values) {
        if (v.kind !== 'string') continue;
        const found = findProject(site, v.value) ?? [...site.data.projects.values()].find((p) => eqi(p.name, v.value));
        if (!found) throw new JqlError(`The value '${v.value}' does not exist for the field 'project'.`);
      }
    }
    const cf = /^cf\[(\d+)\]$/.exec(f);
    if (cf && !site.data.fields.has(`customfield_${cf[1]}`))
      throw new JqlError(`Field 'cf[${cf[1]}]' does not exist or you do not have permission to view it.`);
  }
}
