/**
 * P4 acceptance 5 (crash half): a backup process killed with SIGKILL mid-run, then run again,
 * completes without fetching finished work again, and the repository checks clean.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/store/index.js';
import type { BackupReport } from '../../src/backup/run.js';
import { backupBench } from '../support/backup-harness.js';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'backup-child.ts');

interface Run {
  killedAt?: number;
  report?: BackupReport;
  code: number | null;
  out: string;
}

function runChild(repoDir: string, seed: number, killAfterIssues?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, repoDir, String(seed)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run: Run = { code: null, out: '' };
    p.stdout.on('data', (d: Buffer) => {
      run.out += d.toString();
      for (const line of d.toString().split('\n')) {
        const m = /^progress (\d+)$/.exec(line);
        if (m && killAfterIssues !== undefined && run.killedAt === undefined && Number(m[1]) >= killAfterIssues) {
          run.killedAt = Number(m[1]);
          p.kill('SIGKILL');
        }
      }
    });
    p.stderr.on('data', (d: Buffer) => (run.out += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => {
      run.code = code;
      const line = run.out.split('\n').find((l) => l.startsWith('report '));
      if (line) run.report = JSON.parse(line.slice(7)) as BackupReport;
      resolve(run);
    });
  });
}

describe('a backup killed with SIGKILL', () => {
  it('continues from its checkpoint on the next run, fetching only unfinished issues', async () => {
    const repoDir = await mkdtemp(path.join(tmpdir(), 'tm-sigkill-'));
    const killed = await runChild(repoDir, 8, 30);
    expect(killed.killedAt, killed.out).toBeGreaterThanOrEqual(30);
    expect(killed.report).toBeUndefined();

    const resumed = await runChild(repoDir, 8);
    expect(resumed.code, resumed.out).toBe(0);
    const report = resumed.report!;
    expect(report.resumedFrom).not.toBeNull();
    const total = report.issues.total;
    // A checkpoint is written every 10 issues: at most the 10 issues after the last one are fetched again.
    expect(report.issues.hydrated).toBeLessThanOrEqual(total - killed.killedAt! + 10);
    expect(report.points.byEndpoint['POST /rest/api/3/issue/bulkfetch']!.requests).toBeLessThan(Math.ceil(total / 5));

    const bench = await backupBench({ seed: 8, size: 'tiny', repoDir });
    const result = await check(bench.repo, { readData: true });
    expect(result.errors).toEqual([]);
    expect(await bench.repo.findCheckpoint({ site: new URL(bench.site.url).host })).toBeUndefined();
  });
});
