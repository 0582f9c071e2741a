/**
 * Renderers shared by every route family: stored world records → Jira REST JSON. Issue fields,
 * config endpoints, agile, JSM and webhook payloads all build on these, so a reference to a user,
 * status or project looks the same everywhere, as in Jira. `self` URLs point at the site's REST
 * root through the gateway (SimUrls.siteApi).
 */
import { sha256Hex } from '../../core/index.js';
import type { SimServices } from '../services.js';
import type { Site } from '../world/types.js';
import type { Component, IssueType, Priority, Project, Resolution, Status, Version } from '../world/site.js';

export interface RenderContext {
  sim: SimServices;
  site: Site;
  /** The account the response is rendered for (email visibility, permissions). */
  viewerId: string;
}

/** A deterministic, UUID-shaped id derived from parts (for ids Jira exposes as UUIDs). */
export function stableUuid(...parts: Array<string | number>): string {
  const h = sha256Hex(parts.join(':'));
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function restBase(ctx: RenderContext): string {
  return `${ctx.sim.urls.siteApi(ctx.site.cloudId)}/rest/api/3`;
}

export function avatarUrls(base: string, kind: string, id: string | number): Record<string, string> {
  const u = `${base}/secure/viewavatar?avatarId=${id}&avatarType=${kind}`;
  return { '16x16': `${u}&size=xsmall`, '24x24': `${u}&size=small`, '32x32': `${u}&size=medium`, '48x48': `${u}` };
}

function userAvatarUrls(ctx: RenderContext, accountId: string): Record<string, string> {
  const u = `${ctx.sim.urls.base}/avatar/${encodeURIComponent(accountId)}`;
  return { '16x16': `${u}?s=16`, '24x24': `${u}?s=24`, '32x32': `${u}?s=32`, '48x48': `${u}?s=48` };
}

/**
 * A user as Jira renders it inside other objects (UserDetails / User). Unknown accounts (deleted
 * from the directory) render as an inactive "Former user", as Jira does.
 */
export function renderUser(ctx: RenderContext, accountId: string): Record<string, unknown> {
  const account = ctx.sim.world.accounts.get(accountId);
  const base = {
    self: `${restBase(ctx)}/user?accountId=${encodeURIComponent(accountId)}`,
    accountId,
    avatarUrls: userAvatarUrls(ctx, accountId),
  };
  if (!account)
    return { ...base, displayName: 'Former user', active: false, timeZone: 'UTC', accountType: 'atlassian' };
  const out: Record<string, unknown> = {
    ...base,
    accountType: account.accountType,
    displayName: account.displayName,
    active: account.active,
    timeZone: account.timeZone,
  };
  if (account.emailAddress !== null) out.emailAddress = account.emailAddress;
  return out;
}

/** The full User object of user endpoints (adds locale; groups and roles are expandable). */
export function renderUserFull(ctx: RenderContext, accountId: string): Record<string, unknown> {
  const account = ctx.sim.world.accounts.get(accountId);
  const out = renderUser(ctx, accountId);
  if (account) out.locale = account.locale;
  return out;
}

export function renderStatusCategory(ctx: RenderContext, id: number): Record<string, unknown> {
  const cat = ctx.site.data.statusCategories.get(id) ?? ctx.site.data.statusCategories.get(1)!;
  return {
    self: `${restBase(ctx)}/statuscategory/${cat.id}`,
    id: cat.id,
    key: cat.key,
    colorName: cat.colorName,
    name: cat.name,
  };
}

export function renderStatus(ctx: RenderContext, status: Status): Record<string, unknown> {
  const out: Record<string, unknown> = {
    self: `${restBase(ctx)}/status/${status.id}`,
    description: status.description,
    iconUrl: `${ctx.sim.urls.siteBrowse(ctx.site.name)}/images/icons/statuses/generic.png`,
    name: status.name,
    id: status.id,
    statusCategory: renderStatusCategory(ctx, status.statusCategoryId),
  };
  if (status.projectId) out.scope = { type: 'PROJECT', project: { id: status.projectId } };
  return out;
}

export function renderPriority(ctx: RenderContext, p: Priority): Record<string, unknown> {
  return {
    self: `${restBase(ctx)}/priority/${p.id}`,
    iconUrl: `${ctx.sim.urls.siteBrowse(ctx.site.name)}/images/icons/priorities/${encodeURIComponent(p.name.toLowerCase())}.svg`,
    name: p.name,
    id: p.id,
  };
}

export function renderResolution(ctx: RenderContext, r: Resolution): Record<string, unknown> {
  return { self: `${restBase(ctx)}/resolution/${r.id}`, id: r.id, description: r.description, name: r.name };
}

export function renderIssueType(ctx: RenderContext, t: IssueType): Record<string, unknown> {
  const out: Record<string, unknown> = {
    self: `${restBase(ctx)}/issuetype/${t.id}`,
    id: t.id,
    description: t.description,
    iconUrl: `${restBase(ctx)}/universal_avatar/view/type/issuetype/avatar/${t.avatarId}?size=medium`,
    name: t.name,
    subtask: t.subtask,
    avatarId: t.avatarId,
    hierarchyLevel: t.hierarchyLevel,
  };
  if (t.projectId) {
    out.entityId = stableUuid(ctx.site.cloudId, 'issuetype', t.id);
    out.scope = { type: 'PROJECT', project: { id: t.projectId } };
  }
  return out;
}

/** The compact project reference embedded in issues, components, boards. */
export function renderProjectRef(ctx: RenderContext, p: Project): Record<string, unknown> {
  const out: Record<string, unknown> = {
    self: `${restBase(ctx)}/project/${p.id}`,
    id: p.id,
    key: p.key,
    name: p.name,
    projectTypeKey: p.projectTypeKey,
    simplified: p.style === 'next-gen',
    avatarUrls: avatarUrls(restBase(ctx), 'project', p.avatarId),
  };
  if (p.categoryId) {
    const cat = ctx.site.data.projectCategories.get(p.categoryId);
    if (cat)
      out.projectCategory = {
        self: `${restBase(ctx)}/projectCategory/${cat.id}`,
        id: cat.id,
        name: cat.name,
        description: cat.description,
      };
  }
  return out;
}

export function renderComponentRef(ctx: RenderContext, c: Component): Record<string, unknown> {
  const out: Record<string, unknown> = { self: `${restBase(ctx)}/component/${c.id}`, id: c.id, name: c.name };
  if (c.description) out.description = c.description;
  return out;
}

export function renderVersion(ctx: RenderContext, v: Version): Record<string, unknown> {
  const out: Record<string, unknown> = {
    self: `${restBase(ctx)}/version/${v.id}`,
    id: v.id,
    description: v.description,
    name: v.name,
    archived: v.archived,
    released: v.released,
    projectId: Number(v.projectId),
  };
  if (v.startDate) out.startDate = v.startDate;
  if (v.releaseDate) out.releaseDate = v.releaseDate;
  return out;
}
