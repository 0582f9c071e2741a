/** An outboundFetch that records webhook deliveries and answers with scripted statuses. */
import type { OutboundFetch } from '../../src/simulator/webhooks/delivery.js';
import type { Json } from './fixture-agile.js';

export interface CapturedDelivery {
  url: string;
  headers: Record<string, string>;
  body: Record<string, Json>;
}

export function captureFetch(script: Array<number | Error | 'hang'> = []): {
  fetch: OutboundFetch;
  requests: CapturedDelivery[];
} {
  const requests: CapturedDelivery[] = [];
  let n = 0;
  const fetch: OutboundFetch = (url, init) => {
    requests.push({
      url,
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body: JSON.parse(String(init.body)) as Record<string, Json>,
    });
    const step = script[n++] ?? 200;
    if (step === 'hang') return new Promise<Response>(() => undefined);
    if (step instanceof Error) return Promise.reject(step);
    return Promise.resolve(new Response(null, { status: step }));
  };
  return { fetch, requests };
}
