/**
 * Scenarios for the restore acceptance tests: which issues of a simulated site to delete (of varied
 * shape), and a bad bulk edit to roll back. Deterministic for a given site.
 */
import { applyOp } from '../../src/simulator/control/world.js';
import { mutationContext } from '../../src/simulator/mutate/index.js';
import { issueDump } from '../../src/simulator/world/dump.js';
import type { Issue, JiraSimulator, Site } from '../../src/simulator/index.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface DeletedIssues {
  /** Dumps of every deleted issue (subtasks included), by id, taken just before the deletion. */
  dumps: Map<string, Obj>;
  /** What the selection covers, for the test's own checks. */
  shape: {
    heavyComments: number;
    withAttachments: number;
    withLinks: number;
    parents: number;
    subtasks: number;
    inSprints: number;
    withInternalComments: number;
  };
}

function sprintField(site: Site): string | undefined {
  return [...site.data.fields.values()].find((f) => f.schema.custom === 'com.pyxis.greenhopper.jira:gh-sprint')?.id;
}

/**
 * Deletes about `count` issues of varied shape: every issue with more than 100 comments, issues
 * with attachments, with links in and out, parents (their subtasks go with them), issues in
 * sprints, service-desk requests with internal comments, and ordinary ones to fill up.
 */
export function deleteVariedIssues(
  sim: JiraSimulator,
  site: Site,
  count: number,
  actor: string,
  now: number,
): DeletedIssues {
  const sprint = sprintField(site);
  const all = [...site.data.issues.values()].filter((i) => !i.archived).sort((a, b) => Number(a.id) - Number(b.id));
  const subtasksOf = new Map<string, Issue[]>();
  for (const i of all) {
    const p = i.fields.parent;
    if (typeof p === 'string' && site.data.issueTypes.get(String(i.fields.issuetype))?.subtask) {
      subtasksOf.set(p, [...(subtasksOf.get(p) ?? []), i]);
    }
  }
  const chosen = new Map<string, Issue>();
  const take = (list: Issue[], n: number): void => {
    for (const i of list) {
      if (chosen.size >= count || n <= 0) return;
      if (chosen.has(i.id)) continue;
      const parent = typeof i.fields.parent === 'string' ? i.fields.parent : undefined;
      if (parent && subtasksOf.get(parent)?.some((s) => s.id === i.id)) continue; // taken with its parent
      chosen.set(i.id, i);
      for (const s of subtasksOf.get(i.id) ?? []) chosen.set(s.id, s);
      n -= 1;
    }
  };
  const every = (n: number) => (list: Issue[]) => list.filter((_, k) => k % n === 0);
  take(
    all.filter((i) => i.comments.length > 100),
    Infinity,
  );
  take(every(3)(all.filter((i) => i.attachmentIds.length > 0)), 60);
  take(every(3)(all.filter((i) => i.linkIds.length > 0)), 60);
  take(every(2)(all.filter((i) => subtasksOf.has(i.id))), 30);
  if (sprint)
    take(
      every(3)(all.filter((i) => Array.isArray(i.fields[sprint]) && (i.fields[sprint] as unknown[]).length > 0)),
      60,
    );
  take(
    all.filter((i) => i.comments.some((c) => c.jsdPublic === false)),
    40,
  );
  take(every(7)(all), Infinity);

  const dumps = new Map<string, Obj>();
  // The links go with the deleted issues: the dump keeps their records for the comparison.
  for (const i of chosen.values())
    dumps.set(i.id, {
      ...(issueDump(site, i) as Obj),
      linkRecords: i.linkIds.map((l) => structuredClone(site.data.links.get(l))).filter(Boolean),
    });
  const shape = {
    heavyComments: [...chosen.values()].filter((i) => i.comments.length > 100).length,
    withAttachments: [...chosen.values()].filter((i) => i.attachmentIds.length > 0).length,
    withLinks: [...chosen.values()].filter((i) => i.linkIds.length > 0).length,
    parents: [...chosen.values()].filter((i) => subtasksOf.has(i.id)).length,
    subtasks: [...chosen.values()].filter(
      (i) => typeof i.fields.parent === 'string' && subtasksOf.get(String(i.fields.parent))?.some((s) => s.id === i.id),
    ).length,
    inSprints: sprint
      ? [...chosen.values()].filter(
          (i) => Array.isArray(i.fields[sprint]) && (i.fields[sprint] as unknown[]).length > 0,
        ).length
      : 0,
    withInternalComments: [...chosen.values()].filter((i) => i.comments.some((c) => c.jsdPublic === false)).length,
  };
  // Parents first: deleting a parent deletes its subtasks.
  for (const i of chosen.values()) {
    if (!site.data.issues.has(i.id)) continue;
    applyOp(mutationContext(sim.world, site, now, actor), { op: 'issue-delete', issue: i.key, deleteSubtasks: true });
  }
  return { dumps, shape };
}

export interface BulkEdit {
  /** Issue ids edited, with the values the chosen fields had before. */
  edited: Map<string, { key: string; before: Obj; historiesBefore: number }>;
}

/**
 * A bad bulk edit: `count` issues get a new priority and an extra label (the fields a rollback
 * should bring back) and a new due date (a field the rollback must leave alone).
 */
export function badBulkEdit(sim: JiraSimulator, site: Site, count: number, actor: string, now: number): BulkEdit {
  const priorities = [...site.data.priorities.keys()];
  const issues = [...site.data.issues.values()]
    .filter((i) => !i.archived)
    .sort((a, b) => Number(a.id) - Number(b.id))
    .slice(0, count);
  const edited = new Map<string, { key: string; before: Obj; historiesBefore: number }>();
  for (const issue of issues) {
    const priority = priorities.find((p) => p !== String(issue.fields.priority ?? ''))!;
    edited.set(issue.id, {
      key: issue.key,
      before: structuredClone({
        priority: issue.fields.priority,
        labels: issue.fields.labels,
        duedate: issue.fields.duedate,
      }),
      historiesBefore: issue.changelog.length,
    });
    applyOp(mutationContext(sim.world, site, now, actor), {
      op: 'edit',
      issue: issue.key,
      fields: {
        priority,
        labels: [...((issue.fields.labels as string[] | undefined) ?? []), 'bulk-oops'],
        duedate: '2030-01-01',
      },
    });
  }
  return { edited };
}
