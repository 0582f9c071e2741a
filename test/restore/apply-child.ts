/**
 * A restore apply in its own process (for the SIGKILL test): opens the repository, reads the plan
 * file, and applies it to a simulator served over loopback HTTP with a FileJournal beside the plan.
 * Prints `journal <event> <step>` once each journal entry is durable, and `report <json>` at the end.
 * Usage: node --import tsx test/restore/apply-child.ts <repoDir> <plan.json> <apiBaseUrl> <cloudId> <token>
 */
import { readFile } from 'node:fs/promises';
import { systemClock } from '../../src/core/index.js';
import { JiraClient, RateGovernor, type TokenProvider } from '../../src/jira/index.js';
import { applyPlan } from '../../src/restore/executor/executor.js';
import { FileJournal } from '../../src/restore/executor/journal.js';
import type { RestorePlan } from '../../src/restore/plan.js';
import type { Journal, JournalEntry } from '../../src/restore/ports.js';
import { RestoreSource } from '../../src/restore/source.js';
import { JiraTarget } from '../../src/restore/targets/jira.js';
import { FsBackend } from '../../src/store/backend/fs.js';
import { Repository, passphrase } from '../../src/store/index.js';

const [repoDir, planFile, apiBaseUrl, cloudId, token] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];

/** Tells the parent about each entry once the file journal has made it durable. */
class TellingJournal implements Journal {
  constructor(private readonly inner: Journal) {}
  entries(): Promise<JournalEntry[]> {
    return this.inner.entries();
  }
  async append(entry: JournalEntry): Promise<void> {
    await this.inner.append(entry);
    process.stdout.write(`journal ${entry.event} ${entry.step}\n`);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const tokens: TokenProvider = {
  accessToken: () => Promise.resolve(token),
  invalidate: () => Promise.resolve(),
};

const plan = JSON.parse(await readFile(planFile, 'utf8')) as RestorePlan;
const repo = await Repository.open(new FsBackend(repoDir), passphrase('correct horse'));
const reader = await repo.openSnapshotReader(plan.source.snapshot);
const source = await RestoreSource.open(reader);
const client = new JiraClient({
  cloudId,
  tokens,
  mode: 'embedded',
  version: 'test',
  apiBaseUrl,
  // The simulator runs without limits here: pacing per issue would only make the test slow.
  governor: new RateGovernor({ clock: systemClock, perIssueUtilisation: 50 }),
});
const journal = new TellingJournal(await FileJournal.open(planFile.replace(/\.json$/, '.journal.jsonl')));
const report = await applyPlan({
  plan,
  target: new JiraTarget({ client }),
  journal,
  readSource: (p) => source.readFile(p),
  clock: systemClock,
  concurrency: 4,
});
await journal.close();
await reader.close();
process.stdout.write(`report ${JSON.stringify(report)}\n`);
