/** Building HTTP responses the way Atlassian's hosts send them. */
export const JSON_TYPE = 'application/json;charset=UTF-8';

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  if (status === 204 || body === undefined) return new Response(null, { status, headers });
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE, ...headers } });
}

export function htmlResponse(status: number, html: string, headers: Record<string, string> = {}): Response {
  return new Response(html, { status, headers: { 'content-type': 'text/html;charset=UTF-8', ...headers } });
}

/** Marker header telling the transport adapter to realise a network fault (see FaultAction). */
export const FAULT_HEADER = 'x-tidemark-sim-fault';

/** Escapes text for HTML (consent pages show app names and scopes that could hold markup). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
