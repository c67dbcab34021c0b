import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Client, request } from 'undici';
import { type Harness, startHarness } from '../support/harness.js';
import { type GatewayProcess, startGatewayProcess } from '../support/processes.js';

interface SseMessage {
  id?: string;
  event: string;
  data: any;
}

/**
 * A Server-Sent Events client over a real HTTP connection (undici): parses the stream as it comes
 * (messages, comments) and records when the server ends it.
 */
class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  ended = false;
  private waiters: (() => void)[] = [];
  private closing = false;

  private constructor(
    readonly status: number,
    readonly headers: Record<string, string | string[] | undefined>,
    private readonly body: Readable,
    private readonly connection: Client,
  ) {}

  /** On a connection of its own, closed with the stream (as a browser's EventSource does). */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const { origin, pathname, search } = new URL(url);
    const connection = new Client(origin);
    const res = await connection.request({ method: 'GET', path: `${pathname}${search}`, headers: { accept: 'text/event-stream', ...headers } });
    const client = new SseClient(res.statusCode, res.headers, res.body, connection);
    if (res.statusCode === 200) void client.read();
    return client;
  }

  /** The body of a refused stream (problem+json). */
  async problem(): Promise<any> {
    return JSON.parse(await (this.body as unknown as { text(): Promise<string> }).text());
  }

  private async read(): Promise<void> {
    let buffer = '';
    try {
      for await (const chunk of this.body) {
        buffer += chunk.toString();
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        this.wake();
      }
    } catch (err) {
      if (!this.closing) throw err;
    }
    this.ended = true;
    this.wake();
  }

  private parse(block: string): void {
    const message: Partial<SseMessage> = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('id: ')) message.id = line.slice(4);
      else if (line.startsWith('event: ')) message.event = line.slice(7);
      else if (line.startsWith('data: ')) message.data = JSON.parse(line.slice(6));
    }
    if (message.event) this.messages.push(message as SseMessage);
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Waits until `done` holds for what was received (or the stream ended). */
  async until(done: (c: SseClient) => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this)) {
      if (this.ended) throw new Error(`the stream ended first; received: ${this.describe()}`);
      if (Date.now() > deadline) throw new Error(`timed out; received: ${this.describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for the server to end the stream. */
  async end(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error(`the stream did not end; received: ${this.describe()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  types(): string[] {
    return this.messages.map((m) => m.event);
  }

  close(): void {
    this.closing = true;
    // Destroying a body nobody reads reports the abort as an error: it is the expected outcome here.
    this.body.on('error', () => undefined);
    this.body.destroy();
    void this.connection.destroy();
  }

  private describe(): string {
    return JSON.stringify(this.messages.map((m) => `${m.event}${m.data?.to ? `(${m.data.to})` : ''}`));
  }
}

const consul = (name: string, labels: Record<string, string> = {}) => ({ name, local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' }, labels });

describe('watching peerings (Server-Sent Events)', () => {
  let h: Harness;
  const clients: SseClient[] = [];
  const processes: GatewayProcess[] = [];
  let closed = false;

  const watch = async (path: string, headers: Record<string, string> = {}, token: string | null = h.token, base = h.url) => {
    const client = await SseClient.open(`${base}${path}`, { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    // Read by the gateway at start (the harness passes its own settings through loadConfig only).
    process.env.GATEWAY_WATCH_HEARTBEAT_MS = '300';
    process.env.GATEWAY_WATCH_MAX_STREAMS = '12';
    try {
      // Slow enough activation that a stream opened right after the create sees the handshake.
      h = await startHarness({ topology: { consulActivateAfterMs: 1_500 } });
    } finally {
      delete process.env.GATEWAY_WATCH_HEARTBEAT_MS;
      delete process.env.GATEWAY_WATCH_MAX_STREAMS;
    }
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    for (const p of processes) if (p.child.exitCode === null) p.kill('SIGKILL');
    if (!closed) await h?.close();
  });

  it('refuses without a token (401) and for an unknown peering (404), as problem+json before any stream', async () => {
    const anonymous = await watch('/v1/peerings/pr_nothing/watch', {}, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['content-type']).toContain('application/problem+json');
    expect((await anonymous.problem()).code).toBe('unauthorized');

    const unknown = await watch('/v1/peerings/pr_nothing/watch');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect((await unknown.problem()).code).toBe('not_found');

    const badFilter = await watch('/v1/events/watch?events=peering.nonsense');
    expect(badFilter.status).toBe(400);
    expect((await badFilter.problem()).code).toBe('validation_failed');
  });

  it('documents both streams in the OpenAPI document', async () => {
    const doc = (await h.api('GET', '/openapi.json')).body;
    for (const path of ['/v1/peerings/{id}/watch', '/v1/events/watch']) {
      expect(Object.keys(doc.paths[path].get.responses['200'].content)).toEqual(['text/event-stream']);
      expect(doc.paths[path].get.description).toContain('peering.active');
    }
    expect(doc.paths['/v1/events/watch'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['events', 'product', 'cluster', 'label']),
    );
  });

  let peeringId: string;
  let streamed: SseMessage[];

  it('sends the peering at once, then every change with its id, up to ACTIVE', async () => {
    const created = await h.api('POST', '/v1/peerings', consul('watch-one'));
    expect(created.status).toBe(202);
    peeringId = created.body.id;

    const stream = await watch(`/v1/peerings/${peeringId}/watch`);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toContain('text/event-stream');
    await stream.until((c) => c.types().includes('peering.active'));

    const [snapshot, ...events] = stream.messages;
    expect(snapshot.event).toBe('peering.snapshot');
    expect(snapshot.data).toMatchObject({ type: 'peering.snapshot', peeringId, data: { peering: { id: peeringId, name: 'watch-one' } } });
    // Each change follows from the state before it, starting from the snapshot's. The snapshot
    // reads the peering after its history, so it may already show the first change that then
    // arrives live: a repeat of a state, never a gap.
    let state = snapshot.data.data.peering.state;
    const changes = events.filter((m) => m.event === 'peering.state_changed');
    if (changes.length && changes[0].data.data.to === state && changes[0].data.data.from !== state) changes.shift();
    for (const e of changes) {
      expect(e.data.data.from).toBe(state);
      state = e.data.data.to;
    }
    expect(state).toBe('ACTIVE');
    expect(events.at(-1)!.event).toBe('peering.active');
    expect(events.every((e) => e.id && e.id === e.data.id && e.data.peeringId === peeringId)).toBe(true);

    // The same events, in the same order and shape, as the peering's history after the snapshot's.
    const history = (await h.api('GET', `/v1/peerings/${peeringId}/events`)).body.items as { id: string }[];
    const after = snapshot.id ? history.findIndex((e) => e.id === snapshot.id) + 1 : 0;
    expect(events.map((e) => e.id)).toEqual(history.slice(after).map((e) => e.id));
    expect(events.map(({ data: { peeringId: _p, ...item } }) => item)).toEqual(history.slice(after));

    // Then the deletion, and the server ends the stream after peering.deleted.
    expect((await h.api('DELETE', `/v1/peerings/${peeringId}`)).status).toBe(202);
    await stream.end();
    expect(stream.types().at(-1)).toBe('peering.deleted');
    expect(stream.messages.filter((m) => m.event === 'peering.state_changed').map((m) => m.data.data.to)).toContain('DELETING');
    streamed = stream.messages;
  });

  it('resumes after Last-Event-ID with the missed events from the history, then ends (the peering is deleted)', async () => {
    const events = streamed.filter((m) => m.event !== 'peering.snapshot');
    const resumeAfter = events[1];
    const resumed = await watch(`/v1/peerings/${peeringId}/watch`, { 'last-event-id': resumeAfter.id! });
    expect(resumed.status).toBe(200);
    await resumed.end();
    expect(resumed.messages.map((m) => m.id)).toEqual(events.slice(2).map((m) => m.id));
    expect(resumed.types().at(-1)).toBe('peering.deleted');

    // A fresh watcher of a deleted peering gets it as it stands and the end.
    const late = await watch(`/v1/peerings/${peeringId}/watch`);
    await late.end();
    expect(late.types()).toEqual(['peering.snapshot']);
    expect(late.messages[0].data.data.peering.state).toBe('DELETED');
    expect(late.messages[0].id).toBe(events.at(-1)!.id);
  });

  it('resumes a live peering: missed events first, then live ones', async () => {
    const id = (await h.api('POST', '/v1/peerings', consul('watch-resume'))).body.id as string;
    const first = await watch(`/v1/peerings/${id}/watch`);
    await first.until((c) => c.types().includes('peering.state_changed'));
    const lastSeen = first.messages.find((m) => m.event === 'peering.state_changed')!;
    first.close();

    await h.waitForState(id, 'ACTIVE');
    const history = (await h.api('GET', `/v1/peerings/${id}/events`)).body.items as { id: string; type: string }[];
    const missed = history.slice(history.findIndex((e) => e.id === lastSeen.id) + 1);
    expect(missed.map((e) => e.type)).toContain('peering.active');

    const resumed = await watch(`/v1/peerings/${id}/watch`, { 'last-event-id': lastSeen.id! });
    await resumed.until((c) => c.messages.length >= missed.length);
    expect(resumed.messages.map((m) => m.id)).toEqual(missed.map((e) => e.id));
    // Then live: the deletion.
    await h.api('DELETE', `/v1/peerings/${id}`);
    await resumed.end();
    expect(resumed.types().slice(missed.length)).toContain('peering.deleted');
  });

  it('streams every peering through the filters of a webhook subscription', async () => {
    const activeConsul = await watch('/v1/events/watch?product=consul&events=peering.active');
    const ontapOnly = await watch('/v1/events/watch?product=ontap');
    const storage = await watch('/v1/events/watch?label=team=storage&events=peering.active,peering.state_changed');
    const dc2 = await watch('/v1/events/watch?cluster=consul-dc2&events=peering.active');
    const everything = await watch('/v1/events/watch');
    for (const s of [activeConsul, ontapOnly, storage, dc2, everything]) expect(s.status).toBe(200);

    const mesh = (await h.api('POST', '/v1/peerings', consul('watch-all-mesh', { team: 'mesh' }))).body.id as string;
    const store = (await h.api('POST', '/v1/peerings', consul('watch-all-storage', { team: 'storage' }))).body.id as string;
    await h.waitForState(mesh, 'ACTIVE');
    await h.waitForState(store, 'ACTIVE');
    await activeConsul.until((c) => c.messages.length >= 2);
    await storage.until((c) => c.types().includes('peering.active'));
    await everything.until((c) => c.messages.filter((m) => m.event === 'peering.active').length >= 2);

    expect(activeConsul.types()).toEqual(['peering.active', 'peering.active']);
    expect(new Set(activeConsul.messages.map((m) => m.data.peeringId))).toEqual(new Set([mesh, store]));
    expect(storage.messages.every((m) => m.data.peeringId === store)).toBe(true);
    expect(storage.types()).toContain('peering.state_changed');
    expect(new Set(dc2.messages.map((m) => m.data.peeringId))).toEqual(new Set([mesh, store]));
    expect(everything.messages.every((m) => m.id && ['peering.state_changed', 'peering.active'].includes(m.event))).toBe(true);
    // No ONTAP peering changed: nothing on the ONTAP stream.
    expect(ontapOnly.messages).toEqual([]);
    for (const s of [activeConsul, ontapOnly, storage, dc2, everything]) s.close();
  });

  it('sends a heartbeat comment while nothing happens', async () => {
    const quiet = await watch('/v1/events/watch?product=ontap');
    await quiet.until((c) => c.comments.includes('ping'), 3_000);
    quiet.close();
  });

  it('bounds the streams one process keeps open (503 problem+json beyond it)', async () => {
    for (const c of clients) c.close();
    await new Promise((r) => setTimeout(r, 200));
    const open = await Promise.all(Array.from({ length: 12 }, () => watch('/v1/events/watch')));
    expect(open.map((c) => c.status)).toEqual(Array(12).fill(200));
    const refused = await watch('/v1/events/watch');
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.headers['retry-after']).toBeDefined();
    expect((await refused.problem()).code).toBe('service_unavailable');
    open[0].close();
    await new Promise((r) => setTimeout(r, 200));
    const again = await watch('/v1/events/watch');
    expect(again.status).toBe(200);
    for (const c of [...open, again]) c.close();
    // The server counts a stream out when it sees the connection close.
    await new Promise((r) => setTimeout(r, 200));
  });

  it('streams from an api-role process what a separate worker-role process does, and both stop promptly', async () => {
    const prefix = `w${randomBytes(4).toString('hex')}`;
    const token = 'watch-process-token';
    const spawn = async (role: 'api' | 'worker') => {
      const p = await startGatewayProcess({
        role,
        redisUrl: process.env.TEST_REDIS_URL!,
        prefix,
        token,
        clusters: h.topology.clusters,
        env: { GATEWAY_RECONCILE_INTERVAL_MS: '0' },
      });
      processes.push(p);
      return p;
    };
    const apiProcess = await spawn('api');
    const worker = await spawn('worker');
    const post = await request(`${apiProcess.url}/v1/peerings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(consul('watch-across')),
    });
    expect(post.statusCode).toBe(202);
    const id = ((await post.body.json()) as { id: string }).id;

    const one = await watch(`/v1/peerings/${id}/watch`, {}, token, apiProcess.url);
    const all = await watch('/v1/events/watch?events=peering.active', {}, token, apiProcess.url);
    expect(one.status).toBe(200);
    await one.until((c) => c.types().includes('peering.active'));
    await all.until((c) => c.messages.length === 1);
    expect(all.messages[0].data.peeringId).toBe(id);
    expect(one.types()[0]).toBe('peering.snapshot');

    // SIGTERM with streams open: the api process ends them and exits within seconds.
    const t0 = Date.now();
    apiProcess.kill('SIGTERM');
    worker.kill('SIGTERM');
    expect(await apiProcess.exited).toBe(0);
    await worker.exited;
    expect(Date.now() - t0).toBeLessThan(8_000);
    await one.end(1_000);
    await all.end(1_000);
  });

  it('ends every stream when the gateway shuts down', async () => {
    const open = await watch('/v1/events/watch');
    expect(open.status).toBe(200);
    const t0 = Date.now();
    closed = true;
    await h.close();
    await open.end(1_000);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});
