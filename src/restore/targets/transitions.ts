/**
 * `issue.transition`: moves an issue from its live status to the plan's status along the shortest
 * path of its workflow (read once per project and issue type through `POST /workflows`, cached).
 * Each hop is one `POST /issue/{k}/transitions`; hops with a screen first read that transition's
 * fields to fill the required ones, and the last hop sets the plan's resolution when its screen
 * has the field. Without the workflow (no admin right) only a direct transition is taken.
 * Already at the status: no write (so a re-applied step writes nothing).
 */
import { TidemarkError } from '../../core/index.js';
import type { ResolvedStep } from '../ports.js';
import type { Caller } from './jira.js';
import { idRef, str } from './requests.js';

type Json = Record<string, unknown>;

interface Edge {
  id: string;
  /** Source statuses; undefined = global (from any status). */
  from: string[] | undefined;
  to: string;
  screen: boolean;
}

const MAX_HOPS = 20;

async function workflowEdges(
  c: Caller & { cache: Map<string, unknown> },
  projectId: string,
  issueTypeId: string,
): Promise<Edge[] | undefined> {
  const key = `workflow:${projectId}:${issueTypeId}`;
  if (c.cache.has(key)) return c.cache.get(key) as Edge[] | undefined;
  let edges: Edge[] | undefined;
  try {
    const res = await c.call({
      key: 'POST /rest/api/3/workflows',
      body: { projectAndIssueTypes: [{ projectId, issueTypeId }] },
      write: false,
      expectObjects: 1,
    });
    const wf = ((res.body as Json).workflows as Json[] | undefined)?.[0];
    edges = ((wf?.transitions as Json[] | undefined) ?? [])
      .filter((t) => t.type !== 'INITIAL')
      .map((t) => ({
        id: String(t.id),
        from:
          t.type === 'GLOBAL'
            ? undefined
            : ((t.links as Json[] | undefined) ?? []).map((l) => String(l.fromStatusReference)),
        to: String(t.toStatusReference),
        screen: t.transitionScreen !== undefined,
      }));
    if (!wf) edges = undefined;
  } catch (e) {
    const kind = (e as { kind?: string }).kind;
    if (kind !== 'auth' && kind !== 'forbidden' && kind !== 'not-found') throw e;
  }
  c.cache.set(key, edges);
  return edges;
}

/** Breadth-first shortest path of transitions from `from` to `to`. */
export function shortestPath(edges: Edge[], from: string, to: string): Edge[] | undefined {
  const prev = new Map<string, { status: string; edge: Edge }>();
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length > 0) {
    const s = queue.shift()!;
    if (s === to) break;
    for (const e of edges) {
      if (e.from !== undefined && !e.from.includes(s)) continue;
      if (seen.has(e.to)) continue;
      seen.add(e.to);
      prev.set(e.to, { status: s, edge: e });
      queue.push(e.to);
    }
  }
  if (!seen.has(to)) return undefined;
  const path: Edge[] = [];
  for (let s = to; s !== from;) {
    const p = prev.get(s)!;
    path.unshift(p.edge);
    s = p.status;
  }
  return path;
}

/** Values for the required fields of a transition screen (and the resolution on the last hop). */
function screenFields(fields: Json, resolution: unknown, last: boolean): Json {
  const out: Json = {};
  for (const [id, meta] of Object.entries(fields)) {
    const m = meta as { required?: boolean; hasDefaultValue?: boolean; allowedValues?: Array<{ id?: string }> };
    if (id === 'resolution' && last && resolution !== undefined) out.resolution = idRef(resolution);
    else if (m.required && !m.hasDefaultValue && m.allowedValues?.[0]?.id !== undefined)
      out[id] = { id: m.allowedValues[0].id };
  }
  return out;
}

export async function transitionTo(c: Caller & { cache: Map<string, unknown> }, step: ResolvedStep): Promise<void> {
  const issue = str(step.payload, 'issue', step);
  const target = str(step.payload, 'status', step);
  const resolution = step.payload.resolution;
  const read = await c.call({
    key: 'GET /rest/api/3/issue/{issueIdOrKey}',
    path: { issueIdOrKey: issue },
    query: { fields: 'status,project,issuetype' },
    write: false,
    expectObjects: 1,
  });
  const f = (read.body as { fields: Record<string, { id: string }> }).fields;
  let status = f.status!.id;
  if (status === target) return;
  const edges = await workflowEdges(c, f.project!.id, f.issuetype!.id);
  const path = edges ? shortestPath(edges, status, target) : undefined;
  if (edges && !path)
    throw new TidemarkError(
      'validation',
      `step ${step.id}: the workflow has no path from status ${status} to ${target}`,
    );
  for (let hop = 0; status !== target && hop < MAX_HOPS; hop++) {
    const planned = path?.[hop];
    let transitionId = planned?.id;
    let fields: Json = {};
    if (!planned || planned.screen) {
      const res = await c.call({
        key: 'GET /rest/api/3/issue/{issueIdOrKey}/transitions',
        path: { issueIdOrKey: issue },
        query: { expand: 'transitions.fields', ...(planned ? { transitionId: planned.id } : {}) },
        write: false,
      });
      const list = ((res.body as Json).transitions as Json[] | undefined) ?? [];
      const t = planned
        ? list.find((x) => String(x.id) === planned.id)
        : list.find((x) => (x.to as Json | undefined)?.id === target);
      if (!t)
        throw new TidemarkError(
          'validation',
          planned
            ? `step ${step.id}: transition ${planned.id} is not available from status ${status}`
            : `step ${step.id}: no transition leads from status ${status} to ${target} (the workflow could not be read for a longer path)`,
        );
      transitionId = String(t.id);
      fields = screenFields((t.fields as Json | undefined) ?? {}, resolution, (planned?.to ?? target) === target);
    }
    await c.call({
      key: 'POST /rest/api/3/issue/{issueIdOrKey}/transitions',
      path: { issueIdOrKey: issue },
      body: { transition: { id: transitionId }, ...(Object.keys(fields).length > 0 ? { fields } : {}) },
      issue,
      write: true,
    });
    status = planned?.to ?? target;
  }
}
