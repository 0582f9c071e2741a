import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/index.js';
import { generateWorld, DEMO_ADMIN_EMAIL, DEMO_USER_EMAIL } from '../../src/simulator/generator/index.js';
import { dumpSite } from '../../src/simulator/world/dump.js';
import type { Site, World } from '../../src/simulator/world/types.js';
import type { AdfDoc, AdfNode, Issue } from '../../src/simulator/world/site.js';
import { canBrowseIssue, canBrowseProject, findIssue } from '../../src/simulator/world/queries.js';
import { CUSTOM_TYPES, FIELD_IDS } from '../../src/simulator/world/fields.js';
import { statusCategoryKey } from '../../src/simulator/world/workflow.js';
import { validateAdf } from '../support/openapi.js';

let world: World;
let sites: Site[];
const allIssues = (): Array<[Site, Issue]> =>
  sites.flatMap((s) => [...s.data.issues.values()].map((i) => [s, i] as [Site, Issue]));

beforeAll(() => {
  world = generateWorld({ seed: 42, size: 'tiny' });
  sites = [...world.sites.values()];
});

function account(email: string) {
  const a = [...world.accounts.values()].find((x) => x.loginEmail === email);
  if (!a) throw new Error(`no account ${email}`);
  return a;
}

function walk(node: AdfNode | AdfDoc, visit: (n: AdfNode) => void): void {
  for (const child of (node as AdfNode).content ?? []) {
    visit(child);
    walk(child, visit);
  }
}

function adfDocs(site: Site): Array<{ issue: Issue; doc: AdfDoc }> {
  const out: Array<{ issue: Issue; doc: AdfDoc }> = [];
  const adfFields = [...site.data.fields.values()].filter((f) => f.adf).map((f) => f.id);
  for (const issue of site.data.issues.values()) {
    for (const f of adfFields) if (issue.fields[f]) out.push({ issue, doc: issue.fields[f] as AdfDoc });
    for (const c of issue.comments) out.push({ issue, doc: c.body });
    for (const w of issue.worklogs) if (w.comment) out.push({ issue, doc: w.comment });
  }
  return out;
}

describe('generateWorld determinism', () => {
  it('gives byte-identical ground truth for the same seed and size, and different data for another seed', () => {
    const again = generateWorld({ seed: 42, size: 'tiny' });
    const other = generateWorld({ seed: 43, size: 'tiny' });
    const a = sites.map((s) => canonicalJson(dumpSite(s, world.accounts)));
    const b = [...again.sites.values()].map((s) => canonicalJson(dumpSite(s, again.accounts)));
    expect(b).toEqual(a);
    expect(canonicalJson([...again.accounts.values()])).toBe(canonicalJson([...world.accounts.values()]));
    const c = [...other.sites.values()].map((s) => canonicalJson(dumpSite(s, other.accounts)));
    expect(c[0]).not.toBe(a[0]);
    expect([...other.sites.keys()][0]).not.toBe(sites[0]!.cloudId);
  });

  it('rejects unknown sizes and non-integer seeds', () => {
    expect(() => generateWorld({ seed: 1.5, size: 'tiny' })).toThrow(/integer/);
    expect(() => generateWorld({ seed: 1, size: 'huge' as 'tiny' })).toThrow(/size/);
  });
});

describe('world shape (tiny)', () => {
  it('has several sites, acme first, with UUID cloud ids and atlassian.net URLs', () => {
    expect(sites.length).toBeGreaterThanOrEqual(2);
    expect(sites[0]!.name).toBe('acme');
    expect(sites[0]!.url).toBe('https://acme.atlassian.net');
    for (const s of sites) {
      expect(s.cloudId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(s.url).toBe(`https://${s.name}.atlassian.net`);
    }
    const total = sites.reduce((n, s) => n + s.data.issues.size, 0);
    expect(total).toBeGreaterThanOrEqual(60);
    expect(total).toBeLessThanOrEqual(150);
  });

  it('keeps the demo-account contract with the auth server', () => {
    const admin = account(DEMO_ADMIN_EMAIL);
    const user = account(DEMO_USER_EMAIL);
    expect(admin.active && admin.accountType === 'atlassian').toBe(true);
    expect(user.active && user.accountType === 'atlassian').toBe(true);
    for (const s of sites) {
      expect(s.members.has(admin.accountId) && s.admins.has(admin.accountId)).toBe(true);
      for (const p of s.data.projects.values()) expect(canBrowseProject(s, admin.accountId, p)).toBe(true);
      for (const i of s.data.issues.values()) expect(canBrowseIssue(s, admin.accountId, i)).toBe(true);
    }
    expect(sites[0]!.members.has(user.accountId)).toBe(true);
    for (const s of sites.slice(1)) expect(s.members.has(user.accountId)).toBe(false);
    const projects = [...sites[0]!.data.projects.values()];
    const restricted = projects.filter((p) => !canBrowseProject(sites[0]!, user.accountId, p));
    expect(restricted.map((p) => p.key)).toEqual(['SEC']);
    expect(projects.filter((p) => canBrowseProject(sites[0]!, user.accountId, p)).length).toBeGreaterThanOrEqual(3);
    // Secured issues exist and the demo user cannot see at least one of them.
    const secured = [...sites[0]!.data.issues.values()].filter((i) => i.fields.security !== undefined);
    expect(secured.length).toBeGreaterThan(0);
    expect(secured.some((i) => !canBrowseIssue(sites[0]!, user.accountId, i))).toBe(true);
    const apps = [...world.accounts.values()].filter((a) => a.accountType === 'app');
    expect(apps.length).toBeGreaterThan(0);
    for (const s of sites) expect(apps.some((a) => s.members.has(a.accountId))).toBe(true);
  });

  it('has accounts of every kind and groups', () => {
    const accounts = [...world.accounts.values()];
    expect(accounts.some((a) => !a.active && a.accountType === 'atlassian')).toBe(true);
    expect(accounts.some((a) => a.emailAddress === null)).toBe(true);
    const customers = accounts.filter((a) => a.accountType === 'customer');
    expect(customers.length).toBeGreaterThan(0);
    for (const c of customers) for (const s of sites) expect(s.members.has(c.accountId)).toBe(false);
    expect(sites[0]!.customers!.size).toBeGreaterThan(0);
    expect(sites[0]!.data.groups.size).toBeGreaterThanOrEqual(5);
    expect([...sites[0]!.data.groups.values()].some((g) => g.members.size > 1)).toBe(true);
  });

  it('has a project of each kind, with components, versions of every state and role actors', () => {
    for (const s of sites) {
      const projects = [...s.data.projects.values()];
      expect(projects.some((p) => p.projectTypeKey === 'software' && p.style === 'classic')).toBe(true);
      expect(projects.some((p) => p.projectTypeKey === 'software' && p.style === 'next-gen')).toBe(true);
      expect(projects.some((p) => p.projectTypeKey === 'business')).toBe(true);
      expect(projects.some((p) => p.projectTypeKey === 'service_desk')).toBe(true);
    }
    const dev = [...sites[0]!.data.projects.values()].find((p) => p.key === 'DEV')!;
    const versions = [...dev.versions.values()];
    expect(versions.some((v) => v.released)).toBe(true);
    expect(versions.some((v) => !v.released)).toBe(true);
    expect(versions.some((v) => v.archived)).toBe(true);
    expect(dev.components.size).toBeGreaterThanOrEqual(3);
    expect([...dev.roleActors.values()].some((a) => a.users.size > 0 && a.groups.size > 0)).toBe(true);
    expect(dev.properties.size).toBeGreaterThan(0);
    // Team-managed projects have their own issue types, statuses and a PROJECT-scoped workflow.
    const team = [...sites[0]!.data.projects.values()].find((p) => p.style === 'next-gen')!;
    const types = sites[0]!.data.issueTypeSchemes.get(team.issueTypeSchemeId)!.issueTypeIds;
    for (const id of types) expect(sites[0]!.data.issueTypes.get(id)!.projectId).toBe(team.id);
    expect([...sites[0]!.data.statuses.values()].some((st) => st.projectId === team.id)).toBe(true);
    expect(
      [...sites[0]!.data.workflows.values()].some((w) => w.scope.type === 'PROJECT' && w.scope.projectId === team.id),
    ).toBe(true);
  });

  it('has configuration of every kind', () => {
    const d = sites[0]!.data;
    for (const m of [
      d.statuses,
      d.priorities,
      d.resolutions,
      d.issueTypes,
      d.issueTypeSchemes,
      d.fields,
      d.fieldContexts,
      d.workflows,
      d.workflowSchemes,
      d.screens,
      d.screenSchemes,
      d.issueTypeScreenSchemes,
      d.permissionSchemes,
      d.notificationSchemes,
      d.issueSecuritySchemes,
      d.issueLinkTypes,
      d.projectCategories,
      d.roles,
      d.filters,
      d.dashboards,
    ])
      expect(m.size).toBeGreaterThan(0);
    expect([...d.issueLinkTypes.values()].map((t) => t.name).sort()).toEqual([
      'Blocks',
      'Cloners',
      'Duplicate',
      'Relates',
    ]);
    const types = [...d.issueTypes.values()];
    expect(types.some((t) => t.hierarchyLevel === 1)).toBe(true);
    expect(types.some((t) => t.hierarchyLevel === -1 && t.subtask)).toBe(true);
    // Workflows: initial, directed and global transitions; a resolution screen on a done transition.
    const transitions = [...d.workflows.values()].flatMap((w) => w.transitions);
    for (const type of ['initial', 'directed', 'global'] as const)
      expect(transitions.some((t) => t.type === type)).toBe(true);
    const resolve = transitions.filter(
      (t) => t.screenId && d.screens.get(t.screenId)!.tabs.some((tab) => tab.fieldIds.includes('resolution')),
    );
    expect(resolve.some((t) => statusCategoryKey(sites[0]!, t.to) === 'done')).toBe(true);
    // Custom fields with real Jira Cloud ids and types, contexts and options.
    expect(d.fields.get(FIELD_IDS.sprint)!.schema.custom).toBe(CUSTOM_TYPES.sprint);
    expect(d.fields.get(FIELD_IDS.rank)!.schema.custom).toBe(CUSTOM_TYPES.rank);
    for (const custom of Object.values(CUSTOM_TYPES))
      expect(
        [...d.fields.values()].some((f) => f.schema.custom === custom),
        custom,
      ).toBe(true);
    expect([...d.fieldContexts.values()].some((c) => !c.isGlobalContext && c.projectIds.length > 0)).toBe(true);
    expect([...d.fieldContexts.values()].some((c) => c.options.some((o) => o.optionId))).toBe(true);
    // Filters with share permissions; dashboards with gadget configuration in item properties.
    expect([...d.filters.values()].some((f) => f.sharePermissions.some((p) => p.type === 'global'))).toBe(true);
    expect([...d.filters.values()].some((f) => f.sharePermissions.length === 0)).toBe(true);
    expect([...d.dashboards.values()].some((db) => db.gadgets.some((g) => g.properties.size > 0))).toBe(true);
  });

  it('stores issue values of every custom field type', () => {
    const seen = new Set<string>();
    for (const [s, issue] of allIssues()) {
      for (const fieldId of Object.keys(issue.fields)) {
        const custom = s.data.fields.get(fieldId)?.schema.custom;
        if (custom) seen.add(custom);
      }
    }
    for (const custom of Object.values(CUSTOM_TYPES)) expect(seen.has(custom), custom).toBe(true);
  });
});

describe('issues (tiny)', () => {
  it('keeps the issue type hierarchy: epics → standard issues → subtasks', () => {
    let epicChildren = 0;
    let subtasks = 0;
    for (const [s, issue] of allIssues()) {
      const type = s.data.issueTypes.get(String(issue.fields.issuetype))!;
      const parentId = issue.fields.parent as string | undefined;
      if (type.subtask) {
        expect(parentId).toBeDefined();
        const parent = s.data.issues.get(parentId!)!;
        expect(parent.projectId).toBe(issue.projectId);
        expect(s.data.issueTypes.get(String(parent.fields.issuetype))!.hierarchyLevel).toBe(0);
        subtasks++;
      } else if (parentId) {
        const parent = s.data.issues.get(parentId)!;
        expect(s.data.issueTypes.get(String(parent.fields.issuetype))!.hierarchyLevel).toBe(type.hierarchyLevel + 1);
        epicChildren++;
      }
    }
    expect(subtasks).toBeGreaterThan(0);
    expect(epicChildren).toBeGreaterThan(0);
  });

  it('allocates unique keys within each project counter and resolves moved issues by old key', () => {
    let moved = 0;
    for (const s of sites) {
      const keys = new Set<string>();
      for (const issue of s.data.issues.values()) {
        expect(keys.has(issue.key)).toBe(false);
        keys.add(issue.key);
        const project = s.data.projects.get(issue.projectId)!;
        expect(issue.key.startsWith(`${project.key}-`)).toBe(true);
        expect(Number(issue.key.split('-')[1])).toBeLessThanOrEqual(project.issueCounter);
        for (const old of issue.previousKeys) {
          expect(findIssue(s, old)).toBe(issue);
          moved++;
          const items = issue.changelog.flatMap((h) => h.items);
          expect(items.some((i) => i.field === 'Key' && i.fromString === old)).toBe(true);
          expect(items.some((i) => i.field === 'project' && i.to === issue.projectId)).toBe(true);
        }
      }
      // Deleted issues leave gaps in ids.
      expect(s.data.ids.issue - 10000).toBeGreaterThan(s.data.issues.size);
    }
    expect(moved).toBeGreaterThan(0);
  });

  it('writes changelogs that end at the current values', () => {
    const lastItem = (issue: Issue, fieldId: string) => {
      const items = issue.changelog.flatMap((h) => h.items).filter((i) => i.fieldId === fieldId);
      return items[items.length - 1];
    };
    let checked = 0;
    for (const [, issue] of allIssues()) {
      const status = lastItem(issue, 'status');
      if (status) expect(status.to).toBe(issue.fields.status);
      const assignee = lastItem(issue, 'assignee');
      if (assignee) expect(assignee.to).toBe(issue.fields.assignee ?? null);
      const priority = lastItem(issue, 'priority');
      if (priority) expect(priority.to).toBe(issue.fields.priority ?? null);
      const labels = lastItem(issue, 'labels');
      if (labels) expect(labels.toString).toBe(((issue.fields.labels as string[] | undefined) ?? []).join(' ') || null);
      const sprint = lastItem(issue, FIELD_IDS.sprint);
      if (sprint)
        expect(sprint.to).toBe(((issue.fields[FIELD_IDS.sprint] as number[] | undefined) ?? []).join(', ') || null);
      const resolution = lastItem(issue, 'resolution');
      if (resolution) expect(resolution.to).toBe(issue.fields.resolution ?? null);
      if (status || assignee || priority || labels || sprint) checked++;
      // Histories are in time and id order, within the issue's life.
      for (let i = 1; i < issue.changelog.length; i++) {
        expect(issue.changelog[i]!.created).toBeGreaterThanOrEqual(issue.changelog[i - 1]!.created);
        expect(Number(issue.changelog[i]!.id)).toBeGreaterThan(Number(issue.changelog[i - 1]!.id));
      }
      for (const h of issue.changelog) expect(h.created).toBeLessThanOrEqual(issue.updated);
      for (const c of issue.comments) expect(c.updated).toBeLessThanOrEqual(issue.updated);
      expect(issue.created).toBeLessThanOrEqual(issue.updated);
    }
    expect(checked).toBeGreaterThan(50);
    const fields = new Set(allIssues().flatMap(([, i]) => i.changelog.flatMap((h) => h.items.map((x) => x.field))));
    for (const f of [
      'status',
      'assignee',
      'priority',
      'resolution',
      'Sprint',
      'Rank',
      'Attachment',
      'Link',
      'timespent',
      'WorklogId',
      'Key',
      'project',
    ])
      expect(fields.has(f), f).toBe(true);
  });

  it('resolves issues in done statuses and only those', () => {
    for (const [s, issue] of allIssues()) {
      const done = statusCategoryKey(s, String(issue.fields.status)) === 'done';
      expect(issue.fields.resolution !== undefined).toBe(done);
      expect(issue.resolutionDate !== undefined).toBe(done);
    }
  });

  it('has heavy issues: >20 and >100 comments, >20 worklogs; JSM internal comments; restricted comments', () => {
    const counts = allIssues().map(([, i]) => i.comments.length);
    expect(counts.some((c) => c > 20 && c <= 100)).toBe(true);
    expect(counts.some((c) => c > 100)).toBe(true);
    expect(allIssues().some(([, i]) => i.worklogs.length > 20)).toBe(true);
    const comments = allIssues().flatMap(([, i]) => i.comments);
    expect(comments.some((c) => !c.jsdPublic)).toBe(true);
    expect(comments.some((c) => c.visibility !== undefined)).toBe(true);
    expect(comments.some((c) => c.updated > c.created)).toBe(true);
  });

  it('keeps worklog feeds in time order and consistent with the worklogs', () => {
    for (const s of sites) {
      const feed = s.data.worklogUpdates;
      for (let i = 1; i < feed.length; i++)
        expect(feed[i]!.updatedTime).toBeGreaterThanOrEqual(feed[i - 1]!.updatedTime);
      const inFeed = new Set(feed.map((w) => w.worklogId));
      for (const issue of s.data.issues.values()) for (const w of issue.worklogs) expect(inFeed.has(w.id)).toBe(true);
      const deleted = new Set(s.data.worklogDeletions.map((w) => w.worklogId));
      for (const issue of s.data.issues.values()) for (const w of issue.worklogs) expect(deleted.has(w.id)).toBe(false);
    }
  });

  it('has attachments from 0 bytes to over 10 MiB, of mixed kinds, with content shared across issues', () => {
    const attachments = sites.flatMap((s) => [...s.data.attachments.values()].map((a) => ({ s, a })));
    expect(attachments.some(({ a }) => a.size === 0)).toBe(true);
    expect(attachments.some(({ a }) => a.size > 10 * 1024 * 1024)).toBe(true);
    const kinds = new Set(attachments.map(({ s, a }) => s.data.contents.get(a.contentId)!.generated!.kind));
    for (const k of ['text', 'binary', 'png', 'pdf', 'zip', 'empty']) expect(kinds.has(k as never), k).toBe(true);
    const issuesByContent = new Map<string, Set<string>>();
    for (const { s, a } of attachments) {
      const key = `${s.cloudId}/${a.contentId}`;
      issuesByContent.set(key, (issuesByContent.get(key) ?? new Set()).add(a.issueId));
      expect(s.data.issues.get(a.issueId)!.attachmentIds).toContain(a.id);
    }
    expect([...issuesByContent.values()].some((set) => set.size > 1)).toBe(true);
    expect(attachments.some(({ a }) => a.filename.includes('../'))).toBe(true);
    expect(attachments.some(({ a }) => /[\u0000-\u001f]/.test(a.filename))).toBe(true);
  });

  it('links issues at both ends, across projects, with remote links, watchers, votes and properties', () => {
    let crossProject = 0;
    for (const s of sites) {
      for (const link of s.data.links.values()) {
        const a = s.data.issues.get(link.inwardIssueId)!;
        const b = s.data.issues.get(link.outwardIssueId)!;
        expect(a.linkIds).toContain(link.id);
        expect(b.linkIds).toContain(link.id);
        if (a.projectId !== b.projectId) crossProject++;
      }
    }
    expect(crossProject).toBeGreaterThan(0);
    const issues = allIssues().map(([, i]) => i);
    expect(issues.some((i) => i.remoteLinks.some((l) => l.globalId))).toBe(true);
    expect(issues.some((i) => i.watchers.size > 1)).toBe(true);
    expect(issues.some((i) => i.voters.size > 0)).toBe(true);
    expect(issues.some((i) => i.properties.size > 0)).toBe(true);
    for (const s of sites) {
      const here = [...s.data.issues.values()];
      expect(here.some((i) => i.comments.some((c) => c.properties.size > 0))).toBe(true);
      expect(here.some((i) => i.worklogs.some((w) => w.properties.size > 0))).toBe(true);
      expect(here.some((i) => i.properties.size > 0)).toBe(true);
      expect([...s.data.projects.values()].some((p) => p.properties.size > 0)).toBe(true);
    }
    for (const i of issues) for (const v of i.voters) expect(v).not.toBe(i.fields.reporter);
  });

  it('builds ADF that validates, with mentions, tables, code, panels, media, inline cards, headings, lists and marks', () => {
    const types = new Set<string>();
    const marks = new Set<string>();
    for (const s of sites) {
      const mediaIds = new Map<string, string>();
      for (const a of s.data.attachments.values()) mediaIds.set(a.mediaId, a.issueId);
      for (const { issue, doc } of adfDocs(s)) {
        expect(validateAdf(doc)).toEqual([]);
        walk(doc, (n) => {
          types.add(n.type);
          for (const m of n.marks ?? []) marks.add(m.type);
          if (n.type === 'media') {
            expect(n.attrs!.type).toBe('file');
            expect(mediaIds.get(String(n.attrs!.id))).toBe(issue.id);
          }
          if (n.type === 'inlineCard')
            expect(String(n.attrs!.url)).toMatch(new RegExp(`^${s.url}/browse/[A-Z]+-\\d+$`));
          if (n.type === 'mention') expect(world.accounts.has(String(n.attrs!.id))).toBe(true);
        });
      }
    }
    for (const t of [
      'mention',
      'table',
      'codeBlock',
      'panel',
      'mediaSingle',
      'mediaGroup',
      'media',
      'inlineCard',
      'heading',
      'bulletList',
      'orderedList',
      'emoji',
      'hardBreak',
    ])
      expect(types.has(t), t).toBe(true);
    for (const m of ['strong', 'em', 'code', 'link']) expect(marks.has(m), m).toBe(true);
  });

  it('puts hostile content in every site of the world', () => {
    const strings = (v: unknown, out: string[] = []): string[] => {
      if (typeof v === 'string') out.push(v);
      else if (Array.isArray(v)) for (const x of v) strings(x, out);
      else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
      return out;
    };
    for (const s of sites) {
      const issues = [...s.data.issues.values()];
      const text = (i: Issue): string => strings([i.fields, i.comments.map((c) => c.body)]).join('\n');
      expect(issues.some((i) => /[\u4e00-\u9fff]/.test(String(i.fields.summary)))).toBe(true);
      expect(issues.some((i) => /[\u0590-\u06ff]/.test(text(i)))).toBe(true);
      expect(issues.some((i) => text(i).includes('\u200D'))).toBe(true);
      expect(issues.some((i) => text(i).includes('<script>'))).toBe(true);
      expect(issues.some((i) => /[\u0007\u001b]/.test(text(i)))).toBe(true);
      expect(issues.some((i) => String(i.fields.summary).length === 255)).toBe(true);
      expect(issues.some((i) => text(i).length > 100_000)).toBe(true);
      expect([...s.data.attachments.values()].some((a) => a.filename.startsWith('../'))).toBe(true);
    }
    const accounts = [...world.accounts.values()];
    expect(accounts.some((a) => /[\u0590-\u06ff]/.test(a.displayName))).toBe(true);
    expect(accounts.some((a) => a.displayName.length > 100)).toBe(true);
  });

  it('has scrum sprints (closed, active, future) with membership, ranks, boards and JSM requests', () => {
    for (const s of sites) {
      const d = s.data;
      const states = new Set([...d.sprints.values()].map((sp) => sp.state));
      expect([...states].sort()).toEqual(['active', 'closed', 'future']);
      const types = new Set([...d.boards.values()].map((b) => b.type));
      expect(types.has('kanban') && (types.has('scrum') || types.has('simple'))).toBe(true);
      for (const b of d.boards.values()) expect(d.filters.has(b.filterId)).toBe(true);
      const ranks = new Set<string>();
      for (const issue of d.issues.values()) {
        const rank = issue.fields[FIELD_IDS.rank] as string;
        expect(rank).toMatch(/^0\|[0-9a-z]{6}:[0-9a-z]*$/);
        expect(ranks.has(rank)).toBe(false);
        ranks.add(rank);
        for (const sprintId of (issue.fields[FIELD_IDS.sprint] as number[] | undefined) ?? []) {
          const sprint = d.sprints.get(sprintId)!;
          expect(d.boards.get(sprint.originBoardId)!.projectId).toBe(
            issue.previousKeys.length ? d.boards.get(sprint.originBoardId)!.projectId : issue.projectId,
          );
        }
      }
      const inSprints = [...d.issues.values()].filter((i) => i.fields[FIELD_IDS.sprint]);
      expect(inSprints.length).toBeGreaterThan(0);
      expect(inSprints.some((i) => (i.fields[FIELD_IDS.sprint] as number[]).length > 1)).toBe(true);
      // JSM: every request carries a request type of its service desk.
      for (const desk of d.serviceDesks.values()) {
        const requests = [...d.issues.values()].filter((i) => i.projectId === desk.projectId);
        expect(requests.length).toBeGreaterThan(0);
        for (const r of requests) {
          const rt = d.requestTypes.get(String(r.fields[FIELD_IDS.requestType]))!;
          expect(rt.serviceDeskId).toBe(desk.id);
          expect(rt.issueTypeId).toBe(r.fields.issuetype);
        }
        expect(requests.some((r) => world.accounts.get(String(r.fields.reporter))!.accountType === 'customer')).toBe(
          true,
        );
      }
    }
  });
});
