import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from '../support/harness.js';

describe('ONTAP peerings end to end', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    for (const sim of h.topology.ontap) {
      sim.faults.reset();
      sim.settings.routeWindowMs = 0;
      sim.settings.asyncJobs = false;
    }
    // ONTAP peers two clusters once: each test starts with none.
    await h.deleteAllPeerings('ontap');
  });

  const [east, west] = [0, 1].map((i) => () => h.topology.ontap[i]);
  const create = (name: string, ontap: Record<string, unknown> = {}) =>
    h.api('POST', '/v1/peerings', { name, local: { cluster: 'ontap-east' }, remote: { cluster: 'ontap-west' }, ontap });

  it('creates a two-sided peering that reads available on both clusters', async () => {
    const res = await create('east-west', { encryption: 'tls-psk', passphraseExpiry: 'P1D' });
    expect(res.status).toBe(202);
    expect(res.body.ontap.encryption).toBe('tls_psk');
    const active = await h.waitForState(res.body.id, 'ACTIVE');
    expect(active.sides.local.nativeState).toBe('available');
    expect(active.sides.remote.nativeState).toBe('available');
    expect(east().peers()).toHaveLength(1);
    expect(west().peers()).toHaveLength(1);
    expect(east().peers()[0]).toMatchObject({ name: 'east-west', status: { state: 'available' } });
  });

  it('deletes both sides', async () => {
    const res = await create('to-delete');
    await h.waitForState(res.body.id, 'ACTIVE');
    await h.api('DELETE', `/v1/peerings/${res.body.id}`);
    await h.waitForState(res.body.id, 'DELETED');
    expect(east().peers()).toHaveLength(0);
    expect(west().peers()).toHaveLength(0);
  });

  it('refuses a second live ONTAP peering between the same clusters, whatever its name', async () => {
    const first = await create('first');
    expect(first.status).toBe(202);
    const second = await h.api('POST', '/v1/peerings', { name: 'second', local: { cluster: 'ontap-west' }, remote: { cluster: 'ontap-east' } });
    expect(second.status).toBe(409);
    expect(second.body.detail).toMatch(/ONTAP peers two clusters once/);
  });

  for (const windowMs of [1000, 3000, 5000]) {
    it(`creates right after new intercluster LIFs, through a ${windowMs / 1000} s route-propagation window`, async () => {
      for (const sim of h.topology.ontap) sim.settings.routeWindowMs = windowMs;
      const started = Date.now();
      const res = await create(`routes-${windowMs}`, {
        localNetwork: {
          interfaces: [{ ipAddress: `10.1.${windowMs / 1000}.21` }],
          netmask: '255.255.255.0',
          broadcastDomain: 'Default',
          gateway: `10.1.${windowMs / 1000}.1`,
        },
      });
      const active = await h.waitForState(res.body.id, 'ACTIVE', windowMs + 10_000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(windowMs);
      // Timed from the LIF's creation, when its window opened, to the ACTIVE write: steady retries
      // end within a retry or two of the window's close, where a backoff from 1 s would overshoot
      // a 5 s window by 2 s. What came before the LIF (the queue, inspect) is left out: on a busy
      // machine it alone took seconds.
      const address = `10.1.${windowMs / 1000}.21`;
      const opened = h.topology.ontap.map((sim) => sim.lifCreatedAt(address)).find((at) => at !== undefined);
      expect(opened).toBeDefined();
      const throughWindow = Date.parse(active.updatedAt) - opened!;
      expect(throughWindow).toBeGreaterThanOrEqual(windowMs);
      expect(throughWindow).toBeLessThan(windowMs + 2_000);
      const op = { body: await h.waitForOperation(active.operationId) };
      expect(op.body.attempts).toBe(1);
      expect(west().peers()[0].remoteAddresses).toEqual([`10.1.${windowMs / 1000}.21`]);
    });
  }

  it('follows a 202 job answer to its end', async () => {
    for (const sim of h.topology.ontap) {
      sim.settings.asyncJobs = true;
      sim.settings.jobDurationMs = 150;
    }
    const res = await create('with-jobs');
    await h.waitForState(res.body.id, 'ACTIVE');
    await h.api('DELETE', `/v1/peerings/${res.body.id}`);
    await h.waitForState(res.body.id, 'DELETED');
    expect(east().peers()).toHaveLength(0);
  });
});
