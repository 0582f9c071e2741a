/**
 * A backup in its own process (for the SIGKILL test): simulator + backup into a filesystem
 * repository. Prints `progress <issues done>` as it goes and `report <json>` at the end.
 * Usage: node --import tsx test/backup/backup-child.ts <repoDir> <seed>
 */
import { backupBench } from '../support/backup-harness.js';

const [repoDir, seed] = process.argv.slice(2);
const bench = await backupBench({ seed: Number(seed), size: 'tiny', repoDir: repoDir! });
const report = await bench.backup({
  groupSize: 5,
  checkpointEvery: 10,
  progress: {
    emit: (e) => {
      if (e.type === 'progress' && e.phase === 'issues') process.stdout.write(`progress ${e.done}\n`);
    },
  },
});
process.stdout.write(`report ${JSON.stringify(report)}\n`);
