/** Runs crash-writer.ts as a child process (crash and concurrency tests). */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RepositoryOptions } from '../../src/store/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WRITER = path.join(HERE, 'crash-writer.ts');

export function runWriter(
  dir: string,
  site: string,
  records: number,
  onLine: (line: string, child: ChildProcess) => void = () => undefined,
): { child: ChildProcess; lines: string[]; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, site, String(records), '100'], {
    cwd: path.resolve(HERE, '../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    onLine(line, child);
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal === null) console.error(`writer failed: ${stderr}`);
      resolve({ code, signal });
    }),
  );
  return { child, lines, exit };
}

export const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export const testOwner: RepositoryOptions = { owner: { host: 'crash-test-host', pid: process.pid, isAlive } };
