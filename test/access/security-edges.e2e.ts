import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createLogger } from '../../src/common/logger.js';
import { startPrivateRedis } from '../../src/sandbox/private-redis.js';
import { WebhookStore } from '../../src/stores/webhook.store.js';
import { RedisService } from '../../src/redis/redis.service.js';
import { type Harness, LogCapture, startHarness } from '../support/harness.js';
import { parseRawAnswer, rawRequest, rawSocket } from '../support/raw-http.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

const PROBLEM = /^application\/problem\+json/;
const consulPeering = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  local: { cluster: 'consul-dc1' },
  remote: { cluster: 'consul-dc2' },
  ...extra,
});
const ontapExternal = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  local: { cluster: 'ontap-east' },
  remote: { external: {} },
  ...extra,
});

function nested(depth: number): string {
  return `{"name":"deep","labels":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

function expectProblem(res: { status: number; headers: Record<string, unknown>; body: any }, status: number, field?: string): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { status } });
  expect(res.headers['content-type']).toMatch(PROBLEM);
  if (field !== undefined) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
}

describe('security edges', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { GATEWAY_RECONCILE_INTERVAL_MS: '0', GATEWAY_REQUEST_TIMEOUT_MS: '1500' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  describe('authentication follows the matched route, never the text of the URL', () => {
    /** Spellings of one path that a router may decode or normalise into the route. */
    function spellings(path: string): string[] {
      const encodeAt = (i: number) => path.slice(0, i) + `%${path.charCodeAt(i).toString(16).toUpperCase()}` + path.slice(i + 1);
      const encodeLower = (i: number) => path.slice(0, i) + `%${path.charCodeAt(i).toString(16)}` + path.slice(i + 1);
      const positions = [...path].map((c, i) => (/[A-Za-z0-9]/.test(c) ? i : -1)).filter((i) => i >= 0);
      const allEncoded = [...path].map((c) => (/[A-Za-z0-9]/.test(c) ? `%${c.charCodeAt(0).toString(16)}` : c)).join('');
      return [
        path,
        ...positions.map(encodeAt),
        ...positions.slice(0, 4).map(encodeLower),
        allEncoded,
        `/${path}`,
        path.replace('/v1/', '/v1//'),
        `${path}/`,
        `${path}//`,
        path.toUpperCase(),
        path.replace('v1', 'V1'),
        `http://x${path}`,
        `http://gateway.example:1234${path}`,
        `http://x/${path}`,
        `${path}?`,
        `${path}?a=b`,
        `${path}#frag`,
        `${path};`,
        path.replace(/\//g, '%2F'),
        `/./${path.slice(1)}`,
        `/v1/../${path.slice(1)}`,
      ];
    }

    it('every route of the OpenAPI document, in many spellings, needs a token', async () => {
      const doc = (await fetch(`${h.url}/openapi.json`)).json() as Promise<{ paths: Record<string, Record<string, unknown>> }>;
      const { paths } = await doc;
      const peering = await h.api('POST', '/v1/peerings', consulPeering('auth-target'));
      expect(peering.status).toBe(202);
      const before = (await h.api('GET', '/v1/clusters')).body.items.length;
      let sent = 0;
      let unauthorised = 0;
      const statuses = new Map<number, number>();
      for (const [template, operations] of Object.entries(paths)) {
        const path = template.replace(/\{[^}]+\}/g, peering.body.id);
        for (const method of Object.keys(operations).map((m) => m.toUpperCase())) {
          const body = method === 'GET' || method === 'DELETE' ? undefined : JSON.stringify({ id: 'sneaky', name: 'sneaky' });
          const answers = await Promise.all(
            spellings(path).map(async (target) => ({
              target,
              res: await rawRequest(h.url, method, target, { headers: body ? { 'content-type': 'application/json' } : {}, body }),
            })),
          );
          for (const { target, res } of answers) {
            sent++;
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (res.status < 400) throw new Error(`${method} ${target} answered ${res.status} without a token`);
            expect(res.headers['content-type']).toMatch(PROBLEM);
            expect([400, 401, 404, 405, 414]).toContain(res.status);
            if (res.status === 401) {
              unauthorised++;
              expect(res.headers['www-authenticate']).toBe('Bearer');
              expect(res.body.code).toBe('unauthorized');
            }
          }
          // The plain spelling of every route is the route, and it needs a token.
          expect(answers[0].res.status).toBe(401);
        }
      }
      expect(sent).toBeGreaterThan(500);
      expect(unauthorised).toBeGreaterThan(Object.keys(paths).length);
      expect((await h.api('GET', `/v1/peerings/${peering.body.id}`)).body.state).not.toMatch(/DELET/);
      expect((await h.api('GET', '/v1/clusters')).body.items.length).toBe(before);
      expect((await h.api('GET', '/v1/clusters/sneaky')).status).toBe(404);
    });

    it('the two reported bypasses: a percent-encoded version and an absolute-form target', async () => {
      const peering = await h.api('POST', '/v1/peerings', consulPeering('bypass-target'));
      const del = await rawRequest(h.url, 'DELETE', `/v%31/peerings/${peering.body.id}`);
      expectProblem(del, 401);
      expect(del.headers['www-authenticate']).toBe('Bearer');
      expect((await h.api('GET', `/v1/peerings/${peering.body.id}`)).body.state).not.toMatch(/DELET/);

      const cluster = { id: 'absolute-form', product: 'consul', endpoint: 'http://127.0.0.1:9', auth: {} };
      const post = await rawRequest(h.url, 'POST', 'http://x/v1/clusters', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(cluster),
      });
      expectProblem(post, 401);
      expect((await h.api('GET', '/v1/clusters/absolute-form')).status).toBe(404);
      // Routed the same way with a token: the spelling changes nothing but who may ask.
      const withToken = await rawRequest(h.url, 'GET', `/v%31/peerings/${peering.body.id}`, { headers: { authorization: `Bearer ${h.token}` } });
      expect(withToken.status).toBe(200);
    });

    it('health, readiness and the documentation are public by declaration', async () => {
      for (const path of ['/healthz', '/readyz', '/openapi.json', '/docs', '/docs/swagger-ui.css']) {
        expect([path, (await rawRequest(h.url, 'GET', path)).status]).toEqual([path, 200]);
      }
    });

    it('the caller is authenticated before a body is read: 401, not 400, 413 or 415', async () => {
      const cases: [Record<string, string>, string | Buffer][] = [
        [{ 'content-type': 'application/json' }, '{"name": '],
        [{ 'content-type': 'application/json' }, nested(5_000)],
        [{ 'content-type': 'application/json' }, Buffer.alloc(1_200_000, 'a')],
        [{ 'content-type': 'text/plain' }, 'hello'],
        [{}, 'no content type'],
      ];
      for (const [headers, body] of cases) {
        expectProblem(await rawRequest(h.url, 'POST', '/v1/peerings', { headers, body }), 401);
      }
    });
  });

  describe('protocol edges answer as problems', () => {
    it('a wrong method is 405 with Allow, with or without a token', async () => {
      for (const headers of [{}, { authorization: `Bearer ${h.token}` }] as Record<string, string>[]) {
        const put = await rawRequest(h.url, 'PUT', '/v1/peerings', { headers });
        expectProblem(put, 405);
        expect(put.body.code).toBe('method_not_allowed');
        expect(put.headers.allow).toBe('GET, HEAD, POST');
        const del = await rawRequest(h.url, 'DELETE', '/v1/clusters', { headers });
        expectProblem(del, 405);
        expect(del.headers.allow).toBe('GET, HEAD, POST');
        const post = await rawRequest(h.url, 'POST', '/v1/operations/op_x', { headers });
        expect(post.headers.allow).toBe('GET, HEAD');
      }
      expectProblem(await rawRequest(h.url, 'GET', '/v1/nothing-here'), 404);
    });

    it('text/plain and other media types are 415', async () => {
      const auth = { authorization: `Bearer ${h.token}` };
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
        const res = await rawRequest(h.url, 'POST', '/v1/peerings', { headers: { ...auth, 'content-type': type }, body: 'name=x' });
        expectProblem(res, 415);
        expect(res.body.code).toBe('unsupported_media_type');
      }
    });

    it('414, 431, malformed percent-encoding and unknown methods are problem+json', async () => {
      const auth = { authorization: `Bearer ${h.token}` };
      expectProblem(await rawRequest(h.url, 'GET', `/v1/peerings/${'a'.repeat(200)}`, { headers: auth }), 414);
      expectProblem(await rawRequest(h.url, 'GET', `/v1/peerings?cursor=${'a'.repeat(5_000)}`, { headers: auth }), 414);
      expectProblem(await rawRequest(h.url, 'GET', '/v1/peerings/%zz', { headers: auth }), 400);
      expectProblem(await rawRequest(h.url, 'GET', '/v1/peerings/%E0%A4%A', { headers: auth }), 400);

      const big = parseRawAnswer((await rawSocket(h.url, `GET /v1/peerings HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`)).text);
      expect(big.status).toBe(431);
      expect(big.headers['content-type']).toMatch(PROBLEM);
      expect(big.body.code).toBe('headers_too_large');

      const unknown = parseRawAnswer((await rawSocket(h.url, 'FROB /v1/peerings HTTP/1.1\r\nHost: x\r\n\r\n')).text);
      expect(unknown.status).toBe(501);
      expect(unknown.headers['content-type']).toMatch(PROBLEM);

      const garbage = parseRawAnswer((await rawSocket(h.url, 'GET /v1/peerings HTTP/1.1\r\nHost: x\r\nbad header line\r\n\r\n')).text);
      expect(garbage.status).toBe(400);
      expect(garbage.headers['content-type']).toMatch(PROBLEM);
    });

    it('a body trickled a byte at a time is cut off (408 problem) at the request timeout', async () => {
      const { url } = h;
      const trickle = (): Promise<{ text: string; closedAfterMs: number }> =>
        new Promise((resolve) => {
          void import('node:net').then(({ connect }) => {
            const started = Date.now();
            const target = new URL(url);
            const socket = connect(Number(target.port), target.hostname);
            let text = '';
            socket.write(
              `POST /v1/peerings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${h.token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
            );
            const timer = setInterval(() => socket.writable && socket.write(' '), 300);
            socket.on('data', (c: Buffer) => (text += c.toString()));
            const done = () => {
              clearInterval(timer);
              resolve({ text, closedAfterMs: Date.now() - started });
            };
            socket.on('close', done);
            socket.on('error', done);
            setTimeout(() => socket.destroy(), 10_000);
          });
        });
      const results = await Promise.all(Array.from({ length: 20 }, trickle));
      for (const { text, closedAfterMs } of results) {
        expect(closedAfterMs).toBeLessThan(5_000);
        const answer = parseRawAnswer(text);
        expect(answer.status).toBe(408);
        expect(answer.headers['content-type']).toMatch(PROBLEM);
      }
    });
  });

  describe('bodies are bounded before they become objects', () => {
    const routes: [string, string][] = [
      ['POST', '/v1/clusters'],
      ['POST', '/v1/peerings'],
      ['PATCH', '/v1/peerings/pr_x'],
      ['POST', '/v1/webhooks'],
      ['PATCH', '/v1/webhooks/wh_x'],
    ];

    it('3,000 levels of nesting (6 KB) is 400 naming body on every body route, not a stack overflow', async () => {
      for (const [method, path] of routes) {
        const res = await h.api(method, path, nested(3_000));
        expectProblem(res, 400, 'body');
        expect(res.body.errors[0].message).toMatch(/deeper than 32/);
      }
      // nested(n) is n levels inside the body's own object: 32 levels in all are accepted, 33 are not.
      const atLimit = await h.api('POST', '/v1/peerings', nested(31));
      expectProblem(atLimit, 400);
      expect(atLimit.body.errors.map((e: { field: string }) => e.field)).not.toContain('body');
      expectProblem(await h.api('POST', '/v1/peerings', nested(32)), 400, 'body');
    });

    it('a body over the limit is 413 naming body; a non-object body is 400 naming body', async () => {
      const res = await h.api('POST', '/v1/peerings', JSON.stringify({ name: 'x', labels: { a: 'b'.repeat(1_100_000) } }));
      expectProblem(res, 413, 'body');
      for (const body of ['[]', '[{"name":"x"}]', '"text"', '42', 'null', 'true']) {
        expectProblem(await h.api('POST', '/v1/peerings', body), 400, 'body');
      }
    });

    it('60,000 label keys in four concurrent PATCHes answer at once and do not block the process', async () => {
      const peering = await h.api('POST', '/v1/peerings', consulPeering('many-labels'));
      const labels = JSON.stringify({ labels: Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, 'v'])) });
      let ticks = 0;
      let longestGap = 0;
      let last = Date.now();
      const ticker = setInterval(() => {
        const now = Date.now();
        longestGap = Math.max(longestGap, now - last);
        last = now;
        ticks++;
      }, 5);
      const t0 = Date.now();
      const answers = await Promise.all(Array.from({ length: 4 }, () => h.api('PATCH', `/v1/peerings/${peering.body.id}`, labels)));
      const took = Date.now() - t0;
      clearInterval(ticker);
      for (const res of answers) expectProblem(res, 400, 'body');
      expect(took).toBeLessThan(1_000);
      expect(longestGap).toBeLessThan(250);
      expect(ticks).toBeGreaterThan(0);
    });
  });

  describe('labels, Consul meta and webhook filters have limits', () => {
    const badLabels: [string, unknown][] = [
      ['65 labels', Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']))],
      ['a 64-character name', { ['a'.repeat(64)]: 'v' }],
      ['a 64-character value', { team: 'a'.repeat(64) }],
      ['a 900 KB value', { team: 'a'.repeat(900_000) }],
      ['a 1.1 MB value', { team: 'a'.repeat(1_100_000) }],
      ['a name ending in a dash', { 'team-': 'v' }],
      ['a value with a space', { team: 'a b' }],
      ['a prefix that is not a DNS subdomain', { 'Example.COM/team': 'v' }],
      ['a 254-character prefix', { [`${'a'.repeat(254)}/team`]: 'v' }],
      ['an empty name after the prefix', { 'example.com/': 'v' }],
      ['a number', { team: 5 }],
      ['an object value', { team: { a: 1 } }],
      ['null value', { team: null }],
      ['an array', ['team']],
      ['a string', 'team=storage'],
      ['null', null],
    ];
    const goodLabels = [
      {},
      { team: 'storage', 'example.com/owner': 'A.b_c-9', empty: '' },
      Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, 'v'])),
    ];

    it('peering labels: Kubernetes rules on create and PATCH', async () => {
      for (const [title, labels] of badLabels) {
        const created = await h.api('POST', '/v1/peerings', consulPeering('labels-bad', { labels }));
        expect([title, created.status]).toEqual([title, title === 'a 1.1 MB value' ? 413 : 400]);
        expectProblem(created, created.status, created.status === 413 ? 'body' : 'labels');
      }
      const peering = await h.api('POST', '/v1/peerings', consulPeering('labels-ok', { labels: goodLabels[1] }));
      expect(peering.status).toBe(202);
      for (const [title, labels] of badLabels.filter(([t]) => t !== 'a 1.1 MB value')) {
        const res = await h.api('PATCH', `/v1/peerings/${peering.body.id}`, { labels });
        expect([title, res.status]).toEqual([title, 400]);
        expectProblem(res, 400, 'labels');
      }
      for (const labels of goodLabels) expect((await h.api('PATCH', `/v1/peerings/${peering.body.id}`, { labels })).status).toBe(202);
    });

    it('webhook filters: labels under the same rules, a bounded event list', async () => {
      for (const [title, labels] of badLabels.filter(([t]) => t !== 'a 1.1 MB value')) {
        const res = await h.api('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', filters: { labels } });
        expect([title, res.status]).toEqual([title, 400]);
        expectProblem(res, 400, 'filters.labels');
      }
      expectProblem(await h.api('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: Array(500).fill('*') }), 400, 'events');
      expectProblem(await h.api('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', filters: [] }), 400, 'filters');
      expectProblem(await h.api('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', filters: { cluster: 'c'.repeat(64) } }), 400, 'filters.cluster');
    });

    it("consul.meta: Consul's Meta limits, string values only", async () => {
      const cases: [string, unknown][] = [
        ['a number', { env: 1 }],
        ['a boolean', { env: true }],
        ['an object', { env: { a: 'b' } }],
        ['65 keys', Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']))],
        ['a 129-character key', { ['k'.repeat(129)]: 'v' }],
        ['a 513-character value', { env: 'v'.repeat(513) }],
        ['a reserved key', { 'consul-version': '1' }],
        ['a key with a dot', { 'a.b': 'v' }],
        ['an array', ['env']],
      ];
      for (const [title, meta] of cases) {
        const res = await h.api('POST', '/v1/peerings', consulPeering('meta-bad', { consul: { meta } }));
        expect([title, res.status]).toEqual([title, 400]);
        expectProblem(res, 400, 'consul.meta');
      }
      const ok = await h.api('POST', '/v1/peerings', consulPeering('meta-ok', { consul: { meta: { env: 'prod', 'owner_team-1': 'v'.repeat(512) } } }));
      expect(ok.status).toBe(202);
    });
  });

  describe('shapes that used to crash or slip through', () => {
    it('arrays where objects are expected, null for an object, and __proto__ keys are refused naming the field', async () => {
      const cases: [string, unknown, string][] = [
        ['local: []', consulPeering('arr', { local: [] }), 'local'],
        ['remote: []', consulPeering('arr', { remote: [] }), 'remote'],
        ['consul: []', consulPeering('arr', { consul: [] }), 'consul'],
        ['labels: []', consulPeering('arr', { labels: [] }), 'labels'],
        ['ontap: []', ontapExternal('arr', { ontap: [] }), 'ontap'],
        ['ontap.localNetwork: []', ontapExternal('arr', { ontap: { localNetwork: [] } }), 'ontap.localNetwork'],
        ['ontap.ipsec: [] with an external remote', ontapExternal('arr', { ontap: { ipsec: [] } }), 'ontap.ipsec'],
        ['remote.external: null', ontapExternal('nullext', { remote: { external: null } }), 'remote.external'],
        ['remote.external: []', ontapExternal('arrext', { remote: { external: [] } }), 'remote.external'],
        ['remote.external: "x"', ontapExternal('strext', { remote: { external: 'x' } }), 'remote.external'],
      ];
      const before = (await h.api('GET', '/v1/peerings?limit=500')).body.items.length;
      for (const [title, body, field] of cases) {
        const res = await h.api('POST', '/v1/peerings', body);
        expect([title, res.status]).toEqual([title, 400]);
        expectProblem(res, 400, field);
      }
      const proto = await h.api(
        'POST',
        '/v1/peerings',
        `{"__proto__": {"x": 1}, "name": "proto", "local": {"cluster": "consul-dc1"}, "remote": {"cluster": "consul-dc2"}}`,
      );
      expectProblem(proto, 400, '__proto__');
      const nestedProto = await h.api(
        'POST',
        '/v1/peerings',
        `{"name": "proto", "local": {"cluster": "consul-dc1"}, "remote": {"cluster": "consul-dc2"}, "labels": {"__proto__": "x"}}`,
      );
      expectProblem(nestedProto, 400, 'labels.__proto__');
      const escaped = await h.api(
        'POST',
        '/v1/peerings',
        `{"name": "proto", "local": {"\\u005f_proto__": {}, "cluster": "consul-dc1"}, "remote": {"cluster": "consul-dc2"}}`,
      );
      expectProblem(escaped, 400, 'local.__proto__');
      expect((await h.api('GET', '/v1/peerings?limit=500')).body.items.length).toBe(before);
    });

    it('clusters: a Consul cluster without auth, and objects given as arrays, are 400 naming the field', async () => {
      const base = { id: 'shape-check', product: 'consul', endpoint: 'http://127.0.0.1:9' };
      expectProblem(await h.api('POST', '/v1/clusters', base), 400, 'auth');
      expectProblem(await h.api('POST', '/v1/clusters', { ...base, auth: null }), 400, 'auth');
      expectProblem(await h.api('POST', '/v1/clusters', { ...base, auth: [] }), 400, 'auth');
      expectProblem(await h.api('POST', '/v1/clusters', { ...base, auth: {}, consul: [] }), 400, 'consul');
      expectProblem(await h.api('POST', '/v1/clusters', { ...base, auth: {}, tls: [] }), 400, 'tls');
      expectProblem(await h.api('POST', '/v1/clusters', { ...base, product: 'ontap', auth: { username: 'u', password: 'p' }, ontap: [] }), 400, 'ontap');
      expect((await h.api('GET', '/v1/clusters/shape-check')).status).toBe(404);
      const ok = await h.api('POST', '/v1/clusters', { ...base, auth: {} });
      expect(ok.status).toBe(201);
      expect((await h.api('DELETE', '/v1/clusters/shape-check')).status).toBe(204);
    });

    it('a cluster answering 2xx with an empty body to a posture read is a 502 problem naming the cluster', async () => {
      const east = h.topology.ontap.find((sim) => sim.name === 'ontap-east')!;
      east.faults.failNext(4, 200, '', undefined, { method: 'GET', pathPrefix: '/api/security' });
      const res = await h.api('GET', '/v1/clusters/ontap-east/posture');
      expectProblem(res, 502);
      expect(res.body).toMatchObject({ code: 'upstream_invalid', upstream: { product: 'ontap', cluster: 'ontap-east' } });
      east.faults.reset();
      expect((await h.api('GET', '/v1/clusters/ontap-east/posture')).status).toBe(200);
    });
  });

  describe('webhooks: lists page, the fan-out reads only enabled subscriptions', () => {
    it('GET /v1/webhooks honours limit and cursor', async () => {
      const created: string[] = [];
      for (let i = 0; i < 5; i++) created.push((await h.api('POST', '/v1/webhooks', { url: `http://127.0.0.1:9/page-${i}`, enabled: false })).body.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await h.api(
          'GET',
          `/v1/webhooks?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items.map((w) => w.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 50);
      expect(seen).toEqual([...seen].sort());
      for (const id of created) expect(seen).toContain(id);
      expectProblem(await h.api('GET', '/v1/webhooks?limit=0'), 400, 'limit');
      expectProblem(await h.api('GET', '/v1/webhooks?limit=501'), 400, 'limit');
      for (const id of created) await h.api('DELETE', `/v1/webhooks/${id}`);
    });

    it('disabled subscriptions cost nothing per event; enabled ones are read again only after a change', async () => {
      const store = h.gateway.app.get(WebhookStore);
      const client = h.gateway.app.get(RedisService).client;
      const disabled: string[] = [];
      const filters = { labels: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`key-${i}`, 'v'.repeat(63)])) };
      for (let i = 0; i < 7; i++) disabled.push((await h.api('POST', '/v1/webhooks', { url: `http://127.0.0.1:9/off-${i}`, enabled: false, filters })).body.id);
      const reads = { hvals: 0, hmget: 0, smembers: 0 };
      const original = { hvals: client.hvals.bind(client), hmget: client.hmget.bind(client), smembers: client.smembers.bind(client) };
      const spy = client as unknown as Record<string, (...args: unknown[]) => unknown>;
      for (const name of Object.keys(reads) as (keyof typeof reads)[]) {
        spy[name] = (...args: unknown[]) => {
          if (String(args[0]).includes('webhook')) reads[name]++;
          return (original[name] as (...a: unknown[]) => unknown)(...args);
        };
      }
      try {
        expect(await store.enabled()).toEqual([]);
        const before = { ...reads };
        const t0 = Date.now();
        const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => h.api('POST', '/v1/peerings', consulPeering(`fanout-${i}`))));
        for (const res of answers) expect(res.status).toBe(202);
        await Promise.all(answers.map((res) => h.waitForState(res.body.id, 'ACTIVE', 30_000)));
        const took = Date.now() - t0;
        // Dozens of events, and not one read of the subscriptions themselves.
        expect(reads.hvals - before.hvals).toBe(0);
        expect(reads.hmget - before.hmget).toBe(0);
        expect(reads.smembers - before.smembers).toBe(0);
        expect(took).toBeLessThan(15_000);

        // A change is seen at once by the next event.
        await h.api('PATCH', `/v1/webhooks/${disabled[0]}`, { enabled: true });
        expect((await store.enabled()).map((w) => w.id)).toEqual([disabled[0]]);
        await h.api('PATCH', `/v1/webhooks/${disabled[0]}`, { enabled: false });
        expect(await store.enabled()).toEqual([]);
      } finally {
        Object.assign(spy, original);
        for (const id of disabled) await h.api('DELETE', `/v1/webhooks/${id}`);
        await h.deleteAllPeerings('consul');
      }
    });
  });
});

describe('a stalled Redis: every command is bounded in time', () => {
  let h: Harness;
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
    h = await startHarness({ redisUrl: redis.url, env: { GATEWAY_RECONCILE_INTERVAL_MS: '0' } });
  });
  afterAll(async () => {
    if (redis.process.pid) process.kill(redis.process.pid, 'SIGCONT');
    await h?.close();
    await redis?.stop();
  });

  it('with Redis paused (SIGSTOP) the API answers 503 with Retry-After within about a second, /readyz says not ready', async () => {
    expect((await h.api('GET', '/v1/peerings')).status).toBe(200);
    process.kill(redis.process.pid!, 'SIGSTOP');
    try {
      const timings: number[] = [];
      for (const [method, path, body] of [
        ['GET', '/v1/peerings', undefined],
        ['GET', '/v1/clusters', undefined],
        ['POST', '/v1/peerings', consulPeering('while-paused')],
        ['GET', '/v1/webhooks', undefined],
      ] as [string, string, unknown][]) {
        const t0 = Date.now();
        const res = await h.api(method, path, body);
        timings.push(Date.now() - t0);
        expectProblem(res, 503);
        expect(res.headers['retry-after']).toBeDefined();
        expect(res.body.code).toBe('service_unavailable');
      }
      const t0 = Date.now();
      const ready = await fetch(`${h.url}/readyz`);
      timings.push(Date.now() - t0);
      expect(ready.status).toBe(503);
      expect(ready.headers.get('content-type')).toMatch(PROBLEM);
      expect(Math.max(...timings)).toBeLessThan(1_800);
      process.stdout.write(`[security-edges] 503 latency with Redis paused (ms): ${timings.join(', ')}\n`);
    } finally {
      process.kill(redis.process.pid!, 'SIGCONT');
    }
    const deadline = Date.now() + 10_000;
    while ((await fetch(`${h.url}/readyz`)).status !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await h.api('GET', '/v1/peerings')).status).toBe(200);
  });
});

describe('the sandbox Redis', () => {
  it('is started again when it dies', async () => {
    const logs = new LogCapture();
    const redis = await startPrivateRedis(mkdtempSync(join(tmpdir(), 'gw-sandbox-')), createLogger('info', logs));
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.set('kept', 'yes');
      const pid = Number(/process_id:(\d+)/.exec(await client.info('server'))![1]);
      process.kill(pid, 'SIGKILL');
      const deadline = Date.now() + 10_000;
      let pong = '';
      while (Date.now() < deadline && pong !== 'PONG') {
        await new Promise((r) => setTimeout(r, 100));
        pong = await client.ping().catch(() => '');
      }
      expect(pong).toBe('PONG');
      const newPid = Number(/process_id:(\d+)/.exec(await client.info('server'))![1]);
      expect(newPid).not.toBe(pid);
      expect(logs.text()).toMatch(/started again/);
    } finally {
      client.disconnect();
      await redis.stop();
    }
  });
});
