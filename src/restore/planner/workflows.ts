/**
 * Transition paths from the snapshot's workflows, for estimating `issue.transition` steps: which
 * workflow an issue uses (its project's workflow scheme, by issue type), the status a new issue
 * starts in, and the shortest path (hops, and hops with a screen, which cost a read) between two
 * statuses — the path the executor walks.
 */
type Json = Record<string, unknown>;

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

interface Edge {
  from: string[] | undefined;
  to: string;
  screen: boolean;
}

interface Workflow {
  name: string;
  initial: string | undefined;
  edges: Edge[];
}

export interface TransitionPath {
  hops: number;
  screenHops: number;
}

export class Workflows {
  private readonly byName = new Map<string, Workflow>();
  private readonly schemes: Json[];

  constructor(workflows: Json[], schemes: Json[]) {
    for (const w of workflows) {
      const edges: Edge[] = [];
      let initial: string | undefined;
      for (const t of (w.transitions ?? []) as Json[]) {
        if (t.type === 'INITIAL') {
          initial = str(t.toStatusReference);
          continue;
        }
        const links = (t.links ?? []) as Json[];
        edges.push({
          from: t.type === 'GLOBAL' || links.length === 0 ? undefined : links.map((l) => str(l.fromStatusReference)),
          to: str(t.toStatusReference),
          screen: t.transitionScreen !== undefined && t.transitionScreen !== null,
        });
      }
      this.byName.set(str(w.name), { name: str(w.name), initial, edges });
    }
    this.schemes = schemes;
  }

  /** The workflow of a project's issue type, when the snapshot says (company-managed projects). */
  private workflowOf(projectId: string, issueTypeId: string): Workflow | undefined {
    const scheme = this.schemes.find((s) => ((s.projectIds ?? []) as unknown[]).map(str).includes(projectId));
    if (!scheme) return undefined;
    const mapped = ((scheme.issueTypeMappings ?? {}) as Record<string, string>)[issueTypeId];
    return this.byName.get(mapped ?? str(scheme.defaultWorkflow));
  }

  /** The status a new issue of this project and type starts in. */
  initialStatus(projectId: string, issueTypeId: string): string | undefined {
    return this.workflowOf(projectId, issueTypeId)?.initial;
  }

  /**
   * The shortest path from `from` (default: the initial status) to `to`; undefined when no
   * workflow of the snapshot knows one.
   */
  path(projectId: string, issueTypeId: string, to: string, from?: string): TransitionPath | undefined {
    const own = this.workflowOf(projectId, issueTypeId);
    const candidates = own ? [own] : [...this.byName.values()];
    let best: TransitionPath | undefined;
    for (const w of candidates) {
      const start = from ?? w.initial;
      if (start === undefined) continue;
      const p = shortest(w.edges, start, to);
      if (p && (!best || p.hops < best.hops)) best = p;
    }
    return best;
  }
}

function shortest(edges: Edge[], from: string, to: string): TransitionPath | undefined {
  if (from === to) return { hops: 0, screenHops: 0 };
  const seen = new Map<string, TransitionPath>([[from, { hops: 0, screenHops: 0 }]]);
  let frontier = [from];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const s of frontier) {
      const here = seen.get(s)!;
      for (const e of edges) {
        if (e.from && !e.from.includes(s)) continue;
        if (seen.has(e.to)) continue;
        const p = { hops: here.hops + 1, screenHops: here.screenHops + (e.screen ? 1 : 0) };
        if (e.to === to) return p;
        seen.set(e.to, p);
        next.push(e.to);
      }
    }
    frontier = next;
  }
  return undefined;
}
