/**
 * GET /rest/api/3/auditing/record — the site's audit log (docs/design.md §5.16), so a backup can
 * ask "did the configuration change since T?" with one request (`from=T&limit=1`, `total`).
 *
 * Administer Jira only (403), and 403 on a site whose plan is Free, as the spec documents. Offset
 * paging: `offset` (default 0) and `limit` (default 1000, the documented default; the spec states
 * no maximum, so larger values are capped silently at 1000 and the cap is echoed); `total` counts
 * every record that matches. `from`/`to` bound `created` inclusively; unless `from` is before `to`
 * no records are returned (200), as the parameters' descriptions say. `filter` holds
 * space-separated terms, each of which must match one of the fields the description lists
 * (world/audit.ts). Records come newest first. Each record is a core object for points (§5.3).
 *
 * Undocumented, inferred [I]: a non-integer or negative `offset`/`limit` and an unreadable
 * `from`/`to` answer 400 with an ErrorCollection (the spec documents no 400).
 */
import { badRequest, forbidden } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import { formatJiraDateTime } from '../render/config.js';
import { zonedWallTimeToMs } from '../render/issue-fields.js';
import type { RouteContext, RouteResult } from '../services.js';
import { auditMatches, auditRecordsBetween } from '../world/audit.js';
import type { AuditItem, AuditRecord } from '../world/site.js';
import { intParam, isAdmin } from './config-common.js';

/** The spec's default `limit`; with no documented maximum it is also the cap. */
export const AUDIT_LIMIT_DEFAULT = 1000;
export const AUDIT_LIMIT_CAP = 1000;

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * An ISO-8601 date or date-time (`2026-03-01`, `2026-03-01T12:00`, `…:30.5+0100`, `…Z`). Without
 * a zone the site's default time zone applies, as Jira reads user input.
 */
export function parseAuditDate(raw: string, timeZone: string): number | undefined {
  const m = DATE_TIME.exec(raw.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '', zone] = m;
  const nums = [y, mo, d, h, mi, sec].map(Number) as [number, number, number, number, number, number];
  const [Y, M, D, H, Mi, S] = nums;
  if (M < 1 || M > 12 || D < 1 || D > 31 || H > 23 || Mi > 59 || S > 59) return undefined;
  const millis = Number(frac.padEnd(3, '0').slice(0, 3) || '0');
  const check = new Date(Date.UTC(Y, M - 1, D));
  if (check.getUTCDate() !== D) return undefined;
  if (zone === undefined) return zonedWallTimeToMs(Y, M, D, H, Mi, timeZone) + S * 1000 + millis;
  let offsetMin = 0;
  if (zone !== 'Z') {
    const digits = zone.replace(':', '');
    offsetMin = (zone.startsWith('-') ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  return Date.UTC(Y, M - 1, D, H, Mi, S, millis) - offsetMin * 60_000;
}

function dateParam(ctx: RouteContext, name: 'from' | 'to'): number | undefined {
  const raw = ctx.query.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const ms = parseAuditDate(raw, ctx.site.data.settings.timeZone);
  if (ms === undefined)
    throw badRequest(
      `'${raw}' is not a valid date-time for '${name}'. Use ISO 8601, e.g. 2026-03-01T12:00:00.000+0000.`,
    );
  return ms;
}

function renderItem(i: AuditItem): Record<string, unknown> {
  const out: Record<string, unknown> = { id: i.id, name: i.name, typeName: i.typeName };
  if (i.parentId !== undefined) out.parentId = i.parentId;
  if (i.parentName !== undefined) out.parentName = i.parentName;
  return out;
}

/** AuditRecordBean; times in UTC, as Jira Cloud answers them. */
export function renderAuditRecord(r: AuditRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { id: r.id, summary: r.summary };
  if (r.remoteAddress !== undefined) out.remoteAddress = r.remoteAddress;
  out.authorAccountId = r.authorAccountId;
  out.created = formatJiraDateTime(r.created, 'UTC');
  out.category = r.category;
  out.eventSource = r.eventSource;
  if (r.description !== undefined) out.description = r.description;
  out.objectItem = renderItem(r.objectItem);
  out.changedValues = r.changedValues.map((v) => ({ ...v }));
  out.associatedItems = r.associatedItems.map(renderItem);
  return out;
}

function getAuditRecords(ctx: RouteContext): RouteResult {
  if (!isAdmin(ctx)) throw forbidden('You do not have permission to view the audit log.');
  if (ctx.site.data.settings.plan === 'free')
    throw forbidden('Audit logs are available when at least one Jira product is on a paid plan.');
  const offset = intParam(ctx.query, 'offset', 0);
  const limit = Math.min(intParam(ctx.query, 'limit', AUDIT_LIMIT_DEFAULT), AUDIT_LIMIT_CAP);
  const from = dateParam(ctx, 'from');
  const to = dateParam(ctx, 'to');
  const terms = (ctx.query.get('filter') ?? '').split(/\s+/).filter((t) => t !== '');
  const matching =
    from !== undefined && to !== undefined && from >= to
      ? []
      : auditRecordsBetween(ctx.site, from, to).filter((r) => auditMatches(r, terms));
  const records = matching.slice(offset, offset + limit).map(renderAuditRecord);
  return { body: { offset, limit, total: matching.length, records }, objects: records.length };
}

export function registerAuditRoutes(table: RouteTable): void {
  table.get('/rest/api/3/auditing/record', getAuditRecords);
}
