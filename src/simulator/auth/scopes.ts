/**
 * Scopes the simulated authorization server knows: every scope of the pinned specs, plus the
 * identity-platform scopes that are not in any Jira spec (offline_access, read:me,
 * report:personal-data).
 */
import { SPEC_SCOPE_DESCRIPTIONS } from './scope-table.js';

/** Scopes of the identity platform rather than of a Jira site. They do not appear in accessible-resources. */
export const IDENTITY_SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  offline_access: 'Keep access to the data you have given it access to, even when you are not using the app.',
  'read:me': 'View your Atlassian account profile: name, e-mail address, avatar and account status.',
  'report:personal-data':
    'Report which Atlassian accounts the app stores personal data for, and learn when to erase or refresh it.',
};

/**
 * Scopes that operations of the pinned specs require but that the specs' securitySchemes do not
 * list (so they have no published description); worded after their siblings.
 */
export const UNLISTED_SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'read:priority-scheme:jira': 'View priority schemes.',
  'write:priority-scheme:jira': 'Create and update priority schemes.',
  'delete:priority-scheme:jira': 'Delete priority schemes.',
  'redact:issue:jira': 'Redact sensitive content in issues.',
  'write:user:jira': 'Create and delete users.',
  'write:user.columns:jira': 'Set the issue navigator columns of users.',
  'delete:user.columns:jira': 'Reset the issue navigator columns of users.',
};

export function isKnownScope(scope: string): boolean {
  return (
    scope in IDENTITY_SCOPE_DESCRIPTIONS || scope in SPEC_SCOPE_DESCRIPTIONS || scope in UNLISTED_SCOPE_DESCRIPTIONS
  );
}

export function isIdentityScope(scope: string): boolean {
  return scope in IDENTITY_SCOPE_DESCRIPTIONS;
}

/** The human description of a scope for the consent page. */
export function describeScope(scope: string): string {
  return (
    IDENTITY_SCOPE_DESCRIPTIONS[scope] ??
    SPEC_SCOPE_DESCRIPTIONS[scope] ??
    UNLISTED_SCOPE_DESCRIPTIONS[scope] ??
    'Unknown scope.'
  );
}

/** Parses a space-separated scope parameter into distinct scopes, in order of first appearance. */
export function parseScopeParam(value: string | null | undefined): string[] {
  if (!value) return [];
  return [...new Set(value.split(/\s+/).filter((s) => s !== ''))];
}

/** The scopes the Tidemark product asks for (backup, restore, webhooks, identity, JSW granular, JSM). */
export const TIDEMARK_SCOPES: readonly string[] = [
  'read:jira-work',
  'read:jira-user',
  'manage:jira-project',
  'manage:jira-configuration',
  'write:jira-work',
  'manage:jira-webhook',
  'offline_access',
  'read:me',
  'report:personal-data',
  'read:board-scope:jira-software',
  'read:board-scope.admin:jira-software',
  'read:sprint:jira-software',
  'read:epic:jira-software',
  'read:issue:jira-software',
  'read:project:jira',
  'write:board-scope:jira-software',
  'write:sprint:jira-software',
  'delete:sprint:jira-software',
  'write:issue:jira-software',
  'read:servicedesk-request',
  'write:servicedesk-request',
  'manage:servicedesk-customer',
];
