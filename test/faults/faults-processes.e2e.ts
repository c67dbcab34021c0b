import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { type SimTopology, startTopology } from '../../sim/topology.js';
import { type GatewayProcess, startGatewayProcess } from '../support/processes.js';
import { report, tally } from '../support/tally.js';

/** Gateways as real OS processes on the run's Redis, the simulators in this process. */
describe('faults: killed workers, graceful shutdown, scale-out', () => {
  let topology: SimTopology;
  const token = 'process-test-token';
  const running: GatewayProcess[] = [];
  let prefix: string;

  beforeAll(async () => {
    topology = await startTopology({ consulDeleteDurationMs: 500, consulActivateAfterMs: 300 });
  });
  afterAll(async () => {
    for (const p of running) if (p.child.exitCode === null) p.kill('SIGKILL');
    await topology.close();
  });

  async function start(role: GatewayProcess['role'], env: Record<string, string> = {}): Promise<GatewayProcess> {
    const p = await startGatewayProcess({
      role,
      redisUrl: process.env.TEST_REDIS_URL!,
      prefix,
      token,
      clusters: topology.clusters,
      env: { GATEWAY_RECONCILE_INTERVAL_MS: '0', LOG_LEVEL: 'info', ...env },
    });
    running.push(p);
    return p;
  }

  async function api(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await request(`${base}${path}`, {
      method: method as 'GET',
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
  }

  async function settle(base: string, ids: Map<string, string>, want: (name: string) => 'ACTIVE' | 'DELETED', timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    const states = new Map<string, string>();
    while (Date.now() < deadline) {
      await Promise.all(
        [...ids].map(async ([name, id]) => {
          if (states.get(name) === want(name)) return;
          states.set(name, (await api(base, 'GET', `/v1/peerings/${id}`)).body.state);
        }),
      );
      if ([...ids.keys()].every((name) => states.get(name) === want(name))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    return [...ids.keys()].map((name) => ({ name, want: want(name), state: states.get(name) }));
  }

  it('SIGKILL of a worker while 100 creates and deletes are in flight: its jobs are taken over, nothing lost or doubled', async () => {
    prefix = `p${randomBytes(4).toString('hex')}`;
    const apiProcess = await start('api');
    const doomed = await start('worker');
    const names = Array.from({ length: 70 }, (_, i) => `kill-${i}`);
    const ids = new Map<string, string>();
    await Promise.all(
      names.map(async (name) => {
        const res = await api(apiProcess.url!, 'POST', '/v1/peerings', { name, local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } });
        expect(res.status).toBe(202);
        ids.set(name, res.body.id);
      }),
    );
    const deleted = new Set(names.slice(0, 30));
    await Promise.all([...deleted].map(async (name) => expect((await api(apiProcess.url!, 'DELETE', `/v1/peerings/${ids.get(name)}`)).status).toBe(202)));
    await new Promise((r) => setTimeout(r, 150));
    doomed.kill('SIGKILL');
    await doomed.exited;
    const started = Date.now();
    await start('worker');

    const outcomes = await settle(apiProcess.url!, ids, (name) => (deleted.has(name) ? 'DELETED' : 'ACTIVE'), 60_000);
    const counts = tally(topology, outcomes);
    report('worker SIGKILL', { ...counts, creates: 70, deletes: 30, recoveredInMs: Date.now() - started });
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
    for (const p of running) if (p.child.exitCode === null) p.kill('SIGTERM');
    await Promise.all(running.map((p) => p.exited));
    running.length = 0;
  });

  it('SIGTERM stops a worker within 10 s; what it cut off is finished by another worker', async () => {
    prefix = `p${randomBytes(4).toString('hex')}`;
    for (const sim of topology.consul) sim.settings.activateAfterMs = 6_000;
    const apiProcess = await start('api');
    const leaving = await start('worker');
    const names = Array.from({ length: 20 }, (_, i) => `term-${i}`);
    const ids = new Map<string, string>();
    for (const name of names)
      ids.set(
        name,
        (await api(apiProcess.url!, 'POST', '/v1/peerings', { name, local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } })).body.id,
      );
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    leaving.kill('SIGTERM');
    const staying = await start('worker');
    const code = await leaving.exited;
    const stopMs = Date.now() - t0;
    for (const sim of topology.consul) sim.settings.activateAfterMs = 300;
    expect(leaving.output()).toContain('cutting off the operations still running');

    const outcomes = await settle(apiProcess.url!, ids, () => 'ACTIVE', 60_000);
    const counts = tally(topology, outcomes);
    report('graceful shutdown', { ...counts, exitCode: Number(code), stoppedInMs: stopMs });
    expect(code).toBe(0);
    expect(stopMs).toBeLessThan(10_000);
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
    expect(staying.child.exitCode).toBeNull();
    for (const p of running) if (p.child.exitCode === null) p.kill('SIGTERM');
    await Promise.all(running.map((p) => p.exited));
    running.length = 0;
  });

  it('two API and two worker processes on one Redis: 500 concurrent creates with distinct names', async () => {
    prefix = `p${randomBytes(4).toString('hex')}`;
    const apis = [await start('api'), await start('api')];
    // A bound of 6 calls in flight per cluster, for the whole deployment, not per worker.
    await start('worker', { GATEWAY_CLUSTER_CONCURRENCY: '6' });
    await start('worker', { GATEWAY_CLUSTER_CONCURRENCY: '6' });
    for (const sim of topology.consul) {
      sim.faults.reset();
      // Slow answers make calls overlap, so that the bound is what limits them.
      sim.faults.settings.latencyMs = 20;
    }
    const names = Array.from({ length: 500 }, (_, i) => `scale-${i}`);
    const ids = new Map<string, string>();
    const t0 = Date.now();
    const answers = await Promise.all(
      names.map(async (name, i) => {
        const res = await api(apis[i % 2].url!, 'POST', '/v1/peerings', { name, local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } });
        if (res.status === 202) ids.set(name, res.body.id);
        return res.status;
      }),
    );
    // Counted by status, so that a refusal says which it was.
    const byStatus = answers.reduce<Record<number, number>>((counts, s) => ({ ...counts, [s]: (counts[s] ?? 0) + 1 }), {});
    expect(byStatus).toEqual({ 202: 500 });
    // The same name through the other replica is refused while the first is live.
    expect(
      (await api(apis[1].url!, 'POST', '/v1/peerings', { name: 'scale-0', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } })).status,
    ).toBe(409);
    const outcomes = await settle(apis[0].url!, ids, () => 'ACTIVE', 90_000);
    const counts = tally(topology, outcomes);
    const maxInFlight = Math.max(...topology.consul.map((s) => s.faults.maxInFlight));
    report('scale-out 2 api + 2 workers', { ...counts, tookMs: Date.now() - t0, maxCallsInFlightPerCluster: maxInFlight });
    expect(maxInFlight).toBeLessThanOrEqual(6);
    expect(maxInFlight).toBeGreaterThanOrEqual(3);
    for (const sim of topology.consul) sim.faults.settings.latencyMs = 0;
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
  });
});
