import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from '../support/harness.js';
import { consulCall, simCall } from './sims.js';

/** Consul peerings with exported services, over real HTTP against the simulated datacenters (sim/consul/config-entries.ts). */
describe('Consul: a peering ready to use (exported services)', () => {
  let h: Harness;
  const dc1 = () => h.topology.consul[0];
  const dc2 = () => h.topology.consul[1];
  const entry = async (sim: { url: string }) => (await consulCall(sim.url, 'GET', '/v1/config/exported-services/default')).body;
  const services = async (sim: { url: string }) => {
    const found = await entry(sim);
    return typeof found === 'object' ? Object.fromEntries(found.Services.map((s: any) => [s.Name, s.Consumers.map((c: any) => c.Peer).sort()])) : {};
  };
  /** What another team wrote in dc1's entry before the gateway came. */
  const foreign = [
    { Name: 'web', Consumers: [{ Peer: 'other-team' }] },
    { Name: 'legacy', Consumers: [{ Peer: 'other-team' }] },
  ];

  beforeAll(async () => {
    h = await startHarness({ topology: { consulAclTokens: { 'peering-only': ['peering:write', 'service:read'] } } });
    const limited = await h.api('POST', '/v1/clusters', {
      id: 'consul-dc1-limited',
      product: 'consul',
      endpoint: dc1().url,
      auth: { token: 'peering-only' },
      consul: { partition: 'default', datacenter: 'dc1' },
    });
    expect(limited.status).toBe(201);
  });
  afterEach(async () => {
    await h.deleteAllPeerings();
    for (const sim of [dc1(), dc2()]) await consulCall(sim.url, 'DELETE', '/v1/config/exported-services/default');
  });
  afterAll(async () => h.close());

  const create = (name: string, exports: Record<string, string[]>, local = 'consul-dc1', remote: unknown = { cluster: 'consul-dc2' }) =>
    h.api('POST', '/v1/peerings', { name, local: { cluster: local }, remote, consul: { exports } });

  it('exports both ways, keeps what others wrote through create, change and delete, and survives a lost check-and-set', async () => {
    expect((await consulCall(dc1().url, 'PUT', '/v1/config', { Kind: 'exported-services', Name: 'default', Services: foreign })).body).toBe(true);
    // Another writer wins the gateway's first check-and-set on dc1.
    await simCall(dc1().url, 'PUT', '/_sim/config/race', { service: 'billing', peer: 'third-team' });

    const created = await create('shared', { local: ['web', 'api'], remote: ['db'] });
    expect(created.status).toBe(202);
    const active = await h.waitForState(created.body.id, 'ACTIVE');
    expect(active.exports).toEqual({
      local: [
        expect.objectContaining({ service: 'web', state: 'ready', adopted: false, addedService: false }),
        expect.objectContaining({ service: 'api', state: 'ready', adopted: false, addedService: true }),
      ],
      remote: [expect.objectContaining({ service: 'db', state: 'ready', addedService: true })],
    });
    expect(await services(dc1())).toEqual({ web: ['other-team', 'shared'], legacy: ['other-team'], billing: ['third-team'], api: ['shared'] });
    expect(await services(dc2())).toEqual({ db: ['shared'] });
    const record = (await consulCall(dc2().url, 'GET', '/v1/peering/shared')).body;
    expect(record.StreamStatus.ImportedServices).toEqual(['api', 'web']);
    const steps = (await h.api('GET', `/v1/operations/${created.body.operationId}`)).body.steps.map((s: any) => s.name);
    expect(steps).toContain('exports');
    const events = (await h.api('GET', `/v1/peerings/${created.body.id}/events`)).body.items.map((e: any) => e.type);
    expect(events.filter((t: string) => t === 'peering.part_ready')).toHaveLength(3);

    // Change: web leaves the list; only the consumer the gateway added goes.
    const patched = await h.api('PATCH', `/v1/peerings/${created.body.id}`, { consul: { exports: { local: ['api'], remote: ['db'] } } });
    expect(patched.status).toBe(202);
    expect((await h.waitForOperation(patched.body.operationId)).status).toBe('succeeded');
    const changed = await h.waitForState(created.body.id, 'ACTIVE');
    expect(changed.exports.local.map((p: any) => p.service)).toEqual(['api']);
    expect(await services(dc1())).toEqual({ web: ['other-team'], legacy: ['other-team'], billing: ['third-team'], api: ['shared'] });

    // Delete: the gateway's consumers go, the others' stay.
    await h.api('DELETE', `/v1/peerings/${created.body.id}`);
    await h.waitForState(created.body.id, 'DELETED');
    expect(await services(dc1())).toEqual({ web: ['other-team'], legacy: ['other-team'], billing: ['third-team'] });
    expect(await services(dc2())).toEqual({});
  });

  it('sync repairs an export removed outside the gateway', async () => {
    const created = await create('repair', { local: ['web'] });
    await h.waitForState(created.body.id, 'ACTIVE');
    await consulCall(dc1().url, 'DELETE', '/v1/config/exported-services/default');
    const sync = await h.api('POST', `/v1/peerings/${created.body.id}/sync`);
    expect((await h.waitForOperation(sync.body.operationId)).status).toBe('succeeded');
    const repaired = await h.waitForState(created.body.id, 'ACTIVE');
    expect(repaired.exports.local).toEqual([expect.objectContaining({ service: 'web', state: 'ready', adopted: false })]);
    expect(await services(dc1())).toEqual({ web: ['repair'] });
  });

  it('adopts a consumer that was already there and leaves it on delete', async () => {
    await consulCall(dc1().url, 'PUT', '/v1/config', {
      Kind: 'exported-services',
      Name: 'default',
      Services: [{ Name: 'web', Consumers: [{ Peer: 'kept' }] }],
    });
    const created = await create('kept', { local: ['web'] });
    const active = await h.waitForState(created.body.id, 'ACTIVE');
    expect(active.exports.local).toEqual([expect.objectContaining({ service: 'web', state: 'ready', adopted: true })]);
    await h.api('DELETE', `/v1/peerings/${created.body.id}`);
    await h.waitForState(created.body.id, 'DELETED');
    expect(await services(dc1())).toEqual({ web: ['kept'] });
  });

  it('a token without mesh:write: a final error naming the permission, and posture says so', async () => {
    const created = await create('no-mesh', { local: ['web'] }, 'consul-dc1-limited');
    const failed = await h.waitForState(created.body.id, 'FAILED');
    expect(failed.lastError.detail).toMatch(/mesh:write/);
    expect(failed.exports.local).toEqual([expect.objectContaining({ service: 'web', state: 'failed' })]);
    expect((await h.waitForOperation(created.body.operationId)).attempts).toBe(1);
    const limited = (await h.api('GET', '/v1/clusters/consul-dc1-limited/posture')).body;
    expect(limited.exports).toEqual({ canWrite: false, detail: expect.stringMatching(/mesh:write/) });
    const full = (await h.api('GET', '/v1/clusters/consul-dc1/posture')).body;
    expect(full.exports.canWrite).toBe(true);
    // The probe never wrote anything.
    expect((await consulCall(dc1().url, 'GET', '/v1/config/exported-services/default')).status).toBe(404);
  });

  it('one-sided: the local export is ready once the stream carries it to the peer', async () => {
    const created = await create('partner', { local: ['web'] }, 'consul-dc1', { external: {} });
    expect(created.status).toBe(202);
    // The offer's secret is in the first read of the operation that has it, only.
    let secret: string | undefined;
    for (let i = 0; i < 400 && !secret; i++) {
      secret = (await h.api('GET', `/v1/operations/${created.body.operationId}`)).body.offer?.secret;
      if (!secret) await new Promise((r) => setTimeout(r, 25));
    }
    expect(typeof secret).toBe('string');
    await h.waitForOperation(created.body.operationId);
    // The partner datacenter (driven by someone else) establishes with the offer.
    expect((await consulCall(dc2().url, 'POST', '/v1/peering/establish', { PeerName: 'partner', PeeringToken: secret })).status).toBe(200);
    const synced = await h.api('POST', `/v1/peerings/${created.body.id}/sync`);
    expect(synced.status).toBe(202);
    const active = await h.waitForState(created.body.id, 'ACTIVE');
    expect(active.exports.local).toEqual([expect.objectContaining({ service: 'web', state: 'ready' })]);
    expect((await consulCall(dc2().url, 'GET', '/v1/peering/partner')).body.StreamStatus.ImportedServices).toEqual(['web']);
    await consulCall(dc2().url, 'DELETE', '/v1/peering/partner');
  });

  it('refuses remote exports from an external peer before anything is written', async () => {
    const refused = await create('partner-remote', { remote: ['db'] }, 'consul-dc1', { external: {} });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'consul.exports.remote' })]);
  });
});
