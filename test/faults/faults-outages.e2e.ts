import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from '../support/harness.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { report, tally } from '../support/tally.js';

const consulBody = (name: string) => ({ name, local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } });

describe('faults: a cluster down for 30 s', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { GATEWAY_RECONCILE_INTERVAL_MS: '0' } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('keeps its operations retrying with nextAttemptAt, costs it few calls, does not slow other clusters, and completes when it returns', async () => {
    const dc2 = h.topology.consul[1];
    dc2.faults.settings.refuseConnectionsUntil = Date.now() + 30_000;
    const outageEnds = dc2.faults.settings.refuseConnectionsUntil;
    const names = Array.from({ length: 5 }, (_, i) => `outage-${i}`);
    const affected = await Promise.all(names.map((n) => h.api('POST', '/v1/peerings', consulBody(n))));
    const started = Date.now();
    const other = await h.api('POST', '/v1/peerings', { name: 'unaffected', local: { cluster: 'ontap-east' }, remote: { cluster: 'ontap-west' } });
    await h.waitForState(other.body.id, 'ACTIVE', 5_000);
    const otherTook = Date.now() - started;

    await new Promise((r) => setTimeout(r, 3_000));
    for (const res of affected) {
      const op = (await h.api('GET', `/v1/operations/${res.body.operationId}`)).body;
      expect(['retrying', 'running', 'queued']).toContain(op.status);
      const peering = (await h.api('GET', `/v1/peerings/${res.body.id}`)).body;
      expect(peering.lastError).toMatchObject({ code: 'upstream_unavailable', upstream: { product: 'consul', cluster: 'consul-dc2' } });
    }
    const retrying = (await h.api('GET', `/v1/operations/${affected[0].body.operationId}`)).body;
    if (retrying.status === 'retrying') expect(Date.parse(retrying.nextAttemptAt)).toBeGreaterThan(Date.now() - 1_000);

    const settled = await Promise.all(affected.map((res) => h.waitForState(res.body.id, 'ACTIVE', 90_000)));
    const attemptsDuringOutage = dc2.faults.refusedConnections;
    const outageSeconds = (outageEnds - started) / 1000;
    const counts = tally(
      h.topology,
      names.map((name, i) => ({ name, want: 'ACTIVE' as const, state: settled[i].state })),
    );
    report('cluster outage', {
      ...counts,
      callsToDownCluster: attemptsDuringOutage,
      callsPerMinute: Math.round((attemptsDuringOutage / outageSeconds) * 60),
      otherClusterMs: otherTook,
    });
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
    expect(otherTook).toBeLessThan(2_000);
    // 5 operations over 30 s: backoff and the circuit breaker keep it to a handful of calls each.
    expect(attemptsDuringOutage).toBeLessThan(100);
  });
});

describe('faults: Redis stops and restarts during a burst of creates', () => {
  let h: Harness;
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis({ appendonly: true });
    h = await startHarness({ redisUrl: redis.url, env: { GATEWAY_RECONCILE_INTERVAL_MS: '0' } });
  });
  afterAll(async () => {
    await h.close();
    await redis.stop();
  });

  it('answers 503 with Retry-After at once while Redis is away, loses nothing accepted, and recovers by itself', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `redis-burst-${i}`);
    const accepted = new Map<string, string>();
    const firstHalf = await Promise.all(names.slice(0, 20).map((n) => h.api('POST', '/v1/peerings', consulBody(n), { 'idempotency-key': n })));
    firstHalf.forEach((res, i) => res.status === 202 && accepted.set(names[i], res.body.id));
    expect(accepted.size).toBe(20);

    await redis.stop();
    const t0 = Date.now();
    const during = await h.api('POST', '/v1/peerings', consulBody('while-down'));
    const answeredIn = Date.now() - t0;
    expect(during.status).toBe(503);
    expect(during.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(during.headers['retry-after']).toBe('1');
    expect(during.body.code).toBe('service_unavailable');
    expect(answeredIn).toBeLessThan(1_000);
    expect((await fetch(`${h.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    const refused = await Promise.all(names.slice(20).map((n) => h.api('POST', '/v1/peerings', consulBody(n), { 'idempotency-key': n })));
    expect(refused.every((r) => r.status === 503)).toBe(true);

    redis = await startTestRedis({ appendonly: true, port: redis.port, dir: redis.dir });
    const deadline = Date.now() + 20_000;
    while ((await fetch(`${h.url}/readyz`)).status !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(`${h.url}/readyz`)).status).toBe(200);
    // The callers retry what was refused, with the same keys.
    const retried = await Promise.all(names.slice(20).map((n) => h.api('POST', '/v1/peerings', consulBody(n), { 'idempotency-key': n })));
    retried.forEach((res, i) => {
      expect(res.status).toBe(202);
      accepted.set(names[20 + i], res.body.id);
    });

    const settled = await Promise.all(
      names.map(async (name) => ({ name, want: 'ACTIVE' as const, state: (await h.waitForState(accepted.get(name)!, 'ACTIVE', 60_000)).state })),
    );
    const counts = tally(h.topology, settled);
    report('redis restart', { ...counts, refusedWhileDown: refused.length + 1, answeredInMs: answeredIn });
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
  });
});
