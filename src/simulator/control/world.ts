/**
 * Control API for the simulated world (under /__sim, only when the simulator is created with
 * control: true):
 *
 *   POST /__sim/seed                  {seed, size}       replace the world with a generated one
 *   GET  /__sim/sites                                   cloud ids, names, URLs and counts
 *   GET  /__sim/accounts                                accounts with their sites
 *   GET  /__sim/ground-truth/{cloudId}                  the site's ground-truth dump (canonical JSON)
 *   POST /__sim/mutate                {cloudId, actor?, ops: [...]}
 *                                     {cloudId, actor?, random: {seed, count}}
 *
 * Mutations run through the mutation primitives at the simulator clock's time, so they write the
 * same histories and events as API writes would. `ops` apply in order and stop at the first
 * failure (400 with the Jira error, the failing index and what was applied before it). The
 * `random` form builds a deterministic, realistic mix of ops from the current site state and the
 * seed, skips ops that Jira would refuse, and returns every op it applied (replayable as `ops`).
 * See docs/design.md §5 for the op list.
 */
import { SimHttpError } from '../http/errors.js';
import { jsonResponse } from '../http/respond.js';
import type { ControlHandler, JiraSimulator } from '../simulator.js';
import { generateWorld } from '../generator/world.js';
import { DEMO_ADMIN_EMAIL } from '../generator/accounts.js';
import { Rng } from '../generator/prng.js';
import { WORLD_SIZES, type WorldSize } from '../generator/sizes.js';
import { LABELS, summary as randomSummary, paragraphText } from '../generator/words.js';
import { dumpSiteChunks } from '../world/dump.js';
import { textDoc } from '../world/adf.js';
import { availableTransitions } from '../world/workflow.js';
import { findIssue, findProject } from '../world/queries.js';
import type { AdfDoc, Comment, Issue, JsonValue, Project, Visibility, Worklog } from '../world/site.js';
import type { Site, World } from '../world/types.js';
import type { ContentKind } from '../world/content.js';
import * as m from '../mutate/index.js';

// ---------------------------------------------------------------------------------------------
// Reseed notifications

type WorldListener = (world: World) => void;
const reseedListeners = new WeakMap<JiraSimulator, WorldListener[]>();

/**
 * Calls `listener` after /__sim/seed replaced the world's accounts and sites (the World object
 * stays the same; Site objects are new, so per-site state must be attached afresh). OAuth apps
 * and service-account credentials are kept.
 */
export function onWorldReseeded(sim: JiraSimulator, listener: WorldListener): () => void {
  const list = reseedListeners.get(sim) ?? [];
  list.push(listener);
  reseedListeners.set(sim, list);
  return () =>
    reseedListeners.set(
      sim,
      (reseedListeners.get(sim) ?? []).filter((l) => l !== listener),
    );
}

/** Replaces the simulator's world content with a generated world. */
export function reseedWorld(sim: JiraSimulator, seed: number, size: WorldSize): World {
  const fresh = generateWorld({ seed, size });
  const world = sim.world;
  world.seed = fresh.seed;
  world.accounts = fresh.accounts;
  world.sites = fresh.sites;
  for (const l of reseedListeners.get(sim) ?? []) l(world);
  return world;
}

// ---------------------------------------------------------------------------------------------
// Summaries

export function siteSummary(site: Site): Record<string, unknown> {
  const d = site.data;
  let comments = 0;
  let worklogs = 0;
  for (const i of d.issues.values()) {
    comments += i.comments.length;
    worklogs += i.worklogs.length;
  }
  return {
    cloudId: site.cloudId,
    name: site.name,
    url: site.url,
    counts: {
      members: site.members.size,
      customers: site.customers?.size ?? 0,
      projects: d.projects.size,
      issues: d.issues.size,
      comments,
      worklogs,
      attachments: d.attachments.size,
      contents: d.contents.size,
      links: d.links.size,
      boards: d.boards.size,
      sprints: d.sprints.size,
      filters: d.filters.size,
      dashboards: d.dashboards.size,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Ops

export type Op = Record<string, unknown> & { op: string };

class OpError extends Error {
  constructor(message: string) {
    super(message);
  }
}

function str(op: Op, key: string): string {
  const v = op[key];
  if (typeof v !== 'string' && typeof v !== 'number') throw new OpError(`op '${op.op}' needs '${key}'`);
  return String(v);
}

function optStr(op: Op, key: string): string | undefined {
  const v = op[key];
  return v === undefined || v === null ? undefined : String(v);
}

function issueOf(site: Site, op: Op, key = 'issue'): Issue {
  const ref = str(op, key);
  const issue = findIssue(site, ref);
  if (!issue) throw new SimHttpError(404, { errorMessages: [`Issue ${ref} does not exist.`], errors: {} });
  return issue;
}

function projectOf(site: Site, op: Op, key = 'project'): Project {
  const ref = str(op, key);
  const project = findProject(site, ref);
  if (!project)
    throw new SimHttpError(404, { errorMessages: [`No project could be found with key '${ref}'.`], errors: {} });
  return project;
}

function commentOf(issue: Issue, op: Op): Comment {
  const id = str(op, 'comment');
  const c = issue.comments.find((x) => x.id === id);
  if (!c) throw new SimHttpError(404, { errorMessages: [`Can not find a comment for the id: ${id}.`], errors: {} });
  return c;
}

function worklogOf(issue: Issue, op: Op): Worklog {
  const id = str(op, 'worklog');
  const w = issue.worklogs.find((x) => x.id === id);
  if (!w) throw new SimHttpError(404, { errorMessages: [`Cannot find worklog with id: ${id}.`], errors: {} });
  return w;
}

function doc(value: unknown): AdfDoc {
  if (typeof value === 'string') return textDoc(value);
  return value as AdfDoc;
}

function issueTypeId(site: Site, project: Project, ref: unknown): string {
  const scheme = site.data.issueTypeSchemes.get(project.issueTypeSchemeId);
  const ids = scheme?.issueTypeIds ?? [];
  if (ref === undefined) return scheme?.defaultIssueTypeId ?? ids[0]!;
  const r = String(ref);
  return ids.find((id) => id === r || site.data.issueTypes.get(id)?.name.toLowerCase() === r.toLowerCase()) ?? r;
}

/** Applies one op; returns what changed. */
export function applyOp(ctx: m.MutationContext, op: Op): Record<string, unknown> {
  const site = ctx.site;
  switch (op.op) {
    case 'create': {
      const project = projectOf(site, op);
      const issue = m.createIssue(ctx, {
        project: project.id,
        issueTypeId: issueTypeId(site, project, op.issueType),
        fields: { summary: 'Created by the control API', ...((op.fields as Record<string, unknown>) ?? {}) },
      });
      return { issueId: issue.id, key: issue.key };
    }
    case 'edit': {
      const issue = issueOf(site, op);
      const h = m.editIssueFields(ctx, issue, (op.fields as Record<string, unknown>) ?? {});
      return { issueId: issue.id, key: issue.key, changelogId: h?.id ?? null };
    }
    case 'transition': {
      const issue = issueOf(site, op);
      const avail = availableTransitions(site, issue);
      const want = optStr(op, 'transition');
      const to = optStr(op, 'to');
      const t = avail.find((x) =>
        want !== undefined
          ? x.id === want || x.name.toLowerCase() === want.toLowerCase()
          : x.to === to || site.data.statuses.get(x.to)?.name.toLowerCase() === to?.toLowerCase(),
      );
      const h = m.transitionIssue(ctx, issue, t?.id ?? want ?? `to:${to}`, {
        fields: (op.fields as Record<string, unknown>) ?? {},
      });
      return { issueId: issue.id, key: issue.key, changelogId: h.id, status: issue.fields.status };
    }
    case 'comment-add': {
      const issue = issueOf(site, op);
      const input: m.AddCommentInput = { body: doc(op.body ?? 'Comment added by the control API') };
      if (op.internal === true) input.jsdPublic = false;
      if (op.visibility) input.visibility = op.visibility as Visibility;
      const c = m.addComment(ctx, issue, input);
      return { issueId: issue.id, key: issue.key, commentId: c.id };
    }
    case 'comment-edit': {
      const issue = issueOf(site, op);
      const c = m.editComment(ctx, issue, commentOf(issue, op).id, {
        body: doc(op.body ?? 'Edited by the control API'),
      });
      return { issueId: issue.id, key: issue.key, commentId: c.id };
    }
    case 'comment-delete': {
      const issue = issueOf(site, op);
      const c = m.deleteComment(ctx, issue, commentOf(issue, op).id);
      return { issueId: issue.id, key: issue.key, commentId: c.id };
    }
    case 'worklog-add': {
      const issue = issueOf(site, op);
      const input: m.AddWorklogInput = {
        started: typeof op.started === 'number' ? op.started : ctx.now - 3_600_000,
        timeSpentSeconds: typeof op.timeSpentSeconds === 'number' ? op.timeSpentSeconds : 3600,
      };
      if (op.comment !== undefined) input.comment = doc(op.comment);
      const w = m.addWorklog(ctx, issue, input);
      return { issueId: issue.id, key: issue.key, worklogId: w.id };
    }
    case 'worklog-edit': {
      const issue = issueOf(site, op);
      const input: m.EditWorklogInput = {};
      if (typeof op.timeSpentSeconds === 'number') input.timeSpentSeconds = op.timeSpentSeconds;
      if (typeof op.started === 'number') input.started = op.started;
      if (op.comment !== undefined) input.comment = op.comment === null ? null : doc(op.comment);
      const w = m.editWorklog(ctx, issue, worklogOf(issue, op).id, input);
      return { issueId: issue.id, key: issue.key, worklogId: w.id };
    }
    case 'worklog-delete': {
      const issue = issueOf(site, op);
      const w = m.deleteWorklog(ctx, issue, worklogOf(issue, op).id);
      return { issueId: issue.id, key: issue.key, worklogId: w.id };
    }
    case 'attachment-add': {
      const issue = issueOf(site, op);
      let source: m.AttachmentSource;
      if (typeof op.text === 'string') source = { data: new TextEncoder().encode(op.text) };
      else if (typeof op.base64 === 'string') source = { data: new Uint8Array(Buffer.from(op.base64, 'base64')) };
      else {
        const g = (op.generated as { kind?: ContentKind; size?: number; seed?: number } | undefined) ?? {};
        source = { generated: { kind: g.kind ?? 'binary', size: g.size ?? 1024, seed: g.seed ?? Number(issue.id) } };
      }
      const input: m.AddAttachmentInput = { filename: optStr(op, 'filename') ?? 'attachment.bin', source };
      const mime = optStr(op, 'mimeType');
      if (mime) input.mimeType = mime;
      const a = m.addAttachment(ctx, issue, input);
      return { issueId: issue.id, key: issue.key, attachmentId: a.id, contentId: a.contentId, size: a.size };
    }
    case 'attachment-delete': {
      const a = m.deleteAttachment(ctx, str(op, 'attachment'));
      return { issueId: a.issueId, attachmentId: a.id };
    }
    case 'issue-delete': {
      const issue = issueOf(site, op);
      const deleted = m.deleteIssue(ctx, issue, { deleteSubtasks: op.deleteSubtasks === true });
      return { issueId: issue.id, key: issue.key, deletedIssueIds: deleted };
    }
    case 'issue-move': {
      const issue = issueOf(site, op);
      const oldKey = issue.key;
      const target = projectOf(site, op);
      const options: m.MoveOptions = {};
      if (op.issueType !== undefined) options.issueTypeId = issueTypeId(site, target, op.issueType);
      const h = m.moveIssue(ctx, issue, target.id, options);
      return { issueId: issue.id, fromKey: oldKey, key: issue.key, changelogId: h.id };
    }
    case 'link-add': {
      const ref = str(op, 'type');
      const type = [...site.data.issueLinkTypes.values()].find(
        (t) => t.id === ref || t.name.toLowerCase() === ref.toLowerCase(),
      );
      const link = m.addIssueLink(ctx, {
        typeId: type?.id ?? ref,
        inwardIssueId: issueOf(site, op, 'inward').id,
        outwardIssueId: issueOf(site, op, 'outward').id,
      });
      return { linkId: link.id, inwardIssueId: link.inwardIssueId, outwardIssueId: link.outwardIssueId };
    }
    case 'link-delete': {
      const link = m.deleteIssueLink(ctx, str(op, 'link'));
      return { linkId: link.id };
    }
    case 'remotelink-upsert': {
      const issue = issueOf(site, op);
      const input: m.RemoteLinkInput = { object: { url: str(op, 'url'), title: str(op, 'title') } };
      const globalId = optStr(op, 'globalId');
      if (globalId) input.globalId = globalId;
      const r = m.upsertRemoteLink(ctx, issue, input);
      return { issueId: issue.id, remoteLinkId: r.link.id, created: r.created };
    }
    case 'remotelink-delete': {
      const issue = issueOf(site, op);
      const globalId = optStr(op, 'globalId');
      const l = globalId
        ? m.deleteRemoteLinkByGlobalId(ctx, issue, globalId)
        : m.deleteRemoteLink(ctx, issue, str(op, 'id'));
      return { issueId: issue.id, remoteLinkId: l.id };
    }
    case 'watcher-add':
    case 'watcher-remove': {
      const issue = issueOf(site, op);
      const who = optStr(op, 'accountId') ?? ctx.actorId;
      const changed = op.op === 'watcher-add' ? m.addWatcher(ctx, issue, who) : m.removeWatcher(ctx, issue, who);
      return { issueId: issue.id, accountId: who, changed };
    }
    case 'vote-add':
    case 'vote-remove': {
      const issue = issueOf(site, op);
      const changed = op.op === 'vote-add' ? m.addVote(ctx, issue) : m.removeVote(ctx, issue);
      return { issueId: issue.id, accountId: ctx.actorId, changed };
    }
    case 'property-set':
    case 'property-delete': {
      const entity = str(op, 'entity');
      let target: m.PropertyTarget;
      if (entity === 'project') target = { type: 'project', project: projectOf(site, op) };
      else {
        const issue = issueOf(site, op);
        if (entity === 'issue') target = { type: 'issue', issue };
        else if (entity === 'comment') target = { type: 'comment', issue, comment: commentOf(issue, op) };
        else if (entity === 'worklog') target = { type: 'worklog', issue, worklog: worklogOf(issue, op) };
        else throw new OpError(`unknown property entity '${entity}'`);
      }
      const key = str(op, 'key');
      if (op.op === 'property-set') m.setProperty(ctx, target, key, (op.value ?? null) as JsonValue);
      else m.deleteProperty(ctx, target, key);
      return { entity, key };
    }
    case 'project-create': {
      const input: m.CreateProjectInput = {
        key: str(op, 'key'),
        name: str(op, 'name'),
        projectTypeKey: (optStr(op, 'projectTypeKey') ?? 'software') as m.CreateProjectInput['projectTypeKey'],
        leadAccountId: optStr(op, 'lead') ?? ctx.actorId,
      };
      if (op.style === 'next-gen' || op.style === 'classic') input.style = op.style;
      const p = m.createProject(ctx, input);
      return { projectId: p.id, key: p.key };
    }
    case 'project-update': {
      const p = projectOf(site, op);
      const patch = (op.patch as m.UpdateProjectInput) ?? {};
      m.updateProject(ctx, p, patch);
      return { projectId: p.id, key: p.key };
    }
    case 'project-delete': {
      const p = m.deleteProject(ctx, projectOf(site, op));
      return { projectId: p.id, key: p.key };
    }
    case 'component-create': {
      const c = m.createComponent(ctx, projectOf(site, op), {
        name: str(op, 'name'),
        description: optStr(op, 'description') ?? '',
      });
      return { componentId: c.id };
    }
    case 'component-update': {
      const c = m.updateComponent(ctx, str(op, 'component'), (op.patch as Partial<m.ComponentInput>) ?? {});
      return { componentId: c.id };
    }
    case 'component-delete': {
      const moveIssuesTo = optStr(op, 'moveIssuesTo');
      const c = m.deleteComponent(ctx, str(op, 'component'), moveIssuesTo ? { moveIssuesTo } : {});
      return { componentId: c.id };
    }
    case 'version-create': {
      const input: m.VersionInput = { name: str(op, 'name') };
      for (const k of ['description', 'startDate', 'releaseDate'] as const) {
        const v = optStr(op, k);
        if (v !== undefined) input[k] = v;
      }
      if (typeof op.released === 'boolean') input.released = op.released;
      const v = m.createVersion(ctx, projectOf(site, op), input);
      return { versionId: v.id };
    }
    case 'version-update': {
      const v = m.updateVersion(ctx, str(op, 'version'), (op.patch as Partial<m.VersionInput>) ?? {});
      return { versionId: v.id };
    }
    case 'version-delete': {
      const options: { moveFixIssuesTo?: string; moveAffectedIssuesTo?: string } = {};
      const fix = optStr(op, 'moveFixIssuesTo');
      const affected = optStr(op, 'moveAffectedIssuesTo');
      if (fix) options.moveFixIssuesTo = fix;
      if (affected) options.moveAffectedIssuesTo = affected;
      const v = m.deleteVersion(ctx, str(op, 'version'), options);
      return { versionId: v.id };
    }
    case 'config-change':
      return applyConfigChange(ctx, op);
    default:
      throw new OpError(`unknown op '${op.op}'`);
  }
}

function applyConfigChange(ctx: m.MutationContext, op: Op): Record<string, unknown> {
  const kind = str(op, 'kind');
  switch (kind) {
    case 'status-rename':
      m.renameStatus(ctx, str(op, 'id'), str(op, 'name'));
      break;
    case 'priority-rename':
      m.renamePriority(ctx, str(op, 'id'), str(op, 'name'));
      break;
    case 'issuetype-rename':
      m.renameIssueType(ctx, str(op, 'id'), str(op, 'name'));
      break;
    case 'field-rename':
      m.renameField(ctx, str(op, 'id'), str(op, 'name'));
      break;
    case 'option-add': {
      const o = m.addFieldOption(ctx, str(op, 'contextId'), str(op, 'value'), optStr(op, 'parentOptionId'));
      return { kind, optionId: o.id };
    }
    case 'option-update': {
      const patch: { value?: string; disabled?: boolean } = {};
      const value = optStr(op, 'value');
      if (value !== undefined) patch.value = value;
      if (typeof op.disabled === 'boolean') patch.disabled = op.disabled;
      m.updateFieldOption(ctx, str(op, 'contextId'), str(op, 'optionId'), patch);
      break;
    }
    case 'group-add-member':
      m.addGroupMember(ctx, str(op, 'groupId'), str(op, 'accountId'));
      break;
    case 'group-remove-member':
      m.removeGroupMember(ctx, str(op, 'groupId'), str(op, 'accountId'));
      break;
    case 'filter-update': {
      const patch: { name?: string; jql?: string; description?: string } = {};
      for (const k of ['name', 'jql', 'description'] as const) {
        const v = optStr(op, k);
        if (v !== undefined) patch[k] = v;
      }
      m.updateFilter(ctx, str(op, 'id'), patch);
      break;
    }
    case 'role-actor-add': {
      const actor: { user?: string; groupId?: string } = {};
      const user = optStr(op, 'accountId');
      const groupId = optStr(op, 'groupId');
      if (user) actor.user = user;
      if (groupId) actor.groupId = groupId;
      m.addRoleActor(ctx, projectOf(ctx.site, op).id, str(op, 'roleId'), actor);
      break;
    }
    case 'link-type-create': {
      const t = m.createIssueLinkType(ctx, {
        name: str(op, 'name'),
        inward: str(op, 'inward'),
        outward: str(op, 'outward'),
      });
      return { kind, linkTypeId: t.id };
    }
    default:
      throw new OpError(`unknown config-change kind '${kind}'`);
  }
  return { kind };
}

// ---------------------------------------------------------------------------------------------
// Random mixes

const RANDOM_MIX: ReadonlyArray<readonly [string, number]> = [
  ['edit', 25],
  ['comment-add', 20],
  ['transition', 10],
  ['create', 8],
  ['worklog-add', 7],
  ['attachment-add', 5],
  ['comment-edit', 5],
  ['link-add', 4],
  ['watcher-add', 3],
  ['comment-delete', 3],
  ['worklog-delete', 2],
  ['property-set', 2],
  ['issue-delete', 2],
  ['issue-move', 2],
  ['vote-add', 1],
  ['config-change', 1],
];

function randomEditFields(site: Site, r: Rng, issue: Issue, workers: string[]): Record<string, unknown> {
  switch (r.int(0, 5)) {
    case 0:
      return { summary: randomSummary(r) };
    case 1:
      return { priority: r.pick([...site.data.priorities.keys()].filter((p) => p !== issue.fields.priority)) };
    case 2:
      return { assignee: r.pick(workers) };
    case 3:
      return { labels: r.sample(LABELS, r.int(0, 3)) };
    case 4:
      return { description: textDoc(paragraphText(r, 2)) };
    default:
      return { duedate: new Date(Date.UTC(2026, r.int(0, 11), r.int(1, 28))).toISOString().slice(0, 10) };
  }
}

/** Builds one random op against the current site state (undefined when nothing fits). */
function randomOp(site: Site, r: Rng, issueIds: string[], workers: string[], n: number): Op | undefined {
  const kind = r.weighted(RANDOM_MIX);
  const issue = site.data.issues.get(r.pick(issueIds));
  if (!issue) return undefined;
  const key = issue.key;
  switch (kind) {
    case 'edit':
      return { op: 'edit', issue: key, fields: randomEditFields(site, r, issue, workers) };
    case 'comment-add':
      return { op: 'comment-add', issue: key, body: paragraphText(r, 2) };
    case 'transition': {
      const avail = availableTransitions(site, issue);
      return avail.length > 0 ? { op: 'transition', issue: key, transition: r.pick(avail).id } : undefined;
    }
    case 'create': {
      const projects = [...site.data.projects.values()].filter((p) => p.status === 'live');
      return { op: 'create', project: r.pick(projects).key, fields: { summary: `${randomSummary(r)} (#${n})` } };
    }
    case 'worklog-add':
      return { op: 'worklog-add', issue: key, timeSpentSeconds: r.pick([900, 1800, 3600, 7200]) };
    case 'attachment-add':
      return {
        op: 'attachment-add',
        issue: key,
        filename: `random-${n}.${r.pick(['txt', 'png', 'bin'])}`,
        generated: { kind: r.pick(['text', 'png', 'binary'] as const), size: r.int(0, 200_000), seed: r.next() },
      };
    case 'comment-edit':
      return issue.comments.length > 0
        ? { op: 'comment-edit', issue: key, comment: r.pick(issue.comments).id, body: paragraphText(r, 1) }
        : undefined;
    case 'comment-delete':
      return issue.comments.length > 0
        ? { op: 'comment-delete', issue: key, comment: r.pick(issue.comments).id }
        : undefined;
    case 'worklog-delete':
      return issue.worklogs.length > 0
        ? { op: 'worklog-delete', issue: key, worklog: r.pick(issue.worklogs).id }
        : undefined;
    case 'link-add': {
      const other = site.data.issues.get(r.pick(issueIds));
      return other && other !== issue
        ? { op: 'link-add', type: r.pick([...site.data.issueLinkTypes.values()]).name, inward: key, outward: other.key }
        : undefined;
    }
    case 'watcher-add':
      return { op: 'watcher-add', issue: key, accountId: r.pick(workers) };
    case 'vote-add':
      return { op: 'vote-add', issue: key };
    case 'property-set':
      return {
        op: 'property-set',
        entity: 'issue',
        issue: key,
        key: 'tidemark.random',
        value: { n, at: r.int(0, 1e6) },
      };
    case 'issue-delete':
      return { op: 'issue-delete', issue: key, deleteSubtasks: true };
    case 'issue-move': {
      const from = site.data.projects.get(issue.projectId)!;
      const targets = [...site.data.projects.values()].filter(
        (p) => p.id !== from.id && p.status === 'live' && p.projectTypeKey === from.projectTypeKey,
      );
      return targets.length > 0 ? { op: 'issue-move', issue: key, project: r.pick(targets).key } : undefined;
    }
    case 'config-change': {
      const contexts = [...site.data.fieldContexts.values()].filter((c) => c.options.length > 0);
      return contexts.length > 0
        ? { op: 'config-change', kind: 'option-add', contextId: r.pick(contexts).id, value: `Option ${n}-${r.hex(4)}` }
        : undefined;
    }
  }
  return undefined;
}

export interface RandomResult {
  applied: Array<{ op: Op; result: Record<string, unknown>; actorId: string }>;
  skipped: number;
}

/**
 * Applies `count` random ops (a realistic mix, deterministic for a seed and site state) at time
 * `now`. Ops Jira would refuse are skipped and counted.
 */
export function applyRandomOps(world: World, site: Site, now: number, seed: number, count: number): RandomResult {
  const r = Rng.of(seed, 'mutate', site.cloudId);
  const workers = [...site.members]
    .filter((id) => {
      const a = world.accounts.get(id);
      return a?.active && a.accountType === 'atlassian';
    })
    .sort();
  const out: RandomResult = { applied: [], skipped: 0 };
  const issueIds = [...site.data.issues.keys()];
  for (let n = 0; out.applied.length < count && n < count * 5; n++) {
    if (issueIds.length === 0 || workers.length === 0) break;
    const op = randomOp(site, r, issueIds, workers, n);
    if (!op) {
      out.skipped++;
      continue;
    }
    const actorId = r.pick(workers);
    try {
      const result = applyOp(m.mutationContext(world, site, now, actorId), op);
      if (op.op === 'create') issueIds.push(String(result.issueId));
      out.applied.push({ op, result, actorId });
    } catch (e) {
      if (!(e instanceof SimHttpError)) throw e;
      out.skipped++;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The handler

/** The site's ground truth as a byte stream of canonical JSON, produced as the reader pulls. */
function groundTruthStream(site: Site, accounts: World['accounts']): ReadableStream<Uint8Array> {
  const chunks = dumpSiteChunks(site, accounts);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      let text = '';
      while (text.length < 256 * 1024) {
        const next = chunks.next();
        if (next.done) {
          if (text) controller.enqueue(encoder.encode(text));
          controller.close();
          return;
        }
        text += next.value;
      }
      controller.enqueue(encoder.encode(text));
    },
  });
}

async function body(req: Request): Promise<Record<string, unknown>> {
  const text = await req.text();
  if (text.trim() === '') return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new OpError('the body must be a JSON object');
}

function defaultActor(world: World, site: Site): string | undefined {
  const admin = [...world.accounts.values()].find((a) => a.loginEmail === DEMO_ADMIN_EMAIL);
  if (admin && site.members.has(admin.accountId)) return admin.accountId;
  return [...site.members][0];
}

function resolveActor(world: World, site: Site, ref: unknown): string {
  if (typeof ref === 'string' && ref !== '') {
    if (world.accounts.has(ref)) return ref;
    const byEmail = [...world.accounts.values()].find((a) => a.loginEmail === ref);
    if (byEmail) return byEmail.accountId;
    throw new OpError(`unknown actor '${ref}'`);
  }
  const actor = defaultActor(world, site);
  if (!actor) throw new OpError('the site has no members to act as');
  return actor;
}

function siteOf(world: World, ref: unknown): Site {
  const site = typeof ref === 'string' ? world.sites.get(ref) : undefined;
  if (!site) throw new SimHttpError(404, { error: `no site with cloudId '${String(ref)}'` });
  return site;
}

/** The /__sim world routes (see the file header). */
export function worldControl(sim: JiraSimulator): ControlHandler {
  return async (method, path, req) => {
    try {
      if (method === 'POST' && path === '/seed') {
        const b = await body(req);
        const seed = b.seed ?? sim.world.seed;
        const size = b.size ?? 'tiny';
        if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw new OpError('seed must be an integer');
        if (!WORLD_SIZES.includes(size as WorldSize))
          throw new OpError(`size must be one of ${WORLD_SIZES.join(', ')}`);
        const world = reseedWorld(sim, seed, size as WorldSize);
        return jsonResponse(200, { seed, size, sites: [...world.sites.values()].map(siteSummary) });
      }
      if (method === 'GET' && path === '/sites')
        return jsonResponse(200, { seed: sim.world.seed, sites: [...sim.world.sites.values()].map(siteSummary) });
      if (method === 'GET' && path === '/accounts') {
        const sites = [...sim.world.sites.values()];
        return jsonResponse(200, {
          accounts: [...sim.world.accounts.values()].map((a) => ({
            accountId: a.accountId,
            accountType: a.accountType,
            displayName: a.displayName,
            loginEmail: a.loginEmail,
            active: a.active,
            memberOf: sites.filter((s) => s.members.has(a.accountId)).map((s) => s.cloudId),
            adminOf: sites.filter((s) => s.admins.has(a.accountId)).map((s) => s.cloudId),
            customerOf: sites.filter((s) => s.customers?.has(a.accountId)).map((s) => s.cloudId),
          })),
        });
      }
      if (method === 'GET' && path.startsWith('/ground-truth/')) {
        const site = siteOf(sim.world, decodeURIComponent(path.slice('/ground-truth/'.length)));
        return new Response(groundTruthStream(site, sim.world.accounts), {
          status: 200,
          headers: { 'content-type': 'application/json;charset=UTF-8' },
        });
      }
      if (method === 'POST' && path === '/mutate') {
        const b = await body(req);
        const site = siteOf(sim.world, b.cloudId);
        const now = sim.clock.now();
        if (b.random !== undefined) {
          const rnd = b.random as { seed?: unknown; count?: unknown };
          if (typeof rnd.seed !== 'number' || !Number.isSafeInteger(rnd.seed))
            throw new OpError('random.seed must be an integer');
          const count = typeof rnd.count === 'number' ? Math.max(0, Math.min(10_000, Math.floor(rnd.count))) : 10;
          const result = applyRandomOps(sim.world, site, now, rnd.seed, count);
          return jsonResponse(200, { cloudId: site.cloudId, at: now, ...result });
        }
        if (!Array.isArray(b.ops)) throw new OpError("the body needs 'ops' (an array) or 'random'");
        const ctx = m.mutationContext(sim.world, site, now, resolveActor(sim.world, site, b.actor));
        const applied: Array<Record<string, unknown>> = [];
        for (let i = 0; i < b.ops.length; i++) {
          const op = b.ops[i] as Op;
          if (!op || typeof op !== 'object' || typeof op.op !== 'string') throw new OpError(`ops[${i}] needs an 'op'`);
          try {
            applied.push({ op: op.op, ...applyOp(ctx, op) });
          } catch (e) {
            if (e instanceof SimHttpError)
              return jsonResponse(400, { error: { status: e.status, body: e.body }, failedOp: i, applied });
            if (e instanceof OpError) return jsonResponse(400, { error: { message: e.message }, failedOp: i, applied });
            throw e;
          }
        }
        return jsonResponse(200, { cloudId: site.cloudId, at: now, applied });
      }
      return undefined;
    } catch (e) {
      if (e instanceof OpError) return jsonResponse(400, { error: { message: e.message } });
      if (e instanceof SimHttpError) return jsonResponse(e.status, e.body);
      throw e;
    }
  };
}
