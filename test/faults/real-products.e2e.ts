import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { request } from 'undici';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * The failures the real products answer with, not only the ones our simulators make up:
 * Consul's gRPC-prefixed texts, peering switched off, a secret that is no peering token; ONTAP
 * route failures under any code, and a route that never comes. Each test checks the outcome
 * (state, what the user reads) and how many calls the cluster received.
 */
const rpc = (code: string, desc: string) => `rpc error: code = ${code} desc = ${desc}`;

describe('real products: Consul', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { GATEWAY_RECONCILE_INTERVAL_MS: '300' } });
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    for (const sim of h.topology.consul) sim.faults.reset();
  });

  const dc1 = () => h.topology.consul[0];
  const dc2 = () => h.topology.consul[1];
  const create = (name: string) => h.api('POST', '/v1/peerings', { name, local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } });
  const calls = (sim: { faults: { journal: { method: string; path: string }[] } }, path: string) =>
    sim.faults.journal.filter((c) => c.method === 'POST' && c.path.startsWith(path)).length;

  it('peering switched off (FailedPrecondition in a 500) fails at once and says what an operator must do', async () => {
    const disabled = rpc('FailedPrecondition', 'peering must be enabled to use this endpoint');
    dc1().faults.failNext(50, 500, disabled, undefined, { method: 'POST', pathPrefix: '/v1/peering/token' });
    const started = Date.now();
    const res = await create('switched-off');
    const failed = await h.waitForState(res.body.id, 'FAILED', 10_000);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(failed.lastError).toMatchObject({
      code: 'upstream_rejected',
      upstream: { product: 'consul', cluster: 'consul-dc1', status: 500, message: disabled },
    });
    expect(failed.lastError.detail).toContain('peering { enabled = true }');
    const op = await h.waitForOperation(failed.operationId);
    expect(op).toMatchObject({ status: 'failed', attempts: 1 });
    expect(calls(dc1(), '/v1/peering/token')).toBe(1);
    expect(calls(dc2(), '/v1/peering/establish')).toBe(0);
  });

  it('a secret that is valid base64 but no peering token fails at once, before any call', async () => {
    const notAToken = Buffer.from(JSON.stringify({ user: 'alice', role: 'admin' })).toString('base64');
    const started = Date.now();
    const res = await h.api('POST', '/v1/peerings', { name: 'bad-secret', local: { cluster: 'consul-dc1' }, remote: { external: { secret: notAToken } } });
    expect(res.status).toBe(202);
    const failed = await h.waitForState(res.body.id, 'FAILED', 10_000);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(failed.lastError.code).toBe('validation_failed');
    expect(failed.lastError.detail).toMatch(/remote\.external\.secret is not a Consul peering token/);
    expect((await h.waitForOperation(failed.operationId)).attempts).toBe(1);
    expect(calls(dc1(), '/v1/peering/establish')).toBe(0);
    expect(JSON.stringify(failed)).not.toContain(notAToken);
  });

  it('a refusal nobody can place is not retried for long', async () => {
    const odd = rpc('Unknown', 'the peering subsystem is in an unexpected mood');
    dc2().faults.failNext(50, 500, odd, undefined, { method: 'POST', pathPrefix: '/v1/peering/establish' });
    const started = Date.now();
    const res = await create('unplaced');
    const failed = await h.waitForState(res.body.id, 'FAILED', 15_000);
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(failed.lastError).toMatchObject({ code: 'upstream_rejected', upstream: { message: odd } });
    expect(failed.lastError.detail).toMatch(/does not know/);
    // The budget for these is 3 attempts within 10 s.
    const establishCalls = calls(dc2(), '/v1/peering/establish');
    expect(establishCalls).toBeGreaterThanOrEqual(1);
    expect(establishCalls).toBeLessThanOrEqual(3);
    // No half pair is left.
    expect(
      dc1()
        .peerings()
        .filter((p) => p.Name === 'unplaced'),
    ).toHaveLength(0);
    report('consul unplaced', { establishCalls });
  });

  it.each([
    ['ResourceExhausted', 500, rpc('ResourceExhausted', 'rate limit exceeded, try again later or against a different server')],
    ['Unavailable (not the leader)', 500, rpc('Unavailable', 'this operation can only be performed by the leader, try again later')],
    ['Unknown + No cluster leader', 500, rpc('Unknown', 'No cluster leader')],
    ['429 with an empty body', 429, ''],
  ])('a passing refusal (%s) is retried and the peering becomes ACTIVE', async (label, status, text) => {
    dc1().faults.failNext(2, status, text, undefined, { method: 'POST', pathPrefix: '/v1/peering/token' });
    const res = await create(`passing-${label.split(' ')[0].toLowerCase()}`);
    const active = await h.waitForState(res.body.id, 'ACTIVE', 20_000);
    expect(calls(dc1(), '/v1/peering/token')).toBe(3);
    expect((await h.waitForOperation(active.operationId)).status).toBe('succeeded');
  });

  it("peering switched off on the datacenter (the simulator's mode): FAILED after one call, with what to do", async () => {
    await sim(dc1().url, 'PUT', '/_sim/settings', { peeringEnabled: false });
    try {
      const res = await create('disabled-mode');
      const failed = await h.waitForState(res.body.id, 'FAILED', 10_000);
      expect(failed.lastError.upstream.message).toMatch(/^rpc error: code = FailedPrecondition desc = peering must be enabled/);
      expect(failed.lastError.detail).toContain('peering { enabled = true }');
      // The first call that meets it (the inspection's read) ends the operation.
      const dc1Calls = dc1().faults.journal.filter((c) => c.path.startsWith('/v1/peering')).length;
      expect(dc1Calls).toBeLessThanOrEqual(2);
      expect(calls(dc2(), '/v1/peering/establish')).toBe(0);
      expect(await h.waitForOperation(failed.operationId)).toMatchObject({ status: 'failed', attempts: 1 });
      report('consul peering disabled', { dc1Calls });
    } finally {
      await sim(dc1().url, 'PUT', '/_sim/settings', { peeringEnabled: true });
    }
  });

  it('a peering that reads ACTIVE with a quiet stream is DEGRADED, and ACTIVE again when the stream is alive', async () => {
    const res = await create('quiet-stream');
    await h.waitForState(res.body.id, 'ACTIVE');
    await sim(dc1().url, 'PUT', '/_sim/peerings/quiet-stream/stream', { quiet: true, lastHeardAgoMs: 120_000 });
    const degraded = await h.waitForPeering(res.body.id, (p) => p.state === 'DEGRADED', 10_000);
    expect(degraded.stateReason).toMatch(/consul-dc1 reads ACTIVE .*stream has been quiet for 1[23]\d s/);
    await sim(dc1().url, 'PUT', '/_sim/peerings/quiet-stream/stream', { quiet: false });
    await h.waitForState(res.body.id, 'ACTIVE', 10_000);
  });

  it('adapter: posture can tell whether peering is enabled on a datacenter', async () => {
    const { ConsulAdapter } = await import('../../src/products/consul/consul.adapter.js');
    const adapter = h.gateway.app.get(ConsulAdapter);
    const { ClusterStore } = await import('../../src/stores/cluster.store.js');
    const cluster = (await h.gateway.app.get(ClusterStore).get('consul-dc1'))!;
    expect(await adapter.peeringEnabled(cluster)).toBe(true);
    await sim(dc1().url, 'PUT', '/_sim/settings', { peeringEnabled: false });
    expect(await adapter.peeringEnabled(cluster)).toBe(false);
    await sim(dc1().url, 'PUT', '/_sim/settings', { peeringEnabled: true });
    expect(await adapter.peeringEnabled(cluster)).toBe(true);
  });
});

describe('real products: ONTAP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { GATEWAY_RECONCILE_INTERVAL_MS: '300' } });
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    for (const sim of h.topology.ontap) sim.faults.reset();
    await h.deleteAllPeerings('ontap');
  });

  const east = () => h.topology.ontap[0];
  const west = () => h.topology.ontap[1];
  const creates = (sim: { faults: { journal: { method: string; path: string }[] } }) =>
    sim.faults.journal.filter((c) => c.method === 'POST' && c.path.startsWith('/api/cluster/peers')).length;
  const createPair = (name: string) => h.api('POST', '/v1/peerings', { name, local: { cluster: 'ontap-east' }, remote: { cluster: 'ontap-west' } });
  const routeFailure = (code: string, message: string, target?: string) => ({ error: { code, message, ...(target ? { target } : {}) } });

  it.each([
    ['another code, with target remote.ip_addresses', routeFailure('4656200', 'Operation failed.', 'remote.ip_addresses')],
    ['no target, "Failed to contact peer cluster"', routeFailure('262224', 'Failed to contact peer cluster "ontap-east". RPC: Remote system error')],
    ['no target, "cannot be reached"', routeFailure('5000001', 'The remote cluster cannot be reached from this cluster.')],
  ])('route propagation with %s: the same request is repeated through the window, then ACTIVE', async (_, body) => {
    west().faults.failNext(5, 400, body, undefined, { method: 'POST', pathPrefix: '/api/cluster/peers' });
    const res = await createPair('routed');
    const active = await h.waitForState(res.body.id, 'ACTIVE', 15_000);
    const op = await h.waitForOperation(active.operationId);
    expect(op).toMatchObject({ status: 'succeeded', attempts: 1, waitingFor: null });
    expect(op.routeWindowStartedAt).toEqual(expect.any(String));
    expect(creates(west())).toBe(6);
    expect(creates(east())).toBe(1);
  });

  it('a route that never comes (an external peer whose addresses never answer): one window, then FAILED naming the addresses', async () => {
    const never = routeFailure('7777777', 'Operation timed out contacting the remote cluster.', 'remote.ip_addresses');
    east().faults.failNext(10_000, 400, never, undefined, { method: 'POST', pathPrefix: '/api/cluster/peers' });
    const started = Date.now();
    const res = await h.api('POST', '/v1/peerings', {
      name: 'never-routed',
      local: { cluster: 'ontap-east' },
      remote: { external: { secret: 'a-passphrase-from-far-away', addresses: ['10.77.0.1', '10.77.0.2'] } },
    });
    const failed = await h.waitForState(res.body.id, 'FAILED', 20_000);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(6_000);
    expect(took).toBeLessThan(10_000);
    expect(failed.lastError.detail).toMatch(/could not reach the remote intercluster addresses 10\.77\.0\.1, 10\.77\.0\.2/);
    const op = await h.waitForOperation(failed.operationId);
    expect(op).toMatchObject({ status: 'failed', attempts: 1 });
    const sent = creates(east());
    // One window of 6.5 s at 200 ms: at most 33 creates for the whole operation.
    expect(sent).toBeLessThanOrEqual(34);
    expect(sent).toBeGreaterThanOrEqual(20);
    report('ontap never-routed', { createsPerOperation: sent, failedAfterMs: took });
    east().faults.reset();
  });

  it.each(['contact', 'target', 'reset', 'legacy'])(
    "a create right after new intercluster LIFs, in the simulator's '%s' route-failure shape, goes through the window to ACTIVE",
    async (shape) => {
      for (const s of h.topology.ontap) await sim(s.url, 'PUT', '/_sim/settings', { routeWindowMs: 1_500, routeFailure: shape });
      try {
        const octet = 30 + ['contact', 'target', 'reset', 'legacy'].indexOf(shape);
        const started = Date.now();
        const res = await h.api('POST', '/v1/peerings', {
          name: `shape-${shape}`,
          local: { cluster: 'ontap-east' },
          remote: { cluster: 'ontap-west' },
          ontap: {
            localNetwork: { interfaces: [{ ipAddress: `10.1.${octet}.21` }], netmask: '255.255.255.0', broadcastDomain: 'Default', gateway: `10.1.${octet}.1` },
          },
        });
        const active = await h.waitForState(res.body.id, 'ACTIVE', 15_000);
        expect(Date.now() - started).toBeLessThan(1_500 + 2_000);
        expect(await h.waitForOperation(active.operationId)).toMatchObject({ status: 'succeeded', attempts: 1 });
        const [eastCreates, westCreates] = [creates(east()), creates(west())];
        // One window of 1.5 s at 200 ms, on whichever side meets it.
        expect(eastCreates + westCreates).toBeGreaterThan(2);
        expect(eastCreates + westCreates).toBeLessThanOrEqual(2 + 1_500 / 200 + 2);
        report(`ontap route shape ${shape}`, { eastCreates, westCreates });
      } finally {
        for (const s of h.topology.ontap) await sim(s.url, 'PUT', '/_sim/settings', { routeWindowMs: 0, routeFailure: 'contact' });
      }
    },
  );

  it('available with authentication pending is not ACTIVE: DEGRADED saying why, ACTIVE once ok', async () => {
    const res = await createPair('auth-pending');
    await h.waitForState(res.body.id, 'ACTIVE');
    const record = east()
      .peers()
      .find((p) => p.name === 'auth-pending')!;
    await sim(east().url, 'PUT', `/_sim/peers/${record.uuid}/authentication`, { state: 'pending' });
    const degraded = await h.waitForPeering(res.body.id, (p) => p.state === 'DEGRADED', 10_000);
    expect(degraded.stateReason).toMatch(/available but authentication is pending/);
    const authenticated = degraded.conditions.find((c: { type: string }) => c.type === 'Authenticated');
    expect(authenticated).toMatchObject({ status: 'False' });
    expect(authenticated.message).toMatch(/pending/);
    expect(degraded.conditions.find((c: { type: string }) => c.type === 'Ready')).toMatchObject({ status: 'False' });
    await sim(east().url, 'PUT', `/_sim/peers/${record.uuid}/authentication`, { state: null });
    const active = await h.waitForState(res.body.id, 'ACTIVE', 10_000);
    expect(active.conditions.find((c: { type: string }) => c.type === 'Authenticated')).toMatchObject({ status: 'True' });
    expect(active.stateReason).toBeNull();
  });

  it('available with an authentication problem is not healthy: DEGRADED with the reason, ACTIVE again once fixed', async () => {
    const res = await createPair('auth-check');
    await h.waitForState(res.body.id, 'ACTIVE');
    const record = east()
      .peers()
      .find((p) => p.name === 'auth-check')!;
    const patch = (inUse: string) =>
      request(`${east().url}/api/cluster/peers/${record.uuid}`, {
        method: 'PATCH',
        headers: { authorization: `Basic ${Buffer.from('admin:netapp123').toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ authentication: { in_use: inUse } }),
      }).then((r) => r.body.text());
    await patch('revoked');
    const degraded = await h.waitForPeering(res.body.id, (p) => p.state === 'DEGRADED', 10_000);
    expect(degraded.stateReason).toMatch(/authentication has a problem/);
    await patch('ok');
    await h.waitForState(res.body.id, 'ACTIVE', 10_000);
  });
});

async function sim(url: string, method: 'PUT' | 'POST', path: string, body: unknown): Promise<void> {
  const res = await request(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
}

function report(label: string, values: Record<string, unknown>): void {
  process.stdout.write(`[real-products] ${label}: ${JSON.stringify(values)}\n`);
}
