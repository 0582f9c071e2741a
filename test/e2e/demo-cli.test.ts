/**
 * Issue P4, acceptance 7: `tidemark demo` (what `npm run demo` runs) as a child process, end to end:
 * simulator, consent, full backup, changes, incremental backup, diff, restore of the deleted issue,
 * rollback of the edit, fidelity reports — and the repository it leaves
 * behind answers `tidemark show` afterwards, with the commands it printed.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHome, runCli } from '../support/cli.js';

describe('tidemark demo', () => {
  it('connects, backs up, changes the site, backs up incrementally and shows the diff with the deleted issue', async () => {
    const { home, env } = await cliHome();
    const demoHome = path.join(home, 'demo');
    const run = await runCli(['demo', '--home', demoHome], env);
    expect(run.stderr).not.toMatch(/unexpected error|tidemark: /);
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toContain(`Home folder: ${demoHome} (from --home)`);
    expect(out).toMatch(/\[1\/10\] Started the Jira Cloud simulator on http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/\[2\/10\] Connecting with `tidemark connect`/);
    expect(out).toMatch(/Connected acme \(/);
    expect(out).toMatch(/\[4\/10\] Full backup of acme/);
    expect(out).toMatch(/Snapshot ([0-9a-f]{8}) saved: full backup of acme/);
    expect(out).toMatch(/\[6\/10\] Incremental backup/);
    expect(out).toMatch(
      /Snapshot [0-9a-f]{8} saved: incremental backup of acme .*\n.* \d+ fetched, \d+ unchanged \(reused\), 1 deleted/,
    );
    const deleted = /- deleted ([A-Z]+-\d+) /.exec(out)?.[1];
    const edited = /- edited ([A-Z]+-\d+):/.exec(out)?.[1];
    expect(deleted).toBeDefined();
    expect(out).toMatch(/\[7\/10\] What changed: tidemark diff [0-9a-f]{8} [0-9a-f]{8}/);
    expect(out).toMatch(new RegExp(`Deleted issues \\(1\\):\\n +${deleted} `));
    expect(out).toMatch(new RegExp(`Changed issues \\(\\d+\\):[\\s\\S]*${edited} +Checkout fails`));
    // The restore steps: the deleted issue comes back under a new key, the edit is rolled back, and
    // the fidelity reports show no mismatch.
    expect(out).toMatch(new RegExp(`\\[8\\/10\\] Restoring the deleted issue ${deleted}`));
    expect(out).toMatch(new RegExp(`restored ${deleted} as [A-Z]+-\\d+`));
    expect(out).toMatch(/\[9\/10\] Rolling back the edit/);
    expect(out).toMatch(/\[10\/10\] Verifying both restores/);
    expect(out.match(/reconciled after an interruption, 0 failed, 0 skipped;/g)).toHaveLength(2);
    expect(out.match(/no mismatches/g)).toHaveLength(2);
    expect(out).toMatch(/rollback: fields labels, priority, summary on 1 issues/);
    expect(out).toContain('Stopped the simulator.');
    // Progress was shown (plain lines: standard error is not a terminal here).
    expect(run.stderr).toMatch(/backup: issues \(\d+ issues\)/);

    // The printed command shows the deleted issue from the first snapshot.
    const line = out.split('\n').find((l) => l.includes(`show `) && l.includes(` ${deleted} `))!;
    const args = line
      .trim()
      .replace(/^npx tidemark /, '')
      .replace(/\s+#.*$/, '')
      .split(/\s+/);
    const show = await runCli(args, env);
    expect(show.code).toBe(0);
    expect(show.stdout.split('\n')[0]).toMatch(new RegExp(`^${deleted} `));
  });
});
