/**
 * Shared plumbing of the configuration read routes (config-*.ts): query-parameter parsing the way
 * Jira reads it, the PageBean envelope with silent capping of maxResults, and the permission rules
 * the configuration endpoints share (view project, administer project, Browse users and groups).
 */
import { badRequest, forbidden } from '../http/errors.js';
import type { RenderContext } from '../render/common.js';
import type { RouteContext } from '../services.js';
import type { Project } from '../world/site.js';
import { canBrowseProject, hasProjectPermission, isMember, isSiteAdmin } from '../world/queries.js';

export function renderContext(ctx: RouteContext): RenderContext {
  return { sim: ctx.sim, site: ctx.site, viewerId: ctx.principal.accountId };
}

// ---------------------------------------------------------------------------------------------
// Query parameters

/** All values of a repeatable parameter; comma-separated values are split too (`id=1,2&id=3`). */
export function listParam(q: URLSearchParams, name: string): string[] {
  const out: string[] = [];
  for (const raw of q.getAll(name)) {
    for (const part of raw.split(',')) {
      const v = part.trim();
      if (v !== '') out.push(v);
    }
  }
  return out;
}

/** The set of `expand` options (comma-separated, possibly repeated). */
export function expandSet(q: URLSearchParams): Set<string> {
  return new Set(listParam(q, 'expand'));
}

/** Answers 400 when `expand` holds an option the operation does not document. */
export function checkExpand(expand: Set<string>, allowed: readonly string[]): void {
  for (const e of expand) {
    if (!allowed.includes(e)) throw badRequest(`The expand parameter value '${e}' is not valid.`);
  }
}

export function boolParam(q: URLSearchParams, name: string, fallback: boolean): boolean {
  const v = q.get(name);
  if (v === null || v === '') return fallback;
  const lower = v.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return fallback;
}

/** An optional tri-state boolean filter: undefined when absent. */
export function optionalBool(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  return v.toLowerCase() === 'true';
}

/** A non-negative integer parameter; 400 when it is not one. */
export function intParam(q: URLSearchParams, name: string, fallback: number): number {
  const v = q.get(name);
  if (v === null || v.trim() === '') return fallback;
  const n = Number(v.trim());
  if (!Number.isSafeInteger(n) || n < 0) {
    throw badRequest(`${v} is not a valid value. ${name} must be zero or a positive integer.`);
  }
  return n;
}

/** Decimal ids of a repeatable id parameter; 400 when one is not a number. */
export function idListParam(q: URLSearchParams, name: string): string[] {
  const ids = listParam(q, name);
  for (const id of ids) {
    if (!/^\d+$/.test(id)) throw badRequest(`${id} is not a valid value. ${name} must be zero or a positive integer.`);
  }
  return ids;
}

export interface OrderBy {
  field: string;
  desc: boolean;
}

/** Parses Jira's `orderBy` (`name`, `+name`, `-name`); 400 when the field is not allowed. */
export function orderByParam(q: URLSearchParams, allowed: readonly string[], fallback?: string): OrderBy | undefined {
  const raw = q.get('orderBy') ?? fallback;
  if (raw === undefined || raw === null || raw === '') return undefined;
  // `+` arrives as a space when the client did not encode it.
  const trimmed = raw.trim();
  const desc = trimmed.startsWith('-');
  const field = trimmed.replace(/^[+\-\s]/, '').trim();
  if (!allowed.includes(field)) throw badRequest(`'${raw}' is not a valid value for orderBy.`);
  return { field, desc };
}

/** Sorts in place by a key, ascending or descending; ties keep their original (id) order. */
export function sortBy<T>(items: T[], key: (item: T) => string | number, desc = false): T[] {
  const decorated = items.map((item, i) => ({ item, i, k: key(item) }));
  decorated.sort((a, b) => {
    let c: number;
    if (typeof a.k === 'number' && typeof b.k === 'number') c = a.k - b.k;
    else c = String(a.k).localeCompare(String(b.k), 'en', { sensitivity: 'base' });
    if (desc) c = -c;
    return c !== 0 ? c : a.i - b.i;
  });
  for (let i = 0; i < items.length; i++) items[i] = decorated[i]!.item;
  return items;
}

/** Decimal ids sort numerically. */
export function byId(a: { id: string }, b: { id: string }): number {
  return Number(a.id) - Number(b.id);
}

export function containsIgnoreCase(haystack: string | undefined, needle: string): boolean {
  return (haystack ?? '').toLowerCase().includes(needle.toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Pagination

export interface PageSpec {
  /** Default page size (the spec's `maxResults` default). */
  defaultMax: number;
  /** Largest page served; larger requests are capped silently and the cap is echoed. */
  cap: number;
}

export interface Page {
  startAt: number;
  maxResults: number;
}

export function pageParams(q: URLSearchParams, spec: PageSpec): Page {
  const startAt = intParam(q, 'startAt', 0);
  const requested = intParam(q, 'maxResults', spec.defaultMax);
  return { startAt, maxResults: Math.min(requested, spec.cap) };
}

/** The REST path of the request (/rest/api/3/...), as the site serves it. */
export function restPath(ctx: RouteContext): string {
  const p = ctx.url.pathname;
  const i = p.indexOf('/rest/');
  return i < 0 ? p : p.slice(i);
}

/** The request's URL on the site, with startAt/maxResults set to the given values. */
export function pageUrl(ctx: RouteContext, startAt: number, maxResults: number): string {
  const q = new URLSearchParams(ctx.url.search);
  q.set('startAt', String(startAt));
  q.set('maxResults', String(maxResults));
  return `${ctx.sim.urls.siteApi(ctx.site.cloudId)}${restPath(ctx)}?${q.toString()}`;
}

export interface PageBean<T> {
  self: string;
  nextPage?: string;
  maxResults: number;
  startAt: number;
  total: number;
  isLast: boolean;
  values: T[];
}

/**
 * Jira's PageBean over a complete, already filtered and ordered list: `{self, nextPage, maxResults,
 * startAt, total, isLast, values}`, `nextPage` only when the page is not the last.
 */
export function pageBean<S, T>(ctx: RouteContext, all: readonly S[], page: Page, render: (item: S) => T): PageBean<T> {
  const slice = all.slice(page.startAt, page.startAt + page.maxResults);
  const total = all.length;
  const isLast = page.startAt + slice.length >= total;
  const self = pageUrl(ctx, page.startAt, page.maxResults);
  const rest = { maxResults: page.maxResults, startAt: page.startAt, total, isLast, values: slice.map(render) };
  if (isLast || page.maxResults === 0) return { self, ...rest };
  return { self, nextPage: pageUrl(ctx, page.startAt + page.maxResults, page.maxResults), ...rest };
}

// ---------------------------------------------------------------------------------------------
// Permissions

export function isAdmin(ctx: RouteContext): boolean {
  return isSiteAdmin(ctx.site, ctx.principal.accountId);
}

/** Answers 403 with Jira's message unless the caller holds Administer Jira. */
export function requireAdmin(ctx: RouteContext, message = 'You do not have permission to perform this action.'): void {
  if (!isAdmin(ctx)) throw forbidden(message);
}

export function canAdministerProject(ctx: RouteContext, p: Project): boolean {
  if (p.status === 'deleted') return false;
  if (isAdmin(ctx)) return true;
  if (p.status === 'archived') return false;
  return hasProjectPermission(ctx.site, ctx.principal.accountId, p, 'ADMINISTER_PROJECTS');
}

/**
 * "View" a project (Jira's `action=view`): Browse projects or Administer projects in it, or
 * Administer Jira. Archived projects are visible to Jira admins only; projects in the trash are
 * visible to nobody here (only `/project/search?status=deleted` lists them, to admins).
 */
export function canViewProject(ctx: RouteContext, p: Project): boolean {
  if (p.status === 'deleted') return false;
  if (isAdmin(ctx)) return true;
  if (p.status === 'archived') return false;
  return (
    canBrowseProject(ctx.site, ctx.principal.accountId, p) ||
    hasProjectPermission(ctx.site, ctx.principal.accountId, p, 'ADMINISTER_PROJECTS')
  );
}

/** Live projects the caller may view. */
export function viewableProjects(ctx: RouteContext): Project[] {
  return [...ctx.site.data.projects.values()].filter((p) => canViewProject(ctx, p));
}

/** Live projects the caller administers (all of them for a Jira admin). */
export function administeredProjects(ctx: RouteContext): Project[] {
  return [...ctx.site.data.projects.values()].filter((p) => p.status !== 'deleted' && canAdministerProject(ctx, p));
}

/**
 * The *Browse users and groups* global permission. Jira Cloud grants it to every user with product
 * access by default; the simulator models exactly that default: site members and Jira admins.
 */
export function canBrowseUsers(ctx: RouteContext): boolean {
  return isAdmin(ctx) || isMember(ctx.site, ctx.principal.accountId);
}

// ---------------------------------------------------------------------------------------------
// Lookups shared by several config areas

/** The workflow a project uses for an issue type (its scheme's mapping, else the default). */
export function workflowIdFor(ctx: RouteContext, p: Project, issueTypeId: string): string | undefined {
  const scheme = ctx.site.data.workflowSchemes.get(p.workflowSchemeId);
  if (!scheme) return undefined;
  return scheme.issueTypeMappings[issueTypeId] ?? scheme.defaultWorkflowId;
}

/** Projects that use a scheme, by the Project field naming it. */
export function projectsUsing(
  ctx: RouteContext,
  field:
    | 'issueTypeSchemeId'
    | 'workflowSchemeId'
    | 'issueTypeScreenSchemeId'
    | 'permissionSchemeId'
    | 'notificationSchemeId'
    | 'issueSecuritySchemeId',
  schemeId: string,
): Project[] {
  return [...ctx.site.data.projects.values()].filter((p) => p.status !== 'deleted' && p[field] === schemeId);
}

/** A scheme counts as classic unless every project that uses it is team-managed. */
export function isClassicScheme(users: Project[]): boolean {
  return users.length === 0 || users.some((p) => p.style === 'classic');
}
