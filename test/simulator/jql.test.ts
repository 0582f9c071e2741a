/**
 * The JQL subset: parsing, clause semantics over the fixture site, date literals and functions,
 * ordering.
 */
import { describe, expect, it } from 'vitest';
import { compileJql, searchDocOf, type SearchDoc } from '../../src/simulator/search/compile.js';
import { JqlError, parseJql } from '../../src/simulator/search/jql.js';
import { findIssue } from '../../src/simulator/world/queries.js';
import { buildFixture, FIXTURE_T0, USERS } from '../support/fixture-site.js';

const fx = buildFixture();
const NOW = FIXTURE_T0 + 40 * 3_600_000;

function run(jql: string, options: { viewer?: string; timeZone?: string; now?: number } = {}): string[] {
  const compiled = compileJql(parseJql(jql), {
    site: fx.site,
    viewerId: options.viewer ?? USERS.alice,
    now: options.now ?? NOW,
    timeZone: options.timeZone ?? 'UTC',
    accounts: fx.world.accounts,
    projectVisible: () => true,
    resolveIssue: (keyOrId) => findIssue(fx.site, keyOrId)?.id,
  });
  const docs: SearchDoc[] = [...fx.site.data.issues.values()]
    .filter((i) => !i.archived)
    .map((i) => searchDocOf(fx.site, i));
  return docs
    .filter((d) => compiled.matches(d))
    .map((d) => ({ d, k: compiled.sortKey(d) }))
    .sort((a, b) => compiled.compareKeys(a.k, b.k))
    .map(({ d }) => d.key);
}

function failure(jql: string): string {
  try {
    run(jql);
  } catch (e) {
    if (e instanceof JqlError) return e.message;
    throw e;
  }
  throw new Error(`no error for ${jql}`);
}

describe('JQL parser', () => {
  it('parses precedence: AND binds tighter than OR, NOT and parentheses', () => {
    const q = parseJql('project = A OR project = B AND NOT (status = Done) ORDER BY key DESC, id');
    expect(q.where).toMatchObject({
      kind: 'or',
      clauses: [
        { kind: 'term', field: 'project' },
        { kind: 'and', clauses: [{ kind: 'term' }, { kind: 'not' }] },
      ],
    });
    expect(q.orderBy.map((s) => [s.field, s.direction])).toEqual([
      ['key', 'desc'],
      ['id', undefined],
    ]);
  });
  it('accepts symbolic operators, quoted strings with escapes, lists, functions and EMPTY', () => {
    const q = parseJql(`a != "x \\"y\\"" && b not in (1, 'two') || !c is not empty & d = f(1, "x") | e ~ z`);
    expect(JSON.stringify(q.where)).toContain('x \\"y\\"');
    expect(JSON.stringify(q.where)).toContain('"op":"not in"');
    expect(JSON.stringify(q.where)).toContain('"op":"is not"');
    expect(JSON.stringify(q.where)).toContain('"kind":"function","name":"f","args":["1","x"]');
  });
  it('reports syntax errors with line and character', () => {
    expect(() => parseJql('project = OPEN status = Done')).toThrow(
      "Expecting either 'OR' or 'AND' but got 'status'. (line 1, character 16)",
    );
    expect(() => parseJql('project =')).toThrow(
      'Expecting either a value, list or function before the end of the query.',
    );
    expect(() => parseJql('project = OPEN\nAND = 3')).toThrow(/\(line 2, character 5\)/);
    expect(() => parseJql('project = OPEN ORDER key')).toThrow("Expecting 'by' but got 'key'.");
    expect(() => parseJql('project in (A, B')).toThrow("Expecting ')' before the end of the query.");
  });
});

describe('JQL clauses', () => {
  it('project by key, id, name; IN and NOT IN', () => {
    expect(run('project = SEC')).toEqual(['SEC-2', 'SEC-1']);
    expect(run(`project = ${fx.projects.sec.id}`)).toEqual(['SEC-2', 'SEC-1']);
    expect(run('project = "secret ops"')).toEqual(['SEC-2', 'SEC-1']);
    expect(run('project not in (OPEN) ORDER BY key ASC')).toEqual(['SEC-1', 'SEC-2']);
  });
  it('keys and ids, including previous keys and key ranges', () => {
    expect(run('key = open-2')).toEqual(['OPEN-2']);
    expect(run('issuekey = MOVED-7')).toEqual(['OPEN-6']);
    expect(run(`id in (${fx.issues.epic.id}, SEC-1) ORDER BY id`)).toEqual(['OPEN-1', 'SEC-1']);
    expect(run('key > OPEN-7 ORDER BY key ASC')).toEqual(['OPEN-8', 'OPEN-9']);
    expect(run(`id >= ${fx.issues.linked.id} ORDER BY id ASC`)).toEqual(['OPEN-9', 'SEC-1', 'SEC-2']);
    expect(failure('key = NOPE-1')).toBe("An issue with key 'NOPE-1' does not exist for field 'key'.");
  });
  it('status, status category, issue type, priority and resolution by name or id', () => {
    expect(run('status = Done')).toEqual(['OPEN-8']);
    expect(run('statusCategory = done')).toEqual(['OPEN-8']);
    expect(run('issuetype = Epic')).toEqual(['OPEN-1']);
    expect(run('type in (Epic, Story) ORDER BY key ASC')).toEqual(['OPEN-1', 'OPEN-2']);
    expect(run('issuetype in subTaskIssueTypes()')).toEqual(['OPEN-3']);
    expect(run('priority = Highest')).toEqual(['OPEN-9']);
    expect(run('resolution = Done')).toEqual(['OPEN-8']);
    expect(run('resolution = Unresolved AND project = OPEN')).not.toContain('OPEN-8');
    expect(run('resolution is not EMPTY')).toEqual(['OPEN-8']);
    expect(failure('status = Nonsense')).toBe("The value 'Nonsense' does not exist for the field 'status'.");
  });
  it('negations do not match empty values, as in Jira', () => {
    // resolution != Done does not return unresolved issues.
    expect(run('resolution != Done')).toEqual([]);
    expect(run('assignee != currentUser() ORDER BY key ASC', { viewer: USERS.alice })).toEqual(['OPEN-2']);
  });
  it('users, currentUser() and EMPTY', () => {
    expect(run('assignee = currentUser() ORDER BY key ASC', { viewer: USERS.alice })).toEqual(['OPEN-8', 'SEC-1']);
    expect(run(`assignee = "${USERS.bob}"`)).toEqual(['OPEN-2']);
    expect(run('assignee = "Alice Agent" ORDER BY key ASC')).toEqual(['OPEN-8', 'SEC-1']);
    expect(run('creator = currentUser()', { viewer: USERS.alice })).toEqual(['OPEN-2']);
    expect(run('project = OPEN AND assignee is EMPTY')).not.toContain('OPEN-2');
  });
  it('labels, parent, sprint and summary text', () => {
    expect(run('labels = backend ORDER BY key ASC')).toEqual(['OPEN-2', 'OPEN-9']);
    expect(run('labels in (urgent)')).toEqual(['OPEN-2']);
    expect(run('project = OPEN AND labels is EMPTY')).not.toContain('OPEN-9');
    expect(run('parent = OPEN-1')).toEqual(['OPEN-2']);
    expect(run(`parent in (OPEN-2, ${fx.issues.epic.id}) ORDER BY key`)).toEqual(['OPEN-2', 'OPEN-3']);
    expect(run('sprint = 1')).toEqual(['OPEN-2']);
    expect(run('sprint = "Sprint 2"')).toEqual(['OPEN-2']);
    expect(run('sprint in openSprints()')).toEqual(['OPEN-2']);
    expect(run('summary ~ "chatty" ORDER BY key')).toEqual(['OPEN-4', 'OPEN-5']);
    expect(run('project = OPEN AND summary !~ chatty')).not.toContain('OPEN-4');
  });
  it('rejects unknown fields, unsupported operators and searching by unsupported catalogue fields', () => {
    expect(failure('nonsense = 1')).toBe("Field 'nonsense' does not exist or you do not have permission to view it.");
    expect(failure('project ~ OPEN')).toBe("The operator '~' is not supported by the 'project' field.");
    expect(failure('"Story points" = 5')).toMatch(/not supported by the simulator's JQL subset/);
    expect(failure('foo() = 1')).toBeDefined();
  });
});

describe('JQL dates', () => {
  const story = fx.issues.story; // created T0 + 1h, updated T0 + 4h
  it('understands the documented literal formats in the viewer time zone', () => {
    expect(run("project = OPEN AND created < '2026/10/01 01:00'")).toEqual(['OPEN-1']);
    expect(run("project = OPEN AND created <= '2026-10-01 01:00' ORDER BY key ASC")).toEqual(['OPEN-1', 'OPEN-2']);
    expect(run('project = OPEN AND created < 2026-10-01')).toEqual([]);
    // 03:00 in Berlin (UTC+2 in October) is 01:00 UTC.
    expect(
      run("project = OPEN AND created <= '2026/10/01 03:00' ORDER BY key ASC", { timeZone: 'Europe/Berlin' }),
    ).toEqual(['OPEN-1', 'OPEN-2']);
    expect(run(`updated = ${story.updated} `)).toEqual(['OPEN-2']);
  });
  it('understands relative periods and date functions against the clock', () => {
    const now = story.created + 30 * 60_000;
    expect(run('project = OPEN AND created >= -31m AND created < "-29m"', { now })).toEqual(['OPEN-2']);
    expect(run('project = OPEN AND created > "-1h 31m" AND created <= now() ORDER BY key ASC', { now })).toEqual([
      'OPEN-1',
      'OPEN-2',
    ]);
    expect(run('project = OPEN AND created > now()', { now })).toContain('OPEN-3');
    expect(
      run('project = OPEN AND created >= startOfDay() AND created < endOfDay() ORDER BY key ASC', { now }).length,
    ).toBeGreaterThan(5);
    expect(run('project = OPEN AND created < startOfDay("-1d")', { now })).toEqual([]);
  });
  it('treats empty dates with IS EMPTY and skips them in comparisons', () => {
    expect(run('resolved is not EMPTY')).toEqual(['OPEN-8']);
    expect(run('resolved > "2026/01/01"')).toEqual(['OPEN-8']);
    expect(run('due = "2026-12-24"')).toEqual(['OPEN-2']);
    expect(run('duedate < "2027-01-01"')).toEqual(['OPEN-2']);
  });
  it('reports invalid dates with the formats Jira lists', () => {
    expect(failure('created > "31/12/2026"')).toContain(
      "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd'",
    );
  });
});

describe('JQL ordering', () => {
  it('orders by several fields with ASC/DESC and breaks ties by id', () => {
    expect(run('project = OPEN ORDER BY priority DESC, key ASC').slice(0, 2)).toEqual(['OPEN-9', 'OPEN-2']);
    expect(run('project = OPEN ORDER BY priority ASC, key ASC')[0]).toBe('OPEN-8');
    expect(run('project = OPEN ORDER BY rank ASC').slice(0, 2)).toEqual(['OPEN-1', 'OPEN-2']);
    expect(run('project = OPEN ORDER BY created')[0]).toBe('OPEN-9');
    expect(run('project in (OPEN, SEC) ORDER BY project ASC, id DESC')[0]).toBe('OPEN-9');
    const keys = run('project = OPEN ORDER BY key ASC');
    expect(keys.indexOf('OPEN-9')).toBeLessThan(keys.indexOf('OPEN-10') === -1 ? Infinity : keys.indexOf('OPEN-10'));
  });
  it('orders by key DESC when no ORDER BY is given', () => {
    expect(run('project = OPEN')[0]).toBe('OPEN-9');
  });
  it('sorts keys numerically, not as text', () => {
    const many = run('project = OPEN ORDER BY key ASC');
    expect(many).toEqual([...many].sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1])));
  });
  it('refuses fields it cannot sort by', () => {
    expect(failure('project = OPEN ORDER BY labels')).toBe("Not able to sort using field 'labels'.");
  });
});
