import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import { request } from 'undici';
import { type Harness, startHarness } from '../support/harness.js';

const BODY_BYTES = 2 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'a');
/** Half of the clients ask for the connection to close after the answer, half keep it alive. */
const connection = (i: number): Record<string, string> => ({ connection: i % 2 === 0 ? 'close' : 'keep-alive' });

/**
 * Sends a request whose body the gateway refuses before reading it, over a raw socket, writing
 * the whole body as a client does (it does not wait for an answer first). Resolves with what
 * came back and how the connection ended: a reset or EPIPE while sending loses the answer.
 */
function sendRefused(url: string, headers: Record<string, string>): Promise<{ status: number | null; error: string | null }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    let error: string | null = null;
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received);
      resolve({ status: status ? Number(status[1]) : null, error });
    });
    socket.on('connect', async () => {
      const head = [`POST /v1/peerings HTTP/1.1`, `host: ${hostname}:${port}`, 'content-type: application/json', `content-length: ${BODY_BYTES}`]
        .concat(Object.entries(headers).map(([k, v]) => `${k}: ${v}`))
        .join('\r\n');
      socket.write(`${head}\r\n\r\n`);
      for (let sent = 0; sent < BODY_BYTES && !socket.destroyed; sent += CHUNK.length) {
        if (!socket.write(CHUNK)) await new Promise((r) => socket.once('drain', r).once('close', r));
        // As over a real network: the body takes a while to send, and the answer comes first.
        await new Promise((r) => setTimeout(r, 5));
      }
      if (!socket.destroyed) socket.end();
    });
  });
}

describe('a request refused before its body is read', () => {
  let h: Harness;
  let busy = true;
  let readers: Promise<void>[] = [];

  beforeAll(async () => {
    h = await startHarness({ env: { GATEWAY_BODY_LIMIT_BYTES: String(1024 * 1024) } });
    // 16 readers keep the gateway busy for the whole test.
    readers = Array.from({ length: 16 }, async () => {
      while (busy) await (await request(`${h.url}/v1/peerings?limit=50`, { headers: { authorization: `Bearer ${h.token}` } })).body.text();
    });
  });
  afterAll(async () => {
    busy = false;
    await Promise.all(readers);
    await h?.close();
  });

  it('gets its 401 (2 MB body, no token), never a reset, under concurrent load', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => sendRefused(h.url, connection(i))));
    expect(results.filter((r) => r.status !== 401 || r.error !== null)).toEqual([]);
  });

  it('gets its 413 (body over the limit), never a reset, under concurrent load', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => sendRefused(h.url, { authorization: `Bearer ${h.token}`, ...connection(i) })));
    expect(results.filter((r) => r.status !== 413 || r.error !== null)).toEqual([]);
  });
});
