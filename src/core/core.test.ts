import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { AcceleratedClock, FakeClock, jiraTimestamp, utcHourStart } from './clock.js';
import { TidemarkError, toTidemarkError } from './errors.js';
import { redact, registerSecret } from './redact.js';
import { base32 } from './ids.js';

describe('canonicalJson', () => {
  it('sorts keys, drops undefined members and whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined, d: { z: 1, y: 2 } })).toBe(
      '{"a":[true,null,"x"],"b":1,"d":{"y":2,"z":1}}',
    );
  });
  it('gives equal bytes for equal values built in different orders', () => {
    const one = { id: '1', fields: { summary: 's', labels: ['a'] } };
    const two = { fields: { labels: ['a'], summary: 's' }, id: '1' };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
  });
  it('orders keys by UTF-16 code units and escapes like JSON', () => {
    expect(canonicalJson({ é: 1, e: 2, Z: 3, '\u2028': 'a"b' })).toBe('{"Z":3,"e":2,"é":1,"\u2028":"a\\"b"}');
  });
  it('rejects non-finite numbers and normalises -0', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/non-finite/);
    expect(canonicalJson([-0, 1e21, 0.1])).toBe('[0,1e+21,0.1]');
  });
});

describe('redact', () => {
  it('removes bearer tokens, JWTs, token fields and registered secrets', () => {
    registerSecret('s3cr3t-client-value');
    const text =
      'Authorization: Bearer abc.def-ghi_123 body {"refresh_token":"tmrt_aaaaaaaaaaaaaaaa","client_secret":"s3cr3t-client-value"} ' +
      'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJl and s3cr3t-client-value again';
    const out = redact(text);
    expect(out).not.toContain('abc.def-ghi_123');
    expect(out).not.toContain('tmrt_aaaa');
    expect(out).not.toContain('s3cr3t-client-value');
    expect(out).not.toContain('eyJzdWIiOiIxMjM0NSJ9');
    expect(out).toContain('[REDACTED]');
  });
  it('redacts errors when they are built', () => {
    const e = new TidemarkError('auth', 'token tmat_abcdefghijklmnop rejected', {
      details: { access_token: 'tmat_zzzzzzzzzzzzzzzz' },
    });
    expect(e.message).not.toContain('tmat_abcdefghijklmnop');
    expect(JSON.stringify(e.toJSON())).not.toContain('tmat_zzzz');
  });
});

describe('errors', () => {
  it('maps ENOSPC to a no-space error with a hint', () => {
    const e = toTidemarkError(Object.assign(new Error('write failed'), { code: 'ENOSPC' }));
    expect(e.kind).toBe('no-space');
    expect(e.hint).toMatch(/Free space/);
  });
});

describe('clocks', () => {
  it('FakeClock wakes sleepers only when time reaches them', async () => {
    const clock = new FakeClock(0);
    const woke: number[] = [];
    void clock.sleep(100).then(() => woke.push(100));
    void clock.sleep(50).then(() => woke.push(50));
    clock.advance(60);
    await Promise.resolve();
    expect(woke).toEqual([50]);
    clock.advance(40);
    await Promise.resolve();
    expect(woke).toEqual([50, 100]);
  });
  it('FakeClock with autoAdvance jumps to the next wake-up when everyone waits', async () => {
    const clock = new FakeClock(1000, { autoAdvance: true });
    await clock.sleep(3_600_000);
    expect(clock.now()).toBe(1000 + 3_600_000);
  });
  it('FakeClock with autoAdvance and idle() does not move while something is in flight', async () => {
    let busy = true;
    const clock = new FakeClock(0, { autoAdvance: true, idle: () => !busy });
    const woke = clock.sleep(5_000).then(() => clock.now());
    // Several turns of the event loop pass with work "in flight": time stays put.
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 2));
    expect(clock.now()).toBe(0);
    busy = false;
    expect(await woke).toBe(5_000);
  });
  it('FakeClock sleep can be cancelled', async () => {
    const clock = new FakeClock(0);
    const ac = new AbortController();
    const p = clock.sleep(10, ac.signal);
    ac.abort();
    await expect(p).rejects.toMatchObject({ kind: 'cancelled' });
    expect(clock.pending).toBe(0);
  });
  it('AcceleratedClock runs faster than real time and agrees across instances', () => {
    const a = new AcceleratedClock({ factor: 3600, startMs: 0, realStartMs: 1_000 });
    const b = new AcceleratedClock({ factor: 3600, startMs: 0, realStartMs: 1_000 });
    expect(Math.abs(a.now() - b.now())).toBeLessThan(3600 * 50);
    expect(a.now()).toBeGreaterThan(0);
  });
  it('formats Jira timestamps and UTC hours', () => {
    expect(jiraTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe('2026-01-02T03:04:05.006+0000');
    expect(utcHourStart(Date.UTC(2026, 0, 2, 3, 59, 59))).toBe(Date.UTC(2026, 0, 2, 3));
  });
});

describe('ids', () => {
  it('encodes base32 without padding', () => {
    expect(base32(Buffer.from('foobar'))).toBe('mzxw6ytboi');
  });
});
