import { describe, expect, it } from 'vitest';
import { jqlDate } from './changes.js';

describe('jqlDate', () => {
  it('writes the wall time of the given zone', () => {
    const t = Date.UTC(2026, 10, 24, 9, 5);
    expect(jqlDate(t)).toBe('2026/11/24 09:05');
    expect(jqlDate(t, 'America/Los_Angeles')).toBe('2026/11/24 01:05');
    expect(jqlDate(t, 'Asia/Kolkata')).toBe('2026/11/24 14:35');
  });
  it('goes an hour earlier around a daylight-saving change, where a wall time can name two instants', () => {
    // Europe/Berlin falls back at 01:00 UTC on 2026-10-25 (03:00 CEST → 02:00 CET): 02:40 happens
    // twice. 00:40 UTC is the first 02:40; Jira could read '02:40' as the second (01:40 UTC) and
    // miss an hour of changes, so the literal names 01:40 CEST instead.
    expect(jqlDate(Date.UTC(2026, 9, 25, 0, 40), 'Europe/Berlin')).toBe('2026/10/25 01:40');
    // Away from the change, the wall time is exact.
    expect(jqlDate(Date.UTC(2026, 9, 25, 5, 0), 'Europe/Berlin')).toBe('2026/10/25 06:00');
    expect(jqlDate(Date.UTC(2026, 9, 24, 12, 0), 'Europe/Berlin')).toBe('2026/10/24 14:00');
  });
});
