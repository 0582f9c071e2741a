import { beforeEach, describe, expect, it } from 'vitest';
import { generateWorld, DEMO_ADMIN_EMAIL, GENERATION_END } from '../../src/simulator/generator/index.js';
import * as m from '../../src/simulator/mutate/index.js';
import { SimHttpError } from '../../src/simulator/http/errors.js';
import { onSiteEvent, type SiteEvent } from '../../src/simulator/world/events.js';
import { findIssue } from '../../src/simulator/world/queries.js';
import { FIELD_IDS } from '../../src/simulator/world/fields.js';
import { availableTransitions, statusCategoryKey, workflowOfIssue } from '../../src/simulator/world/workflow.js';
import { textDoc } from '../../src/simulator/world/adf.js';
import { contentSha256 } from '../../src/simulator/world/content.js';
import type { Issue, Project } from '../../src/simulator/world/site.js';
import type { Site, World } from '../../src/simulator/world/types.js';

let world: World;
let site: Site;
let admin: string;
let other: string;
let dev: Project;
let now: number;
let events: SiteEvent[];

const ctx = (actor = admin): m.MutationContext => m.mutationContext(world, site, now, actor);
const project = (key: string): Project => [...site.data.projects.values()].find((p) => p.key === key)!;
const typeId = (p: Project, name: string): string =>
  site.data.issueTypeSchemes
    .get(p.issueTypeSchemeId)!
    .issueTypeIds.find((id) => site.data.issueTypes.get(id)!.name === name)!;

function newIssue(p: Project = dev, fields: Record<string, unknown> = {}, type = 'Task'): Issue {
  return m.createIssue(ctx(), {
    project: p.key,
    issueTypeId: typeId(p, type),
    fields: { summary: 'A test issue', ...fields },
  });
}

/** Runs fn and returns the SimHttpError it throws. */
function rejection(fn: () => unknown): SimHttpError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SimHttpError) return e;
    throw e;
  }
  throw new Error('expected a SimHttpError');
}

beforeEach(() => {
  world = generateWorld({ seed: 5, size: 'tiny' });
  site = [...world.sites.values()][0]!;
  admin = [...world.accounts.values()].find((a) => a.loginEmail === DEMO_ADMIN_EMAIL)!.accountId;
  other = [...site.members].find(
    (id) => id !== admin && world.accounts.get(id)!.accountType === 'atlassian' && world.accounts.get(id)!.active,
  )!;
  dev = project('DEV');
  now = GENERATION_END + 86_400_000;
  events = [];
  onSiteEvent(site, (_s, e) => events.push(e));
});

describe('createIssue', () => {
  it('allocates the next key, stamps creator, reporter and times, starts in the initial status', () => {
    const counter = dev.issueCounter;
    const issue = newIssue();
    expect(issue.key).toBe(`DEV-${counter + 1}`);
    expect(dev.issueCounter).toBe(counter + 1);
    expect(findIssue(site, issue.key)).toBe(issue);
    expect([issue.created, issue.updated, issue.statusCategoryChangeDate]).toEqual([now, now, now]);
    expect(issue.creatorId).toBe(admin);
    expect(issue.fields.reporter).toBe(admin);
    const wf = workflowOfIssue(site, issue)!;
    expect(issue.fields.status).toBe(wf.transitions.find((t) => t.type === 'initial')!.to);
    expect(issue.fields.priority).toBe([...site.data.priorities.values()].find((p) => p.isDefault)!.id);
    expect(issue.changelog).toEqual([]);
    expect(issue.watchers.has(admin)).toBe(true);
    const maxRank = [...site.data.issues.values()]
      .filter((i) => i !== issue)
      .map((i) => String(i.fields[FIELD_IDS.rank]))
      .sort()
      .pop()!;
    expect(String(issue.fields[FIELD_IDS.rank]) > maxRank).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['issue_created']);
  });

  it('validates summary, issue type and the parent hierarchy', () => {
    expect(
      rejection(() => m.createIssue(ctx(), { project: 'DEV', issueTypeId: typeId(dev, 'Task'), fields: {} })).body,
    ).toEqual({
      errorMessages: [],
      errors: { summary: 'You must specify a summary of the issue.' },
    });
    expect(
      rejection(() => m.createIssue(ctx(), { project: 'DEV', issueTypeId: '999', fields: { summary: 'x' } })).status,
    ).toBe(400);
    expect(rejection(() => newIssue(dev, {}, 'Subtask')).body).toMatchObject({
      errors: { parent: expect.any(String) },
    });
    const parent = newIssue();
    const sub = newIssue(dev, { parent: parent.id }, 'Subtask');
    expect(sub.fields.parent).toBe(parent.id);
    const epic = newIssue(dev, {}, 'Epic');
    expect(rejection(() => newIssue(dev, { parent: sub.id })).status).toBe(400);
    expect(newIssue(dev, { parent: epic.id }).fields.parent).toBe(epic.id);
    expect(
      rejection(() => m.createIssue(ctx(), { project: 'NOPE', issueTypeId: '1', fields: { summary: 'x' } })).status,
    ).toBe(404);
  });
});

describe('editIssueFields', () => {
  it('writes change items per field type as Jira renders them, and bumps updated and version', () => {
    const issue = newIssue(dev, { labels: ['b'], components: [[...dev.components.keys()][0]] });
    const v0 = issue.version;
    now += 60_000;
    const comps = [...dev.components.keys()];
    const versions = [...dev.versions.keys()];
    const impact = [...site.data.fieldContexts.values()].find((c) => c.fieldId === 'customfield_10032')!;
    const platforms = [...site.data.fieldContexts.values()].find((c) => c.fieldId === 'customfield_10033')!;
    const cascade = [...site.data.fieldContexts.values()].find((c) => c.fieldId === 'customfield_10036')!;
    const parentOpt = cascade.options.find((o) => !o.optionId)!;
    const childOpt = cascade.options.find((o) => o.optionId === parentOpt.id)!;
    const sprint = [...site.data.sprints.values()].find((s) => s.state === 'active')!;
    const history = m.editIssueFields(ctx(), issue, {
      summary: 'Renamed',
      priority: '1',
      assignee: other,
      labels: ['z', 'a'],
      components: [comps[1]],
      fixVersions: [versions[0]],
      duedate: '2026-12-24',
      [FIELD_IDS.startDate]: '2026-01-05',
      customfield_10032: impact.options[1]!.id,
      customfield_10033: [platforms.options[0]!.id, platforms.options[2]!.id],
      customfield_10036: { id: parentOpt.id, childId: childOpt.id },
      customfield_10044: 12.5,
      customfield_10043: Date.UTC(2026, 0, 5, 14, 30),
      [FIELD_IDS.sprint]: [sprint.id],
      description: textDoc('New text'),
    })!;
    const by = (field: string) => history.items.filter((i) => i.field === field);
    expect(by('summary')).toEqual([
      {
        field: 'summary',
        fieldtype: 'jira',
        fieldId: 'summary',
        from: null,
        fromString: 'A test issue',
        to: null,
        toString: 'Renamed',
      },
    ]);
    expect(by('priority')[0]).toMatchObject({ from: '3', fromString: 'Medium', to: '1', toString: 'Highest' });
    expect(by('assignee')[0]).toMatchObject({
      from: null,
      to: other,
      toString: world.accounts.get(other)!.displayName,
    });
    expect(by('labels')[0]).toMatchObject({ from: null, fromString: 'b', to: null, toString: 'a z' });
    expect(by('Component')).toEqual([
      expect.objectContaining({ fieldId: 'components', from: comps[0], to: null, toString: null }),
      expect.objectContaining({
        fieldId: 'components',
        from: null,
        to: comps[1],
        toString: dev.components.get(comps[1]!)!.name,
      }),
    ]);
    expect(by('Fix Version')[0]).toMatchObject({
      fieldId: 'fixVersions',
      to: versions[0],
      toString: dev.versions.get(versions[0]!)!.name,
    });
    expect(by('duedate')[0]).toMatchObject({ to: '2026-12-24', toString: '2026-12-24 00:00:00.0' });
    expect(by('Start date')[0]).toMatchObject({
      fieldtype: 'custom',
      fieldId: FIELD_IDS.startDate,
      to: '2026-01-05',
      toString: '5/Jan/26',
    });
    expect(by('Customer impact')[0]).toMatchObject({
      fieldtype: 'custom',
      to: impact.options[1]!.id,
      toString: impact.options[1]!.value,
    });
    expect(by('Platforms')[0]).toMatchObject({
      to: `[${platforms.options[0]!.id}, ${platforms.options[2]!.id}]`,
      toString: `${platforms.options[0]!.value},${platforms.options[2]!.value}`,
    });
    expect(by('Product categorization')[0]).toMatchObject({
      to: parentOpt.id,
      toString: `Parent values: ${parentOpt.value}(${parentOpt.id})Level 1 values: ${childOpt.value}(${childOpt.id})`,
    });
    expect(by('Budget')[0]).toMatchObject({ from: null, to: null, toString: '12.5' });
    expect(by('Go-live')[0]).toMatchObject({ to: '2026-01-05T14:30:00.000+0000', toString: '05/Jan/26 2:30 PM' });
    expect(by('Sprint')[0]).toMatchObject({
      fieldId: FIELD_IDS.sprint,
      from: null,
      to: String(sprint.id),
      toString: sprint.name,
    });
    expect(by('description')[0]).toMatchObject({ fromString: null, toString: 'New text' });
    expect(issue.fields.labels).toEqual(['a', 'z']);
    expect(issue.updated).toBe(now);
    expect(issue.version).toBe(v0 + 1);
    expect(events.at(-1)).toMatchObject({ type: 'issue_updated', changelogId: history.id });
  });

  it('writes nothing for a no-op edit and clears values with null', () => {
    const issue = newIssue(dev, { labels: ['x'] });
    const before = { updated: issue.updated, version: issue.version };
    now += 1000;
    expect(m.editIssueFields(ctx(), issue, { summary: 'A test issue', labels: ['x'] })).toBeUndefined();
    expect({ updated: issue.updated, version: issue.version }).toEqual(before);
    const h = m.editIssueFields(ctx(), issue, { labels: null })!;
    expect(h.items[0]).toMatchObject({ field: 'labels', fromString: 'x', toString: null });
    expect(issue.fields.labels).toBeUndefined();
  });

  it('rejects read-only, unknown and invalid values', () => {
    const issue = newIssue();
    expect(rejection(() => m.editIssueFields(ctx(), issue, { status: '3' })).body).toMatchObject({
      errors: { status: expect.any(String) },
    });
    expect(rejection(() => m.editIssueFields(ctx(), issue, { [FIELD_IDS.rank]: '0|a:' })).status).toBe(400);
    expect(rejection(() => m.editIssueFields(ctx(), issue, { nosuchfield: 1 })).status).toBe(400);
    expect(rejection(() => m.editIssueFields(ctx(), issue, { customfield_10032: '1' })).status).toBe(400);
    expect(rejection(() => m.editIssueFields(ctx(), issue, { labels: ['has space'] })).status).toBe(400);
    expect(rejection(() => m.editIssueFields(ctx(), issue, { summary: 'x'.repeat(256) })).status).toBe(400);
    expect(rejection(() => m.editIssueFields(ctx(), issue, { assignee: 'nobody' })).body).toMatchObject({
      errors: { assignee: "User 'nobody' cannot be assigned issues." },
    });
    expect(issue.changelog).toEqual([]);
  });
});

describe('transitionIssue', () => {
  it('walks valid transitions only and manages resolution and category dates', () => {
    const issue = newIssue();
    const initialCatDate = issue.statusCategoryChangeDate;
    const bad = availableTransitions(site, issue).length;
    expect(bad).toBeGreaterThan(0);
    const reopen = workflowOfIssue(site, issue)!.transitions.find((t) => t.name === 'Reopen')!;
    expect(rejection(() => m.transitionIssue(ctx(), issue, reopen.id)).body).toEqual({
      errorMessages: [`Transition id '${reopen.id}' is not valid for this issue.`],
      errors: {},
    });
    now += 1000;
    const start = availableTransitions(site, issue).find((t) => t.name === 'Start Progress')!;
    m.transitionIssue(ctx(), issue, start.id);
    expect(statusCategoryKey(site, String(issue.fields.status))).toBe('indeterminate');
    expect(issue.statusCategoryChangeDate).toBe(now);
    expect(issue.statusCategoryChangeDate).not.toBe(initialCatDate);
    now += 1000;
    const done = availableTransitions(site, issue).find((t) => t.name === 'Done')!;
    const h = m.transitionIssue(ctx(), issue, done.id, { fields: { resolution: '10001' } });
    expect(h.items.map((i) => i.field)).toEqual(['resolution', 'status']);
    expect(issue.fields.resolution).toBe('10001');
    expect(issue.resolutionDate).toBe(now);
    now += 1000;
    m.transitionIssue(ctx(), issue, availableTransitions(site, issue).find((t) => t.name === 'Reopen')!.id);
    expect(issue.fields.resolution).toBeUndefined();
    expect(issue.resolutionDate).toBeUndefined();
    const last = issue.changelog.at(-1)!;
    expect(last.items.map((i) => [i.field, i.to])).toEqual([
      ['resolution', null],
      ['status', issue.fields.status],
    ]);
    now += 1000;
    m.transitionIssue(ctx(), issue, done.id);
    expect(issue.fields.resolution).toBe('10000');
  });
});

describe('deleteIssue', () => {
  it('needs deleteSubtasks for issues with subtasks, and removes links, attachments and worklogs', () => {
    const parent = newIssue();
    const sub = newIssue(dev, { parent: parent.id }, 'Subtask');
    const other1 = newIssue();
    const link = m.addIssueLink(ctx(), { typeId: '10000', inwardIssueId: parent.id, outwardIssueId: other1.id });
    const shared = m.addAttachment(ctx(), parent, {
      filename: 'a.txt',
      source: { data: new TextEncoder().encode('same') },
    });
    const copy = m.addAttachment(ctx(), other1, {
      filename: 'b.txt',
      source: { data: new TextEncoder().encode('same') },
    });
    const own = m.addAttachment(ctx(), sub, { filename: 'c.txt', source: { data: new TextEncoder().encode('own') } });
    const w = m.addWorklog(ctx(), sub, { started: now, timeSpentSeconds: 600 });
    expect(rejection(() => m.deleteIssue(ctx(), parent)).status).toBe(400);
    events = [];
    const deleted = m.deleteIssue(ctx(), parent, { deleteSubtasks: true });
    expect(deleted.sort()).toEqual([parent.id, sub.id].sort());
    expect(findIssue(site, parent.key)).toBeUndefined();
    expect(findIssue(site, sub.key)).toBeUndefined();
    expect(site.data.links.has(link.id)).toBe(false);
    expect(other1.linkIds).not.toContain(link.id);
    expect(site.data.attachments.has(shared.id)).toBe(false);
    expect(site.data.contents.has(copy.contentId)).toBe(true);
    expect(site.data.contents.has(own.contentId)).toBe(false);
    expect(site.data.worklogDeletions.at(-1)).toEqual({ worklogId: w.id, issueId: sub.id, updatedTime: now });
    expect(events.filter((e) => e.type === 'issue_deleted')).toHaveLength(2);
    expect(events.some((e) => e.type === 'issuelink_deleted')).toBe(true);
  });

  it('leaves children of a deleted epic without a parent', () => {
    const epic = newIssue(dev, {}, 'Epic');
    const child = newIssue(dev, { parent: epic.id });
    m.deleteIssue(ctx(), epic);
    expect(child.fields.parent).toBeUndefined();
  });
});

describe('moveIssue', () => {
  it('gives a new key in the target, keeps the old key resolvable and writes Key and project items', () => {
    const target = project('TEAM');
    const issue = newIssue(dev, { components: [[...dev.components.keys()][0]] }, 'Story');
    const sub = newIssue(dev, { parent: issue.id }, 'Subtask');
    const oldKey = issue.key;
    const counter = target.issueCounter;
    now += 1000;
    const h = m.moveIssue(ctx(), issue, 'TEAM');
    expect(issue.key).toBe(`TEAM-${counter + 1}`);
    expect(issue.previousKeys).toEqual([oldKey]);
    expect(findIssue(site, oldKey)).toBe(issue);
    expect(findIssue(site, issue.key)).toBe(issue);
    expect(issue.projectId).toBe(target.id);
    expect(h.items.find((i) => i.field === 'Key')).toMatchObject({ fromString: oldKey, toString: issue.key });
    expect(h.items.find((i) => i.field === 'project')).toMatchObject({
      from: dev.id,
      fromString: dev.name,
      to: target.id,
      toString: target.name,
    });
    expect(h.items.some((i) => i.field === 'Component' && i.to === null)).toBe(true);
    expect(issue.fields.components).toBeUndefined();
    // Team-managed targets have their own types and workflow.
    expect(site.data.issueTypes.get(String(issue.fields.issuetype))!.projectId).toBe(target.id);
    expect(workflowOfIssue(site, issue)!.statusIds).toContain(issue.fields.status);
    expect(sub.projectId).toBe(target.id);
    expect(sub.key.startsWith('TEAM-')).toBe(true);
    expect(events.find((e) => e.type === 'issue_updated' && e.movedFrom)).toMatchObject({
      movedFrom: { key: oldKey, projectId: dev.id },
    });
    expect(rejection(() => m.moveIssue(ctx(), sub, 'DEV')).status).toBe(400);
  });
});

describe('comments', () => {
  it('adds, edits and deletes comments, bumping the issue', () => {
    const issue = newIssue();
    now += 1000;
    const c = m.addComment(ctx(other), issue, { body: textDoc('hello') });
    expect(c).toMatchObject({ authorId: other, updateAuthorId: other, created: now, updated: now, jsdPublic: true });
    expect(issue.updated).toBe(now);
    expect(issue.watchers.has(other)).toBe(true);
    now += 1000;
    m.editComment(ctx(admin), issue, c.id, {
      body: textDoc('edited'),
      visibility: { type: 'role', value: 'Administrators' },
    });
    expect(c).toMatchObject({
      updateAuthorId: admin,
      updated: now,
      visibility: { type: 'role', value: 'Administrators', identifier: '10002' },
    });
    expect(c.created).toBe(now - 1000);
    expect(issue.updated).toBe(now);
    now += 1000;
    m.deleteComment(ctx(), issue, c.id);
    expect(issue.comments).toEqual([]);
    expect(issue.updated).toBe(now);
    expect(events.map((e) => e.type).filter((t) => t.startsWith('comment'))).toEqual([
      'comment_created',
      'comment_updated',
      'comment_deleted',
    ]);
    expect(rejection(() => m.deleteComment(ctx(), issue, c.id)).status).toBe(404);
    expect(
      rejection(() =>
        m.addComment(ctx(), issue, { body: textDoc('x'), visibility: { type: 'group', value: 'no-such-group' } }),
      ).status,
    ).toBe(400);
  });

  it('stores JSM internal comments and enforces the per-issue limit', () => {
    const help = project('HELP');
    const issue = newIssue(help, {}, '[System] Service request');
    const c = m.addComment(ctx(), issue, { body: textDoc('agents only'), jsdPublic: false });
    expect(c.jsdPublic).toBe(false);
    issue.comments.length = 0;
    for (let i = 0; i < m.ISSUE_LIMITS.comments; i++) issue.comments.push(c);
    expect(rejection(() => m.addComment(ctx(), issue, { body: textDoc('one too many') })).status).toBe(413);
  });
});

describe('worklogs', () => {
  it('feeds updates and deletions, and tracks time spent and the remaining estimate', () => {
    const issue = newIssue(dev, { timetracking: { originalEstimateSeconds: 7200 } });
    expect(issue.fields.timetracking).toEqual({ originalEstimateSeconds: 7200, remainingEstimateSeconds: 7200 });
    now += 1000;
    const w = m.addWorklog(ctx(other), issue, { started: now - 3600_000, timeSpentSeconds: 1800 });
    expect(site.data.worklogUpdates.at(-1)).toEqual({ worklogId: w.id, issueId: issue.id, updatedTime: now });
    expect(issue.changelog.at(-1)!.items).toEqual([
      {
        field: 'timespent',
        fieldtype: 'jira',
        fieldId: 'timespent',
        from: null,
        fromString: null,
        to: '1800',
        toString: '1800',
      },
      { field: 'WorklogId', fieldtype: 'jira', from: null, fromString: null, to: w.id, toString: w.id },
      {
        field: 'timeestimate',
        fieldtype: 'jira',
        fieldId: 'timeestimate',
        from: '7200',
        fromString: '7200',
        to: '5400',
        toString: '5400',
      },
    ]);
    now += 1000;
    m.editWorklog(ctx(other), issue, w.id, { timeSpentSeconds: 3600, adjustEstimate: { mode: 'leave' } });
    expect(w.updated).toBe(now);
    expect(site.data.worklogUpdates.at(-1)!.updatedTime).toBe(now);
    now += 1000;
    m.deleteWorklog(ctx(), issue, w.id);
    expect(site.data.worklogDeletions.at(-1)).toEqual({ worklogId: w.id, issueId: issue.id, updatedTime: now });
    expect((issue.fields.timetracking as { remainingEstimateSeconds: number }).remainingEstimateSeconds).toBe(
      5400 + 3600,
    );
    expect(rejection(() => m.addWorklog(ctx(), issue, { started: now, timeSpentSeconds: 0 })).status).toBe(400);
    site.data.settings.timeTrackingEnabled = false;
    expect(rejection(() => m.addWorklog(ctx(), issue, { started: now, timeSpentSeconds: 60 })).status).toBe(400);
  });
});

describe('attachments', () => {
  it('deduplicates uploaded bytes, writes Attachment items and drops content with its last attachment', () => {
    const a = newIssue();
    const b = newIssue();
    const bytes = new TextEncoder().encode('identical bytes');
    const contents = site.data.contents.size;
    const x = m.addAttachment(ctx(), a, { filename: 'x.txt', mimeType: 'text/plain', source: { data: bytes } });
    const y = m.addAttachment(ctx(), b, { filename: 'y.txt', source: { data: bytes.slice() } });
    const z = m.addAttachment(ctx(), b, { filename: 'z.txt', source: { data: new TextEncoder().encode('other') } });
    expect(x.contentId).toBe(y.contentId);
    expect(z.contentId).not.toBe(x.contentId);
    expect(site.data.contents.size).toBe(contents + 2);
    expect(x.mediaId).toMatch(/^[0-9a-f-]{36}$/);
    expect(contentSha256(site.data.contents.get(x.contentId)!)).toHaveLength(64);
    expect(a.changelog.at(-1)!.items[0]).toEqual({
      field: 'Attachment',
      fieldtype: 'jira',
      fieldId: 'attachment',
      from: null,
      fromString: null,
      to: x.id,
      toString: 'x.txt',
    });
    m.deleteAttachment(ctx(), x.id);
    expect(site.data.contents.has(y.contentId)).toBe(true);
    expect(a.changelog.at(-1)!.items[0]).toMatchObject({ from: x.id, fromString: 'x.txt', to: null });
    m.deleteAttachment(ctx(), y.id);
    expect(site.data.contents.has(y.contentId)).toBe(false);
    // Re-uploading the same bytes after the content went creates a new content.
    const again = m.addAttachment(ctx(), a, { filename: 'x.txt', source: { data: bytes } });
    expect(site.data.contents.has(again.contentId)).toBe(true);
    site.data.settings.attachmentUploadLimit = 3;
    expect(rejection(() => m.addAttachment(ctx(), a, { filename: 'big', source: { data: bytes } })).status).toBe(413);
    expect(rejection(() => m.deleteAttachment(ctx(), 'nope')).status).toBe(404);
  });
});

describe('links', () => {
  it('links both ends with Link items, ignores duplicates and unlinks', () => {
    const a = newIssue();
    const b = newIssue(project('MKT'));
    const link = m.addIssueLink(ctx(), { typeId: '10000', inwardIssueId: a.id, outwardIssueId: b.id });
    expect(a.linkIds).toContain(link.id);
    expect(b.linkIds).toContain(link.id);
    expect(a.changelog.at(-1)!.items[0]).toMatchObject({
      field: 'Link',
      to: b.key,
      toString: `This issue blocks ${b.key}`,
    });
    expect(b.changelog.at(-1)!.items[0]).toMatchObject({
      field: 'Link',
      to: a.key,
      toString: `This issue is blocked by ${a.key}`,
    });
    expect(m.addIssueLink(ctx(), { typeId: '10000', inwardIssueId: a.id, outwardIssueId: b.id })).toBe(link);
    expect(
      rejection(() => m.addIssueLink(ctx(), { typeId: '10000', inwardIssueId: a.id, outwardIssueId: a.id })).status,
    ).toBe(400);
    m.deleteIssueLink(ctx(), link.id);
    expect(a.linkIds).toEqual([]);
    expect(b.linkIds).toEqual([]);
    expect(b.changelog.at(-1)!.items[0]).toMatchObject({ from: a.key, to: null });
  });

  it('upserts remote links by globalId without touching updated', () => {
    const a = newIssue();
    now += 1000;
    const first = m.upsertRemoteLink(ctx(), a, {
      globalId: 'g1',
      object: { url: 'https://x.example/1', title: 'One' },
    });
    const second = m.upsertRemoteLink(ctx(), a, {
      globalId: 'g1',
      object: { url: 'https://x.example/2', title: 'Two' },
    });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.link.id).toBe(first.link.id);
    expect(a.remoteLinks).toHaveLength(1);
    expect(a.remoteLinks[0]!.object.title).toBe('Two');
    expect(a.updated).toBe(now - 1000);
    m.deleteRemoteLinkByGlobalId(ctx(), a, 'g1');
    expect(a.remoteLinks).toEqual([]);
    expect(rejection(() => m.upsertRemoteLink(ctx(), a, { object: { url: '', title: 'x' } })).status).toBe(400);
  });
});

describe('watchers, votes and properties', () => {
  it('changes watchers and votes without moving updated, with Jira vote rules', () => {
    const issue = newIssue();
    const v = issue.version;
    const updated = issue.updated;
    now += 1000;
    expect(m.addWatcher(ctx(), issue, other)).toBe(true);
    expect(m.addWatcher(ctx(), issue, other)).toBe(false);
    expect(m.removeWatcher(ctx(), issue, other)).toBe(true);
    expect(rejection(() => m.addVote(ctx(admin), issue)).status).toBe(404);
    expect(m.addVote(ctx(other), issue)).toBe(true);
    expect(issue.voters.has(other)).toBe(true);
    expect(m.removeVote(ctx(other), issue)).toBe(true);
    expect(issue.updated).toBe(updated);
    expect(issue.version).toBeGreaterThan(v);
    const done = newIssue();
    m.transitionIssue(ctx(), done, availableTransitions(site, done).find((t) => t.name === 'Done')!.id);
    expect(rejection(() => m.addVote(ctx(other), done)).status).toBe(404);
  });

  it('sets and deletes properties of issues, comments, worklogs and projects', () => {
    const issue = newIssue();
    const c1 = m.addComment(ctx(), issue, { body: textDoc('one') });
    const c2 = m.addComment(ctx(), issue, { body: textDoc('two') });
    const w = m.addWorklog(ctx(), issue, { started: now, timeSpentSeconds: 60 });
    expect(m.setProperty(ctx(), { type: 'issue', issue }, 'k', { a: 1 })).toBe(true);
    expect(m.setProperty(ctx(), { type: 'issue', issue }, 'k', { a: 2 })).toBe(false);
    expect(issue.properties.get('k')).toEqual({ a: 2 });
    m.setProperty(ctx(), { type: 'comment', issue, comment: c1 }, 'c', [1, 2]);
    expect(c1.properties.get('c')).toEqual([1, 2]);
    expect(c2.properties.size).toBe(0);
    m.setProperty(ctx(), { type: 'worklog', issue, worklog: w }, 'w', 'x');
    m.setProperty(ctx(), { type: 'project', project: dev }, 'p', true);
    expect(dev.properties.get('p')).toBe(true);
    m.deleteProperty(ctx(), { type: 'issue', issue }, 'k');
    expect(issue.properties.has('k')).toBe(false);
    expect(rejection(() => m.deleteProperty(ctx(), { type: 'issue', issue }, 'k')).status).toBe(404);
    expect(rejection(() => m.setProperty(ctx(), { type: 'issue', issue }, 'big', 'x'.repeat(40_000))).status).toBe(400);
    expect(rejection(() => m.setProperty(ctx(), { type: 'issue', issue }, '', 1)).status).toBe(400);
    expect(events.filter((e) => e.type.startsWith('issue_property')).map((e) => e.type)).toEqual([
      'issue_property_set',
      'issue_property_set',
      'issue_property_deleted',
    ]);
    // Shared empty collections refuse direct writes loudly.
    expect(() => c2.properties.set('x', 1)).toThrow(TypeError);
  });
});

describe('projects, components and versions', () => {
  it('creates company-managed and team-managed projects', () => {
    const lead = other;
    const classic = m.createProject(ctx(), {
      key: 'NEWC',
      name: 'New classic',
      projectTypeKey: 'software',
      leadAccountId: lead,
    });
    expect(classic.issueTypeSchemeId).toBe([...site.data.issueTypeSchemes.values()].find((s) => s.isDefault)!.id);
    expect(site.data.projectKeys.get('NEWC')).toBe(classic.id);
    const team = m.createProject(ctx(), {
      key: 'NEWT',
      name: 'New team',
      projectTypeKey: 'software',
      style: 'next-gen',
      leadAccountId: lead,
    });
    const types = site.data.issueTypeSchemes
      .get(team.issueTypeSchemeId)!
      .issueTypeIds.map((id) => site.data.issueTypes.get(id)!);
    expect(types.map((t) => t.name)).toEqual(['Epic', 'Story', 'Task', 'Bug', 'Subtask']);
    expect(types.every((t) => t.projectId === team.id)).toBe(true);
    const issue = newIssue(team, {}, 'Task');
    expect(issue.key).toBe('NEWT-1');
    // Every status can be reached from every other (global transitions).
    expect(availableTransitions(site, issue).map((t) => site.data.statuses.get(t.to)!.name)).toEqual([
      'In Progress',
      'Done',
    ]);
    expect(
      rejection(() =>
        m.createProject(ctx(), { key: 'NEWT', name: 'Dup', projectTypeKey: 'software', leadAccountId: lead }),
      ).body,
    ).toMatchObject({ errors: { projectKey: expect.any(String) } });
    expect(
      rejection(() =>
        m.createProject(ctx(), { key: 'bad key', name: 'Bad', projectTypeKey: 'software', leadAccountId: lead }),
      ).status,
    ).toBe(400);
    expect(
      rejection(() =>
        m.createProject(ctx(), { key: 'OK', name: 'New team', projectTypeKey: 'software', leadAccountId: lead }),
      ).body,
    ).toMatchObject({ errors: { projectName: expect.any(String) } });
    expect(events.filter((e) => e.type === 'project_created')).toHaveLength(2);
  });

  it('renames a project key and re-keys its issues, keeping old keys resolvable', () => {
    const issue = newIssue();
    const n = issue.key.split('-')[1];
    m.updateProject(ctx(), dev, { key: 'CORE', name: 'Core platform' });
    expect(issue.key).toBe(`CORE-${n}`);
    expect(findIssue(site, `DEV-${n}`)).toBe(issue);
    expect(site.data.projectKeys.get('DEV')).toBe(dev.id);
    expect(dev.previousKeys).toEqual(['DEV']);
    expect(newIssue(dev).key).toBe(`CORE-${dev.issueCounter}`);
  });

  it('creates, updates and deletes components and versions, updating issues', () => {
    const c = m.createComponent(ctx(), dev, { name: 'Brand new', leadAccountId: other });
    const c2 = m.createComponent(ctx(), dev, { name: 'Target' });
    expect(rejection(() => m.createComponent(ctx(), dev, { name: 'brand NEW' })).status).toBe(400);
    const issue = newIssue(dev, { components: [c.id] });
    m.updateComponent(ctx(), c.id, { description: 'changed' });
    expect(dev.components.get(c.id)!.description).toBe('changed');
    m.deleteComponent(ctx(), c.id, { moveIssuesTo: c2.id });
    expect(issue.fields.components).toEqual([c2.id]);
    const v = m.createVersion(ctx(), dev, { name: '9.9', releaseDate: '2027-01-01' });
    const v2 = m.createVersion(ctx(), dev, { name: '9.10' });
    const fixed = newIssue(dev, { fixVersions: [v.id] });
    events = [];
    m.updateVersion(ctx(), v.id, { released: true });
    expect(events.map((e) => e.type)).toEqual(['jira:version_released']);
    m.deleteVersion(ctx(), v.id, { moveFixIssuesTo: v2.id });
    expect(fixed.fields.fixVersions).toEqual([v2.id]);
    m.deleteVersion(ctx(), v2.id);
    expect(fixed.fields.fixVersions).toBeUndefined();
    expect(rejection(() => m.createVersion(ctx(), dev, { name: 'x', releaseDate: '01/01/2027' })).status).toBe(400);
  });
});

describe('configuration changes', () => {
  it('renames statuses, adds options usable in edits and changes group membership', () => {
    const issue = newIssue();
    const statusId = String(issue.fields.status);
    m.renameStatus(ctx(), statusId, 'Backlog ✓');
    expect(site.data.statuses.get(statusId)!.name).toBe('Backlog ✓');
    const context = [...site.data.fieldContexts.values()].find(
      (c) => c.fieldId === 'customfield_10032' && c.isGlobalContext,
    )!;
    const option = m.addFieldOption(ctx(), context.id, 'Brand new option');
    const h = m.editIssueFields(ctx(), issue, { customfield_10032: option.id })!;
    expect(h.items[0]!.toString).toBe('Brand new option');
    expect(rejection(() => m.addFieldOption(ctx(), context.id, 'Brand new option')).status).toBe(400);
    const group = [...site.data.groups.values()][0]!;
    m.addGroupMember(ctx(), group.groupId, other);
    expect(group.members.has(other)).toBe(true);
    m.removeGroupMember(ctx(), group.groupId, other);
    expect(group.members.has(other)).toBe(false);
    expect(events.filter((e) => e.type === 'config_changed').length).toBeGreaterThanOrEqual(4);
  });
});
