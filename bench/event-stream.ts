import { request } from 'undici';

export type StreamEventType = 'peering.active' | 'peering.failed' | 'peering.deleted';

/**
 * The gateway's event stream (`GET /v1/events/watch`, Server-Sent Events) as a caller follows it:
 * `arrival(id, type)` resolves with the time (performance.now) the event of that peering came
 * in on the stream, whether it came before or after the call.
 */
export interface EventStream {
  arrival(peeringId: string, type: StreamEventType): Promise<number>;
  close(): void;
}

export async function openEventStream(url: string, token: string): Promise<EventStream> {
  const abort = new AbortController();
  const res = await request(`${url}/v1/events/watch`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: abort.signal,
    bodyTimeout: 0,
  });
  if (res.statusCode !== 200) throw new Error(`event stream: ${res.statusCode} ${await res.body.text()}`);
  const seen = new Map<string, number>();
  const waiters = new Map<string, (at: number) => void>();
  const arrived = (key: string, at: number) => {
    seen.set(key, at);
    waiters.get(key)?.(at);
    waiters.delete(key);
  };
  let buffer = '';
  res.body.setEncoding('utf8');
  res.body.on('data', (chunk: string) => {
    const at = performance.now();
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const message = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const type = /^event: (.*)$/m.exec(message)?.[1];
      const data = /^data: (.*)$/m.exec(message)?.[1];
      if (!type || !data) continue;
      const peeringId = (JSON.parse(data) as { peeringId?: string }).peeringId;
      if (peeringId) arrived(`${peeringId} ${type}`, at);
    }
  });
  res.body.on('error', () => undefined);
  return {
    arrival: (peeringId, type) => {
      const key = `${peeringId} ${type}`;
      const at = seen.get(key);
      if (at !== undefined) return Promise.resolve(at);
      return new Promise((resolve) => waiters.set(key, resolve));
    },
    close: () => abort.abort(),
  };
}
