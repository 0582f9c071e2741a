/**
 * Serves a fetch-style handler over node:http on loopback (or any host). Realises the simulator's
 * network-fault markers on the real socket: `reset` destroys the connection, `truncate` sends the
 * full Content-Length but only half the body, then closes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const FAULT_HEADER = 'x-tidemark-sim-fault';

export interface ServedHandle {
  url: string;
  port: number;
  server: Server;
  /**
   * Stops listening and closes every connection. `graceful` first lets answers being written
   * finish (up to `graceMs`, default 2 s) — e.g. the page after a consent that ends the command.
   */
  close(options?: { graceful?: boolean; graceMs?: number }): Promise<void>;
}

export type FetchHandler = (req: Request) => Promise<Response>;

export async function serveFetch(
  handler: FetchHandler,
  options: { port?: number; host?: string } = {},
): Promise<ServedHandle> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((incoming, outgoing) => {
    void handle(handler, incoming, outgoing, host);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    close: (opts = {}) =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if (!opts.graceful) {
          server.closeAllConnections();
          return;
        }
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), opts.graceMs ?? 2_000);
        force.unref();
        server.on('close', () => clearTimeout(force));
      }),
  };
}

async function handle(
  handler: FetchHandler,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  host: string,
): Promise<void> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
    const headers = new Headers();
    for (const [k, v] of Object.entries(incoming.headers)) {
      if (v === undefined) continue;
      for (const value of Array.isArray(v) ? v : [v]) headers.append(k, value);
    }
    const method = incoming.method ?? 'GET';
    const url = `http://${incoming.headers.host ?? host}${incoming.url ?? '/'}`;
    const req = new Request(url, {
      method,
      headers,
      body: method === 'GET' || method === 'HEAD' || body === undefined ? undefined : body,
    });
    const res = await handler(req);
    const fault = res.headers.get(FAULT_HEADER);
    if (fault === 'reset') {
      incoming.socket.destroy();
      return;
    }
    const bytes = res.body ? Buffer.from(await res.arrayBuffer()) : undefined;
    const outHeaders: Record<string, string | string[]> = {};
    res.headers.forEach((value, key) => {
      if (key === FAULT_HEADER) return;
      if (key === 'set-cookie') return;
      outHeaders[key] = value;
    });
    const cookies = res.headers.getSetCookie();
    if (cookies.length > 0) outHeaders['set-cookie'] = cookies;
    if (bytes) outHeaders['content-length'] = String(bytes.length);
    outgoing.writeHead(res.status, outHeaders);
    if (fault === 'truncate' && bytes) {
      outgoing.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => incoming.socket.destroy());
      return;
    }
    outgoing.end(bytes);
  } catch {
    if (!outgoing.headersSent) {
      outgoing.writeHead(500, { 'content-type': 'application/json' });
      outgoing.end(JSON.stringify({ errorMessages: ['Internal server error'], errors: {} }));
    } else {
      incoming.socket.destroy();
    }
  }
}
