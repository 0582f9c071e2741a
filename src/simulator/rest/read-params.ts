/**
 * Query-parameter and page helpers shared by the issue-read route families (search, issues,
 * comments, worklogs, attachments).
 */
import { badRequest, jiraError, notFound } from '../http/errors.js';
import type { RenderContext } from '../render/common.js';
import { IssueRenderer, splitList } from '../render/issue.js';
import type { RouteContext } from '../services.js';
import type { Issue } from '../world/site.js';
import { findIssue } from '../world/queries.js';

export const ISSUE_NOT_FOUND = 'Issue does not exist or you do not have permission to see it.';

/** Every value of a repeated, comma-separated list parameter. */
export function listParam(query: URLSearchParams, name: string): string[] {
  return splitList(query.getAll(name));
}

/** True when a parameter is present and not blank. */
export function hasParam(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v !== null && v.trim() !== '';
}

/**
 * An integer parameter; absent or blank gives `dflt`. A value that is not an integer answers
 * `status` (400 for most operations; the worklog list documents 404).
 */
export function intParam(query: URLSearchParams, name: string, dflt: number, status = 400): number {
  const raw = query.get(name);
  if (raw === null || raw.trim() === '') return dflt;
  const t = raw.trim();
  if (!/^[+-]?\d+$/.test(t))
    throw jiraError(status, [`The value '${raw}' of the '${name}' parameter is not a valid number.`]);
  return Number(t);
}

/** An optional integer parameter (undefined when absent). */
export function optionalIntParam(query: URLSearchParams, name: string, status = 400): number | undefined {
  return hasParam(query, name) ? intParam(query, name, 0, status) : undefined;
}

export function boolParam(query: URLSearchParams, name: string, dflt: boolean): boolean {
  const raw = query.get(name);
  if (raw === null || raw.trim() === '') return dflt;
  return raw.trim().toLowerCase() === 'true';
}

/** Offset paging: startAt floors at 0; maxResults defaults, floors at 1 and is silently capped. */
export function pageParams(
  query: URLSearchParams,
  options: { defaultMax: number; cap: number; status?: number },
): { startAt: number; maxResults: number } {
  const startAt = Math.max(0, intParam(query, 'startAt', 0, options.status));
  const requested = intParam(query, 'maxResults', options.defaultMax, options.status);
  return { startAt, maxResults: Math.min(options.cap, Math.max(1, requested)) };
}

/** The request URL with some parameters replaced (self / nextPage links). */
export function linkWith(url: URL, params: Record<string, string | number>): string {
  const u = new URL(url.toString());
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, String(v));
  return u.toString();
}

/** A PageBean: {self, nextPage?, maxResults, startAt, total, isLast, values}. */
export function pageBean<T>(url: URL, all: T[], startAt: number, maxResults: number): Record<string, unknown> {
  const values = all.slice(startAt, startAt + maxResults);
  const isLast = startAt + values.length >= all.length;
  const out: Record<string, unknown> = {
    self: linkWith(url, { startAt, maxResults }),
  };
  if (!isLast) out.nextPage = linkWith(url, { startAt: startAt + maxResults, maxResults });
  out.maxResults = maxResults;
  out.startAt = startAt;
  out.total = all.length;
  out.isLast = isLast;
  out.values = values;
  return out;
}

export function renderContext(ctx: RouteContext): RenderContext {
  return { sim: ctx.sim, site: ctx.site, viewerId: ctx.principal.accountId };
}

export function rendererFor(ctx: RouteContext): IssueRenderer {
  return new IssueRenderer(renderContext(ctx));
}

/** The issue named in the path if the caller may browse it; Jira's 404 otherwise. */
export function browsableIssue(ctx: RouteContext, idOrKey: string, renderer?: IssueRenderer): Issue {
  const issue = findIssue(ctx.site, idOrKey);
  const r = renderer ?? rendererFor(ctx);
  if (!issue || !r.canBrowse(issue)) throw notFound(ISSUE_NOT_FOUND);
  return issue;
}

/** Reads a JSON request body that must be an object. */
export async function jsonObject(ctx: RouteContext): Promise<Record<string, unknown>> {
  const body = await ctx.json<unknown>();
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw badRequest('Invalid request payload. Refer to the REST API documentation and try again.');
  return body as Record<string, unknown>;
}

/** A list of integer ids from a body member (ids, changelogIds). */
export function idList(value: unknown, member: string): string[] {
  if (!Array.isArray(value)) throw badRequest('', { [member]: `${member} is required.` });
  return value.map((v) => {
    if (typeof v === 'number' && Number.isInteger(v)) return String(v);
    if (typeof v === 'string' && /^\d+$/.test(v.trim())) return v.trim();
    throw badRequest('Invalid request payload. Refer to the REST API documentation and try again.');
  });
}
