/**
 * `tidemark sim` as a user runs it: a child process listening on the given port, printing where
 * everything is, serving the API, and stopping cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/tidemark.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

describe('tidemark sim', () => {
  it('listens on 127.0.0.1:P, prints its URLs, the demo app and users, and stops on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [bin, 'sim', '--port', String(port), '--seed', '7', '--size', 'tiny', '--control'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 600 && !out.includes('demo users'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(out).toContain(`listening on http://127.0.0.1:${port}`);
    expect(out).toMatch(/demo OAuth app "Tidemark": client id \S+/);
    expect(out).toContain('demo.admin@tidemark.test');
    const health = await fetch(`http://127.0.0.1:${port}/__sim/health`);
    expect(health.status).toBe(200);
    const world = (await (await fetch(`http://127.0.0.1:${port}/__sim/sites`)).json()) as {
      seed: number;
      sites: unknown[];
    };
    expect(world.seed).toBe(7);
    expect(world.sites.length).toBeGreaterThan(1);
    // Without a token the gateway answers like api.atlassian.com.
    const unauth = await fetch(`http://127.0.0.1:${port}/api/ex/jira/x/rest/api/3/myself`);
    expect(unauth.status).toBe(401);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('stopping simulator');
  });

  it('documents every option in --help', async () => {
    const child = spawn(process.execPath, [bin, 'sim', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    for (const option of ['--port', '--host', '--seed', '--size', '--control', '--limits'])
      expect(out).toContain(option);
  });
});
