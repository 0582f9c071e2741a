import { describe, expect, it } from 'vitest';
import { isTidemarkError } from '../core/index.js';
import { assertCompliantEnvironment, assertCompliantInput } from './policy.js';

function refused(fn: () => void): { kind: string; message: string; hint?: string } {
  try {
    fn();
  } catch (e) {
    if (isTidemarkError(e)) return { kind: e.kind, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
    throw e;
  }
  throw new Error('expected a policy refusal');
}

describe('policy guard', () => {
  const onPrem = { source: 'configuration' as const, vendorOperated: false };

  it.each([
    ['an api token field', { jira: { apiToken: 'abc123abc123' } }],
    ['a snake-case token field', { api_token: 'x' }],
    ['a password', { password: 'hunter2' }],
    ['basic auth', { basicAuth: 'user:pw' }],
    ['a personal access token', { personal_access_token: 'y' }],
    ['an ATATT token under any name', { note: 'ATATT3xFfGF0abcdefghijklmnop' }],
    ['a Basic header value', { header: 'Basic dXNlcjpwYXNzd29yZA==' }],
    ['a URL with credentials', { site: 'https://me%40x.com:tok@acme.atlassian.net' }],
    ["a customer app's client secret", { oauth: { clientId: 'x', clientSecret: 'shh' } }],
  ])('refuses %s with the rule and the compliant alternative', (_name, input) => {
    const r = refused(() => assertCompliantInput(input, onPrem));
    expect(r.kind).toBe('policy');
    expect(r.message).toMatch(/never accepts or stores/);
    expect(r.hint).toMatch(/Atlassian's rules/);
    expect(r.hint).toMatch(/tidemark connect/);
    expect(r.message).not.toMatch(/ATATT3xFfGF0|hunter2|dXNlcjpwYXNzd29yZA/);
  });

  it('allows the vendor its own app secret where it runs the software, and service-account credentials', () => {
    expect(() =>
      assertCompliantInput({ oauth: { clientSecret: 'vendor' } }, { source: 'configuration', vendorOperated: true }),
    ).not.toThrow();
    expect(() => assertCompliantInput({ serviceAccount: { clientId: 'a', clientSecret: 'b' } }, onPrem)).not.toThrow();
    expect(() =>
      assertCompliantInput({ site: 'https://acme.atlassian.net', repo: '/var/backups' }, onPrem),
    ).not.toThrow();
  });

  it('refuses well-known credential variables in the environment, but not unrelated ones', () => {
    expect(refused(() => assertCompliantEnvironment({ JIRA_API_TOKEN: 'x', HOME: '/root' }, false)).kind).toBe(
      'policy',
    );
    expect(refused(() => assertCompliantEnvironment({ TIDEMARK_JIRA_PASSWORD: 'x' }, false)).kind).toBe('policy');
    expect(refused(() => assertCompliantEnvironment({ TIDEMARK_API_TOKEN: 'x' }, false)).kind).toBe('policy');
    expect(() =>
      assertCompliantEnvironment({ HOME: '/root', TIDEMARK_HOME: '/srv/tm', PASSWORD: 'unrelated' }, false),
    ).not.toThrow();
  });

  it("accepts the repository's own passphrase, which is not a Jira credential", () => {
    expect(() =>
      assertCompliantEnvironment({ TIDEMARK_PASSWORD: 'correct horse', TIDEMARK_PASSWORD_FILE: '/k' }, false),
    ).not.toThrow();
    expect(() => assertCompliantInput({ repository: { url: 's3://b/p', password: 'x' } }, onPrem)).not.toThrow();
    expect(() => assertCompliantInput({ passwordFile: '/etc/tm/pass' }, onPrem)).not.toThrow();
  });
});
