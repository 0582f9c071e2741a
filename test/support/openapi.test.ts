import { describe, expect, it } from 'vitest';
import { checkResponse, validateAdf } from './openapi.js';

describe('contract checker', () => {
  it('accepts a well-formed enhanced-search page and rejects a legacy-shaped one', () => {
    expect(checkResponse('GET', '/rest/api/3/search/jql', 200, { issues: [{ id: '10001' }], isLast: true }).ok).toBe(
      true,
    );
    const legacy = checkResponse('GET', '/rest/api/3/search/jql', 200, { startAt: 0, total: 1, issues: [] });
    expect(legacy.ok).toBe(false);
  });
  it('checks error envelopes', () => {
    expect(checkResponse('GET', '/rest/api/3/search/jql', 400, { errorMessages: ['bad'], errors: {} }).ok).toBe(true);
    expect(checkResponse('GET', '/rest/api/3/search/jql', 400, { errorMessages: 'bad' }).ok).toBe(false);
  });
  it('fails on statuses the spec does not document', () => {
    expect(() => checkResponse('GET', '/rest/api/3/search/jql', 418, {})).toThrow(/no 418 response/);
  });
  it('validates ADF documents inside bodies', () => {
    const good = { version: 1, type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'hi' }] }] };
    expect(validateAdf(good)).toEqual([]);
    const bad = { version: 1, type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'nonsense' }] }] };
    expect(validateAdf(bad).length).toBeGreaterThan(0);
    const result = checkResponse('GET', '/rest/api/3/issue/{issueIdOrKey}/comment/{id}', 200, { id: '1', body: bad });
    expect(result.ok).toBe(false);
    expect(result.errors.join()).toMatch(/ADF/);
  });
});
