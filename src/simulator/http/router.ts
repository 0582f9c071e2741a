/**
 * A router keyed by the OpenAPI spec's route strings ("GET /rest/api/3/issue/{issueIdOrKey}"), so
 * the simulator's route table can be compared with the pinned specs and with the list of
 * operations the product needs. Literal segments win over parameters, so
 * /rest/api/3/issue/bulkfetch is not taken for an issue key.
 */
export interface RouteMatch<T> {
  value: T;
  method: string;
  route: string;
  params: Record<string, string>;
}

interface Compiled<T> {
  method: string;
  route: string;
  segments: Array<{ literal: string } | { param: string }>;
  literalCount: number;
  value: T;
}

export class Router<T> {
  private readonly entries: Compiled<T>[] = [];
  private readonly keys = new Set<string>();

  add(method: string, route: string, value: T): void {
    const key = `${method.toUpperCase()} ${route}`;
    if (this.keys.has(key)) throw new Error(`route registered twice: ${key}`);
    this.keys.add(key);
    const segments = split(route).map((s) => {
      const m = /^\{([^}]+)\}$/.exec(s);
      return m ? { param: m[1]! } : { literal: s };
    });
    this.entries.push({
      method: method.toUpperCase(),
      route,
      segments,
      literalCount: segments.filter((s) => 'literal' in s).length,
      value,
    });
  }

  has(method: string, route: string): boolean {
    return this.keys.has(`${method.toUpperCase()} ${route}`);
  }

  /** Every registered "METHOD route" key. */
  list(): string[] {
    return [...this.keys].sort();
  }

  /**
   * Finds the handler for a concrete path. Returns `{ allowed }` when the path exists for other
   * methods only (405), or undefined when nothing matches (404).
   */
  match(method: string, path: string): RouteMatch<T> | { allowed: string[] } | undefined {
    const parts = split(path);
    let best: { entry: Compiled<T>; params: Record<string, string> } | undefined;
    const allowed = new Set<string>();
    for (const entry of this.entries) {
      if (entry.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = entry.segments[i]!;
        const part = parts[i]!;
        if ('literal' in seg) {
          if (seg.literal !== part) {
            ok = false;
            break;
          }
        } else {
          if (part === '') {
            ok = false;
            break;
          }
          try {
            params[seg.param] = decodeURIComponent(part);
          } catch {
            ok = false;
            break;
          }
        }
      }
      if (!ok) continue;
      if (entry.method !== method.toUpperCase()) {
        allowed.add(entry.method);
        continue;
      }
      if (!best || entry.literalCount > best.entry.literalCount) best = { entry, params };
    }
    if (best)
      return { value: best.entry.value, method: best.entry.method, route: best.entry.route, params: best.params };
    return allowed.size > 0 ? { allowed: [...allowed].sort() } : undefined;
  }
}

function split(path: string): string[] {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? [''] : trimmed.split('/').slice(1);
}
