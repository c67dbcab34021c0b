import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Cluster } from 'ioredis';
import { request } from 'undici';
import { type SimTopology, startTopology } from '../../sim/topology.js';
import { type GatewayProcess, startGatewayProcess } from '../support/processes.js';
import { type RedisTopology, startRedisCluster, startRedisSentinel } from '../support/redis-topologies.js';
import { report, tally } from '../support/tally.js';

/**
 * The gateway on a real Redis Cluster and a real Sentinel set (docs/redis.md): two API and two
 * worker processes each, creating and deleting peerings on the simulators. In the Sentinel set the
 * master is killed in the middle of a burst: every create answered 202 must end ACTIVE, once.
 */
describe('Redis topologies: Cluster and Sentinel, 2 API + 2 worker processes', () => {
  let topology: SimTopology;
  let redis: RedisTopology | undefined;
  const token = 'redis-topology-token';
  const running: GatewayProcess[] = [];

  beforeAll(async () => {
    topology = await startTopology({ consulDeleteDurationMs: 300, consulActivateAfterMs: 200 });
  });
  afterEach(async () => {
    for (const p of running) if (p.child.exitCode === null) p.kill('SIGKILL');
    await Promise.all(running.map((p) => p.exited));
    running.length = 0;
    await redis?.stop();
    redis = undefined;
  });
  afterAll(async () => {
    await topology.close();
  });

  async function startGateways(redisEnv: Record<string, string>, prefix: string): Promise<GatewayProcess[]> {
    const env = { GATEWAY_RECONCILE_INTERVAL_MS: '0', GATEWAY_OUTBOX_SWEEP_MS: '1000', LOG_LEVEL: 'warn' };
    const roles = ['api', 'api', 'worker', 'worker'] as const;
    const started = await Promise.all(roles.map((role) => startGatewayProcess({ role, redisEnv, prefix, token, clusters: topology.clusters, env })));
    running.push(...started);
    return started.filter((p) => p.role === 'api');
  }

  async function api(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await request(`${base}${path}`, {
      method: method as 'GET',
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: text ? JSON.parse(text) : undefined, retryAfter: res.headers['retry-after'] };
  }

  const consulBody = (name: string) => ({ name, local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } });

  /** What a client does: retries a 503 (and a 409 for a key still held) with the same Idempotency-Key. */
  async function retried(
    call: () => Promise<{ status: number; body: any; retryAfter?: unknown }>,
    seen: { unavailable: number; unconfirmed: number },
    deadline: number,
  ): Promise<{ status: number; body: any; at: number }> {
    for (;;) {
      const res = await call().catch((err: Error) => ({ status: 0, body: { detail: err.message }, retryAfter: undefined }));
      const inUse = res.status === 409 && res.body?.code === 'idempotency_key_in_use';
      if (res.status === 503) {
        seen.unavailable++;
        if (String(res.body?.detail).includes('may or may not have been applied')) seen.unconfirmed++;
      }
      if ((res.status !== 503 && res.status !== 0 && !inUse) || Date.now() > deadline) return { ...res, at: Date.now() };
      await new Promise((r) => setTimeout(r, res.status === 503 ? 300 : 500));
    }
  }

  async function settle(base: string, ids: Map<string, string>, want: (name: string) => 'ACTIVE' | 'DELETED', timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    const states = new Map<string, string>();
    while (Date.now() < deadline) {
      for (const [name, id] of ids) {
        if (states.get(name) === want(name)) continue;
        const res = await api(base, 'GET', `/v1/peerings/${id}`).catch(() => undefined);
        if (res?.status === 200) states.set(name, res.body.state);
      }
      if ([...ids.keys()].every((name) => states.get(name) === want(name))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    return [...ids.keys()].map((name) => ({ name, want: want(name), state: states.get(name) }));
  }

  /** Runs `work` over `items`, `width` at a time. */
  async function inWaves<T>(items: T[], width: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (next < items.length) {
          const i = next++;
          await work(items[i], i);
        }
      }),
    );
  }

  it('Redis Cluster (3 masters): every key in one slot; creates and deletes settle, none lost or doubled', async () => {
    const cluster = await startRedisCluster();
    redis = cluster;
    const prefix = `c${randomBytes(3).toString('hex')}`;
    const apis = await startGateways(cluster.env, prefix);
    const names = Array.from({ length: 60 }, (_, i) => `rc-${prefix}-${i}`);
    const ids = new Map<string, string>();
    const seen = { unavailable: 0, unconfirmed: 0 };
    const deadline = Date.now() + 30_000;
    const t0 = Date.now();
    await inWaves(names, 12, async (name, i) => {
      const res = await retried(() => api(apis[i % 2].url!, 'POST', '/v1/peerings', consulBody(name), { 'idempotency-key': name }), seen, deadline);
      expect(res.status).toBe(202);
      ids.set(name, res.body.id);
    });
    const deleted = new Set(names.slice(0, 20));
    await inWaves([...deleted], 10, async (name, i) => {
      const res = await retried(
        () => api(apis[i % 2].url!, 'DELETE', `/v1/peerings/${ids.get(name)}`, undefined, { 'idempotency-key': `d-${name}` }),
        seen,
        deadline,
      );
      expect(res.status).toBe(202);
    });
    const outcomes = await settle(apis[0].url!, ids, (name) => (deleted.has(name) ? 'DELETED' : 'ACTIVE'), 45_000);
    const counts = tally(topology, outcomes);

    // Every key of this deployment (the gateway's and BullMQ's) is on one node, in one slot.
    const client = new Cluster(
      cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })),
      { lazyConnect: true },
    );
    await client.connect();
    const keysByNode = await Promise.all(client.nodes('master').map((node) => node.keys(`{${prefix}}:*`)));
    const slots = new Set<number>();
    for (const key of keysByNode.flat().slice(0, 200)) slots.add(Number(await client.cluster('KEYSLOT', key)));
    const storeKeys = keysByNode.flat().filter((k) => k.startsWith(`{${prefix}}:store:`));
    client.disconnect();
    report('redis cluster 3 masters', { ...counts, creates: names.length, deletes: deleted.size, unavailable: seen.unavailable, tookMs: Date.now() - t0 });
    expect(keysByNode.filter((keys) => keys.length > 0)).toHaveLength(1);
    expect(slots.size).toBe(1);
    expect(storeKeys.some((k) => k.includes(':peering:'))).toBe(true);
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
  }, 90_000);

  it('Redis Sentinel: the master is killed (SIGKILL) in a burst; every create answered 202 ends ACTIVE, none twice', async () => {
    const sentinel = await startRedisSentinel();
    redis = sentinel;
    const prefix = `s${randomBytes(3).toString('hex')}`;
    const apis = await startGateways(sentinel.env, prefix);
    const first = Array.from({ length: 30 }, (_, i) => `rs-${prefix}-a${i}`);
    const burst = Array.from({ length: 50 }, (_, i) => `rs-${prefix}-b${i}`);
    const ids = new Map<string, string>();
    const seen = { unavailable: 0, unconfirmed: 0 };
    const deadline = Date.now() + 40_000;
    await inWaves(first, 10, async (name, i) => {
      const res = await retried(() => api(apis[i % 2].url!, 'POST', '/v1/peerings', consulBody(name), { 'idempotency-key': name }), seen, deadline);
      expect(res.status).toBe(202);
      ids.set(name, res.body.id);
    });

    // A replica that does not answer: the write cannot be confirmed in time, so no 202 (503 with
    // Retry-After); once it is back, the client's retry with the same key gets the first answer.
    sentinel.replica.process.kill('SIGSTOP');
    const paused = await api(apis[0].url!, 'POST', '/v1/peerings', consulBody(`rs-${prefix}-paused`), { 'idempotency-key': `rs-${prefix}-paused` });
    sentinel.replica.process.kill('SIGCONT');
    expect(paused.status).toBe(503);
    expect(paused.body.code).toBe('service_unavailable');
    expect(paused.body.detail).toContain('no Redis replica confirmed the write');
    expect(paused.retryAfter).toBe('1');
    const replayed = await retried(
      () => api(apis[1].url!, 'POST', '/v1/peerings', consulBody(`rs-${prefix}-paused`), { 'idempotency-key': `rs-${prefix}-paused` }),
      seen,
      deadline,
    );
    expect(replayed.status).toBe(202);
    ids.set(`rs-${prefix}-paused`, replayed.body.id);
    seen.unavailable = 0;
    seen.unconfirmed = 0;

    // The burst: creates of new peerings and deletes of 15 of the first ones, the master killed
    // once 10 of them have been answered.
    const deleted = new Set(first.slice(0, 15));
    const work = [...burst.map((name) => ({ kind: 'create' as const, name })), ...[...deleted].map((name) => ({ kind: 'delete' as const, name }))];
    work.sort(() => Math.random() - 0.5);
    let answered = 0;
    let killedAt = 0;
    let recoveredAt = 0;
    const oldMaster = sentinel.master.port;
    const refused: string[] = [];
    const kill = (async () => {
      while (answered < 10) await new Promise((r) => setTimeout(r, 5));
      killedAt = Date.now();
      await sentinel.master.stop('SIGKILL');
    })();
    await inWaves(work, 8, async (item, i) => {
      const base = apis[i % 2].url!;
      const sentAt = Date.now();
      const res =
        item.kind === 'create'
          ? await retried(() => api(base, 'POST', '/v1/peerings', consulBody(item.name), { 'idempotency-key': item.name }), seen, deadline)
          : await retried(() => api(base, 'DELETE', `/v1/peerings/${ids.get(item.name)}`, undefined, { 'idempotency-key': `d-${item.name}` }), seen, deadline);
      answered++;
      if (res.status === 202 && killedAt && sentAt > killedAt && !recoveredAt) recoveredAt = res.at;
      if (item.kind === 'create' && res.status === 202) ids.set(item.name, res.body.id);
      else if (res.status !== 202) refused.push(`${item.kind} ${item.name}: ${res.status} ${res.body?.code ?? ''}`);
    });
    await kill;
    const newMaster = await sentinel.currentMasterPort();

    const outcomes = await settle(apis[0].url!, ids, (name) => (deleted.has(name) ? 'DELETED' : 'ACTIVE'), 45_000);
    const counts = tally(topology, outcomes);
    report('redis sentinel master SIGKILL', {
      ...counts,
      creates: first.length + burst.length + 1,
      deletes: deleted.size,
      unavailable: seen.unavailable,
      unconfirmed: seen.unconfirmed,
      refused: refused.length,
      recoveredInMs: recoveredAt ? recoveredAt - killedAt : -1,
    });
    expect(newMaster).not.toBe(oldMaster);
    expect(refused).toEqual([]);
    expect(counts.accepted).toBe(first.length + burst.length + 1);
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
  }, 120_000);
});
