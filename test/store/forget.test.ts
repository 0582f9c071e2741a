/**
 * Retention rules, table-driven. Expected sets were worked out by hand from restic's rules
 * (docs/design.md §6.13): newest first; a counted rule keeps the newest snapshot of each of its n
 * most recent periods that have snapshots, plus the oldest snapshot while periods are left;
 * keep-within is relative to the newest snapshot that is not in the future.
 */
import { describe, expect, it } from 'vitest';
import {
  type RetentionPolicy,
  type Snapshot,
  applyPolicy,
  isoYearWeek,
  parseDuration,
  policyIsEmpty,
} from '../../src/store/index.js';
import { subtractDuration } from '../../src/store/forget.js';

// 2026-01-01 is a Thursday, so ISO week 1 of 2026 runs Mon 2025-12-29 … Sun 2026-01-04.
const TIMES: Record<string, string> = {
  s01: '2026-03-15T10:30:00Z', // Sun, ISO 2026-W11
  s02: '2026-03-15T10:05:00Z', // same hour as s01
  s03: '2026-03-15T09:50:00Z',
  s04: '2026-03-14T23:59:00Z', // Sat, W11
  s05: '2026-03-14T08:00:00Z',
  s06: '2026-03-12T12:00:00Z', // Thu, W11
  s07: '2026-03-09T00:00:00Z', // Mon, first instant of W11
  s08: '2026-03-08T23:00:00Z', // Sun, W10
  s09: '2026-03-01T12:00:00Z', // Sun, W09
  s10: '2026-02-28T12:00:00Z', // Sat, W09
  s11: '2026-02-02T12:00:00Z', // Mon, W06
  s12: '2026-01-15T12:00:00Z', // Thu, W03
  s13: '2025-12-31T12:00:00Z', // Wed, ISO 2026-W01 (but calendar year 2025)
  s14: '2025-12-28T12:00:00Z', // Sun, ISO 2025-W52
  s15: '2024-06-01T12:00:00Z', // Sat
};
const NOW = Date.parse('2026-03-20T00:00:00Z');

function snap(name: string, time = TIMES[name]!): Snapshot {
  // ids sort like the names, so ties are broken predictably
  return {
    id: name.padEnd(64, '0'),
    v: 1,
    time: new Date(time).toISOString(),
    labels: { site: 'a' },
    root: '0'.repeat(64),
    host: 'h',
    stats: {},
  };
}
const ALL = Object.keys(TIMES).map((n) => snap(n));
const d = parseDuration;

const CASES: Array<{ name: string; policy: RetentionPolicy; list?: Snapshot[]; keep: string[] }> = [
  { name: 'keep-last 3', policy: { last: 3 }, keep: ['s01', 's02', 's03'] },
  { name: 'keep-last larger than the list keeps all', policy: { last: 20 }, keep: Object.keys(TIMES) },
  { name: 'keep-hourly 3: newest of each of the 3 newest hours', policy: { hourly: 3 }, keep: ['s01', 's03', 's04'] },
  { name: 'keep-daily 4', policy: { daily: 4 }, keep: ['s01', 's04', 's06', 's07'] },
  { name: 'keep-weekly 3 (ISO weeks start on Monday)', policy: { weekly: 3 }, keep: ['s01', 's08', 's09'] },
  { name: 'keep-monthly 3', policy: { monthly: 3 }, keep: ['s01', 's10', 's12'] },
  { name: 'keep-yearly 10: one per year and periods left', policy: { yearly: 10 }, keep: ['s01', 's13', 's15'] },
  {
    name: 'keep-yearly 10 also keeps the oldest snapshot while periods are left',
    policy: { yearly: 10 },
    list: ALL.slice(0, 14),
    keep: ['s01', 's13', 's14'],
  },
  {
    name: 'keep-hourly 2 on two snapshots of one hour keeps both (oldest rule)',
    policy: { hourly: 2 },
    list: [snap('s01'), snap('s02')],
    keep: ['s01', 's02'],
  },
  {
    name: 'rules are ORed: keep-daily 3 + keep-weekly 2',
    policy: { daily: 3, weekly: 2 },
    keep: ['s01', 's04', 's06', 's08'],
  },
  { name: 'keep-last 2 + keep-monthly 1 overlap', policy: { last: 2, monthly: 1 }, keep: ['s01', 's02'] },
  { name: 'keep-monthly unlimited', policy: { monthly: -1 }, keep: ['s01', 's10', 's12', 's13', 's15'] },
  {
    name: 'keep-within 3d of the newest snapshot (strictly after)',
    policy: { within: d('3d') },
    keep: ['s01', 's02', 's03', 's04', 's05', 's06'],
  },
  {
    name: 'keep-within 1m',
    policy: { within: d('1m') },
    keep: ['s01', 's02', 's03', 's04', 's05', 's06', 's07', 's08', 's09', 's10'],
  },
  { name: 'keep-within-daily 7d', policy: { withinDaily: d('7d') }, keep: ['s01', 's04', 's06', 's07', 's08'] },
  { name: 'keep-within-weekly 1m', policy: { withinWeekly: d('1m') }, keep: ['s01', 's08', 's09'] },
  {
    name: 'a future snapshot is kept and does not move the keep-within window',
    policy: { within: d('2d') },
    list: [snap('s00', '2026-04-01T00:00:00Z'), ...ALL],
    keep: ['s00', 's01', 's02', 's03', 's04', 's05'],
  },
  {
    name: 'keep-within 1y2m counts calendar months',
    policy: { within: d('1y2m') },
    keep: Object.keys(TIMES).filter((n) => n !== 's15'),
  },
];

describe('retention policy (restic semantics, UTC)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const decisions = applyPolicy(c.list ?? ALL, c.policy, NOW);
      const kept = decisions
        .filter((x) => x.keep)
        .map((x) => x.snapshot.id.slice(0, 3))
        .sort();
      expect(kept).toEqual([...c.keep].sort());
      // every kept snapshot says why; every removed one has no reason
      for (const x of decisions) expect(x.reasons.length > 0).toBe(x.keep);
    });
  }

  it('labels the oldest-snapshot rule in the reasons', () => {
    const [, second] = applyPolicy([snap('s01'), snap('s02')], { hourly: 2 }, NOW);
    expect(second!.reasons).toEqual(['oldest hourly']);
  });

  it('an empty policy keeps everything (and forget refuses it)', () => {
    expect(policyIsEmpty({ last: 0, within: d('0d') })).toBe(true);
    expect(applyPolicy(ALL, {}, NOW).every((x) => x.keep)).toBe(true);
  });

  it('computes ISO weeks across year boundaries', () => {
    expect(isoYearWeek(Date.parse('2025-12-31T12:00:00Z'))).toBe(202601);
    expect(isoYearWeek(Date.parse('2025-12-28T12:00:00Z'))).toBe(202552);
    expect(isoYearWeek(Date.parse('2027-01-01T12:00:00Z'))).toBe(202653); // 2026 has 53 weeks
    expect(isoYearWeek(Date.parse('2026-03-09T00:00:00Z'))).toBe(202611);
    expect(isoYearWeek(Date.parse('2026-03-08T23:59:59Z'))).toBe(202610);
  });

  it('parses durations and subtracts them like calendar arithmetic', () => {
    expect(parseDuration('1y5m7d2h')).toEqual({ years: 1, months: 5, days: 7, hours: 2 });
    expect(() => parseDuration('7w')).toThrow(/not a duration/);
    expect(() => parseDuration('')).toThrow(/not a duration/);
    // March 31 minus one month is "February 31", which overflows to March 3
    expect(new Date(subtractDuration(Date.parse('2026-03-31T00:00:00Z'), d('1m'))).toISOString()).toBe(
      '2026-03-03T00:00:00.000Z',
    );
    expect(new Date(subtractDuration(Date.parse('2026-03-15T10:30:00Z'), d('1d2h'))).toISOString()).toBe(
      '2026-03-14T08:30:00.000Z',
    );
  });
});
