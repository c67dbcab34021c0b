import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SANDBOX_ONTAP, SANDBOX_ONTAP_CREDENTIALS } from '../../sim/topology.js';
import { type Harness, startHarness } from '../support/harness.js';

const EAST = SANDBOX_ONTAP[0].interclusterAddresses;
const WEST = SANDBOX_ONTAP[1].interclusterAddresses;

describe('ONTAP: adoption, repair, roll-back, one-sided peerings and changes', () => {
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
      for (const record of sim.peers()) await ontap(sim.url, 'DELETE', `/api/cluster/peers/${record.uuid}`);
    }
    await h.deleteAllPeerings('ontap');
  });

  const east = () => h.topology.ontap[0];
  const west = () => h.topology.ontap[1];
  const auth = `Basic ${Buffer.from(`${SANDBOX_ONTAP_CREDENTIALS.username}:${SANDBOX_ONTAP_CREDENTIALS.password}`).toString('base64')}`;
  async function ontap(url: string, method: string, path: string, body?: unknown): Promise<any> {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  const twoSided = (name: string, ontapOptions: Record<string, unknown> = {}) =>
    h.api('POST', '/v1/peerings', { name, local: { cluster: 'ontap-east' }, remote: { cluster: 'ontap-west' }, ontap: ontapOptions });

  it('adopts a pair that already exists instead of creating a second one', async () => {
    const offer = await ontap(east().url, 'POST', '/api/cluster/peers?return_records=true', {
      name: 'adopted',
      remote: { ip_addresses: WEST },
      authentication: { generate_passphrase: true },
    });
    const passphrase = offer.body.records[0].authentication.passphrase;
    expect(
      (await ontap(west().url, 'POST', '/api/cluster/peers', { name: 'adopted', remote: { ip_addresses: EAST }, authentication: { passphrase } })).status,
    ).toBe(201);
    const uuids = [east().peers()[0].uuid, west().peers()[0].uuid];

    const res = await twoSided('adopted');
    const active = await h.waitForState(res.body.id, 'ACTIVE');
    expect([east().peers(), west().peers()].map((p) => p.map((r) => r.uuid))).toEqual([[uuids[0]], [uuids[1]]]);
    expect(active.sides.local.nativeId).toBe(uuids[0]);
    const op = { body: await h.waitForOperation(active.operationId) };
    expect(op.body.steps.map((s: { name: string }) => s.name)).toContain('adopt');
  });

  it('repairs a half pair (the offer exists, its acceptance does not) with a new passphrase', async () => {
    await ontap(east().url, 'POST', '/api/cluster/peers', { name: 'half', remote: { ip_addresses: WEST }, authentication: { generate_passphrase: true } });
    const offerUuid = east().peers()[0].uuid;
    const res = await twoSided('half');
    await h.waitForState(res.body.id, 'ACTIVE');
    expect(
      east()
        .peers()
        .map((r) => r.uuid),
    ).toEqual([offerUuid]);
    expect(west().peers()).toHaveLength(1);
    expect(east().faults.journal.some((c) => c.method === 'PATCH' && c.path === `/api/cluster/peers/${offerUuid}`)).toBe(true);
  });

  it('clears an orphan acceptance on the remote side and starts clean', async () => {
    const offer = await ontap(east().url, 'POST', '/api/cluster/peers?return_records=true', {
      name: 'orphan',
      remote: { ip_addresses: WEST },
      authentication: { generate_passphrase: true },
    });
    await ontap(west().url, 'POST', '/api/cluster/peers', {
      name: 'orphan',
      remote: { ip_addresses: EAST },
      authentication: { passphrase: offer.body.records[0].authentication.passphrase },
    });
    await ontap(east().url, 'DELETE', `/api/cluster/peers/${east().peers()[0].uuid}`);
    const res = await twoSided('orphan');
    await h.waitForState(res.body.id, 'ACTIVE');
    expect(east().peers()).toHaveLength(1);
    expect(west().peers()).toHaveLength(1);
    expect(west().peers()[0].status.state).toBe('available');
  });

  it("rolls the offer back when the acceptance fails for good, and keeps ONTAP's code", async () => {
    const error = { error: { code: '4656072', message: 'The name must conform to the same rules as a cluster name.' } };
    west().faults.failNext(1, 400, error, undefined, { method: 'POST', pathPrefix: '/api/cluster/peers' });
    const res = await twoSided('rolled-back');
    const failed = await h.waitForState(res.body.id, 'FAILED');
    expect(failed.lastError).toMatchObject({ code: 'validation_failed', upstream: { product: 'ontap', cluster: 'ontap-west', status: 400, code: '4656072' } });
    expect(failed.lastError.detail).toMatch(/cluster-name rules/);
    expect(east().peers()).toHaveLength(0);
    expect(west().peers()).toHaveLength(0);
  });

  it('one-sided offer: the passphrase is returned once, and the far side accepts it', async () => {
    const res = await h.api('POST', '/v1/peerings', { name: 'to-partner', local: { cluster: 'ontap-east' }, remote: { external: { addresses: WEST } } });
    expect(res.status).toBe(202);
    const waiting = await h.waitForPeering(res.body.id, (p) => p.stateReason === 'waiting for the remote side to accept the offer');
    const first = await h.api('GET', `/v1/operations/${waiting.operationId}`);
    await h.waitForPeering(res.body.id, () => true);
    const secret = first.body.offer?.secret ?? (await h.api('GET', `/v1/operations/${waiting.operationId}`)).body.offer?.secret;
    expect(typeof secret).toBe('string');
    const again = await h.api('GET', `/v1/operations/${waiting.operationId}`);
    expect(again.body.offer).toBeUndefined();

    expect(
      (await ontap(west().url, 'POST', '/api/cluster/peers', { name: 'from-partner', remote: { ip_addresses: EAST }, authentication: { passphrase: secret } }))
        .status,
    ).toBe(201);
    expect((await h.api('POST', `/v1/peerings/${res.body.id}/sync`)).status).toBe(202);
    const active = await h.waitForState(res.body.id, 'ACTIVE');
    expect(active.sides.remote).toBeNull();
    expect(h.logs.text()).not.toContain(secret);
  });

  it("one-sided accept: takes the far side's passphrase, never shows or logs it", async () => {
    const offer = await ontap(west().url, 'POST', '/api/cluster/peers?return_records=true', {
      name: 'partner-offer',
      remote: { ip_addresses: EAST },
      authentication: { generate_passphrase: true },
    });
    const passphrase = offer.body.records[0].authentication.passphrase;
    const res = await h.api('POST', '/v1/peerings', {
      name: 'from-partner',
      local: { cluster: 'ontap-east' },
      remote: { external: { secret: passphrase, addresses: WEST } },
    });
    expect(JSON.stringify(res.body)).not.toContain(passphrase);
    const active = await h.waitForState(res.body.id, 'ACTIVE');
    expect(JSON.stringify(active)).not.toContain(passphrase);
    expect(active.remote).toEqual({ external: { addresses: WEST } });
    expect(h.logs.text()).not.toContain(passphrase);
  });

  it('PATCH rotates the passphrase on both sides', async () => {
    const res = await twoSided('rotated');
    await h.waitForState(res.body.id, 'ACTIVE');
    const patched = await h.api('PATCH', `/v1/peerings/${res.body.id}`, { ontap: { rotatePassphrase: true, passphraseExpiry: 'PT2H' } });
    expect(patched.status).toBe(202);
    expect(patched.body.operationId).not.toBe(res.body.operationId);
    const op = await h.waitForOperation(patched.body.operationId);
    expect(op).toMatchObject({ type: 'update', status: 'succeeded' });
    expect(op.steps.map((s: { name: string }) => s.name)).toEqual(['inspect', 'renew-secret', 'confirm-secret', 'await-active']);
    expect((await h.api('GET', `/v1/peerings/${res.body.id}`)).body.state).toBe('ACTIVE');
    expect(west().faults.journal.filter((c) => c.method === 'PATCH')).toHaveLength(1);
  });

  it('PATCH toggles encryption with a passphrase refresh (ONTAP 4656073 otherwise)', async () => {
    const res = await twoSided('encrypted', { encryption: 'tls_psk' });
    await h.waitForState(res.body.id, 'ACTIVE');
    const patched = await h.api('PATCH', `/v1/peerings/${res.body.id}`, { ontap: { encryption: 'none' } });
    expect((await h.waitForOperation(patched.body.operationId)).status).toBe('succeeded');
    const eastPatch = east().faults.journal.find((c) => c.method === 'PATCH')!.body as any;
    expect(eastPatch).toMatchObject({ encryption: { proposed: 'none' }, authentication: { generate_passphrase: true } });
    expect(east().peers()[0].encryption.proposed).toBe('none');
    expect(west().peers()[0].encryption.proposed).toBe('none');
  });

  it('PATCH changes the remote addresses of an external peer', async () => {
    const offer = await ontap(west().url, 'POST', '/api/cluster/peers?return_records=true', {
      name: 'moving',
      remote: { ip_addresses: EAST },
      authentication: { generate_passphrase: true },
    });
    const res = await h.api('POST', '/v1/peerings', {
      name: 'moving',
      local: { cluster: 'ontap-east' },
      remote: { external: { secret: offer.body.records[0].authentication.passphrase, addresses: [WEST[0]] } },
    });
    await h.waitForState(res.body.id, 'ACTIVE');
    const patched = await h.api('PATCH', `/v1/peerings/${res.body.id}`, { ontap: { remoteAddresses: WEST } });
    expect((await h.waitForOperation(patched.body.operationId)).status).toBe('succeeded');
    const active = await h.waitForState(res.body.id, 'ACTIVE');
    expect(active.remote.external.addresses).toEqual(WEST);
    expect(east().peers()[0].remoteAddresses).toEqual(WEST);
  });

  it('refuses, before any call, the combinations ONTAP would refuse', async () => {
    const base = { name: 'checked', local: { cluster: 'ontap-east' } };
    const cases: [unknown, string, RegExp][] = [
      [{ ...base, remote: { external: { secret: 'pass-phrase-1234' } } }, 'remote.external.addresses', /4656069/],
      [{ ...base, remote: { cluster: 'ontap-west' }, ontap: { passphraseExpiry: 'P8D' } }, 'ontap.passphraseExpiry', /4655058/],
      [{ ...base, remote: { cluster: 'ontap-west' }, ontap: { passphraseExpiry: 'tomorrow' } }, 'ontap.passphraseExpiry', /ISO 8601/],
      [{ ...base, remote: { cluster: 'ontap-west' }, ontap: { encryption: 'aes' } }, 'ontap.encryption', /none or tls_psk/],
      [{ ...base, name: '9lives', remote: { cluster: 'ontap-west' } }, 'name', /start with a letter/],
      [{ ...base, name: 'ontap-west', remote: { cluster: 'ontap-west' } }, 'name', /4656071/],
      [
        {
          ...base,
          remote: { cluster: 'ontap-west' },
          ontap: { localNetwork: { interfaces: [{ ipAddress: '10.1.9.9' }], broadcastDomain: 'Default', gateway: '10.1.9.1' } },
        },
        'ontap.localNetwork.netmask',
        /4656091/,
      ],
      [
        {
          ...base,
          remote: { cluster: 'ontap-west' },
          ontap: { localNetwork: { interfaces: [], netmask: '255.255.255.0', broadcastDomain: 'Default', gateway: '10.1.9.1' } },
        },
        'ontap.localNetwork.interfaces',
        /4656085/,
      ],
      [
        {
          ...base,
          remote: { cluster: 'ontap-west' },
          ontap: { localNetwork: { interfaces: [{ ipAddress: '10.1.9.9' }], netmask: '255.255.255.0', broadcastDomain: 'Default' } },
        },
        'ontap.localNetwork.gateway',
        /4656096/,
      ],
      [{ ...base, remote: { cluster: 'ontap-west' }, consul: { meta: {} } }, 'consul', /only for Consul/],
    ];
    const callsBefore = east().faults.calls + west().faults.calls;
    for (const [body, field, rule] of cases) {
      const res = await h.api('POST', '/v1/peerings', body);
      expect(res.status).toBe(400);
      const error = res.body.errors.find((e: { field: string }) => e.field === field);
      expect(error?.message).toMatch(rule);
    }
    expect(east().faults.calls + west().faults.calls).toBe(callsBefore);
  });

  it("sends requests in the shapes of NetApp's published definition", async () => {
    const contract = parse(readFileSync(join(process.cwd(), 'sim', 'ontap', 'contract', 'ontap-9.6-cluster-peers-subset.yaml'), 'utf8'));
    const peer = contract.definitions.cluster_peer.properties;
    const res = await twoSided('shaped', { encryption: 'tls_psk', passphraseExpiry: 'P1D', initialAllowedSvms: ['svm1'] });
    await h.waitForState(res.body.id, 'ACTIVE');
    const posts = [...east().faults.journal, ...west().faults.journal].filter((c) => c.method === 'POST' && c.path === '/api/cluster/peers');
    expect(posts).toHaveLength(2);
    for (const { body } of posts as { body: Record<string, any> }[]) {
      for (const key of Object.keys(body)) expect(Object.keys(peer)).toContain(key);
      for (const key of Object.keys(body.authentication)) expect(Object.keys(peer.authentication.properties)).toContain(key);
      expect(peer.encryption.properties.proposed.enum).toContain(body.encryption.proposed);
    }
  });
});
