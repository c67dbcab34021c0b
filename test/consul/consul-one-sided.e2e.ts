import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from '../support/harness.js';

/** The far datacenter is run by someone else: the gateway does its own side and trades the token. */
describe('Consul one-sided peerings', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const consul = async (endpoint: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${endpoint}${path}`, {
      method,
      headers: { 'x-consul-token': 'sandbox-consul-token' },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  it('offers: the token is returned once, and the far side establishes with it', async () => {
    const res = await h.api('POST', '/v1/peerings', { name: 'to-partner', local: { cluster: 'consul-dc1' }, remote: { external: {} } });
    expect(res.status).toBe(202);
    const waiting = await h.waitForPeering(res.body.id, (p) => p.stateReason === 'waiting for the remote side to accept the offer');
    const first = (await h.api('GET', `/v1/operations/${waiting.operationId}`)).body;
    expect(typeof first.offer.secret).toBe('string');
    expect((await h.api('GET', `/v1/operations/${waiting.operationId}`)).body.offer).toBeUndefined();

    const dc2 = h.topology.consul[1];
    expect((await consul(dc2.url, 'POST', '/v1/peering/establish', { PeerName: 'from-partner', PeeringToken: first.offer.secret })).status).toBe(200);
    await h.api('POST', `/v1/peerings/${res.body.id}/sync`);
    const active = await h.waitForState(res.body.id, 'ACTIVE');
    expect(active.sides.local.nativeState).toBe('ACTIVE');
    expect(h.logs.text()).not.toContain(first.offer.secret);
  });

  it("accepts: establishes with the far side's token, which it never shows or keeps", async () => {
    const dc2 = h.topology.consul[1];
    const { body } = await consul(dc2.url, 'POST', '/v1/peering/token', { PeerName: 'partner-offer' });
    const res = await h.api('POST', '/v1/peerings', {
      name: 'from-partner-2',
      local: { cluster: 'consul-dc1' },
      remote: { external: { secret: body.PeeringToken } },
    });
    const active = await h.waitForState(res.body.id, 'ACTIVE');
    expect(active.remote).toEqual({ external: {} });
    for (const answer of [res.body, active]) expect(JSON.stringify(answer)).not.toContain(body.PeeringToken);
    expect(h.logs.text()).not.toContain(body.PeeringToken);
  });

  it("fails clearly when the far side's token was already used, without looping", async () => {
    const dc2 = h.topology.consul[1];
    const { body } = await consul(dc2.url, 'POST', '/v1/peering/token', { PeerName: 'used-once' });
    const first = await h.api('POST', '/v1/peerings', {
      name: 'first-use',
      local: { cluster: 'consul-dc1' },
      remote: { external: { secret: body.PeeringToken } },
    });
    await h.waitForState(first.body.id, 'ACTIVE');
    const second = await h.api('POST', '/v1/peerings', {
      name: 'second-use',
      local: { cluster: 'consul-dc1' },
      remote: { external: { secret: body.PeeringToken } },
    });
    const failed = await h.waitForState(second.body.id, 'FAILED');
    expect(failed.lastError).toMatchObject({ code: 'upstream_rejected', upstream: { status: 403 } });
    expect(failed.lastError.detail).toMatch(/a new one is needed/);
    expect((await h.waitForOperation(failed.operationId)).attempts).toBe(1);
    // Its secret is not kept, so a retry or a sync would offer instead of accepting: refused, saying why.
    for (const action of ['retry', 'sync']) {
      const refused = await h.api('POST', `/v1/peerings/${second.body.id}/${action}`);
      expect(refused.status).toBe(409);
      expect(refused.body.detail).toMatch(/the secret is not kept: delete it and ask again with a new secret/);
    }
  });
});
