import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDir, SPEC_FILES } from '../../../tools/shared-path.js';
import { OPERATIONS } from '../../jira/generated/operations.js';
import { SPEC_SCOPE_DESCRIPTIONS } from './scope-table.js';
import { describeScope, isIdentityScope, isKnownScope, parseScopeParam, TIDEMARK_SCOPES } from './scopes.js';

describe('scope descriptions', () => {
  it('equal the specs’ securitySchemes scopes (first spec wins, <br> as a space)', () => {
    const expected: Record<string, string> = {};
    for (const file of Object.values(SPEC_FILES)) {
      const doc = JSON.parse(readFileSync(path.join(sharedDir(), file), 'utf8')) as {
        components: {
          securitySchemes: Record<string, { flows?: Record<string, { scopes?: Record<string, string> }> }>;
        };
      };
      for (const scheme of Object.values(doc.components.securitySchemes))
        for (const flow of Object.values(scheme.flows ?? {}))
          for (const [scope, text] of Object.entries(flow.scopes ?? {}))
            expected[scope] ??= text.replaceAll('<br>', ' ');
    }
    expect(Object.keys(expected).length).toBeGreaterThan(200);
    expect(SPEC_SCOPE_DESCRIPTIONS).toEqual(expected);
  });

  it('cover every scope an operation of the specs can require', () => {
    const missing = new Set<string>();
    for (const op of OPERATIONS) for (const alt of op.scopes) for (const s of alt) if (!isKnownScope(s)) missing.add(s);
    expect([...missing]).toEqual([]);
  });

  it('describe every scope Tidemark asks for', () => {
    for (const s of TIDEMARK_SCOPES) expect(describeScope(s), s).not.toBe('Unknown scope.');
    expect(TIDEMARK_SCOPES.filter(isIdentityScope)).toEqual(['offline_access', 'read:me', 'report:personal-data']);
    expect(describeScope('read:jira-work')).toMatch(/^Read project and issue data/);
  });

  it('parses a scope parameter', () => {
    expect(parseScopeParam(' read:jira-work  offline_access read:jira-work ')).toEqual([
      'read:jira-work',
      'offline_access',
    ]);
    expect(parseScopeParam(null)).toEqual([]);
  });
});
