import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { type Harness, startHarness } from '../support/harness.js';
import { renderedDom } from '../support/chromium.js';

/** A webhook receiver that records what it was sent and answers 204. */
class Receiver {
  readonly received: { headers: IncomingHttpHeaders; body: any }[] = [];
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString()) });
      res.writeHead(204).end();
    });
  });
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function until<T>(what: string, read: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Prometheus text: the value of the first sample named `name` whose labels include `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

/** The log lines (parsed) that match every given field. */
function logLines(h: Harness, fields: Record<string, unknown>): any[] {
  return h.logs.lines.map((l) => JSON.parse(l)).filter((line: Record<string, unknown>) => Object.entries(fields).every(([k, v]) => line[k] === v));
}

const rawGet = async (url: string, headers: Record<string, string> = {}) => {
  const res = await request(url, { method: 'GET', headers });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
};

describe('request ids, request logs, metrics and the queue view', () => {
  let h: Harness;
  let receiver: Receiver;
  const createId = `create-${randomBytes(4).toString('hex')}`;
  const deleteId = `delete-${randomBytes(4).toString('hex')}`;
  let peeringId = '';
  let createOperation: any;
  let deleteOperation: any;

  beforeAll(async () => {
    h = await startHarness();
    receiver = await new Receiver().start();
    const sub = await h.api('POST', '/v1/webhooks', { url: receiver.url, events: ['*'] });
    expect(sub.status).toBe(201);

    // One lifecycle, each write with a request id of the caller's.
    const created = await h.api(
      'POST',
      '/v1/peerings',
      { name: 'observed', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } },
      { 'x-request-id': createId },
    );
    expect(created.status).toBe(202);
    expect(created.headers['x-request-id']).toBe(createId);
    peeringId = created.body.id;
    createOperation = await h.waitForOperation(created.body.operationId);
    await h.waitForState(peeringId, 'ACTIVE');
    const deleted = await h.api('DELETE', `/v1/peerings/${peeringId}`, undefined, { 'x-request-id': deleteId });
    expect(deleted.status).toBe(202);
    deleteOperation = await h.waitForOperation(deleted.body.operationId);
    await h.waitForState(peeringId, 'DELETED');
    await until('the DELETED announcement', () => receiver.received.some((r) => r.body.data.peeringId === peeringId && r.body.data.to === 'DELETED'));
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });

  describe('X-Request-Id', () => {
    it('is echoed when the caller sends an acceptable one, and generated otherwise', async () => {
      expect((await h.api('GET', '/v1/clusters', undefined, { 'x-request-id': 'abc-123_XYZ.1' })).headers['x-request-id']).toBe('abc-123_XYZ.1');
      const generated = (await h.api('GET', '/v1/clusters')).headers['x-request-id'];
      expect(generated).toMatch(/^[0-9a-f-]{36}$/);
      // Unprintable, with spaces, or too long: replaced, never echoed.
      for (const bad of ['has space', 'x'.repeat(129), 'tab\there']) {
        const echoed = (await h.api('GET', '/v1/clusters', undefined, { 'x-request-id': bad })).headers['x-request-id'];
        expect(echoed).not.toBe(bad);
        expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
      }
      expect((await h.api('GET', '/v1/clusters', undefined, { 'x-request-id': 'x'.repeat(128) })).headers['x-request-id']).toBe('x'.repeat(128));
    });

    it('is on every answer: problems, the 401 of the authentication hook, 404, 405, public routes', async () => {
      const cases: [string, string, Record<string, string>, number][] = [
        ['GET', '/v1/peerings', { authorization: 'Bearer wrong' }, 401],
        ['GET', '/v1/peerings/pr_missing', {}, 404],
        ['GET', '/v1/nothing-here', {}, 404],
        ['PUT', '/v1/peerings', {}, 405],
        ['GET', '/healthz', {}, 200],
      ];
      for (const [method, path, headers, status] of cases) {
        const id = `edge-${randomBytes(3).toString('hex')}`;
        const res = await h.api(method, path, undefined, { ...headers, 'x-request-id': id });
        expect([path, res.status]).toEqual([path, status]);
        expect([path, res.headers['x-request-id']]).toEqual([path, id]);
      }
      const invalid = await h.api('POST', '/v1/peerings', { name: '' }, { 'x-request-id': 'bad-body' });
      expect(invalid.status).toBe(400);
      expect(invalid.headers['content-type']).toMatch(/problem\+json/);
      expect(invalid.headers['x-request-id']).toBe('bad-body');
    });

    it('is kept by the operations the request started', async () => {
      expect(createOperation.requestId).toBe(createId);
      expect(deleteOperation.requestId).toBe(deleteId);
      expect((await h.api('GET', `/v1/operations/${createOperation.id}`)).body.requestId).toBe(createId);
    });

    it("is in the worker's log lines for the operation and in its cluster calls' lines", () => {
      for (const [requestId, operation] of [
        [createId, createOperation],
        [deleteId, deleteOperation],
      ]) {
        const started = logLines(h, { msg: 'operation started', operationId: operation.id });
        expect(started.length).toBeGreaterThan(0);
        expect(started.every((l) => l.requestId === requestId)).toBe(true);
        expect(logLines(h, { msg: 'operation succeeded', operationId: operation.id, requestId }).length).toBe(1);
        const calls = logLines(h, { msg: 'cluster call', requestId, operationId: operation.id });
        expect(calls.length).toBeGreaterThan(0);
        expect(new Set(calls.map((c) => c.cluster))).toEqual(new Set(['consul-dc1', 'consul-dc2']));
        for (const call of calls) {
          expect(call).toMatchObject({
            level: 20,
            product: 'consul',
            method: expect.any(String),
            path: expect.stringMatching(/^\//),
            outcome: expect.any(String),
          });
          expect(typeof call.durationMs).toBe('number');
        }
      }
    });

    it('reaches the webhook deliveries: the delivery record and the webhook-request-id header', async () => {
      const ofPeering = receiver.received.filter((r) => r.body.data.peeringId === peeringId);
      const activeOnes = ofPeering.filter((r) => r.body.data.to === 'ACTIVE' || r.body.data.to === 'ESTABLISHING');
      const deleting = ofPeering.filter((r) => r.body.data.to === 'DELETING' || r.body.data.to === 'DELETED');
      expect(activeOnes.length).toBeGreaterThan(0);
      expect(deleting.length).toBeGreaterThan(0);
      for (const r of activeOnes) expect(r.headers['webhook-request-id']).toBe(createId);
      for (const r of deleting) expect(r.headers['webhook-request-id']).toBe(deleteId);

      const subs = (await h.api('GET', '/v1/webhooks')).body.items as { id: string }[];
      const items = (await h.api('GET', `/v1/webhooks/${subs[0].id}/deliveries?limit=100`)).body.items as any[];
      const record = items.find((d) => d.id === deleting[0].headers['webhook-id']);
      expect(record).toMatchObject({ requestId: deleteId, status: 'delivered' });
      expect(logLines(h, { msg: 'webhook delivered', deliveryId: record.id })[0]?.requestId).toBe(deleteId);
    });
  });

  describe('request log lines', () => {
    it('writes one line per request: method, route pattern, status, duration, request id, actor', async () => {
      await h.api('GET', `/v1/peerings/${peeringId}`, undefined, { 'x-request-id': 'log-line-1' });
      const lines = await until('the request line', () => {
        const found = logLines(h, { msg: 'request answered', requestId: 'log-line-1' });
        return found.length ? found : undefined;
      });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 30, method: 'GET', route: '/v1/peerings/:id', path: `/v1/peerings/${peeringId}`, status: 200 });
      expect(typeof lines[0].durationMs).toBe('number');
      // The caller (here the admin token) as its reference: a type and an id, never the token.
      expect(lines[0].actor).toMatchObject({ type: 'admin' });
      expect(JSON.stringify(lines[0])).not.toContain(h.token);
    });

    it('logs the 401s of the authentication hook and 404s too, without credentials or the queue-view token', async () => {
      await h.api('GET', '/v1/peerings', undefined, { authorization: 'Bearer not-the-token', 'x-request-id': 'log-401' });
      await h.api('GET', '/v1/unknown', undefined, { 'x-request-id': 'log-404' });
      await rawGet(`${h.url}/admin/queues?token=${h.token}&x=1`, { 'x-request-id': 'log-exchange' });
      const l401 = await until('401 line', () => logLines(h, { msg: 'request answered', requestId: 'log-401' })[0]);
      expect(l401).toMatchObject({ route: '/v1/peerings', status: 401 });
      expect(l401.actor).toBeUndefined();
      const l404 = await until('404 line', () => logLines(h, { msg: 'request answered', requestId: 'log-404' })[0]);
      expect(l404).toMatchObject({ route: null, status: 404 });
      const exchange = await until('exchange line', () => logLines(h, { msg: 'request answered', requestId: 'log-exchange' })[0]);
      expect(exchange.query).toBe('token=%5Bredacted%5D&x=1');
      expect(h.logs.text()).not.toContain(h.token);
      expect(h.logs.text()).not.toContain('not-the-token');
    });
  });

  describe('GET /metrics', () => {
    let text = '';
    beforeAll(async () => {
      const res = await h.api('GET', '/metrics');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      text = res.body as string;
    });

    it('counts HTTP requests by route pattern and status', () => {
      expect(sample(text, 'gateway_http_request_duration_seconds_count', { method: 'POST', route: '/v1/peerings', status: '202' })).toBeGreaterThanOrEqual(1);
      expect(
        sample(text, 'gateway_http_request_duration_seconds_count', { method: 'DELETE', route: '/v1/peerings/:id', status: '202' }),
      ).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'gateway_http_request_duration_seconds_count', { route: '(unmatched)', status: '404' })).toBeGreaterThanOrEqual(1);
      // Ids never become labels.
      expect(text).not.toContain(`route="/v1/peerings/${peeringId}"`);
    });

    it('times the calls to each cluster used, by outcome, and reports their breakers closed', () => {
      for (const cluster of ['consul-dc1', 'consul-dc2']) {
        expect(sample(text, 'gateway_cluster_call_duration_seconds_count', { cluster, product: 'consul', outcome: 'ok' })).toBeGreaterThan(0);
        expect(sample(text, 'gateway_cluster_breaker_state', { cluster, product: 'consul' })).toBe(0);
      }
    });

    it('reports the queues: depth by state, wait and processing times', () => {
      for (const queue of ['peering-operations', 'webhook-deliveries', 'drift-reconcile']) {
        for (const state of ['waiting', 'active', 'delayed', 'failed']) expect(sample(text, 'gateway_queue_jobs', { queue, state })).toBeGreaterThanOrEqual(0);
      }
      expect(sample(text, 'gateway_queue_jobs', { queue: 'peering-operations', state: 'failed' })).toBe(0);
      expect(sample(text, 'gateway_queue_job_wait_seconds_count', { queue: 'peering-operations' })).toBeGreaterThanOrEqual(2);
      expect(sample(text, 'gateway_queue_job_processing_seconds_count', { queue: 'peering-operations', outcome: 'completed' })).toBeGreaterThanOrEqual(2);
      expect(sample(text, 'gateway_queue_job_processing_seconds_count', { queue: 'webhook-deliveries', outcome: 'completed' })).toBeGreaterThanOrEqual(1);
    });

    it('reports peerings by state and webhook deliveries by outcome', () => {
      expect(sample(text, 'gateway_peerings', { state: 'DELETED' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'gateway_peerings', { state: 'ACTIVE' })).toBe(0);
      expect(sample(text, 'gateway_peerings', { state: 'PENDING' })).toBe(0);
      expect(sample(text, 'gateway_webhook_delivery_attempts_total', { outcome: 'delivered' })).toBeGreaterThanOrEqual(4);
      expect(sample(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    });

    it('has every series the Grafana dashboard queries', () => {
      const dashboard = readFileSync(join(import.meta.dirname, '..', '..', 'deploy', 'grafana', 'peering-gateway.json'), 'utf8');
      const queried = new Set([...dashboard.matchAll(/\b((?:gateway|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]));
      expect(queried.size).toBeGreaterThan(8);
      for (const name of queried) expect([name, text.includes(`\n${name}`)]).toEqual([name, true]);
    });

    it('needs the admin token', async () => {
      const res = await rawGet(`${h.url}/metrics`, { 'x-request-id': 'metrics-401' });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.headers['x-request-id']).toBe('metrics-401');
      expect((await rawGet(`${h.url}/metrics`, { authorization: 'Bearer nope' })).status).toBe(401);
    });
  });

  describe('the queue view', () => {
    it('serves bull-board and its API to the admin, over the three queues', async () => {
      const page = await rawGet(`${h.url}/admin/queues`, { authorization: `Bearer ${h.token}` });
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      const api = await rawGet(`${h.url}/admin/queues/api/queues`, { authorization: `Bearer ${h.token}` });
      expect(api.status).toBe(200);
      const names = (JSON.parse(api.text).queues as { name: string; readOnlyMode: boolean }[]).map((q) => q.name).sort();
      expect(names).toEqual(['drift-reconcile', 'peering-operations', 'webhook-deliveries']);
      expect(JSON.parse(api.text).queues.every((q: { readOnlyMode: boolean }) => q.readOnlyMode)).toBe(true);
    });

    it('refuses without the token, with a wrong one, or with a forged cookie', async () => {
      for (const path of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/queue/peering-operations']) {
        const res = await rawGet(`${h.url}${path}`);
        expect([path, res.status, res.headers['www-authenticate']]).toEqual([path, 401, 'Bearer']);
      }
      expect((await rawGet(`${h.url}/admin/queues?token=wrong`)).status).toBe(401);
      expect((await rawGet(`${h.url}/admin/queues/api/queues`, { authorization: 'Bearer wrong' })).status).toBe(401);
      const forged = `gw_queue_view=${Math.floor(Date.now() / 1000) + 3600}.${'A'.repeat(43)}`;
      expect((await rawGet(`${h.url}/admin/queues/api/queues`, { cookie: forged })).status).toBe(401);
    });

    it('takes an API key with the admin scope, like /metrics, and refuses one without it (403)', async () => {
      const admin = await h.api('POST', '/v1/api-keys', { name: 'operator', team: 'ops', scopes: ['admin'] });
      const reader = await h.api('POST', '/v1/api-keys', { name: 'reader', team: 'ops', scopes: ['peerings:read'] });
      expect([admin.status, reader.status]).toEqual([201, 201]);
      const asAdmin = { authorization: `Bearer ${admin.body.key}` };
      expect((await rawGet(`${h.url}/metrics`, asAdmin)).status).toBe(200);
      expect((await rawGet(`${h.url}/admin/queues/api/queues`, asAdmin)).status).toBe(200);
      expect((await rawGet(`${h.url}/admin/queues?token=${encodeURIComponent(admin.body.key)}`)).status).toBe(303);
      const asReader = { authorization: `Bearer ${reader.body.key}` };
      expect((await rawGet(`${h.url}/metrics`, asReader)).status).toBe(403);
      expect((await rawGet(`${h.url}/admin/queues/api/queues`, asReader)).status).toBe(403);
      expect((await rawGet(`${h.url}/admin/queues?token=${encodeURIComponent(reader.body.key)}`)).status).toBe(401);
    });

    it('exchanges ?token= once for an HttpOnly, SameSite=Strict cookie scoped to the queue view', async () => {
      const exchange = await rawGet(`${h.url}/admin/queues?token=${encodeURIComponent(h.token)}`);
      expect(exchange.status).toBe(303);
      expect(exchange.headers.location).toBe('/admin/queues');
      const cookie = String(exchange.headers['set-cookie']);
      expect(cookie).toMatch(/^gw_queue_view=\d+\.[A-Za-z0-9_-]{43}; Path=\/admin\/queues; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
      expect(cookie).not.toContain(h.token);
      const session = cookie.split(';')[0];
      const api = await rawGet(`${h.url}/admin/queues/api/queues`, { cookie: session });
      expect(api.status).toBe(200);
      // The cookie opens the queue view only.
      expect((await rawGet(`${h.url}/metrics`, { cookie: session })).status).toBe(401);
      expect((await rawGet(`${h.url}/v1/peerings`, { cookie: session })).status).toBe(401);
    });

    it('renders the queues in a real browser after the token exchange', async () => {
      const dom = await renderedDom(`${h.url}/admin/queues?token=${encodeURIComponent(h.token)}`);
      for (const name of ['peering-operations', 'webhook-deliveries', 'drift-reconcile']) expect(dom).toContain(name);
    });
  });
});

describe('GATEWAY_METRICS_PUBLIC=true', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { GATEWAY_METRICS_PUBLIC: 'true' } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('serves /metrics without a token; the API and the queue view still need one', async () => {
    const res = await rawGet(`${h.url}/metrics`);
    expect(res.status).toBe(200);
    expect(sample(res.text, 'gateway_peerings', { state: 'ACTIVE' })).toBe(0);
    expect((await rawGet(`${h.url}/v1/peerings`)).status).toBe(401);
    expect((await rawGet(`${h.url}/admin/queues/api/queues`)).status).toBe(401);
  });
});
