/**
 * Unit tests of the configuration renderers' helpers that the route tests exercise only in UTC.
 */
import { describe, expect, it } from 'vitest';
import { formatJiraDateTime, notificationType, stableUuid, userDate } from '../../src/simulator/render/config.js';

describe('config render helpers', () => {
  it('formats timestamps the way Jira does, with the zone offset of that instant', () => {
    const summer = Date.UTC(2022, 5, 9, 23, 29, 31, 871);
    expect(formatJiraDateTime(summer)).toBe('2022-06-09T23:29:31.871+0000');
    expect(formatJiraDateTime(summer, 'America/Los_Angeles')).toBe('2022-06-09T16:29:31.871-0700');
    expect(formatJiraDateTime(Date.UTC(2022, 0, 9, 23, 29, 31, 5), 'America/Los_Angeles')).toBe(
      '2022-01-09T15:29:31.005-0800',
    );
    expect(formatJiraDateTime(summer, 'Asia/Kolkata')).toBe('2022-06-10T04:59:31.871+0530');
  });

  it('formats user-facing dates and derives stable UUID-shaped ids', () => {
    expect(userDate('2010-07-06')).toBe('6/Jul/2010');
    expect(userDate('2024-12-31')).toBe('31/Dec/2024');
    expect(stableUuid('a', 1)).toBe(stableUuid('a', 1));
    expect(stableUuid('a', 1)).not.toBe(stableUuid('a', 2));
    expect(stableUuid('a', 1)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('normalises stored notification recipient types to Jira’s names', () => {
    expect(notificationType('group')).toBe('Group');
    expect(notificationType('allWatchers')).toBe('AllWatchers');
    expect(notificationType('current_assignee')).toBe('CurrentAssignee');
    expect(notificationType('ProjectRole')).toBe('ProjectRole');
    expect(notificationType('SomethingNew')).toBe('SomethingNew');
  });
});
