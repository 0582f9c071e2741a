/**
 * Fields Jira refuses on create (a validator the plan could not foresee: here an assignee who may
 * not be assigned issues) do not lose the issue: the target creates it without them and keeps each
 * refused value, with Jira's reason, in the issue's `tidemark.provenance` — in a bulk create (one
 * element refused) and in a single create alike.
 */
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/restore/executor/executor.js';
import { MemoryJournal } from '../../src/restore/executor/journal.js';
import { PROVENANCE_KEY } from '../../src/restore/plan.js';
import { executorBench, issuesOfStep, plan, provenance, readSource, step } from './executor-support.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('fields Jira refuses on create', () => {
  it('creates the issue without them and keeps them in provenance, in bulk and alone', async () => {
    const b = await executorBench();
    const d = b.site.data;
    const dev = [...d.projects.values()].find((p) => p.key === 'DEV')!;
    const issueType = String(b.issues().find((i) => i.projectId === dev.id && !i.fields.parent)!.fields.issuetype);
    const customer = [...(b.site.customers ?? [])][0]!; // a portal customer cannot be assigned issues
    const create = (id: string, assignee?: string) =>
      step(id, 'issue.create', {
        project: dev.id,
        issueType,
        fields: { summary: `Restored ${id}`, ...(assignee ? { assignee: { accountId: assignee } } : {}) },
        properties: [provenance(id, 'issue', id)],
      });
    // Two creates without dependencies go in one bulk request; the third depends on the first, so
    // it is sent alone.
    const steps = [create('issue:ok'), create('issue:refused', customer)];
    steps.push({ ...create('issue:alone', customer), deps: ['issue:ok'] });
    const report = await applyPlan({ plan: plan(steps), target: b.target(), journal: new MemoryJournal(), readSource });
    expect(report.failed).toEqual([]);
    for (const id of ['issue:ok', 'issue:refused', 'issue:alone']) expect(issuesOfStep(b, id)).toHaveLength(1);
    for (const id of ['issue:refused', 'issue:alone']) {
      const issue = issuesOfStep(b, id)[0]!;
      expect(issue.fields.assignee).not.toBe(customer);
      const prov = issue.properties.get(PROVENANCE_KEY) as Json;
      expect(prov.step).toBe(id);
      expect(prov.original.fields.assignee.value).toEqual({ accountId: customer });
      expect(prov.original.fields.assignee.reason).toMatch(/^Jira refused the value: .*cannot be assigned issues/);
    }
    expect((issuesOfStep(b, 'issue:ok')[0]!.properties.get(PROVENANCE_KEY) as Json).original.fields).toBeUndefined();
  });

  it('still fails the step when an essential field is refused', async () => {
    const b = await executorBench();
    const dev = [...b.site.data.projects.values()].find((p) => p.key === 'DEV')!;
    const issueType = String(b.issues().find((i) => i.projectId === dev.id && !i.fields.parent)!.fields.issuetype);
    const steps = [
      step('issue:nosummary', 'issue.create', { project: dev.id, issueType, fields: { summary: '' }, properties: [] }),
    ];
    const report = await applyPlan({ plan: plan(steps), target: b.target(), journal: new MemoryJournal(), readSource });
    expect(report.failed.map((f) => f.step)).toEqual(['issue:nosummary']);
    expect(issuesOfStep(b, 'issue:nosummary')).toHaveLength(0);
  });
});
