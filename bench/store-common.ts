/** Shared pieces of the repository benchmarks (bench/store-*.ts). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FsBackend, listAll } from '../src/store/backend/index.js';
import { Repository, passphrase } from '../src/store/index.js';

export async function tempRepository(name: string): Promise<{ repo: Repository; dir: string; cleanup: () => void }> {
  const dir = mkdtempSync(path.join(tmpdir(), `tidemark-bench-${name}-`));
  // default chunker and pack sizes; cheap key derivation (it is not what is measured)
  const repo = await Repository.init(new FsBackend(dir), passphrase('bench'), { scrypt: { n: 1024, r: 8, p: 1 } });
  return { repo, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function repoBytes(repo: Repository): Promise<number> {
  return (await listAll(repo.backend, '')).reduce((n, f) => n + f.size, 0);
}

/** An issue-like record of about 700 bytes, different for every n and version. */
export function record(n: number, version = 0): Record<string, unknown> {
  return {
    id: String(100000 + n),
    key: `BENCH-${n}`,
    fields: {
      summary: `Benchmark issue ${n}: the export ${n % 97} times out for project ${n % 13}`,
      status: { id: String(n % 5), name: ['Open', 'In Progress', 'Review', 'Done', 'Closed'][n % 5] },
      assignee: {
        accountId: `5b10a2844c20165700ede${(n % 1000).toString(16).padStart(3, '0')}`,
        displayName: `User ${n % 1000}`,
      },
      updated: new Date(Date.UTC(2026, 0, 1) + n * 1000 + version * 86_400_000).toISOString(),
      labels: [`l${n % 7}`, `team-${n % 11}`],
      description: {
        type: 'doc',
        version: 1,
        content: [
          {
            type: 'paragraph',
            content: [{ type: 'text', text: `Steps to reproduce ${n}. Open the board, filter by ${n % 31}, export.` }],
          },
        ],
      },
      customfield_10010: n % 3 === 0 ? null : { value: `option-${n % 17}` },
    },
  };
}

export function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
}
