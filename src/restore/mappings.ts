/**
 * Mappings from the snapshot's site to the target site (docs/design.md §9, issue P5 mode 5):
 * `suggestMappings` matches every source item by id (same id, and on another site the same name
 * and type), then by name (and type), users by account id, then email, then display name; the
 * items a plan uses that stay unmatched are `Gap`s, with a suggestion when something is close. The
 * mapping file is JSON an operator edits (a decision per gap: `{map}`, `{skip: true}` or
 * `{fallback: accountId}`); `undecidedGaps` / `assertDecided` are what apply checks first.
 */
import { promises as fs } from 'node:fs';
import { TidemarkError } from '../core/index.js';
import { emptyMappings, type Gap, type MappingKind, type Mappings } from './plan.js';
import type { LiveState } from './live.js';
import type { RestoreSource } from './source.js';

type Json = Record<string, unknown>;

export const MAPPING_FORMAT = 'tidemark-restore-mappings/1';

/** What a plan uses of the source site, by kind: source id → readable name and how many uses. */
export class Usage {
  readonly byKind = new Map<MappingKind, Map<string, { name: string; count: number }>>();

  add(kind: MappingKind, id: string | undefined | null, name?: string): void {
    if (id === undefined || id === null || id === '') return;
    let m = this.byKind.get(kind);
    if (!m) this.byKind.set(kind, (m = new Map()));
    const e = m.get(id);
    if (e) {
      e.count += 1;
      if (!e.name && name) e.name = name;
    } else m.set(id, { name: name ?? '', count: 1 });
  }

  get(kind: MappingKind): Map<string, { name: string; count: number }> {
    return this.byKind.get(kind) ?? new Map();
  }
}

export interface MappingSuggestion {
  mappings: Mappings;
  gaps: Gap[];
}

interface Item {
  id: string;
  name: string;
  /** A type that must agree too (field type, subtask flag), when the kind has one. */
  type?: string;
  /** Users: email. */
  email?: string;
  /** Components, versions, options, sprints: the id of the owner (project, field, board). */
  owner?: string;
}

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

const norm = (s: string): string => s.trim().toLowerCase();

/** Edit distance, for "close" suggestions. */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * Matches source items to target items. Same site: an item whose id still exists is itself.
 * Another site: the same id counts only with the same name (and type); then the same name (and
 * type) when it is unique; users by email, then display name.
 */
function match(
  kind: MappingKind,
  source: Item[],
  target: Item[],
  sameSite: boolean,
  ownerMap: Record<string, string> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  const byId = new Map(target.map((t) => [t.id, t]));
  const scoped = (s: Item): Item[] =>
    ownerMap && s.owner !== undefined
      ? target.filter((t) => t.owner === (ownerMap[s.owner!] ?? (sameSite ? s.owner : undefined)))
      : target;
  for (const s of source) {
    // Same site: a user keeps their account, listed or not (JSM portal customers are not in the
    // user search; a write naming an account that is gone fails with Jira's own error).
    if (sameSite && kind === 'users') {
      out[s.id] = s.id;
      continue;
    }
    const same = byId.get(s.id);
    if (same && (sameSite || (norm(same.name) === norm(s.name) && same.type === s.type))) {
      if (!ownerMap || s.owner === undefined || scoped(s).includes(same)) {
        out[s.id] = same.id;
        continue;
      }
    }
    const pool = scoped(s);
    if (kind === 'users' && s.email) {
      const byEmail = pool.filter((t) => t.email && norm(t.email) === norm(s.email!));
      if (byEmail.length === 1) {
        out[s.id] = byEmail[0]!.id;
        continue;
      }
    }
    const byName = pool.filter((t) => norm(t.name) === norm(s.name) && t.type === s.type);
    if (byName.length >= 1 && (byName.length === 1 || kind !== 'users')) out[s.id] = byName[0]!.id;
  }
  return out;
}

function suggest(kind: MappingKind, name: string, target: Item[]): Gap['suggestion'] {
  const n = norm(name);
  if (!n) return undefined;
  let best: { t: Item; d: number } | undefined;
  for (const t of target) {
    const tn = norm(t.name);
    const d = tn === n ? 0 : tn.includes(n) || n.includes(tn) ? 1 : distance(tn, n);
    if (!best || d < best.d) best = { t, d };
  }
  if (!best || best.d > Math.max(2, Math.floor(n.length / 4))) return undefined;
  const why =
    best.d === 0
      ? `same name "${best.t.name}" but a different type`
      : `similar ${kind === 'users' ? 'display name' : 'name'} "${best.t.name}"`;
  return { target: best.t.id, why };
}

/** The source site's catalog, as Items per kind. */
async function sourceItems(source: RestoreSource): Promise<Partial<Record<MappingKind, Item[]>>> {
  const [users, groups, fields, statuses, types, priorities, resolutions, linkTypes, projects, boards, sprints] =
    await Promise.all([
      source.users(),
      source.groups(),
      source.config('field'),
      source.config('status'),
      source.config('issue-type'),
      source.config('priority'),
      source.config('resolution'),
      source.config('issue-link-type'),
      source.config('project'),
      source.boards(),
      source.sprints(),
    ]);
  const named = (list: Json[]): Item[] => list.map((x) => ({ id: str(x.id), name: str(x.name) }));
  const custom = fields.filter((f) => f.custom === true);
  const fieldType = (f: Json): string => str(((f.schema ?? {}) as Json).custom);
  return {
    users: users.map((u) => ({
      id: str(u.accountId),
      name: str(u.displayName),
      ...(typeof u.emailAddress === 'string' ? { email: u.emailAddress } : {}),
    })),
    groups: groups.map((g) => ({ id: str(g.groupId), name: str(g.name) })),
    fields: custom.map((f) => ({ id: str(f.id), name: str(f.name), type: fieldType(f) })),
    options: custom.flatMap((f) =>
      ((f.contexts ?? []) as Json[]).flatMap((c) =>
        ((c.options ?? []) as Json[]).map((o) => ({ id: str(o.id), name: str(o.value), owner: str(f.id) })),
      ),
    ),
    statuses: named(statuses),
    issueTypes: types.map((t) => ({
      id: str(t.id),
      name: str(t.name),
      type: t.subtask === true ? 'subtask' : 'standard',
    })),
    priorities: named(priorities),
    resolutions: named(resolutions),
    linkTypes: named(linkTypes),
    projects: projects.map((p) => ({ id: str(p.id), name: str(p.key) })),
    components: projects.flatMap((p) =>
      ((p.components ?? []) as Json[]).map((c) => ({ id: str(c.id), name: str(c.name), owner: str(p.id) })),
    ),
    versions: projects.flatMap((p) =>
      ((p.versions ?? []) as Json[]).map((v) => ({ id: str(v.id), name: str(v.name), owner: str(p.id) })),
    ),
    boards: boards.map((b) => ({ id: str(b.id), name: str(b.name) })),
    sprints: sprints.map((s) => ({ id: str(s.id), name: str(s.name), owner: str(s.originBoardId) })),
  };
}

/** The target site's catalog, as Items per kind (only the kinds `kinds` needs). */
async function targetItems(
  live: LiveState,
  kinds: Set<MappingKind>,
  sameSite: boolean,
): Promise<Partial<Record<MappingKind, Item[]>>> {
  const out: Partial<Record<MappingKind, Item[]>> = {};
  const want = (k: MappingKind): boolean => kinds.has(k);
  // Same site: users keep their accounts (see match), so the user list (2 points a user) is not read.
  if (want('users') && !sameSite)
    out.users = (await live.users()).map((u) => ({
      id: u.accountId,
      name: u.displayName,
      ...(u.emailAddress ? { email: u.emailAddress } : {}),
    }));
  if (want('groups')) out.groups = (await live.groups()).map((g) => ({ id: g.groupId, name: g.name }));
  if (want('fields') || want('options')) {
    const fields = (await live.fields()).filter((f) => f.custom);
    out.fields = fields.map((f) => ({ id: f.id, name: f.name, type: f.type ?? '' }));
    out.options = fields.flatMap((f) => f.options.map((o) => ({ id: o.id, name: o.value, owner: f.id })));
  }
  if (want('statuses'))
    out.statuses = [...(await live.statuses())]
      .sort((a, b) => Number(a.scopeProject !== undefined) - Number(b.scopeProject !== undefined))
      .map((t) => ({ id: t.id, name: t.name }));
  if (want('issueTypes'))
    // Site-wide types first: a team-managed project's own types serve that project only.
    out.issueTypes = [...(await live.issueTypes())]
      .sort((a, b) => Number(a.scopeProject !== undefined) - Number(b.scopeProject !== undefined))
      .map((t) => ({ id: t.id, name: t.name, type: t.subtask ? 'subtask' : 'standard' }));
  if (want('priorities')) out.priorities = await live.priorities();
  if (want('resolutions')) out.resolutions = await live.resolutions();
  if (want('linkTypes')) out.linkTypes = await live.linkTypes();
  if (want('projects') || want('components') || want('versions')) {
    const projects = await live.projects();
    out.projects = projects.map((p) => ({ id: p.id, name: p.key }));
    out.components = projects.flatMap((p) => p.components.map((c) => ({ ...c, owner: p.id })));
    out.versions = projects.flatMap((p) => p.versions.map((v) => ({ id: v.id, name: v.name, owner: p.id })));
  }
  if (want('boards')) out.boards = (await live.boards()).map((b) => ({ id: b.id, name: b.name }));
  if (want('sprints')) out.sprints = (await live.sprints()).map((s) => ({ id: s.id, name: s.name, owner: s.boardId }));
  return out;
}

/** Kinds in the order their matching depends on (options after fields, components after projects). */
const ORDER: MappingKind[] = [
  'users',
  'groups',
  'fields',
  'options',
  'statuses',
  'issueTypes',
  'priorities',
  'resolutions',
  'linkTypes',
  'projects',
  'components',
  'versions',
  'boards',
  'sprints',
];

const OWNER_OF: Partial<Record<MappingKind, MappingKind>> = {
  options: 'fields',
  components: 'projects',
  versions: 'projects',
  sprints: 'boards',
};

/**
 * Suggested mappings for the kinds `usage` names (every kind when omitted), and a Gap for every
 * used item left unmatched. `overrides` (an operator's mapping file) win over suggestions.
 */
export async function suggestMappings(
  source: RestoreSource,
  live: LiveState,
  options: { usage?: Usage; overrides?: Partial<Mappings> } = {},
): Promise<MappingSuggestion> {
  const site = await live.site();
  const sameSite = site.cloudId === source.site.cloudId;
  const usage = options.usage;
  const kinds = new Set<MappingKind>(usage ? [...usage.byKind.keys()] : ORDER);
  for (const [k, owner] of Object.entries(OWNER_OF)) if (kinds.has(k as MappingKind)) kinds.add(owner);
  const [src, tgt] = await Promise.all([sourceItems(source), targetItems(live, kinds, sameSite)]);
  const mappings = emptyMappings();
  const gaps: Gap[] = [];
  for (const kind of ORDER) {
    if (!kinds.has(kind)) continue;
    const owner = OWNER_OF[kind];
    const target = tgt[kind] ?? [];
    const sourceList = [...(src[kind] ?? [])];
    // Items used by the plan but absent from the source catalog (a deleted user, say).
    const known = new Set(sourceList.map((s) => s.id));
    for (const [id, u] of usage?.get(kind) ?? []) if (!known.has(id)) sourceList.push({ id, name: u.name });
    const matched = match(kind, sourceList, target, sameSite, owner ? mappings[owner] : undefined);
    Object.assign(mappings[kind], matched, options.overrides?.[kind] ?? {});
    for (const [id, u] of usage?.get(kind) ?? []) {
      if (mappings[kind][id] !== undefined) continue;
      const item = sourceList.find((s) => s.id === id);
      const name = item?.name || u.name || id;
      const suggestion = suggest(kind, name, target);
      gaps.push({ kind, sourceId: id, name, usedBy: u.count, ...(suggestion ? { suggestion } : {}) });
    }
  }
  return { mappings, gaps };
}

/**
 * Applies operator decisions (gaps carrying `decision`, matched by kind and source id) and a
 * fallback user: `map` and `fallback` become mappings, `skip` drops the value. Answers the gaps
 * with their decisions attached.
 */
export function applyDecisions(
  mappings: Mappings,
  gaps: Gap[],
  decisions: readonly Gap[] = [],
  fallbackUser?: string,
): Gap[] {
  const byKey = new Map(decisions.filter((d) => d.decision).map((d) => [`${d.kind}|${d.sourceId}`, d.decision!]));
  return gaps.map((g) => {
    const decision =
      byKey.get(`${g.kind}|${g.sourceId}`) ??
      (g.kind === 'users' && fallbackUser ? { fallback: fallbackUser } : undefined);
    if (!decision) return g;
    if ('map' in decision) mappings[g.kind][g.sourceId] = decision.map;
    if ('fallback' in decision) mappings[g.kind][g.sourceId] = decision.fallback;
    return { ...g, decision };
  });
}

/** Gaps without a decision: apply refuses while there is one. */
export { undecidedGaps } from './plan.js';

export { assertDecided } from './plan.js';

export interface MappingFile {
  format: typeof MAPPING_FORMAT;
  mappings: Mappings;
  gaps: Gap[];
}

export async function writeMappingFile(path: string, value: { mappings: Mappings; gaps: Gap[] }): Promise<void> {
  const file: MappingFile = { format: MAPPING_FORMAT, mappings: value.mappings, gaps: value.gaps };
  await fs.writeFile(path, `${JSON.stringify(file, null, 2)}\n`, { encoding: 'utf8', mode: 0o600 });
}

function invalid(path: string, why: string): TidemarkError {
  return new TidemarkError('config', `Mapping file ${path}: ${why}`, {
    hint: 'Fix the file (JSON: {format, mappings, gaps}), or plan again without --mappings to have it written afresh.',
  });
}

export async function readMappingFile(path: string): Promise<{ mappings: Mappings; gaps: Gap[] }> {
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(path, 'utf8'));
  } catch (e) {
    throw new TidemarkError('config', `Cannot read mapping file ${path}: ${(e as Error).message}`, { cause: e });
  }
  const file = raw as Partial<MappingFile>;
  if (typeof file !== 'object' || file === null || file.format !== MAPPING_FORMAT)
    throw invalid(path, `not a ${MAPPING_FORMAT} file`);
  const mappings = emptyMappings();
  for (const kind of Object.keys(mappings) as MappingKind[]) {
    const m = (file.mappings as Record<string, unknown> | undefined)?.[kind] ?? {};
    if (typeof m !== 'object' || m === null || Array.isArray(m))
      throw invalid(path, `mappings.${kind} is not an object`);
    for (const [k, v] of Object.entries(m)) {
      if (typeof v !== 'string') throw invalid(path, `mappings.${kind}.${k} is not a string`);
      mappings[kind][k] = v;
    }
  }
  if (!Array.isArray(file.gaps)) throw invalid(path, 'gaps is not a list');
  const gaps: Gap[] = file.gaps.map((g, i) => {
    if (!g || typeof g.sourceId !== 'string' || !(g.kind in mappings)) throw invalid(path, `gaps[${i}] is malformed`);
    const d = g.decision as Record<string, unknown> | undefined;
    if (d !== undefined && !(typeof d.map === 'string' || d.skip === true || typeof d.fallback === 'string'))
      throw invalid(path, `gaps[${i}].decision must be {"map": id}, {"skip": true} or {"fallback": accountId}`);
    return g;
  });
  return { mappings, gaps };
}
