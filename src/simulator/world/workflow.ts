/**
 * Workflow lookups: which workflow governs an issue, its initial status, and the transitions an
 * issue can take from where it stands (directed transitions from its status plus global ones).
 */
import type { Issue, Project, Workflow, WorkflowTransition } from './site.js';
import type { Site } from './types.js';

/** The workflow of an issue type in a project (workflow scheme mapping, else its default). */
export function workflowFor(site: Site, project: Project, issueTypeId: string): Workflow | undefined {
  const scheme = site.data.workflowSchemes.get(project.workflowSchemeId);
  if (!scheme) return undefined;
  const id = scheme.issueTypeMappings[issueTypeId] ?? scheme.defaultWorkflowId;
  return site.data.workflows.get(id);
}

export function workflowOfIssue(site: Site, issue: Issue): Workflow | undefined {
  const project = site.data.projects.get(issue.projectId);
  return project ? workflowFor(site, project, String(issue.fields.issuetype)) : undefined;
}

/** The status an issue is created in: the target of the workflow's initial transition. */
export function initialStatusId(workflow: Workflow): string {
  const initial = workflow.transitions.find((t) => t.type === 'initial');
  return initial?.to ?? workflow.statusIds[0]!;
}

/** Transitions available to an issue in its current status, in workflow order. */
export function availableTransitions(site: Site, issue: Issue): WorkflowTransition[] {
  const workflow = workflowOfIssue(site, issue);
  if (!workflow) return [];
  const current = String(issue.fields.status);
  return workflow.transitions.filter(
    (t) => (t.type === 'directed' && t.from.includes(current)) || (t.type === 'global' && t.to !== current),
  );
}

/** The status category key ('new' | 'indeterminate' | 'done' | 'undefined') of a status id. */
export function statusCategoryKey(site: Site, statusId: string): string {
  const status = site.data.statuses.get(statusId);
  return site.data.statusCategories.get(status?.statusCategoryId ?? 1)?.key ?? 'undefined';
}
