/**
 * Project mode's configuration steps (docs/design.md §9.3 rule 1: projects, components and
 * versions first): where the project goes (its original key when free or empty, else the key the
 * operator gave), project.create, and the components and versions the target lacks.
 */
import { TidemarkError } from '../../core/index.js';
import type { LiveProject } from '../live.js';
import type { IssueBundle } from '../source.js';
import { addStep, countEntity, ref, type PlanContext } from './context.js';

type Json = Record<string, unknown>;

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

export interface ProjectTarget {
  source: Json;
  key: string;
  /** The target project when it exists (empty) and is reused. */
  reuse?: LiveProject;
}

/** Decides the target key of a project restore; refuses a key that holds issues. */
export async function projectTarget(
  ctx: PlanContext,
  mode: { project: string; targetKey?: string },
  projects: Json[],
): Promise<ProjectTarget> {
  const source = projects.find((p) => p.key === mode.project || str(p.id) === mode.project);
  if (!source)
    throw new TidemarkError('usage', `Project ${mode.project} is not in the snapshot`, {
      hint: 'Give a project key the snapshot holds (tidemark ls).',
    });
  const key = mode.targetKey ?? str(source.key);
  const live = (await ctx.live.projects()).find((p) => p.key === key);
  if (!live) return { source, key };
  const count = await ctx.live.projectIssueCount(key);
  if (count > 0)
    throw new TidemarkError(
      'usage',
      `Project key ${key} is in use on ${ctx.target.url} and holds ${count} issue${count === 1 ? '' : 's'}`,
      { hint: 'Restore into a new key (restore plan --mode project --target-key NEWKEY).' },
    );
  return { source, key, reuse: live };
}

/**
 * The schemes of the original project for project.create on its own site (a new project otherwise
 * gets the site's defaults, and then, e.g., no issue security scheme: Jira refuses the issues'
 * security levels). Issue type, issue type screen, workflow and notification schemes come from the
 * snapshot's scheme records (they list their projects), the issue security scheme from the levels
 * the project's issues use, the permission scheme from the live project when it still exists.
 * Another site has other schemes: nothing is carried (security levels are reported not restorable).
 */
export async function projectSchemes(ctx: PlanContext, sourceProjectId: string, issues: IssueBundle[]): Promise<Json> {
  if (!ctx.sameSite) return {};
  const out: Json = {};
  const pid = sourceProjectId;
  const lists: Array<
    [string, 'issue-type-scheme' | 'issue-type-screen-scheme' | 'workflow-scheme' | 'notification-scheme']
  > = [
    ['issueTypeScheme', 'issue-type-scheme'],
    ['issueTypeScreenScheme', 'issue-type-screen-scheme'],
    ['workflowScheme', 'workflow-scheme'],
    ['notificationScheme', 'notification-scheme'],
  ];
  for (const [member, kind] of lists) {
    const scheme = (await ctx.source.config(kind)).find((s) =>
      [...((s.projectIds ?? []) as unknown[]), ...((s.projects ?? []) as unknown[])].some((p) => str(p) === pid),
    );
    if (scheme && /^\d+$/.test(str(scheme.id))) out[member] = Number(scheme.id);
  }
  const levels = new Set<string>();
  for (const b of issues) {
    const level = ((b.issue.fields ?? {}) as Json).security as Json | undefined;
    if (level?.id !== undefined) levels.add(str(level.id));
  }
  const security = (await ctx.source.config('security-scheme')).find((s) =>
    ((s.levels ?? []) as Json[]).some((l) => levels.has(str(l.id))),
  );
  if (security) out.issueSecurityScheme = Number(security.id);
  const permission = await ctx.live.permissionScheme(pid);
  if (permission !== undefined && /^\d+$/.test(permission)) out.permissionScheme = Number(permission);
  return out;
}

/**
 * project.create (unless reused), then components and versions the target project lacks.
 * `restricted`: some restored comment or worklog is visible to a project role only. Jira lets the
 * restore write it only when the caller is in that role, and a new project's only role member is
 * its lead (in Administrators): the caller leads the new project then (the original lead is
 * reported as not restorable).
 */
export function planProjectConfig(
  ctx: PlanContext,
  t: ProjectTarget,
  targetName: string | undefined,
  restricted = false,
  schemes: Json = {},
): void {
  const p = t.source;
  const pid = str(p.id);
  let projectKeyRef: unknown;
  const deps: string[] = [];
  if (t.reuse) {
    ctx.mappings.projects[pid] = t.reuse.id;
    projectKeyRef = t.reuse.key;
  } else {
    const stepId = `project:${pid}`;
    const original = ctx.mappings.users[str(p.leadAccountId ?? (p.lead as Json | undefined)?.accountId)];
    const lead = restricted || !original ? ctx.caller.accountId : original;
    if (lead !== original)
      ctx.fidelity.add(
        'project-lead',
        'notRestorable',
        restricted
          ? 'the restoring account leads the new project, so that comments visible to a project role can be written'
          : 'the original lead has no target user: the restoring account leads the new project',
      );
    const category = (p.projectCategory ?? undefined) as Json | undefined;
    const nameTaken = ctx.sameSite && t.key !== p.key;
    addStep(ctx, {
      id: stepId,
      kind: 'project.create',
      payload: {
        key: t.key,
        name: targetName ?? (nameTaken ? `${str(p.name)} (${t.key})` : str(p.name)),
        projectTypeKey: str(p.projectTypeKey) || 'software',
        leadAccountId: lead,
        description: str(p.description),
        assigneeType: str(p.assigneeType) || 'UNASSIGNED',
        ...(category && ctx.sameSite ? { categoryId: str(category.id) } : {}),
        ...schemes,
      },
    });
    ctx.projectSteps.set(pid, stepId);
    countEntity(ctx, 'project');
    ctx.fidelity.add('project', 'exact');
    projectKeyRef = ref(stepId, 'key');
    deps.push(stepId);
  }
  for (const c of (p.components ?? []) as Json[]) {
    const existing = t.reuse?.components.find((x) => x.name === c.name);
    if (existing) {
      ctx.mappings.components[str(c.id)] = existing.id;
      continue;
    }
    const stepId = `component:${str(c.id)}`;
    const lead = ctx.mappings.users[str(c.leadAccountId)];
    addStep(ctx, {
      id: stepId,
      kind: 'component.create',
      deps,
      payload: {
        project: projectKeyRef,
        name: c.name,
        description: str(c.description),
        ...(lead ? { leadAccountId: lead } : {}),
        assigneeType: str(c.assigneeType) || 'PROJECT_DEFAULT',
      },
    });
    ctx.createdConfig.components.set(str(c.id), stepId);
    countEntity(ctx, 'component');
    if (c.leadAccountId && !lead) ctx.fidelity.add('component', 'notRestorable', 'component lead has no target user');
    else ctx.fidelity.add('component', 'exact');
  }
  for (const v of (p.versions ?? []) as Json[]) {
    const existing = t.reuse?.versions.find((x) => x.name === v.name);
    if (existing) {
      ctx.mappings.versions[str(v.id)] = existing.id;
      continue;
    }
    const stepId = `version:${str(v.id)}`;
    addStep(ctx, {
      id: stepId,
      kind: 'version.create',
      deps,
      payload: {
        project: projectKeyRef,
        name: v.name,
        description: str(v.description),
        ...(v.startDate ? { startDate: v.startDate } : {}),
        ...(v.releaseDate ? { releaseDate: v.releaseDate } : {}),
      },
    });
    ctx.createdConfig.versions.set(str(v.id), stepId);
    countEntity(ctx, 'version');
    ctx.fidelity.add('version', 'exact');
  }
}
