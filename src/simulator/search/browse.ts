/**
 * Browse permission for many issues at once (searches, feeds, batches): project-wide grants are
 * evaluated once per project; reporter/assignee grants and security levels per issue. Gives the
 * same answers as world/queries.ts canBrowseIssue, plus "archived issues are never visible".
 */
import type { Issue, Project } from '../world/site.js';
import type { Site } from '../world/types.js';
import { canBrowseIssue, hasProjectPermission } from '../world/queries.js';

export class BrowseChecker {
  private readonly projects = new Map<string, 'yes' | 'no' | 'per-issue'>();

  constructor(
    private readonly site: Site,
    private readonly viewerId: string,
  ) {}

  /** True when the viewer may see the project (or some of its issues). */
  canSeeProject(project: Project): boolean {
    return project.status !== 'deleted' && this.projectMode(project) !== 'no';
  }

  private projectMode(project: Project): 'yes' | 'no' | 'per-issue' {
    let mode = this.projects.get(project.id);
    if (!mode) {
      if (hasProjectPermission(this.site, this.viewerId, project, 'BROWSE_PROJECTS')) mode = 'yes';
      else {
        const scheme = this.site.data.permissionSchemes.get(project.permissionSchemeId);
        const issueGrants = scheme?.permissions.some(
          (g) => g.permission === 'BROWSE_PROJECTS' && (g.holder.type === 'reporter' || g.holder.type === 'assignee'),
        );
        mode = issueGrants && this.site.members.has(this.viewerId) ? 'per-issue' : 'no';
      }
      this.projects.set(project.id, mode);
    }
    return mode;
  }

  canBrowse(issue: Issue): boolean {
    if (issue.archived) return false;
    const project = this.site.data.projects.get(issue.projectId);
    if (!project) return false;
    const mode = this.projectMode(project);
    if (mode === 'no') return false;
    if (mode === 'yes' && (issue.fields.security === undefined || issue.fields.security === null)) return true;
    return canBrowseIssue(this.site, this.viewerId, issue);
  }
}
