import { describe, expect, it } from 'vitest';
import type { MeterRecord } from '../services.js';
import { SimMeter } from './meter.js';

const T0 = Date.UTC(2026, 10, 24, 9, 59, 0);

function rec(over: Partial<MeterRecord>): MeterRecord {
  return {
    at: T0,
    cloudId: 'site-a',
    clientId: 'app-1',
    accountId: 'acc',
    method: 'GET',
    route: '/rest/api/3/issue/{issueIdOrKey}',
    status: 200,
    points: 2,
    ...over,
  };
}

describe('SimMeter', () => {
  it('counts requests, points, 429s and faults by endpoint, site, app, hour and status', () => {
    let now = T0;
    const meter = new SimMeter({ now: () => now });
    meter.record(rec({}));
    meter.record(rec({ cloudId: 'site-b', method: 'PUT', status: 204, points: 1 }));
    meter.record(rec({ status: 429, points: 0, note: 'jira-burst-based' }));
    meter.record(rec({ status: 429, points: 0, note: 'jira-quota-global-based', clientId: 'app-2' }));
    meter.record(rec({ status: 503, points: 0, note: 'fault:503', at: T0 + 60_000 }));
    meter.record(rec({ status: 0, points: 0, note: 'fault:reset', at: T0 + 60_000 }));
    meter.record(rec({ status: 200, points: 2, note: 'fault:truncate', at: T0 + 60_000 }));

    const c = meter.counters();
    expect(c.since).toBe(T0);
    expect(c.totals).toEqual({ requests: 7, points: 5, rateLimited: 2, faults: 3 });
    expect(c.byEndpoint).toEqual({
      'GET /rest/api/3/issue/{issueIdOrKey}': { requests: 6, points: 4, rateLimited: 2, faults: 3 },
      'PUT /rest/api/3/issue/{issueIdOrKey}': { requests: 1, points: 1, rateLimited: 0, faults: 0 },
    });
    expect(meter.pointsByEndpoint()).toEqual({
      'GET /rest/api/3/issue/{issueIdOrKey}': 4,
      'PUT /rest/api/3/issue/{issueIdOrKey}': 1,
    });
    expect(c.bySite['site-b']).toEqual({ requests: 1, points: 1, rateLimited: 0, faults: 0 });
    expect(c.byApp['app-2']).toEqual({ requests: 1, points: 0, rateLimited: 1, faults: 0 });
    expect(c.byHour).toEqual({
      '2026-11-24T09:00:00.000Z': { requests: 4, points: 3, rateLimited: 2, faults: 0 },
      '2026-11-24T10:00:00.000Z': { requests: 3, points: 2, rateLimited: 0, faults: 3 },
    });
    expect(c.byStatus).toEqual({ '200': 2, '204': 1, '429': 2, '503': 1, '0': 1 });
    expect(c.rateLimited).toEqual({ 'jira-burst-based': 1, 'jira-quota-global-based': 1 });
    expect(c.faults).toEqual({ '503': 1, reset: 1, truncate: 1 });
    expect(c.log).toEqual({ kept: 7, dropped: 0, limit: null });

    // counters() is a copy.
    c.totals.points = 999;
    expect(meter.counters().totals.points).toBe(5);

    now = T0 + 5;
    meter.reset();
    expect(meter.counters()).toMatchObject({ since: T0 + 5, totals: { requests: 0 }, byEndpoint: {} });
    expect(meter.log()).toEqual([]);
  });

  it('keeps only the newest records when the log is capped, but counts everything', () => {
    const meter = new SimMeter({ logLimit: 3 });
    for (let i = 0; i < 8; i++) meter.record(rec({ at: T0 + i }));
    expect(meter.log().map((r) => r.at - T0)).toEqual([5, 6, 7]);
    expect(meter.counters().log).toEqual({ kept: 3, dropped: 5, limit: 3 });
    expect(meter.counters().totals.requests).toBe(8);

    meter.setLogLimit(2);
    expect(meter.records.map((r) => r.at - T0)).toEqual([6, 7]);
    meter.setLogLimit(null);
    meter.record(rec({ at: T0 + 8 }));
    expect(meter.log().map((r) => r.at - T0)).toEqual([6, 7, 8]);

    const none = new SimMeter({ logLimit: 0 });
    none.record(rec({}));
    expect(none.log()).toEqual([]);
    expect(none.counters()).toMatchObject({ totals: { requests: 1 }, log: { kept: 0, dropped: 1, limit: 0 } });
    expect(() => new SimMeter({ logLimit: -1 })).toThrow(/logLimit/);
  });
});
