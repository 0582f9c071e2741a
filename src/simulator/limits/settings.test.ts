import { describe, expect, it } from 'vitest';
import {
  deepMerge,
  defaultLimitSettings,
  limitSettings,
  tenantPoolPoints,
  unlimitedLimitSettings,
  validateLimitSettings,
} from './settings.js';

describe('limit settings', () => {
  it("defaults to Atlassian's documented values", () => {
    const s = defaultLimitSettings();
    expect(s.quota).toMatchObject({ enabled: true, globalPoints: 65_000, windowSeconds: 3600, nearLimitShare: 0.2 });
    expect(s.costs).toEqual({ base: 1, perObject: 1, perIdentityObject: 2, write: 1, error: 1 });
    expect(s.burst.rates).toEqual({ GET: 100, POST: 100, PUT: 50, DELETE: 50 });
    expect(s.burst.overrides).toEqual({
      'GET /rest/api/3/attachment/content/{id}': 300,
      'GET /rest/api/3/issue/{issueIdOrKey}': 150,
      'GET /rest/api/3/issue/{issueIdOrKey}/changelog': 200,
      'GET /rest/servicedeskapi/servicedesk/{serviceDeskId}/customer': 5,
    });
    expect(s.perIssue.windows).toEqual([
      { writes: 20, seconds: 2 },
      { writes: 100, seconds: 30 },
    ]);
    const u = unlimitedLimitSettings();
    expect([u.quota.enabled, u.burst.enabled, u.perIssue.enabled]).toEqual([false, false, false]);
  });

  it('sizes per-tenant pools by tier and users, capped at 500k', () => {
    expect(tenantPoolPoints('free', 10_000)).toBe(65_000);
    expect(tenantPoolPoints('standard', 10)).toBe(100_100);
    expect(tenantPoolPoints('premium', 1000)).toBe(150_000);
    expect(tenantPoolPoints('enterprise', 5000)).toBe(300_000);
    expect(tenantPoolPoints('enterprise', 20_000)).toBe(500_000);
    expect(tenantPoolPoints('standard', 40_000)).toBe(500_000);
  });

  it('merges patches: objects member by member, arrays replace, null removes an entry', () => {
    const s = limitSettings({
      burst: { overrides: { 'GET /rest/api/3/issue/{issueIdOrKey}': null, 'GET /rest/api/3/myself': 9 } },
      perIssue: { windows: [{ writes: 5, seconds: 1 }] },
      quota: { globalPoints: 1000 },
    });
    expect(s.burst.overrides).not.toHaveProperty(['GET /rest/api/3/issue/{issueIdOrKey}']);
    expect(s.burst.overrides['GET /rest/api/3/myself']).toBe(9);
    expect(s.burst.overrides['GET /rest/api/3/attachment/content/{id}']).toBe(300);
    expect(s.perIssue.windows).toEqual([{ writes: 5, seconds: 1 }]);
    expect(s.quota).toMatchObject({ globalPoints: 1000, enabled: true });
    expect(limitSettings({}, 'unlimited').quota.enabled).toBe(false);
    const base = { a: { b: 1 } };
    deepMerge(base, { a: { b: 2 } });
    expect(base.a.b).toBe(1);
  });

  it('refuses malformed settings with a message naming the problem', () => {
    expect(() => limitSettings({ quota: { globalPoints: 0 } })).toThrow(/globalPoints/);
    expect(() => limitSettings({ burst: { overrides: { 'issue/{id}': 3 } } })).toThrow(
      /burst\.overrides\["issue\/\{id\}"\]/,
    );
    expect(() => limitSettings({ quota: { tenantPools: { x: { tier: 'gold' as never } } } })).toThrow(/tier/);
    expect(() => validateLimitSettings({ ...defaultLimitSettings(), extra: true })).toThrow(/extra/);
    expect(validateLimitSettings(limitSettings({ burst: { rates: { get: 7 } } })).burst.rates.GET).toBe(7);
  });
});
