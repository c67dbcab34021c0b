import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PeeringStore } from '../../src/stores/peering.store.js';
import { type Harness, startHarness } from '../support/harness.js';
import { report, tally } from '../support/tally.js';

describe("faults: replayed requests, drift behind the gateway's back", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { GATEWAY_RECONCILE_INTERVAL_MS: '300', GATEWAY_OUTBOX_SWEEP_MS: '200' } });
  });
  afterAll(async () => {
    await h.close();
  });

  const body = (name: string) => ({ name, local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } });

  it('replays with the same Idempotency-Key, concurrently and after completion: one peering, one operation', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => h.api('POST', '/v1/peerings', body('replayed'), { 'idempotency-key': 'key-replayed' })));
    const accepted = answers.filter((a) => a.status === 202);
    const inFlight = answers.filter((a) => a.status === 409);
    expect(accepted.length + inFlight.length).toBe(20);
    expect(new Set(accepted.map((a) => a.body.id)).size).toBe(1);
    expect(new Set(accepted.map((a) => a.body.operationId)).size).toBe(1);
    for (const a of inFlight) expect(a.body.code).toBe('idempotency_key_in_use');
    const id = accepted[0].body.id;
    await h.waitForState(id, 'ACTIVE');

    const later = await Promise.all(Array.from({ length: 10 }, () => h.api('POST', '/v1/peerings', body('replayed'), { 'idempotency-key': 'key-replayed' })));
    for (const a of later) {
      expect(a.status).toBe(202);
      expect(a.body).toEqual(accepted[0].body);
      expect(a.headers.location).toBe(`/v1/peerings/${id}`);
    }
    const other = await h.api('POST', '/v1/peerings', body('something-else'), { 'idempotency-key': 'key-replayed' });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');

    const deletes = await Promise.all(Array.from({ length: 5 }, () => h.api('DELETE', `/v1/peerings/${id}`, undefined, { 'idempotency-key': 'key-delete' })));
    const deleteOps = new Set(deletes.filter((d) => d.status === 202).map((d) => d.body.operationId));
    expect(deleteOps.size).toBe(1);
    await h.waitForState(id, 'DELETED');
    const { body: list } = await h.api('GET', '/v1/peerings?limit=500');
    expect(list.items.filter((p: { name: string }) => p.name === 'replayed')).toHaveLength(1);
    const counts = tally(h.topology, [{ name: 'replayed', want: 'DELETED', state: 'DELETED' }]);
    report('idempotency', { ...counts, replays: 35, operations: 2 });
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
  });

  it('enqueues an operation whose job never reached the queue (a crash between the two writes)', async () => {
    // What POST /v1/peerings writes, without the enqueue that a crash would have prevented.
    const now = new Date().toISOString();
    const peering = {
      id: 'pr_crashed0000000000000000',
      name: 'crashed',
      product: 'consul' as const,
      local: { cluster: 'consul-dc1' },
      remote: { cluster: 'consul-dc2' },
      labels: {},
      state: 'PENDING' as const,
      stateReason: null,
      sides: { local: { nativeId: null, nativeState: null }, remote: { nativeId: null, nativeState: null } },
      lastError: null,
      operationId: 'op_crashed0000000000000000',
      createdAt: now,
      updatedAt: now,
    };
    const operation = {
      id: peering.operationId,
      type: 'create' as const,
      peeringId: peering.id,
      status: 'queued' as const,
      attempts: 0,
      steps: [],
      lastError: null,
      nextAttemptAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await h.gateway.app.get(PeeringStore).create(peering, operation);
    const active = await h.waitForState(peering.id, 'ACTIVE', 10_000);
    expect((await h.waitForOperation(active.operationId)).attempts).toBe(1);
    const counts = tally(h.topology, [{ name: 'crashed', want: 'ACTIVE', state: active.state }]);
    report('crash between record and enqueue', { ...counts });
    expect(counts.lost).toBe(0);
  });

  it('answers one 202 and one 409 to two concurrent creates of the same name', async () => {
    const [a, b] = await Promise.all([h.api('POST', '/v1/peerings', body('racing')), h.api('POST', '/v1/peerings', body('racing'))]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
  });

  it('marks a peering deleted by hand on a cluster DEGRADED with the reason, and sync repairs it', async () => {
    const res = await h.api('POST', '/v1/peerings', body('hand-deleted'));
    await h.waitForState(res.body.id, 'ACTIVE');
    const dc2 = h.topology.consul[1];
    await fetch(`${dc2.url}/v1/peering/hand-deleted`, { method: 'DELETE', headers: { 'x-consul-token': 'sandbox-consul-token' } });

    const degraded = await h.waitForState(res.body.id, 'DEGRADED');
    expect(degraded.stateReason).toMatch(/consul-dc[12] reads (TERMINATED|DELETING)|consul-dc2 is gone/);
    const events = degraded.stateReason;
    // The conditions say why: the summary is not Ready, and the pair is not healthy (or a side is missing).
    const condition = (p: { conditions: { type: string }[] }, type: string) => p.conditions.find((c) => c.type === type) as any;
    expect(condition(degraded, 'Ready')).toMatchObject({ status: 'False', reason: 'Degraded' });
    const sick = [condition(degraded, 'Established'), condition(degraded, 'Healthy')].filter((c) => c.status === 'False');
    expect(sick.length).toBeGreaterThan(0);
    for (const c of sick) expect(c.message).toMatch(/consul-dc[12]/);

    const sync = await h.api('POST', `/v1/peerings/${res.body.id}/sync`);
    expect(sync.status).toBe(202);
    expect((await h.waitForOperation(sync.body.operationId)).status).toBe('succeeded');
    const repaired = await h.waitForState(res.body.id, 'ACTIVE');
    expect(repaired.stateReason).toBeNull();
    for (const c of repaired.conditions) expect(c).toMatchObject({ status: 'True' });
    for (const c of sick) expect(Date.parse(condition(repaired, c.type).lastTransitionTime)).toBeGreaterThan(Date.parse(c.lastTransitionTime));
    for (const sim of h.topology.consul) expect(sim.peerings().filter((p) => p.Name === 'hand-deleted')).toHaveLength(1);
    expect(repaired.sides).toMatchObject({ local: { nativeState: 'ACTIVE' }, remote: { nativeState: 'ACTIVE' } });
    const counts = tally(h.topology, [{ name: 'hand-deleted', want: 'ACTIVE', state: repaired.state }]);
    report('drift', { ...counts, degradedSeen: events ? 1 : 0 });
    expect(counts.duplicated).toBe(0);
  });

  it('moves ACTIVE <-> DEGRADED as a stream fails and recovers', async () => {
    const res = await h.api('POST', '/v1/peerings', body('flapping'));
    await h.waitForState(res.body.id, 'ACTIVE');
    h.topology.consul[0].setStreamFailing('flapping', true);
    const degraded = await h.waitForState(res.body.id, 'DEGRADED');
    expect(degraded.stateReason).toBe('consul-dc1 reads FAILING');
    expect(degraded.conditions.find((c: { type: string }) => c.type === 'Healthy')).toMatchObject({ status: 'False' });
    expect(degraded.conditions.find((c: { type: string }) => c.type === 'Established')).toMatchObject({ status: 'True' });
    h.topology.consul[0].setStreamFailing('flapping', false);
    const active = await h.waitForState(res.body.id, 'ACTIVE');
    expect(active.conditions.find((c: { type: string }) => c.type === 'Healthy')).toMatchObject({ status: 'True', reason: 'CarriesTraffic' });
  });

  it('marks an ONTAP peer deleted by hand DEGRADED (the other side reads unavailable)', async () => {
    const res = await h.api('POST', '/v1/peerings', { name: 'ontap-drift', local: { cluster: 'ontap-east' }, remote: { cluster: 'ontap-west' } });
    await h.waitForState(res.body.id, 'ACTIVE');
    const west = h.topology.ontap[1];
    const auth = `Basic ${Buffer.from('admin:netapp123').toString('base64')}`;
    await fetch(`${west.url}/api/cluster/peers/${west.peers()[0].uuid}`, { method: 'DELETE', headers: { authorization: auth } });
    const degraded = await h.waitForState(res.body.id, 'DEGRADED');
    expect(degraded.stateReason).toMatch(/ontap-east reads unavailable|ontap-west is gone/);
    await h.api('POST', `/v1/peerings/${res.body.id}/sync`);
    await h.waitForState(res.body.id, 'ACTIVE');
    expect(west.peers()).toHaveLength(1);
    expect(h.topology.ontap[0].peers()).toHaveLength(1);
  });
});
