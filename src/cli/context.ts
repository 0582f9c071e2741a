/**
 * What a command may use of the process: environment, output, signals, a browser. `main()` builds
 * it from the real process; tests build their own (captured output, a chosen environment) and run
 * commands in process.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export interface CliContext {
  env: Record<string, string | undefined>;
  /** Writes a line (or a chunk that ends with one) to standard output. */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  fetch: typeof fetch;
  /** Opens `url` in the user's browser when there is one; answers whether it tried. */
  openBrowser(url: string): boolean;
  /** Resolves when the process is asked to stop (SIGINT, SIGTERM). */
  stopped(): Promise<void>;
  /** Set by a command that finished but failed (e.g. a check that found problems). */
  exitCode: number;
  /**
   * Where progress bars are drawn when it is a terminal (standard error). Without one, or when it
   * is not a TTY, progress is written as plain lines through `err`.
   */
  progressStream?: NodeJS.WriteStream;
}

export function processContext(): CliContext {
  return {
    exitCode: 0,
    env: process.env,
    out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    fetch: globalThis.fetch,
    progressStream: process.stderr,
    openBrowser: (url) => openBrowser(url, process.env, process.platform),
    stopped: () =>
      new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          resolve();
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      }),
  };
}

/** Finds an executable on PATH. */
export function which(name: string, env: Record<string, string | undefined>): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const full = path.join(dir, name);
    try {
      accessSync(full, constants.X_OK);
      return full;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/**
 * The command that opens a URL in a browser, or undefined when there is no browser to open: on
 * Linux and the BSDs only with a graphical session (DISPLAY or WAYLAND_DISPLAY) and xdg-open.
 */
export function browserCommand(
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform,
): { command: string; args: string[] } | undefined {
  if (env.TIDEMARK_NO_BROWSER) return undefined;
  if (platform === 'darwin') return { command: 'open', args: [] };
  if (platform === 'win32') return { command: 'rundll32', args: ['url.dll,FileProtocolHandler'] };
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined;
  const xdg = which('xdg-open', env);
  return xdg ? { command: xdg, args: [] } : undefined;
}

function openBrowser(url: string, env: Record<string, string | undefined>, platform: NodeJS.Platform): boolean {
  const cmd = browserCommand(env, platform);
  if (!cmd) return false;
  try {
    const child = spawn(cmd.command, [...cmd.args, url], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}
