import { describe, expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import { JiraClient } from './client.js';
import { JiraError } from './errors.js';
import { RateGovernor } from './governor/governor.js';
import type { TokenProvider } from './hooks.js';
import { collect, items } from './pagination.js';

/** A scripted network: answers requests in order and records what was sent. */
function scripted(answers: Array<Response | Error | ((req: Request) => Response)>) {
  const sent: Request[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const req = new Request(input, init);
    sent.push(req);
    const next = answers.shift();
    if (!next) throw new Error('no scripted answer left');
    if (next instanceof Error) throw next;
    return typeof next === 'function' ? next(req) : next;
  }) as typeof fetch;
  return { fetchFn, sent };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const staticTokens = (token = 'tmat_0123456789abcdef'): TokenProvider & { invalidated: string[] } => {
  const invalidated: string[] = [];
  return { invalidated, accessToken: async () => token, invalidate: async (t) => void invalidated.push(t) };
};

function client(
  fetchFn: typeof fetch,
  clock = new FakeClock(Date.UTC(2026, 10, 24, 10), { autoAdvance: true }),
  tokens = staticTokens(),
) {
  const governor = new RateGovernor({ clock, spreadOverHour: false });
  return new JiraClient({
    cloudId: 'c-1',
    tokens,
    mode: 'embedded',
    version: '9.9.9',
    apiBaseUrl: 'https://api.example.test',
    fetch: fetchFn,
    clock,
    governor,
    retry: { random: () => 0.5 },
  });
}

const resetError = () =>
  new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });

describe('JiraClient', () => {
  it('builds the gateway URL, sends the token and a User-Agent that names Tidemark, its version and mode', async () => {
    const { fetchFn, sent } = scripted([json(200, { id: '10001', key: 'A-1' })]);
    const res = await client(fetchFn).request('GET /rest/api/3/issue/{issueIdOrKey}', {
      path: { issueIdOrKey: 'A 1' },
      query: { fields: ['summary', 'status'] },
    });
    expect(res.body.key).toBe('A-1');
    expect(sent[0]!.url).toBe(
      'https://api.example.test/ex/jira/c-1/rest/api/3/issue/A%201?fields=summary&fields=status',
    );
    expect(sent[0]!.headers.get('authorization')).toBe('Bearer tmat_0123456789abcdef');
    expect(sent[0]!.headers.get('user-agent')).toBe('jira-tidemark-int/9.9.9 (tidemark; mode=embedded)');
  });

  it('retries idempotent reads through 5xx, resets and truncated bodies with backoff', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 24, 10), { autoAdvance: true });
    const truncated = new Response(
      new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode('{"id":"1'));
          c.error(new TypeError('terminated'));
        },
      }),
      { status: 200 },
    );
    const { fetchFn, sent } = scripted([
      json(503, { errorMessages: ['busy'] }, { 'retry-after': '5' }),
      resetError(),
      truncated,
      json(200, { id: '1' }),
    ]);
    const start = clock.now();
    const res = await client(fetchFn, clock).request('GET /rest/api/3/issue/{issueIdOrKey}', {
      path: { issueIdOrKey: '1' },
    });
    expect(res.body.id).toBe('1');
    expect(sent).toHaveLength(4);
    // Retry-After 5 s beats the 2 s start; then 4 s, then 8 s (jitter fixed at 1.0).
    expect(clock.now() - start).toBe(5_000 + 4_000 + 8_000);
  });

  it('never waits less than Retry-After, whatever the jitter', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 24, 10), { autoAdvance: true });
    const { fetchFn } = scripted([json(503, {}, { 'retry-after': '5' }), json(200, { id: '1' })]);
    const governor = new RateGovernor({ clock, spreadOverHour: false });
    const c = new JiraClient({
      cloudId: 'c-1',
      tokens: staticTokens(),
      mode: 'embedded',
      version: '9.9.9',
      apiBaseUrl: 'https://api.example.test',
      fetch: fetchFn,
      clock,
      governor,
      retry: { random: () => 0 }, // the lowest jitter factor, 0.7
    });
    const start = clock.now();
    await c.request('GET /rest/api/3/serverInfo');
    expect(clock.now() - start).toBe(5_000);
  });

  it('gives up after four retries with a network error', async () => {
    const { fetchFn, sent } = scripted([resetError(), resetError(), resetError(), resetError(), resetError()]);
    const err = await client(fetchFn)
      .request('GET /rest/api/3/myself')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JiraError);
    expect((err as JiraError).kind).toBe('network');
    expect(sent).toHaveLength(5);
  });

  it('never resends a non-idempotent write after a transient failure', async () => {
    const { fetchFn, sent } = scripted([json(500, { errorMessages: ['boom'] })]);
    const err = await client(fetchFn)
      .request('POST /rest/api/3/issue/{issueIdOrKey}/comment', {
        path: { issueIdOrKey: 'A-1' },
        body: { body: undefined } as never,
      })
      .catch((e: unknown) => e);
    expect((err as JiraError).kind).toBe('server');
    expect(sent).toHaveLength(1);
    const reset = scripted([resetError()]);
    const err2 = await client(reset.fetchFn)
      .request('DELETE /rest/api/3/issue/{issueIdOrKey}', { path: { issueIdOrKey: 'A-1' } })
      .catch((e: unknown) => e);
    expect((err2 as JiraError).kind).toBe('network');
    expect(reset.sent).toHaveLength(1);
  });

  it('retries read-only POSTs (search, bulk fetch)', async () => {
    const { fetchFn, sent } = scripted([json(502, {}), json(200, { issues: [], isLast: true })]);
    await client(fetchFn).request('POST /rest/api/3/search/jql', { body: { jql: 'project = A', maxResults: 50 } });
    expect(sent).toHaveLength(2);
  });

  it('maps statuses to error kinds and keeps tokens out of messages', async () => {
    const cases: Array<[number, string]> = [
      [400, 'validation'],
      [401, 'auth'],
      [403, 'forbidden'],
      [404, 'not-found'],
      [409, 'conflict'],
    ];
    for (const [status, kind] of cases) {
      const answers = [json(status, { errorMessages: ['refused Bearer tmat_0123456789abcdef'], errors: {} })];
      if (status === 401)
        answers.push(json(status, { errorMessages: ['refused Bearer tmat_0123456789abcdef'], errors: {} }));
      const { fetchFn } = scripted(answers);
      const err = (await client(fetchFn)
        .request('GET /rest/api/3/myself')
        .catch((e: unknown) => e)) as JiraError;
      expect(err.kind).toBe(kind);
      expect(err.status).toBe(status);
      expect(err.message).not.toContain('tmat_0123456789abcdef');
      expect(JSON.stringify(err.toJSON())).not.toContain('tmat_0123456789abcdef');
    }
  });

  it('refreshes once on a 401 for a refused token, but not for a missing scope', async () => {
    const tokens = staticTokens();
    const first = scripted([json(401, { code: 401, message: 'Unauthorized' }), json(200, { accountId: 'x' })]);
    await client(first.fetchFn, undefined, tokens).request('GET /rest/api/3/myself');
    expect(tokens.invalidated).toHaveLength(1);
    const scope = scripted([json(401, { code: 401, message: 'Unauthorized; scope does not match' })]);
    const err = (await client(scope.fetchFn, undefined, tokens)
      .request('GET /rest/api/3/myself')
      .catch((e: unknown) => e)) as JiraError;
    expect(err.kind).toBe('auth');
    expect(err.hint).toMatch(/reconnect/);
    expect(scope.sent).toHaveLength(1);
  });

  it('reports malformed JSON as a clear server error', async () => {
    const { fetchFn } = scripted([new Response('<html>oops</html>', { status: 200 })]);
    const err = (await client(fetchFn)
      .request('GET /rest/api/3/myself')
      .catch((e: unknown) => e)) as JiraError;
    expect(err.kind).toBe('server');
    expect(err.message).toMatch(/not JSON/);
  });
});

describe('pagination', () => {
  it('follows tokens until the last page and refuses a repeated token', async () => {
    const { fetchFn, sent } = scripted([
      json(200, { issues: [{ id: '1' }, { id: '2' }], nextPageToken: 't1', isLast: false }),
      json(200, { issues: [{ id: '3' }], isLast: true }),
    ]);
    const c = client(fetchFn);
    const ids = await collect(
      items<'GET /rest/api/3/search/jql', { id: string }>(c, 'GET /rest/api/3/search/jql', 'token', {
        query: { jql: 'project = A' },
      }),
    );
    expect(ids.map((i) => i.id)).toEqual(['1', '2', '3']);
    expect(new URL(sent[1]!.url).searchParams.get('nextPageToken')).toBe('t1');
    const loop = scripted([
      json(200, { issues: [{ id: '1' }], nextPageToken: 'same', isLast: false }),
      json(200, { issues: [{ id: '1' }], nextPageToken: 'same', isLast: false }),
    ]);
    await expect(
      collect(items(client(loop.fetchFn), 'GET /rest/api/3/search/jql', 'token', { query: { jql: 'x' } })),
    ).rejects.toThrow(/repeated/);
  });

  it('pages PageBeans by the echoed page size and legacy lists by total', async () => {
    const bean = scripted([
      json(200, { startAt: 0, maxResults: 2, total: 3, isLast: false, values: [{ id: 'a' }, { id: 'b' }] }),
      json(200, { startAt: 2, maxResults: 2, total: 3, isLast: true, values: [{ id: 'c' }] }),
    ]);
    const got = await collect(
      items(client(bean.fetchFn), 'GET /rest/api/3/project/search', 'page-bean', { query: { maxResults: 500 } }),
    );
    expect(got).toHaveLength(3);
    expect(new URL(bean.sent[1]!.url).searchParams.get('startAt')).toBe('2');
    const legacy = scripted([
      json(200, { startAt: 0, maxResults: 2, total: 3, comments: [{ id: '1' }, { id: '2' }] }),
      json(200, { startAt: 2, maxResults: 2, total: 3, comments: [{ id: '3' }] }),
    ]);
    const comments = await collect(
      items(
        client(legacy.fetchFn),
        'GET /rest/api/3/issue/{issueIdOrKey}/comment',
        { legacy: 'comments' },
        { path: { issueIdOrKey: 'A-1' } },
      ),
    );
    expect(comments).toHaveLength(3);
  });

  it('walks since/until feeds until lastPage', async () => {
    const feed = scripted([
      json(200, { values: [{ worklogId: 1 }], since: 0, until: 100, lastPage: false }),
      json(200, { values: [{ worklogId: 2 }], since: 100, until: 200, lastPage: true }),
    ]);
    const got = await collect(
      items(client(feed.fetchFn), 'GET /rest/api/3/worklog/updated', 'since-until', { query: { since: 0 } }),
    );
    expect(got).toHaveLength(2);
    expect(new URL(feed.sent[1]!.url).searchParams.get('since')).toBe('100');
  });
});
