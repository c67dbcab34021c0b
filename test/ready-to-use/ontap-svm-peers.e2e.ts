import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from '../support/harness.js';
import { ontapCall, simCall } from './sims.js';

/** ONTAP peerings with SVM peers, over real HTTP against the simulated clusters (sim/ontap/svm-peers.ts). */
describe('ONTAP: a peering ready to use (SVM peers)', () => {
  let h: Harness;
  const east = () => h.topology.ontap[0];
  const west = () => h.topology.ontap[1];
  const svmPeers = async (sim: { url: string }) => (await simCall(sim.url, 'GET', '/_sim/svm-peers')).body as any[];
  const settings = (sim: { url: string }, body: Record<string, unknown>) => simCall(sim.url, 'PUT', '/_sim/svm-peers/settings', body);

  beforeAll(async () => {
    h = await startHarness({ topology: { ontapAsyncJobs: true } });
  });
  afterEach(async () => {
    await h.deleteAllPeerings();
    for (const sim of [east(), west()]) await settings(sim, { autoAccept: false, rejectIncoming: false });
  });
  afterAll(async () => h.close());

  const create = (name: string, ontap: Record<string, unknown>, remote: unknown = { cluster: 'ontap-west' }) =>
    h.api('POST', '/v1/peerings', { name, local: { cluster: 'ontap-east' }, remote, ontap });

  it('proposes, accepts and follows each pair: ACTIVE once all are peered; PATCH adds, changes and removes; delete removes them first', async () => {
    const created = await create('dr', { svmPeers: [{ local: 'svm1', remote: 'svm-data' }] });
    expect(created.status).toBe(202);
    const active = await h.waitForState(created.body.id, 'ACTIVE');
    expect(active.svmPeers).toEqual([
      expect.objectContaining({ local: 'svm1', remote: 'svm-data', applications: ['snapmirror'], state: 'ready', nativeState: 'peered', adopted: false }),
    ]);
    expect(active.svmPeers[0].nativeIds.local).toEqual(expect.any(String));
    expect(active.svmPeers[0].nativeIds.remote).toEqual(expect.any(String));
    expect((await svmPeers(east())).map((r) => [r.svm.name, r.peer.svm.name, r.state])).toEqual([['svm1', 'svm-data', 'peered']]);
    const events = (await h.api('GET', `/v1/peerings/${created.body.id}/events`)).body.items.map((e: any) => e.type);
    expect(events).toContain('peering.part_ready');
    expect(events.indexOf('peering.part_ready')).toBeLessThan(events.indexOf('peering.active'));

    // Change: the first pair's applications, and a second pair.
    const patched = await h.api('PATCH', `/v1/peerings/${created.body.id}`, {
      ontap: {
        svmPeers: [
          { local: 'svm1', remote: 'svm-data', applications: ['snapmirror', 'flexcache'] },
          { local: 'svm-data', remote: 'svm1', applications: ['file_copy'] },
        ],
      },
    });
    expect(patched.status).toBe(202);
    await h.waitForOperation(patched.body.operationId);
    const changed = await h.waitForState(created.body.id, 'ACTIVE');
    expect(changed.svmPeers.map((p: any) => [p.local, p.remote, p.applications, p.state])).toEqual([
      ['svm1', 'svm-data', ['snapmirror', 'flexcache'], 'ready'],
      ['svm-data', 'svm1', ['file_copy'], 'ready'],
    ]);
    expect((await svmPeers(west())).find((r) => r.svm.name === 'svm-data').applications.sort()).toEqual(['flexcache', 'snapmirror']);

    // Removal of a pair: gone on both clusters.
    const removed = await h.api('PATCH', `/v1/peerings/${created.body.id}`, {
      ontap: { svmPeers: [{ local: 'svm-data', remote: 'svm1', applications: ['file_copy'] }] },
    });
    expect((await h.waitForOperation(removed.body.operationId)).status).toBe('succeeded');
    expect((await svmPeers(east())).map((r) => r.svm.name)).toEqual(['svm-data']);
    expect((await svmPeers(west())).map((r) => r.svm.name)).toEqual(['svm1']);

    // Delete: the SVM peers go first (ONTAP refuses to delete a cluster peer they use), then the cluster peers.
    const deleting = await h.api('DELETE', `/v1/peerings/${created.body.id}`);
    await h.waitForState(created.body.id, 'DELETED');
    const steps = (await h.api('GET', `/v1/operations/${deleting.body.operationId}`)).body.steps.map((s: any) => s.name);
    expect(steps.indexOf('svm-peers-remove')).toBeGreaterThanOrEqual(0);
    expect(steps.indexOf('svm-peers-remove')).toBeLessThan(steps.indexOf('remove'));
    expect(await svmPeers(east())).toEqual([]);
    expect(await svmPeers(west())).toEqual([]);
    expect(east().peers()).toEqual([]);
  });

  it('sync repairs an SVM peer deleted outside the gateway', async () => {
    const created = await create('repair', { svmPeers: [{ local: 'svm1', remote: 'svm-data' }] });
    await h.waitForState(created.body.id, 'ACTIVE');
    const [record] = await svmPeers(east());
    expect((await ontapCall(east().url, 'DELETE', `/api/svm/peers/${record.uuid}?return_timeout=5`)).status).toBe(200);
    expect(await svmPeers(west())).toEqual([]);
    const sync = await h.api('POST', `/v1/peerings/${created.body.id}/sync`);
    expect((await h.waitForOperation(sync.body.operationId)).status).toBe('succeeded');
    const repaired = await h.waitForState(created.body.id, 'ACTIVE');
    expect(repaired.svmPeers[0]).toEqual(expect.objectContaining({ state: 'ready', adopted: false }));
    expect(repaired.svmPeers[0].nativeIds.local).not.toBe(record.uuid);
    expect((await svmPeers(west())).map((r) => r.state)).toEqual(['peered']);
  });

  it('the simulated cluster refuses to delete a cluster peer that SVM peers use', async () => {
    const created = await create('order', { svmPeers: [{ local: 'svm1', remote: 'svm1' }] });
    await h.waitForState(created.body.id, 'ACTIVE');
    const [peer] = east().peers();
    const refused = await ontapCall(east().url, 'DELETE', `/api/cluster/peers/${peer.uuid}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/SVM peer relationships/);
  });

  it('adopts an SVM peer that already exists instead of proposing a second one', async () => {
    const created = await create('adopt', {});
    await h.waitForState(created.body.id, 'ACTIVE');
    const made = await ontapCall(east().url, 'POST', '/api/svm/peers?return_timeout=5', {
      svm: { name: 'svm1' },
      peer: { svm: { name: 'svm-data' }, cluster: { name: 'ontap-west' } },
      applications: ['snapmirror'],
    });
    expect(made.status).toBe(201);
    const pending = (await svmPeers(west()))[0];
    await ontapCall(west().url, 'PATCH', `/api/svm/peers/${pending.uuid}?return_timeout=5`, { state: 'peered' });

    const patched = await h.api('PATCH', `/v1/peerings/${created.body.id}`, { ontap: { svmPeers: [{ local: 'svm1', remote: 'svm-data' }] } });
    await h.waitForOperation(patched.body.operationId);
    const active = await h.waitForState(created.body.id, 'ACTIVE');
    expect(active.svmPeers).toEqual([expect.objectContaining({ local: 'svm1', remote: 'svm-data', state: 'ready', adopted: true })]);
    expect(await svmPeers(east())).toHaveLength(1);
    expect(active.svmPeers[0].nativeIds.local).toBe((await svmPeers(east()))[0].uuid);
  });

  it('reports a rejected SVM peer as failed, once, without looping', async () => {
    await settings(west(), { rejectIncoming: true });
    const created = await create('rejected', { svmPeers: [{ local: 'svm1', remote: 'svm-data' }] });
    const failed = await h.waitForState(created.body.id, 'FAILED');
    expect(failed.svmPeers).toEqual([expect.objectContaining({ state: 'failed', nativeState: 'rejected' })]);
    expect(failed.lastError.detail).toMatch(/rejected on ontap-west/);
    const operation = await h.waitForOperation(created.body.operationId);
    expect(operation.attempts).toBe(1);
    const events = (await h.api('GET', `/v1/peerings/${created.body.id}/events`)).body.items.map((e: any) => e.type);
    expect(events).toContain('peering.part_failed');
  });

  it('refuses an SVM that does not exist before any call that writes: a problem naming it, nothing created', async () => {
    const before = (await h.api('GET', '/v1/peerings?limit=500')).body.items.length;
    const refused = await create('missing-svm', { svmPeers: [{ local: 'svm1', remote: 'no_such_svm' }] });
    expect(refused.status).toBe(422);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body.errors).toEqual([{ field: 'ontap.svmPeers[0].remote', message: "ontap-west has no data SVM named 'no_such_svm'" }]);
    expect((await h.api('GET', '/v1/peerings?limit=500')).body.items.length).toBe(before);
    expect(east().peers()).toEqual([]);
    expect(west().peers()).toEqual([]);
  });

  it('refuses a PATCH naming an SVM that does not exist: nothing changes', async () => {
    const created = await create('patch-svm', { svmPeers: [{ local: 'svm1', remote: 'svm1' }] });
    await h.waitForState(created.body.id, 'ACTIVE');
    const refused = await h.api('PATCH', `/v1/peerings/${created.body.id}`, { ontap: { svmPeers: [{ local: 'nope', remote: 'svm1' }] } });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ field: 'ontap.svmPeers[0].local', message: "ontap-east has no data SVM named 'nope'" }]);
    const after = (await h.api('GET', `/v1/peerings/${created.body.id}`)).body;
    expect(after.ontap.svmPeers).toEqual([{ local: 'svm1', remote: 'svm1', applications: ['snapmirror'] }]);
    expect(after.operationId).toBe(created.body.operationId);
  });

  it('one-sided: the far cluster accepts by itself (SVM peer permissions); the peering is ACTIVE once the pair is peered', async () => {
    await settings(west(), { autoAccept: true });
    // The far side's offer, made on ontap-west by its own administrator.
    const offer = await ontapCall(west().url, 'POST', '/api/cluster/peers?return_records=true&return_timeout=5', {
      remote: { ip_addresses: ['10.1.0.11', '10.1.0.12'] },
      authentication: { generate_passphrase: true },
      encryption: { proposed: 'tls_psk' },
    });
    const passphrase = offer.body.records[0].authentication.passphrase;
    const created = await create(
      'partner',
      { svmPeers: [{ local: 'svm1', remote: 'svm1', applications: ['snapmirror'] }] },
      { external: { secret: passphrase, addresses: ['10.2.0.11', '10.2.0.12'] } },
    );
    expect(created.status).toBe(202);
    const active = await h.waitForState(created.body.id, 'ACTIVE');
    expect(active.svmPeers).toEqual([expect.objectContaining({ state: 'ready', nativeIds: { local: expect.any(String), remote: null } })]);
    await h.api('DELETE', `/v1/peerings/${created.body.id}`);
    await h.waitForState(created.body.id, 'DELETED');
    expect(await svmPeers(east())).toEqual([]);
    // The far cluster's own cluster peer is its administrator's to delete.
    for (const peer of west().peers()) await simCall(west().url, 'DELETE', `/_sim/peers/${peer.uuid}`);
  });
});
