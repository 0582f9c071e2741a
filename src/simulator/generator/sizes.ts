/**
 * World sizes. Every size has the same shape (several sites, a project of each kind, hostile
 * content, heavy issues); sizes differ in counts.
 *
 * | size   | sites | issues  | accounts | customers | history  |
 * |--------|-------|---------|----------|-----------|----------|
 * | tiny   | 2     | 135     | 24       | 6         | 6 months |
 * | small  | 3     | 1,000   | 80       | 30        | 1 year   |
 * | medium | 3     | 10,000  | 300      | 120       | 2 years  |
 * | large  | 4     | 101,000 | 1,000    | 400       | 3 years  |
 */
export type WorldSize = 'tiny' | 'small' | 'medium' | 'large';

export const WORLD_SIZES: readonly WorldSize[] = ['tiny', 'small', 'medium', 'large'];

export interface SiteSpec {
  name: string;
  /** Issues created on the site (a few are later deleted or moved). */
  issues: number;
  /** Projects beyond the one-of-each-kind set. */
  extraProjects: number;
}

export interface SizeProfile {
  sites: SiteSpec[];
  accounts: number;
  customers: number;
  /** Days of history before GENERATION_END (sprints run every two weeks over all of it). */
  spanDays: number;
  /** Share of issues with more than 20 comments (at least one per site has more than 100). */
  heavyCommentShare: number;
}

export const SIZE_PROFILES: Record<WorldSize, SizeProfile> = {
  tiny: {
    sites: [
      { name: 'acme', issues: 100, extraProjects: 0 },
      { name: 'globex', issues: 35, extraProjects: 0 },
    ],
    accounts: 24,
    customers: 6,
    spanDays: 180,
    heavyCommentShare: 0.02,
  },
  small: {
    sites: [
      { name: 'acme', issues: 600, extraProjects: 2 },
      { name: 'globex', issues: 250, extraProjects: 1 },
      { name: 'initech', issues: 150, extraProjects: 0 },
    ],
    accounts: 80,
    customers: 30,
    spanDays: 365,
    heavyCommentShare: 0.01,
  },
  medium: {
    sites: [
      { name: 'acme', issues: 6000, extraProjects: 4 },
      { name: 'globex', issues: 2500, extraProjects: 2 },
      { name: 'initech', issues: 1500, extraProjects: 1 },
    ],
    accounts: 300,
    customers: 120,
    spanDays: 730,
    heavyCommentShare: 0.006,
  },
  large: {
    sites: [
      { name: 'acme', issues: 60000, extraProjects: 8 },
      { name: 'globex', issues: 25000, extraProjects: 4 },
      { name: 'initech', issues: 10000, extraProjects: 2 },
      { name: 'umbrella', issues: 6000, extraProjects: 1 },
    ],
    accounts: 1000,
    customers: 400,
    spanDays: 1095,
    heavyCommentShare: 0.004,
  },
};
