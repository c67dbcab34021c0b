import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { consulErrorTexts } from '../../sim/consul/index.js';
import { type Harness, startHarness } from '../support/harness.js';

/** One request as the receiver saw it, checked with the Standard Webhooks reference library. */
interface Received {
  path: string;
  webhookId: string;
  signatures: string[];
  /** Which of the receiver's secrets verified it (by index); empty: none did. */
  verifiedBy: number[];
  type: string;
  peeringId: string;
  from?: string;
  to?: string;
  labels?: Record<string, string>;
  body: any;
  answered: number | 'hang';
  at: number;
}

type Answer = { status: number; retryAfter?: string } | { hangMs: number };

interface Rule {
  match: (r: Received) => boolean;
  answers: Answer[];
}

/**
 * A real webhook receiver on 127.0.0.1: verifies every request with `standardwebhooks` against
 * the secrets it was given, records it, and answers as told (204 by default).
 */
class Receiver {
  readonly requests: Received[] = [];
  secrets: string[] = [];
  private readonly rules: Rule[] = [];
  private readonly server: Server;
  url = '';

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString();
        const received = this.record(req.url ?? '/', req.headers, raw);
        const rule = this.rules.find((r) => r.answers.length > 0 && r.match(received));
        const answer: Answer = rule ? rule.answers.shift()! : { status: 204 };
        if ('hangMs' in answer) {
          received.answered = 'hang';
          setTimeout(() => res.writeHead(204).end(), answer.hangMs).unref();
          return;
        }
        received.answered = answer.status;
        res.writeHead(answer.status, answer.retryAfter ? { 'retry-after': answer.retryAfter } : {}).end();
      });
    });
    this.server.keepAliveTimeout = 1_000;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Answers the next matching requests with `answers`, in turn. */
  when(match: (r: Received) => boolean, ...answers: Answer[]): void {
    this.rules.push({ match, answers });
  }

  private record(path: string, headers: IncomingHttpHeaders, raw: string): Received {
    const verifiedBy = this.secrets.flatMap((secret, i) => {
      try {
        new Webhook(secret).verify(raw, headers as Record<string, string>);
        return [i];
      } catch {
        return [];
      }
    });
    const body = JSON.parse(raw);
    const received: Received = {
      path,
      webhookId: String(headers['webhook-id']),
      signatures: String(headers['webhook-signature']).split(' '),
      verifiedBy,
      type: body.type,
      peeringId: body.data.peeringId,
      from: body.data.from,
      to: body.data.to,
      labels: body.data.peering?.labels,
      body,
      answered: 0,
      at: Date.now(),
    };
    this.requests.push(received);
    return received;
  }

  of(peeringId: string, path?: string): Received[] {
    return this.requests.filter((r) => r.peeringId === peeringId && (path === undefined || r.path === path));
  }

  /** Requests answered 2xx. */
  delivered(peeringId: string, path?: string): Received[] {
    return this.of(peeringId, path).filter((r) => typeof r.answered === 'number' && r.answered < 300);
  }

  async waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`receiver: timed out waiting for ${what}; got ${JSON.stringify(this.requests.map(summary))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

function summary(r: Received): string {
  return `${r.path} ${r.webhookId} ${r.type}${r.to ? ` ${r.from}->${r.to}` : ''} ${r.answered}`;
}

/** What a peering's create should send, in order. */
const CREATE_SEQUENCE = ['peering.state_changed PENDING->ESTABLISHING', 'peering.state_changed ESTABLISHING->ACTIVE', 'peering.active'];
const describeEvent = (r: { type: string; from?: string; to?: string }) => (r.type === 'peering.state_changed' ? `${r.type} ${r.from}->${r.to}` : r.type);

describe('Events and webhooks', () => {
  let h: Harness;
  const receivers: Receiver[] = [];
  const secretsSeen = new Set<string>();
  let peeringCount = 0;
  /** Subscriptions made by a test are removed after it, so later tests' events do not reach them. */
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  beforeAll(async () => {
    h = await startHarness({
      env: {
        GATEWAY_WEBHOOK_RETRY_SCHEDULE: '100ms,200ms,300ms',
        GATEWAY_WEBHOOK_TIMEOUT_MS: '500',
        GATEWAY_WEBHOOK_ROTATION_GRACE_MS: '3000',
        GATEWAY_WEBHOOK_ALLOW: '169.254.10.0/24',
      },
    });
  });
  afterAll(async () => {
    await h.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  const receiver = async (): Promise<Receiver> => {
    const r = await new Receiver().start();
    receivers.push(r);
    return r;
  };

  /** Subscribes (removed after the test so later tests' events do not reach it). */
  const subscribe = async (r: Receiver, body: Record<string, unknown> = {}, path = '/hook') => {
    const res = await h.api('POST', '/v1/webhooks', { url: `${r.url}${path}`, ...body });
    expect(res.status).toBe(201);
    secretsSeen.add(res.body.secret);
    r.secrets = [res.body.secret];
    cleanups.push(async () => {
      await h.api('DELETE', `/v1/webhooks/${res.body.id}`);
    });
    return res.body as { id: string; secret: string };
  };

  const createPeering = async (labels: Record<string, string> = {}) => {
    const res = await h.api('POST', '/v1/peerings', {
      name: `wh-${++peeringCount}`,
      local: { cluster: 'consul-dc1' },
      remote: { cluster: 'consul-dc2' },
      labels,
    });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };

  const deliveries = async (webhookId: string, query = '') => {
    const res = await h.api('GET', `/v1/webhooks/${webhookId}/deliveries${query}`);
    expect(res.status).toBe(200);
    return res.body.items as any[];
  };

  it('delivers signed state changes of a peering; the secret is shown once', async () => {
    const r = await receiver();
    const sub = await subscribe(r, { events: ['*'], description: 'pipeline' });
    expect(sub.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const keyBytes = Buffer.from(sub.secret.slice('whsec_'.length), 'base64').length;
    expect(keyBytes).toBeGreaterThanOrEqual(24);
    expect(keyBytes).toBeLessThanOrEqual(64);

    const read = await h.api('GET', `/v1/webhooks/${sub.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: sub.id, url: `${r.url}/hook`, events: ['*'], enabled: true, disabledReason: null });
    expect(JSON.stringify(read.body)).not.toContain(sub.secret.slice(6));
    const list = await h.api('GET', '/v1/webhooks');
    expect(list.body.items.map((w: { id: string }) => w.id)).toContain(sub.id);
    expect(JSON.stringify(list.body)).not.toContain(sub.secret.slice(6));

    const id = await createPeering({ team: 'mesh' });
    await h.waitForState(id, 'ACTIVE');
    await r.waitFor('peering.active', () => r.delivered(id).some((x) => x.type === 'peering.active'));

    const got = r.of(id);
    expect(got.map(describeEvent)).toEqual(CREATE_SEQUENCE);
    for (const x of got) {
      expect(x.verifiedBy).toEqual([0]);
      expect(x.signatures).toHaveLength(1);
      expect(x.body).toEqual({
        type: x.type,
        timestamp: expect.any(String),
        data: expect.objectContaining({ eventId: expect.stringMatching(/^ev_/), peeringId: id, operationId: expect.any(String) }),
      });
      expect(x.body.data.peering).toMatchObject({ id, name: expect.any(String), product: 'consul', labels: { team: 'mesh' } });
    }
    expect(got[2].body.data.peering.state).toBe('ACTIVE');
    expect(new Set(got.map((x) => x.webhookId)).size).toBe(3);

    const log = await deliveries(sub.id);
    expect(log.map((d) => d.id).sort()).toEqual(got.map((x) => x.webhookId).sort());
    for (const d of log) {
      expect(d).toMatchObject({
        subscriptionId: sub.id,
        peeringId: id,
        status: 'delivered',
        attempts: 1,
        lastStatusCode: 204,
        nextAttemptAt: null,
        lastError: null,
      });
      expect(Date.parse(d.lastAttemptAt)).not.toBeNaN();
      expect(d).not.toHaveProperty('body');
    }
  });

  it('retries after 500s and a timeout with the same webhook-id, and holds later events of the peering back meanwhile', async () => {
    const r = await receiver();
    await subscribe(r);
    const first = (x: Received) => x.to === 'ESTABLISHING';
    r.when(first, { status: 500 }, { status: 500 }, { hangMs: 1_500 });
    const id = await createPeering();
    await h.waitForState(id, 'ACTIVE');
    await r.waitFor('peering.active', () => r.delivered(id).some((x) => x.type === 'peering.active'));

    const got = r.of(id);
    expect(got.map((x) => x.answered)).toEqual([500, 500, 'hang', 204, 204, 204]);
    const ids = got.map((x) => x.webhookId);
    expect(new Set(ids.slice(0, 4)).size).toBe(1);
    expect(ids.slice(3)).toEqual([...new Set(ids)]);
    expect(got.map(describeEvent)).toEqual([CREATE_SEQUENCE[0], CREATE_SEQUENCE[0], CREATE_SEQUENCE[0], ...CREATE_SEQUENCE]);
    for (const x of got) expect(x.verifiedBy).toEqual([0]);
    // Each attempt is signed at its own time, the body is the same bytes.
    expect(new Set(got.slice(0, 4).map((x) => JSON.stringify(x.body))).size).toBe(1);
    // The waits follow the schedule (100, 200 ms, ±20%) and the 500 ms timeout.
    expect(got[1].at - got[0].at).toBeGreaterThanOrEqual(75);
    expect(got[2].at - got[1].at).toBeGreaterThanOrEqual(155);
    expect(got[3].at - got[2].at).toBeGreaterThanOrEqual(500 + 235);
  });

  it('keeps each peering in order while another peering of the same subscriber is retried, and honours Retry-After', async () => {
    const r = await receiver();
    const sub = await subscribe(r);
    r.when((x) => x.labels?.lane === 'slow' && x.to === 'ESTABLISHING', { status: 503, retryAfter: '2' });
    const slow = await createPeering({ lane: 'slow' });
    await r.waitFor('the slow peering to be refused once', () => r.of(slow).length === 1);
    const fast = await createPeering({ lane: 'fast' });
    await r.waitFor('the fast peering to be delivered', () => r.delivered(fast).length === 3);
    await r.waitFor('the slow peering to be delivered', () => r.delivered(slow).length === 3, 15_000);

    expect(r.delivered(fast).map(describeEvent)).toEqual(CREATE_SEQUENCE);
    expect(r.of(slow).map(describeEvent)).toEqual([CREATE_SEQUENCE[0], ...CREATE_SEQUENCE]);
    const [refused, retried] = r.of(slow);
    expect(retried.webhookId).toBe(refused.webhookId);
    expect(retried.at - refused.at).toBeGreaterThanOrEqual(1_950);
    // The fast peering was not held up by the slow one.
    expect(Math.max(...r.delivered(fast).map((x) => x.at))).toBeLessThan(retried.at);

    const [slowFirst] = await deliveries(sub.id, '?status=delivered').then((items) => items.filter((d) => d.id === refused.webhookId));
    expect(slowFirst).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 204 });
  });

  it('fails a message for good when the schedule is used up, moves on, and redelivers it by id', async () => {
    const r = await receiver();
    const sub = await subscribe(r);
    r.when((x) => x.to === 'ESTABLISHING', { status: 500 }, { status: 502 }, { status: 500 }, { status: 500 });
    const id = await createPeering();
    await r.waitFor('peering.active', () => r.delivered(id).some((x) => x.type === 'peering.active'));
    expect(r.of(id).map((x) => x.answered)).toEqual([500, 502, 500, 500, 204, 204]);

    const failedId = r.of(id)[0].webhookId;
    let log = await deliveries(sub.id);
    expect(log.find((d) => d.id === failedId)).toMatchObject({
      status: 'failed',
      attempts: 4,
      lastStatusCode: 500,
      lastError: 'receiver answered 500',
      nextAttemptAt: null,
    });
    expect(await deliveries(sub.id, '?status=failed')).toHaveLength(1);
    const page = await h.api('GET', `/v1/webhooks/${sub.id}/deliveries?limit=2`);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const rest = await h.api('GET', `/v1/webhooks/${sub.id}/deliveries?limit=2&cursor=${page.body.nextCursor}`);
    expect(rest.body).toMatchObject({ items: [expect.objectContaining({ id: failedId })], nextCursor: null });

    const again = await h.api('POST', `/v1/webhooks/${sub.id}/deliveries/${failedId}/redeliver`);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ id: failedId, status: 'pending' });
    await r.waitFor('the redelivery', () => r.delivered(id).some((x) => x.webhookId === failedId));
    const redelivered = r.of(id).at(-1)!;
    expect(redelivered).toMatchObject({ webhookId: failedId, answered: 204, verifiedBy: [0] });
    log = await deliveries(sub.id);
    expect(log.find((d) => d.id === failedId)).toMatchObject({ status: 'delivered', attempts: 5, lastStatusCode: 204, lastError: null });

    expect((await h.api('POST', `/v1/webhooks/${sub.id}/deliveries/msg_missing/redeliver`)).status).toBe(404);
    const read = await h.api('GET', `/v1/webhooks/${sub.id}/deliveries/${failedId}`);
    expect(read.body).toMatchObject({ id: failedId, status: 'delivered' });
  });

  it('disables the subscription on 410 Gone and sends it nothing more until it is enabled again', async () => {
    const r = await receiver();
    const sub = await subscribe(r);
    r.when(() => true, { status: 410 });
    const id = await createPeering();
    await h.waitForState(id, 'ACTIVE');
    await r.waitFor('the 410', () => r.requests.length === 1);
    let read = await h.api('GET', `/v1/webhooks/${sub.id}`);
    for (let i = 0; i < 100 && read.body.enabled; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      read = await h.api('GET', `/v1/webhooks/${sub.id}`);
    }
    expect(read.body).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('410') });
    await h.api('DELETE', `/v1/peerings/${id}`);
    await h.waitForState(id, 'DELETED');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.requests).toHaveLength(1);
    const log = await deliveries(sub.id);
    expect(log.length).toBeGreaterThanOrEqual(1);
    expect(log.every((d) => d.status === 'failed')).toBe(true);
    expect(log.find((d) => d.id === r.requests[0].webhookId)).toMatchObject({ lastStatusCode: 410 });
    expect((await h.api('POST', `/v1/webhooks/${sub.id}/deliveries/${r.requests[0].webhookId}/redeliver`)).status).toBe(409);

    const enabled = await h.api('PATCH', `/v1/webhooks/${sub.id}`, { enabled: true });
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null });
    const next = await createPeering();
    await r.waitFor('deliveries after re-enabling', () => r.delivered(next).length === 3);
  });

  it('rotates the secret: deliveries carry both signatures during the grace period, then only the new one', async () => {
    const r = await receiver();
    const sub = await subscribe(r);
    const rotated = await h.api('POST', `/v1/webhooks/${sub.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const newSecret: string = rotated.body.secret;
    secretsSeen.add(newSecret);
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(sub.secret);
    expect(Date.parse(rotated.body.previousSecretExpiresAt)).toBeGreaterThan(Date.now());
    expect(JSON.stringify((await h.api('GET', `/v1/webhooks/${sub.id}`)).body)).not.toContain(newSecret.slice(6));
    r.secrets = [newSecret, sub.secret];

    const during = await createPeering();
    await r.waitFor('deliveries during the grace period', () => r.delivered(during).length === 3);
    for (const x of r.of(during)) {
      expect(x.verifiedBy).toEqual([0, 1]);
      expect(x.signatures).toHaveLength(2);
    }

    const wait = Date.parse(rotated.body.previousSecretExpiresAt) - Date.now() + 50;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
    expect((await h.api('GET', `/v1/webhooks/${sub.id}`)).body.previousSecretExpiresAt).toBeNull();
    const later = await createPeering();
    await r.waitFor('deliveries after the grace period', () => r.delivered(later).length === 3);
    for (const x of r.of(later)) {
      expect(x.verifiedBy).toEqual([0]);
      expect(x.signatures).toHaveLength(1);
    }
  });

  it('refuses URLs that are not http(s) or point at link-local and metadata addresses, unless allow-listed', async () => {
    for (const url of [
      'ftp://127.0.0.1/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]/hook',
      'http://[::ffff:169.254.169.254]/',
      'http://metadata.google.internal/',
      'http://100.100.100.200/',
      'not a url',
      'http://user:pw@127.0.0.1/',
    ]) {
      const res = await h.api('POST', '/v1/webhooks', { url });
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({ code: 'validation_failed', errors: [{ field: 'url', message: expect.any(String) }] });
    }
    const bad = await h.api('POST', '/v1/webhooks', {
      url: 'http://127.0.0.1/',
      events: ['peering.exploded'],
      filters: { product: 'nfs', labels: { team: 1 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['events', 'filters.labels', 'filters.product']);

    const allowed = await h.api('POST', '/v1/webhooks', { url: 'http://169.254.10.7/hook' });
    expect(allowed.status).toBe(201);
    secretsSeen.add(allowed.body.secret);
    cleanups.push(async () => {
      await h.api('DELETE', `/v1/webhooks/${allowed.body.id}`);
    });
    const patched = await h.api('PATCH', `/v1/webhooks/${allowed.body.id}`, { url: 'http://169.254.169.254/' });
    expect(patched.status).toBe(400);
    expect(patched.body.errors[0].field).toBe('url');
    expect((await h.api('PATCH', `/v1/webhooks/${allowed.body.id}`, { enabled: false })).body.enabled).toBe(false);
  });

  it('delivers only what the filters ask for: event types, cluster and labels', async () => {
    const r = await receiver();
    await subscribe(r, { events: ['peering.active'] }, '/active-only');
    await subscribe(r, { filters: { cluster: 'consul-dc2', labels: { team: 'mesh' } } }, '/dc2-mesh');
    await subscribe(r, { filters: { labels: { team: 'storage' } } }, '/storage');
    await subscribe(r, { filters: { cluster: 'consul-dc9' } }, '/dc9');
    await subscribe(r, { filters: { product: 'ontap' } }, '/ontap');
    const id = await createPeering({ team: 'mesh', env: 'test' });
    await h.waitForState(id, 'ACTIVE');
    await r.waitFor('filtered deliveries', () => r.delivered(id, '/active-only').length === 1 && r.delivered(id, '/dc2-mesh').length === 3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(r.of(id, '/active-only').map((x) => x.type)).toEqual(['peering.active']);
    expect(r.of(id, '/dc2-mesh').map(describeEvent)).toEqual(CREATE_SEQUENCE);
    expect(r.of(id, '/storage')).toEqual([]);
    expect(r.of(id, '/dc9')).toEqual([]);
    expect(r.of(id, '/ontap')).toEqual([]);
  });

  it("keeps each peering's history, including failures, and delivers operation.failed", async () => {
    const r = await receiver();
    await subscribe(r, { events: ['peering.failed', 'operation.failed'] });
    const id = await createPeering({ team: 'mesh' });
    await h.waitForState(id, 'ACTIVE');
    await h.api('DELETE', `/v1/peerings/${id}`);
    await h.waitForState(id, 'DELETED');

    const history = await h.api('GET', `/v1/peerings/${id}/events`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((e: any) => describeEvent({ type: e.type, ...e.data }))).toEqual([
      ...CREATE_SEQUENCE,
      'peering.state_changed ACTIVE->DELETING',
      'peering.state_changed DELETING->DELETED',
      'peering.deleted',
    ]);
    for (const item of history.body.items) {
      expect(item).toEqual({
        id: expect.stringMatching(/^ev_/),
        type: item.type,
        timestamp: expect.any(String),
        data: expect.objectContaining({ operationId: expect.any(String), peering: expect.objectContaining({ id }) }),
      });
    }
    expect(history.body.items.at(-1).data.peering.state).toBe('DELETED');
    expect((await h.api('GET', '/v1/peerings/pr_nonexistent/events')).status).toBe(404);

    const dc2 = h.topology.consul[1];
    dc2.faults.failNext(2, 403, consulErrorTexts.invalidSecret, undefined, { method: 'POST', pathPrefix: '/v1/peering/establish' });
    const failing = await createPeering();
    await h.waitForState(failing, 'FAILED');
    await r.waitFor('peering.failed and operation.failed', () => r.delivered(failing).length === 2);
    expect(r.of(failing).map((x) => x.type)).toEqual(['peering.failed', 'operation.failed']);
    expect(r.of(failing)[1].body.data.error).toMatchObject({ code: 'upstream_rejected', upstream: { cluster: 'consul-dc2' } });
    const types = (await h.api('GET', `/v1/peerings/${failing}/events`)).body.items.map((e: { type: string }) => e.type);
    expect(types.slice(-3)).toEqual(['peering.state_changed', 'peering.failed', 'operation.failed']);
  });

  it('replays a create under the same Idempotency-Key, secret included, and documents every route', async () => {
    const r = await receiver();
    const body = { url: `${r.url}/idem`, events: ['peering.deleted'] };
    const key = `create-${r.url}`;
    const a = await h.api('POST', '/v1/webhooks', body, { 'idempotency-key': key });
    const b = await h.api('POST', '/v1/webhooks', body, { 'idempotency-key': key });
    secretsSeen.add(a.body.secret);
    cleanups.push(async () => {
      await h.api('DELETE', `/v1/webhooks/${a.body.id}`);
    });
    expect(a.status).toBe(201);
    expect(a.headers.location).toBe(`/v1/webhooks/${a.body.id}`);
    expect(b).toMatchObject({ status: 201, body: { id: a.body.id, secret: a.body.secret } });
    expect((await h.api('GET', '/v1/webhooks')).body.items.filter((w: { url: string }) => w.url === body.url)).toHaveLength(1);

    const doc = await h.api('GET', '/openapi.json');
    for (const path of [
      '/v1/webhooks',
      '/v1/webhooks/{id}',
      '/v1/webhooks/{id}/rotate-secret',
      '/v1/webhooks/{id}/deliveries',
      '/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver',
      '/v1/peerings/{id}/events',
    ]) {
      expect(doc.body.paths).toHaveProperty([path]);
    }
  });

  it('answers 404 for unknown subscriptions and deliveries', async () => {
    expect((await h.api('GET', '/v1/webhooks/wh_missing')).status).toBe(404);
    expect((await h.api('PATCH', '/v1/webhooks/wh_missing', { enabled: true })).status).toBe(404);
    expect((await h.api('DELETE', '/v1/webhooks/wh_missing')).status).toBe(404);
    expect((await h.api('POST', '/v1/webhooks/wh_missing/rotate-secret')).status).toBe(404);
    expect((await h.api('GET', '/v1/webhooks/wh_missing/deliveries')).status).toBe(404);
  });

  it('never writes a signing secret to the logs', () => {
    expect(secretsSeen.size).toBeGreaterThanOrEqual(8);
    const logs = h.logs.text();
    expect(logs).toContain('webhook delivery will be retried');
    for (const secret of secretsSeen) expect(logs).not.toContain(secret.slice('whsec_'.length));
  });
});
