/**
 * Writes through the full gateway of a generated simulator (OAuth token, scopes, realistic
 * limits, meter, search index): the per-issue write limit of docs/design.md §5.4 (21st write to
 * one issue within 2 s → 429 jira-per-issue-on-write), write points, and search after writes
 * under index lag (visible through reconcileIssues first, then to everyone once the lag passed).
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/index.js';
import { simAuth } from '../../src/simulator/auth/service.js';
import { createSimulator } from '../../src/simulator/create.js';
import { meterOf } from '../../src/simulator/limits/index.js';
import { projectIssueTypeIds } from '../../src/simulator/render/issue.js';
import type { JiraSimulator } from '../../src/simulator/simulator.js';
import type { Issue, Project } from '../../src/simulator/world/site.js';
import type { Site } from '../../src/simulator/world/types.js';
import { canBrowseIssue, hasProjectPermission } from '../../src/simulator/world/queries.js';
import { checkResponse } from '../support/openapi.js';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

interface Gateway {
  sim: JiraSimulator;
  clock: FakeClock;
  site: Site;
  adminId: string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function gateway(): Gateway {
  const clock = new FakeClock(T0);
  const sim = createSimulator({ seed: 11, size: 'tiny', clock });
  const app = [...sim.world.apps.values()].find((a) => a.name === 'Tidemark')!;
  const token = simAuth(sim).issueTokens({ clientId: app.clientId, email: 'demo.admin@tidemark.test' }).access_token;
  const site = [...sim.world.sites.values()][0]!;
  const adminId = [...sim.world.accounts.values()].find((a) => a.loginEmail === 'demo.admin@tidemark.test')!.accountId;
  const call: Gateway['call'] = async (method, path, body) => {
    const res = await sim.fetch(
      new Request(`${sim.urls.siteApi(site.cloudId)}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    );
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
  };
  return { sim, clock, site, adminId, call };
}

/** Unresolved issues of a company-managed software project the demo admin can edit. */
function editableIssues(g: Gateway, n: number): Issue[] {
  const out: Issue[] = [];
  for (const issue of g.site.data.issues.values()) {
    const project = g.site.data.projects.get(issue.projectId)!;
    if (issue.archived || project.style !== 'classic' || project.projectTypeKey !== 'software') continue;
    if (!canBrowseIssue(g.site, g.adminId, issue)) continue;
    if (!hasProjectPermission(g.site, g.adminId, project, 'EDIT_ISSUES', issue)) continue;
    out.push(issue);
    if (out.length === n) break;
  }
  expect(out).toHaveLength(n);
  return out;
}

describe('per-issue write limits through the gateway', () => {
  it('refuses the 21st write to one issue within 2 s with 429 jira-per-issue-on-write; other issues and reads go on', async () => {
    const g = gateway();
    const [issue, other] = editableIssues(g, 2);
    const edit = (key: string, n: number) =>
      g.call('PUT', `/rest/api/3/issue/${key}`, { fields: { summary: `Restore pass ${n}` } });
    const comment = (key: string) =>
      g.call('POST', `/rest/api/3/issue/${key}/comment`, {
        body: { version: 1, type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x' }] }] },
      });
    // Edits and comments count together: ten of each fill the 2-second window.
    for (let n = 0; n < 10; n++) {
      expect((await edit(issue!.key, n)).status).toBe(204);
      const c = await comment(issue!.key);
      expect(c.status).toBe(201);
      expect(checkResponse('POST', '/rest/api/3/issue/{issueIdOrKey}/comment', 201, c.body).errors).toEqual([]);
    }
    const refused = await edit(issue!.key, 20);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-reason')).toBe('jira-per-issue-on-write');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('x-ratelimit-limit')).toBe('20');
    expect(refused.body).toMatchObject({ errorMessages: [expect.any(String)], errors: {} });
    expect(issue!.fields.summary).toBe('Restore pass 9');
    expect((await comment(issue!.key)).status).toBe(429);

    expect((await edit(other!.key, 0)).status).toBe(204);
    expect((await g.call('GET', `/rest/api/3/issue/${issue!.key}?fields=summary`)).status).toBe(200);

    g.clock.advance(2_001);
    expect((await edit(issue!.key, 21)).status).toBe(204);
    expect(issue!.fields.summary).toBe('Restore pass 21');

    const records = meterOf(g.sim).log();
    const writes = records.filter((r) => r.method !== 'GET');
    expect(
      writes.filter((r) => r.status === 429).every((r) => r.points === 0 && r.note === 'jira-per-issue-on-write'),
    ).toBe(true);
    expect(writes.filter((r) => r.status < 300).every((r) => r.points === 1)).toBe(true);
  });
});

describe('search after writes', () => {
  it('shows new and edited issues through reconcileIssues under index lag, and to everyone after it', async () => {
    const g = gateway();
    g.sim.settings.indexLagMs = 60_000;
    const [sample] = editableIssues(g, 1);
    const project: Project = g.site.data.projects.get(sample!.projectId)!;
    const typeId = projectIssueTypeIds(g.site, project).find((id) => {
      const t = g.site.data.issueTypes.get(id)!;
      return !t.subtask && t.hierarchyLevel === 0;
    })!;
    const created = await g.call('POST', '/rest/api/3/issue', {
      fields: { project: { key: project.key }, issuetype: { id: typeId }, summary: 'Zebra restored' },
    });
    expect(created.status).toBe(201);
    expect(checkResponse('POST', '/rest/api/3/issue', 201, created.body).errors).toEqual([]);
    const search = async (jql: string, reconcile?: string) => {
      const q = new URLSearchParams({ jql, ...(reconcile ? { reconcileIssues: reconcile } : {}) });
      const res = await g.call('GET', `/rest/api/3/search/jql?${q}`);
      expect(res.status).toBe(200);
      return res.body.issues.map((i: { id: string }) => i.id) as string[];
    };
    const jql = `project = ${project.key} AND summary ~ "Zebra"`;
    expect(await search(jql)).toEqual([]);
    expect(await search(jql, created.body.id)).toEqual([created.body.id]);
    // The GET reads the live issue at once.
    expect((await g.call('GET', `/rest/api/3/issue/${created.body.key}?fields=summary`)).body.fields.summary).toBe(
      'Zebra restored',
    );

    g.clock.advance(61_000);
    expect(await search(jql)).toEqual([created.body.id]);
    const edited = await g.call('PUT', `/rest/api/3/issue/${created.body.key}`, {
      fields: { summary: 'Okapi restored' },
    });
    expect(edited.status).toBe(204);
    expect(await search(jql)).toEqual([created.body.id]);
    expect(await search(jql, created.body.id)).toEqual([]);
    const okapi = `project = ${project.key} AND summary ~ "Okapi"`;
    expect(await search(okapi, created.body.id)).toEqual([created.body.id]);
    g.clock.advance(61_000);
    expect(await search(okapi)).toEqual([created.body.id]);
    expect(await search(jql)).toEqual([]);
  });
});
