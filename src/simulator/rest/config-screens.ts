/**
 * Screens, their tabs and tab fields, and screen schemes. Administer Jira reads everything; a
 * project administrator may read the tabs of a screen its project uses (through its issue type
 * screen scheme and screen schemes) by naming the project with `projectKey`.
 */
import { badRequest, forbidden, notFound } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import { nestedPage, renderIssueTypeScreenScheme, renderScreen, renderScreenScheme } from '../render/config.js';
import type { RouteContext, RouteResult } from '../services.js';
import type { Screen } from '../world/site.js';
import { findProject } from '../world/queries.js';
import {
  canAdministerProject,
  checkExpand,
  containsIgnoreCase,
  expandSet,
  idListParam,
  isAdmin,
  listParam,
  orderByParam,
  pageBean,
  pageParams,
  requireAdmin,
  sortBy,
} from './config-common.js';

const API = '/rest/api/3';
const SCREEN_ADMIN = 'Only Jira administrators can access screens.';

function screens(ctx: RouteContext): RouteResult {
  requireAdmin(ctx, SCREEN_ADMIN);
  const q = ctx.query;
  const page = pageParams(q, { defaultMax: 100, cap: 100 });
  const ids = idListParam(q, 'id');
  const text = q.get('queryString') ?? '';
  const scopes = listParam(q, 'scope');
  const order = orderByParam(q, ['name', 'id']);
  // Every simulated screen is a global (company-managed) screen.
  let list = [...ctx.site.data.screens.values()].filter(
    (s) =>
      (ids.length === 0 || ids.includes(s.id)) &&
      (!text || containsIgnoreCase(s.name, text)) &&
      (scopes.length === 0 || scopes.includes('GLOBAL')),
  );
  if (order) list = sortBy(list, order.field === 'name' ? (s) => s.name : (s) => Number(s.id), order.desc);
  const body = pageBean(ctx, list, page, renderScreen);
  return { body, objects: body.values.length };
}

/** Screens a project uses through its issue type screen scheme. */
function projectScreenIds(ctx: RouteContext, projectKey: string): Set<string> {
  const data = ctx.site.data;
  const p = findProject(ctx.site, projectKey);
  const out = new Set<string>();
  if (!p || !canAdministerProject(ctx, p)) return out;
  const itss = data.issueTypeScreenSchemes.get(p.issueTypeScreenSchemeId);
  for (const schemeId of Object.values(itss?.mappings ?? {})) {
    for (const screenId of Object.values(data.screenSchemes.get(schemeId)?.screens ?? {})) out.add(screenId);
  }
  return out;
}

function screenFor(ctx: RouteContext): Screen {
  const id = ctx.params.screenId ?? '';
  if (!/^\d+$/.test(id)) throw badRequest(`The screen ID '${id}' is invalid.`);
  const projectKey = ctx.query.get('projectKey');
  if (!isAdmin(ctx) && !(projectKey && projectScreenIds(ctx, projectKey).has(id))) throw forbidden(SCREEN_ADMIN);
  const s = ctx.site.data.screens.get(id);
  if (!s) throw notFound(`The screen with id ${id} does not exist.`);
  return s;
}

function screenTabs(ctx: RouteContext): RouteResult {
  const s = screenFor(ctx);
  const body = s.tabs.map((t) => ({ id: Number(t.id), name: t.name }));
  return { body, objects: body.length };
}

function screenTabFields(ctx: RouteContext): RouteResult {
  const s = screenFor(ctx);
  const tabId = ctx.params.tabId ?? '';
  const tab = s.tabs.find((t) => t.id === tabId);
  if (!tab) throw notFound(`The screen tab with id ${tabId} does not exist.`);
  const fields = ctx.site.data.fields;
  const body = tab.fieldIds.map((id) => ({ id, name: fields.get(id)?.name ?? id }));
  return { body, objects: body.length };
}

function screenSchemes(ctx: RouteContext): RouteResult {
  requireAdmin(ctx, 'Only Jira administrators can access screen schemes.');
  const q = ctx.query;
  const page = pageParams(q, { defaultMax: 25, cap: 100 });
  const ids = idListParam(q, 'id');
  const expand = expandSet(q);
  checkExpand(expand, ['issueTypeScreenSchemes']);
  const text = q.get('queryString') ?? '';
  const order = orderByParam(q, ['name', 'id']);
  const data = ctx.site.data;
  let list = [...data.screenSchemes.values()].filter(
    (s) => (ids.length === 0 || ids.includes(s.id)) && (!text || containsIgnoreCase(s.name, text)),
  );
  if (order) list = sortBy(list, order.field === 'name' ? (s) => s.name : (s) => Number(s.id), order.desc);
  const body = pageBean(ctx, list, page, (s) => {
    if (!expand.has('issueTypeScreenSchemes')) return renderScreenScheme(s);
    const users = [...data.issueTypeScreenSchemes.values()].filter((i) => Object.values(i.mappings).includes(s.id));
    return renderScreenScheme(s, nestedPage(users.map(renderIssueTypeScreenScheme)));
  });
  return { body, objects: body.values.length };
}

export function registerScreenConfigRoutes(t: RouteTable): void {
  t.get(`${API}/screens`, screens);
  t.get(`${API}/screens/{screenId}/tabs`, screenTabs);
  t.get(`${API}/screens/{screenId}/tabs/{tabId}/fields`, screenTabFields);
  t.get(`${API}/screenscheme`, screenSchemes);
}
