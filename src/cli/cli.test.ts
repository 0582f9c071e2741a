import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerSecret } from '../core/index.js';
import { browserCommand } from './context.js';
import { jsonLogger } from './logger.js';
import { guardArguments } from './policy.js';

describe('opening a browser', () => {
  it('only with a graphical session and xdg-open on Linux; always on macOS; never when told not to', async () => {
    const bin = await mkdtemp(path.join(tmpdir(), 'tm-bin-'));
    const xdg = path.join(bin, 'xdg-open');
    await writeFile(xdg, '#!/bin/sh\nexit 0\n');
    await chmod(xdg, 0o755);
    expect(browserCommand({ PATH: bin }, 'linux')).toBeUndefined();
    expect(browserCommand({ PATH: bin, DISPLAY: ':0' }, 'linux')).toEqual({ command: xdg, args: [] });
    expect(browserCommand({ PATH: bin, WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toEqual({ command: xdg, args: [] });
    expect(browserCommand({ PATH: '/nonexistent', DISPLAY: ':0' }, 'linux')).toBeUndefined();
    expect(browserCommand({}, 'darwin')).toEqual({ command: 'open', args: [] });
    expect(browserCommand({ TIDEMARK_NO_BROWSER: '1' }, 'darwin')).toBeUndefined();
  });
});

describe('command-line guard', () => {
  it('lets ordinary command lines through', () => {
    for (const args of [
      ['connect', '--app-config', '/etc/tidemark/app.json', '--no-browser'],
      ['connect', '--broker', 'https://broker.example', '--pairing-code', 'ab12-cd34-ef56'],
      ['connect', '--service-account', '--client-id', 'abc', '--client-secret-file', '/run/secrets/sa'],
      ['server', '--port', '8080', '--master-key-file', '/run/secrets/key'],
      ['backup', '--password-file', '/run/secrets/repo'],
    ])
      expect(() => guardArguments(args), args.join(' ')).not.toThrow();
  });
});

describe('jsonLogger', () => {
  it('writes one redacted JSON object per line, at or above its level', () => {
    const lines: string[] = [];
    registerSecret('registered-secret-value');
    const log = jsonLogger((l) => lines.push(l), { level: 'info', now: () => 0 }).child({ component: 'test' });
    log.debug('hidden');
    log.info('with registered-secret-value inside', { header: 'Bearer abcdefghijklmnop', n: 1 });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 'info', component: 'test', n: 1, time: '1970-01-01T00:00:00.000Z' });
    expect(lines[0]).not.toContain('registered-secret-value');
    expect(lines[0]).not.toContain('abcdefghijklmnop');
  });
});
