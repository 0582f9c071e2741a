import { describe, expect, it } from 'vitest';
import { Router } from './router.js';
import { RouteTable } from './route-table.js';

describe('Router', () => {
  const r = new Router<string>();
  r.add('GET', '/rest/api/3/issue/{issueIdOrKey}', 'get-issue');
  r.add('POST', '/rest/api/3/issue/bulkfetch', 'bulkfetch');
  r.add('GET', '/rest/api/3/issue/{issueIdOrKey}/comment/{id}', 'get-comment');

  it('matches parameters and decodes them', () => {
    expect(r.match('GET', '/rest/api/3/issue/ABC-1')).toMatchObject({
      value: 'get-issue',
      params: { issueIdOrKey: 'ABC-1' },
    });
    expect(r.match('get', '/rest/api/3/issue/A%20B/comment/7')).toMatchObject({
      params: { issueIdOrKey: 'A B', id: '7' },
    });
  });
  it('prefers literal segments over parameters', () => {
    expect(r.match('POST', '/rest/api/3/issue/bulkfetch')).toMatchObject({ value: 'bulkfetch' });
  });
  it('reports other methods for 405 and nothing for 404', () => {
    expect(r.match('DELETE', '/rest/api/3/issue/ABC-1')).toEqual({ allowed: ['GET'] });
    expect(r.match('GET', '/rest/api/3/nope')).toBeUndefined();
  });
  it('refuses duplicate registrations', () => {
    expect(() => r.add('GET', '/rest/api/3/issue/{issueIdOrKey}', 'again')).toThrow(/twice/);
  });
});

describe('RouteTable', () => {
  it('accepts only operations of the pinned specs', () => {
    const t = new RouteTable();
    t.get('/rest/api/3/issue/{issueIdOrKey}', () => ({ body: {} }));
    expect(t.keys()).toEqual(['GET /rest/api/3/issue/{issueIdOrKey}']);
    expect(() => t.get('/rest/api/3/made-up', () => ({}))).toThrow(/not an operation/);
  });
});
