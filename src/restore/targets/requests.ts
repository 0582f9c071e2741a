/**
 * The write requests of each step kind, as data: route key, path, query, body and the target issue
 * the write paces against. `JiraTarget` sends them and `DryRunTarget` records them, so a dry run
 * shows exactly what apply would send. Kinds whose requests depend on what the target answers
 * (a transition path, an upload, an internal comment's properties) are built in jira.ts.
 */
import { TidemarkError } from '../../core/index.js';
import { PROVENANCE_KEY, PROVENANCE_VALUES_MAX, type StepKind } from '../plan.js';
import type { ResolvedStep } from '../ports.js';

export interface WriteRequest {
  /** A route key of the pinned specs, e.g. "POST /rest/api/3/issue". */
  key: string;
  path?: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
  /** The target issue the write applies to (per-issue pacing). */
  issue?: string;
}

type Json = Record<string, unknown>;
export interface PropertyInput {
  key: string;
  value: unknown;
}

export function str(p: Json, name: string, step: ResolvedStep): string {
  const v = p[name];
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  throw new TidemarkError('usage', `step ${step.id} (${step.kind}) has no "${name}" in its payload`);
}

function opt(p: Json, names: string[]): Json {
  const out: Json = {};
  for (const n of names) if (p[n] !== undefined) out[n] = p[n];
  return out;
}

/** `"10042"` → `{id: "10042"}`; an object is kept as it is (e.g. `{key}` or `{name}`). */
export function idRef(v: unknown): unknown {
  return typeof v === 'string' || typeof v === 'number' ? { id: String(v) } : v;
}

/** Properties of a step with `tidemark.provenance.step` set to the step id (reconciliation finds it). */
export function withProvenanceStep(step: ResolvedStep): PropertyInput[] {
  const list = Array.isArray(step.payload.properties) ? [...(step.payload.properties as PropertyInput[])] : [];
  const at = list.findIndex((p) => p.key === PROVENANCE_KEY);
  if (at < 0) list.push({ key: PROVENANCE_KEY, value: { step: step.id } });
  else {
    const v = list[at]!.value;
    list[at] = { key: PROVENANCE_KEY, value: { ...(typeof v === 'object' && v !== null ? v : {}), step: step.id } };
  }
  return list;
}

/** Fields an issue cannot be created without: a refusal naming one of them fails the step. */
const ESSENTIAL_FIELDS = new Set(['summary', 'issuetype', 'project', 'parent']);

/**
 * The same `issue.create` without the fields Jira refused (the `errors` of its 400: a validator the
 * plan could not foresee, such as an assignee who may no longer be assigned), each kept in the
 * provenance property's `original.fields` with Jira's reason, so nothing is dropped silently and
 * the verifier reports it as not restorable. Undefined when a refused field is essential or was not
 * among the fields sent (the refusal is then the step's failure).
 */
export function withoutRefusedFields(step: ResolvedStep, errors: Record<string, string>): ResolvedStep | undefined {
  const fields: Json = { ...((step.payload.fields as Json | undefined) ?? {}) };
  const refused = Object.keys(errors);
  if (refused.length === 0 || refused.some((f) => ESSENTIAL_FIELDS.has(f) || !(f in fields))) return undefined;
  const kept: Json = {};
  const prior = withProvenanceStep(step).find((p) => p.key === PROVENANCE_KEY)?.value as Json | undefined;
  let size = JSON.stringify(((prior?.original ?? {}) as Json).fields ?? {}).length;
  for (const f of refused) {
    const reason = `Jira refused the value: ${errors[f]}`;
    size += JSON.stringify(fields[f] ?? null).length;
    // The property holds 32 KB: a value too large to keep is named, not kept.
    kept[f] =
      size <= PROVENANCE_VALUES_MAX
        ? { value: fields[f], reason }
        : { value: null, reason: `${reason} (value too large to keep)` };
    delete fields[f];
  }
  const properties = withProvenanceStep(step).map((p) => {
    if (p.key !== PROVENANCE_KEY) return p;
    const value = p.value as Json;
    const original = (value.original ?? {}) as Json;
    const before = (original.fields ?? {}) as Json;
    return { key: p.key, value: { ...value, original: { ...original, fields: { ...before, ...kept } } } };
  });
  return { ...step, payload: { ...step.payload, fields, properties } };
}

/** The IssueUpdateDetails of an `issue.create` (also one element of a bulk create). */
export function issueCreateBody(step: ResolvedStep): Json {
  const p = step.payload;
  const fields: Json = { ...((p.fields as Json | undefined) ?? {}) };
  const project = str(p, 'project', step);
  fields.project = /^\d+$/.test(project) ? { id: project } : { key: project };
  fields.issuetype = idRef(str(p, 'issueType', step));
  if (fields.parent !== undefined) fields.parent = idRef(fields.parent);
  return { fields, properties: withProvenanceStep(step) };
}

const API = '/rest/api/3';
const AGILE = '/rest/agile/1.0';

/** The request(s) of a step kind that needs no answer from the target to decide them. */
export function fixedRequests(step: ResolvedStep, notifyUsers = true): WriteRequest[] | undefined {
  const p = step.payload;
  const issue = (): string => str(p, 'issue', step);
  const kind: StepKind = step.kind;
  switch (kind) {
    case 'project.create':
      return [
        {
          key: `POST ${API}/project`,
          body: opt(p, [
            'key',
            'name',
            'projectTypeKey',
            'leadAccountId',
            'description',
            'assigneeType',
            'categoryId',
            'issueTypeScheme',
            'issueTypeScreenScheme',
            'workflowScheme',
            'notificationScheme',
            'permissionScheme',
            'issueSecurityScheme',
          ]),
        },
      ];
    case 'component.create':
      return [
        {
          key: `POST ${API}/component`,
          body: opt(p, ['project', 'name', 'description', 'leadAccountId', 'assigneeType']),
        },
      ];
    case 'version.create': {
      const project = str(p, 'project', step);
      const body = opt(p, ['name', 'description', 'startDate', 'releaseDate', 'released', 'archived']);
      return [
        {
          key: `POST ${API}/version`,
          body: /^\d+$/.test(project) ? { ...body, projectId: Number(project) } : { ...body, project },
        },
      ];
    }
    case 'version.update':
      return [
        {
          key: `PUT ${API}/version/{id}`,
          path: { id: str(p, 'version', step) },
          body: opt(p, ['released', 'archived', 'releaseDate', 'startDate', 'name', 'description']),
        },
      ];
    case 'issue.create':
      return [{ key: `POST ${API}/issue`, body: issueCreateBody(step) }];
    case 'issue.edit':
      return [
        {
          key: `PUT ${API}/issue/{issueIdOrKey}`,
          path: { issueIdOrKey: issue() },
          ...(notifyUsers ? {} : { query: { notifyUsers: false } }),
          body: { fields: p.fields ?? {} },
          issue: issue(),
        },
      ];
    case 'comment.add':
      if (p.internal === true) return undefined;
      return [
        {
          key: `POST ${API}/issue/{issueIdOrKey}/comment`,
          path: { issueIdOrKey: issue() },
          body: { body: p.body, ...opt(p, ['visibility']), properties: withProvenanceStep(step) },
          issue: issue(),
        },
      ];
    case 'worklog.add':
      return [
        {
          key: `POST ${API}/issue/{issueIdOrKey}/worklog`,
          path: { issueIdOrKey: issue() },
          query: { adjustEstimate: 'leave', ...(notifyUsers ? {} : { notifyUsers: false }) },
          body: {
            ...opt(p, ['started', 'timeSpentSeconds', 'comment', 'visibility']),
            properties: withProvenanceStep(step),
          },
          issue: issue(),
        },
      ];
    case 'link.create':
      return [
        {
          key: `POST ${API}/issueLink`,
          body: { type: idRef(p.type), inwardIssue: idRef(p.inward), outwardIssue: idRef(p.outward) },
        },
      ];
    case 'remotelink.upsert':
      return [
        {
          key: `POST ${API}/issue/{issueIdOrKey}/remotelink`,
          path: { issueIdOrKey: issue() },
          body: opt(p, ['globalId', 'application', 'relationship', 'object']),
          issue: issue(),
        },
      ];
    case 'watcher.add':
      return [
        {
          key: `POST ${API}/issue/{issueIdOrKey}/watchers`,
          path: { issueIdOrKey: issue() },
          body: str(p, 'accountId', step),
          issue: issue(),
        },
      ];
    case 'vote.add':
      return [{ key: `POST ${API}/issue/{issueIdOrKey}/votes`, path: { issueIdOrKey: issue() }, issue: issue() }];
    case 'property.set':
      return [
        {
          key: `PUT ${API}/issue/{issueIdOrKey}/properties/{propertyKey}`,
          path: { issueIdOrKey: issue(), propertyKey: str(p, 'key', step) },
          body: p.value,
          issue: issue(),
        },
      ];
    case 'sprint.create':
      return [
        {
          key: `POST ${AGILE}/sprint`,
          body: {
            name: p.name,
            originBoardId: Number(str(p, 'board', step)),
            ...opt(p, ['startDate', 'endDate', 'goal']),
          },
        },
      ];
    case 'sprint.update':
      return [
        {
          key: `POST ${AGILE}/sprint/{sprintId}`,
          path: { sprintId: str(p, 'sprint', step) },
          body: opt(p, ['state', 'name', 'goal', 'startDate', 'endDate']),
        },
      ];
    case 'sprint.add-issues':
      return [
        {
          key: `POST ${AGILE}/sprint/{sprintId}/issue`,
          path: { sprintId: str(p, 'sprint', step) },
          body: { issues: (p.issues as unknown[]).map(String) },
        },
      ];
    case 'rank.order': {
      const issues = (p.issues as unknown[]).map(String);
      const out: WriteRequest[] = [];
      let after = p.rankAfter === undefined ? issues[0] : String(p.rankAfter);
      const rest = p.rankAfter === undefined ? issues.slice(1) : issues;
      for (let i = 0; i < rest.length; i += 50) {
        const chunk = rest.slice(i, i + 50);
        out.push({ key: `PUT ${AGILE}/issue/rank`, body: { issues: chunk, rankAfterIssue: after } });
        after = chunk[chunk.length - 1];
      }
      return out;
    }
    case 'issue.transition':
    case 'attachment.upload':
      return undefined;
  }
}

/** Plain text of an ADF document (JSM comment bodies are wiki text: paragraphs and line breaks). */
export function adfToText(doc: unknown): string {
  if (typeof doc === 'string') return doc;
  const blocks: string[] = [];
  const inline = (n: unknown): string => {
    if (typeof n !== 'object' || n === null) return '';
    const node = n as { type?: string; text?: string; attrs?: Record<string, unknown>; content?: unknown[] };
    if (node.type === 'text') return node.text ?? '';
    if (node.type === 'hardBreak') return '\n';
    if (node.type === 'mention') return String(node.attrs?.text ?? '');
    if (node.type === 'inlineCard') return String(node.attrs?.url ?? '');
    if (node.type === 'emoji') return String(node.attrs?.text ?? node.attrs?.shortName ?? '');
    return (node.content ?? []).map(inline).join('');
  };
  const walk = (n: unknown): void => {
    if (typeof n !== 'object' || n === null) return;
    const node = n as { type?: string; content?: unknown[] };
    if (node.type === 'doc' || node.type === 'bulletList' || node.type === 'orderedList' || node.type === 'listItem')
      for (const c of node.content ?? []) walk(c);
    else blocks.push(inline(n));
  };
  walk(doc);
  return blocks.filter((b) => b !== '').join('\n\n');
}
