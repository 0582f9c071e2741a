/**
 * Typed route keys. A route key is "METHOD route", using the spec's route string exactly
 * ("GET /rest/api/3/issue/{issueIdOrKey}"), so the code's own route usage can be listed (by the
 * compliance report) and checked against the generated operations table.
 */
import type { paths as PlatformPaths } from './generated/platform.js';
import type { paths as SoftwarePaths } from './generated/software.js';
import type { paths as ServiceDeskPaths } from './generated/servicedesk.js';

type Paths = PlatformPaths & SoftwarePaths & ServiceDeskPaths;
type LowerMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';

/** Every operation of the pinned specs, as "METHOD route". */
export type RouteKey = {
  [P in keyof Paths & string]: {
    [M in LowerMethod]: Paths[P] extends Record<M, infer O>
      ? O extends undefined
        ? never
        : `${Uppercase<M>} ${P}`
      : never;
  }[LowerMethod];
}[keyof Paths & string];

type OperationOf<K extends RouteKey> = K extends `${infer M} ${infer P}`
  ? P extends keyof Paths
    ? Lowercase<M> extends keyof Paths[P]
      ? Paths[P][Lowercase<M>]
      : never
    : never
  : never;

type ParamsOf<K extends RouteKey> = OperationOf<K> extends { parameters: infer Pa } ? Pa : never;

export type PathParams<K extends RouteKey> =
  ParamsOf<K> extends { path?: infer X } ? (X extends undefined ? never : X) : never;
export type QueryParams<K extends RouteKey> =
  ParamsOf<K> extends { query?: infer X } ? (X extends undefined ? never : X) : never;

export type RequestBody<K extends RouteKey> =
  OperationOf<K> extends { requestBody?: infer B }
    ? B extends { content: { 'application/json': infer J } }
      ? J
      : unknown
    : never;

type Responses<K extends RouteKey> = OperationOf<K> extends { responses: infer R } ? R : never;
type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : undefined;

/** The JSON body of the success response (200, 201, 202, 207 or 204 → undefined). */
export type ResponseBody<K extends RouteKey> =
  Responses<K> extends infer R
    ? 200 extends keyof R
      ? JsonOf<R[200]>
      : 201 extends keyof R
        ? JsonOf<R[201]>
        : 202 extends keyof R
          ? JsonOf<R[202]>
          : 207 extends keyof R
            ? JsonOf<R[207]>
            : undefined
    : never;

export function splitRouteKey(key: string): { method: string; route: string } {
  const i = key.indexOf(' ');
  return { method: key.slice(0, i), route: key.slice(i + 1) };
}

/** Substitutes {params} into a route string, percent-encoding each value. */
export function fillRoute(route: string, params: Record<string, string | number> | undefined): string {
  return route.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = params?.[name];
    if (v === undefined || v === '') throw new Error(`missing path parameter ${name} for ${route}`);
    return encodeURIComponent(String(v));
  });
}

/** Serialises query parameters as OpenAPI's default form style: arrays repeat the parameter. */
export function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const item of v) sp.append(k, String(item));
    else sp.append(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}
