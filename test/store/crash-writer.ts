/**
 * A backup-like writer run as a child process by crash.test.ts and concurrency.test.ts:
 *   node --import tsx test/store/crash-writer.ts <repo dir> <label site> <records> [checkpoint every]
 * It continues the newest checkpoint of its labels if there is one, stores `records` records (and
 * a small file every 50), writes a checkpoint every `checkpoint every` records, and finishes.
 * It prints one line per event: `open <pid> <checkpoint id it continues, or ->`, `resumed <checkpoint id> <entries>`,
 * `checkpoint <id> <entries>`, `done <snapshot id> <entries>`.
 */
import { FsBackend } from '../../src/store/backend/index.js';
import { Repository, type TreeEntry } from '../../src/store/index.js';
import { cred, issue, noise } from './helpers.js';

const [dir, site, countText, everyText] = process.argv.slice(2);
const count = Number(countText);
const every = Number(everyText ?? 150);
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const recordName = (i: number) => `r${String(i).padStart(5, '0')}`;
const fileName = (i: number) => `f${String(i).padStart(5, '0')}`;

async function main(): Promise<void> {
  const repo = await Repository.open(new FsBackend(dir!), cred(), {
    owner: { host: 'crash-test-host', pid: process.pid, isAlive },
    lockTimings: { waitMs: 60_000 },
  });
  const labels = { site: site! };
  const cp = await repo.findCheckpoint(labels);
  const w = await repo.openSnapshotWriter({ labels, continueFrom: cp?.id });
  console.log(`open ${process.pid} ${cp?.id ?? '-'}`);
  const entries = new Map<string, TreeEntry>();
  if (w.resumedFrom) {
    for await (const e of w.resumedFrom.list()) entries.set(e.name, e);
    console.log(`resumed ${cp!.id} ${entries.size}`);
  }
  const tree = () => w.writeTree([...entries.values()]);
  for (let i = 0; i < count; i++) {
    if (!entries.has(recordName(i))) {
      const r = await w.putRecord(issue(i));
      entries.set(recordName(i), { name: recordName(i), type: 'record', blob: r.id, size: r.size });
    }
    if (i % 50 === 0 && !entries.has(fileName(i))) {
      const f = await w.putFile([noise(40_000, i)]);
      entries.set(fileName(i), { name: fileName(i), type: 'file', ...f });
    }
    if ((i + 1) % every === 0 && i + 1 < count) {
      const id = await w.checkpoint(await tree());
      console.log(`checkpoint ${id} ${entries.size}`);
    }
  }
  const id = await w.finish(await tree());
  console.log(`done ${id} ${entries.size}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
