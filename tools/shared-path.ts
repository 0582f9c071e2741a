import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the folder holding package.json). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The shared reference folder (`../shared` beside the repository, or $TIDEMARK_SHARED):
 * Atlassian's pinned OpenAPI specs and recorded responses, read by the generator and contract tests.
 */
export function sharedDir(): string {
  const dir = process.env.TIDEMARK_SHARED ?? path.resolve(repoRoot, '..', 'shared');
  if (!existsSync(path.join(dir, 'jira-openapi'))) {
    throw new Error(
      `shared reference folder not found at ${dir}; set TIDEMARK_SHARED to the folder holding jira-openapi/`,
    );
  }
  return dir;
}

export const SPEC_FILES = {
  platform: 'jira-openapi/jira-platform-v3.swagger-v3.v3.json',
  software: 'jira-openapi/jira-software.swagger.v3.json',
  servicedesk: 'jira-openapi/jira-service-management.swagger.v3.json',
} as const;
