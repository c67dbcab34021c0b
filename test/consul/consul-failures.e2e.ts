import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { consulErrorTexts } from '../../sim/consul/index.js';
import { type Harness, startHarness } from '../support/harness.js';

describe('Consul peerings through the failures Consul documents', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    for (const sim of h.topology.consul) {
      sim.faults.reset();
      sim.settings.deleteDurationMs = 300;
    }
  });

  const [dc1, dc2] = [0, 1].map((i) => () => h.topology.consul[i]);
  const create = (name: string) => h.api('POST', '/v1/peerings', { name, local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } });

  it('re-creates a name that is still DELETING: waits for the delete to finish, then establishes', async () => {
    for (const sim of h.topology.consul) sim.settings.deleteDurationMs = 1500;
    const first = await create('recycled');
    await h.waitForState(first.body.id, 'ACTIVE');
    const deletedAt = Date.now();
    expect((await h.api('DELETE', `/v1/peerings/${first.body.id}`)).status).toBe(202);

    const second = await create('recycled');
    expect(second.status).toBe(202);
    const active = await h.waitForState(second.body.id, 'ACTIVE', 20_000);
    expect(Date.now() - deletedAt).toBeGreaterThanOrEqual(1500);
    expect(active.sides.local.nativeState).toBe('ACTIVE');
    await h.waitForState(first.body.id, 'DELETED');
    expect(
      dc1()
        .peerings()
        .filter((p) => p.Name === 'recycled'),
    ).toHaveLength(1);
    expect(
      dc2()
        .peerings()
        .filter((p) => p.Name === 'recycled'),
    ).toHaveLength(1);
  });

  it('gets a fresh token once when the token is refused as used, and succeeds', async () => {
    dc2().faults.failNext(1, 403, consulErrorTexts.invalidSecret, undefined, { method: 'POST', pathPrefix: '/v1/peering/establish' });
    const res = await create('fresh-token');
    const active = await h.waitForState(res.body.id, 'ACTIVE');
    const op = { body: await h.waitForOperation(active.operationId) };
    expect(op.body.status).toBe('succeeded');
    expect(op.body.attempts).toBe(1);
  });

  it("does not loop on used tokens: a second refusal fails the peering with Consul's words", async () => {
    dc2().faults.failNext(2, 403, consulErrorTexts.invalidSecret, undefined, { method: 'POST', pathPrefix: '/v1/peering/establish' });
    const res = await create('used-token');
    const failed = await h.waitForState(res.body.id, 'FAILED');
    expect(failed.lastError).toMatchObject({
      code: 'upstream_rejected',
      upstream: { product: 'consul', cluster: 'consul-dc2', status: 403, message: consulErrorTexts.invalidSecret },
    });
    // The offer made on dc1 is rolled back: no half pair is left behind.
    expect(
      dc1()
        .peerings()
        .filter((p) => p.Name === 'used-token'),
    ).toHaveLength(0);
    expect(
      dc2()
        .peerings()
        .filter((p) => p.Name === 'used-token'),
    ).toHaveLength(0);
  });

  it('retries transient 503s with backoff and completes', async () => {
    dc1().faults.failNext(3, 503, undefined, undefined, { method: 'POST', pathPrefix: '/v1/peering/token' });
    const res = await create('flaky');
    const active = await h.waitForState(res.body.id, 'ACTIVE', 30_000);
    const op = { body: await h.waitForOperation(active.operationId) };
    expect(op.body.status).toBe('succeeded');
    expect(op.body.attempts).toBe(4);
    expect(
      dc1()
        .peerings()
        .filter((p) => p.Name === 'flaky'),
    ).toHaveLength(1);
  });

  it('fails at once on a final 500, keeps the upstream reason and leaves nothing behind', async () => {
    const text = 'cannot create peering with name: "final"; there is already an established peering';
    dc2().faults.failNext(1, 500, text, undefined, { method: 'POST', pathPrefix: '/v1/peering/establish' });
    const res = await create('final');
    const failed = await h.waitForState(res.body.id, 'FAILED');
    expect(failed.lastError).toMatchObject({
      status: 409,
      code: 'conflict',
      upstream: { product: 'consul', cluster: 'consul-dc2', status: 500, message: text },
    });
    const op = { body: await h.waitForOperation(failed.operationId) };
    expect(op.body).toMatchObject({ status: 'failed', attempts: 1 });
    expect(
      dc1()
        .peerings()
        .filter((p) => p.Name === 'final'),
    ).toHaveLength(0);
    expect(
      dc2()
        .peerings()
        .filter((p) => p.Name === 'final'),
    ).toHaveLength(0);
  });
});
