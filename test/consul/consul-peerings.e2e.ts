import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from '../support/harness.js';

describe('Consul peerings end to end', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const create = (name: string, extra: Record<string, unknown> = {}) =>
    h.api('POST', '/v1/peerings', { name, local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' }, labels: { team: 'mesh' }, ...extra });

  it('creates a peering that becomes ACTIVE on both datacenters', async () => {
    const res = await create('web-api');
    expect(res.status).toBe(202);
    expect(res.headers.location).toBe(`/v1/peerings/${res.body.id}`);
    expect(res.body).toMatchObject({ name: 'web-api', product: 'consul', state: 'PENDING', labels: { team: 'mesh' } });

    const active = await h.waitForState(res.body.id, 'ACTIVE');
    expect(active.sides.local).toMatchObject({ nativeState: 'ACTIVE' });
    expect(active.sides.remote).toMatchObject({ nativeState: 'ACTIVE' });
    expect(active.lastError).toBeNull();
    const [dc1, dc2] = h.topology.consul;
    expect(dc1.peerings().filter((p) => p.Name === 'web-api')).toHaveLength(1);
    expect(dc2.peerings().filter((p) => p.Name === 'web-api')).toHaveLength(1);

    const op = { body: await h.waitForOperation(active.operationId) };
    expect(op.body).toMatchObject({ type: 'create', status: 'succeeded', peeringId: res.body.id });
    expect(op.body.steps.map((s: { name: string }) => s.name)).toEqual(['inspect', 'handshake', 'await-active']);
  });

  it('deletes a peering and reports DELETED only after Consul finished deleting on both sides', async () => {
    const { body } = await create('to-delete');
    await h.waitForState(body.id, 'ACTIVE');
    const started = Date.now();
    const del = await h.api('DELETE', `/v1/peerings/${body.id}`);
    expect(del.status).toBe(202);
    expect(del.body.state).toBe('DELETING');
    await h.waitForState(body.id, 'DELETED');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    for (const sim of h.topology.consul) expect(sim.peerings().find((p) => p.Name === 'to-delete')).toBeUndefined();
    const again = await h.api('GET', `/v1/peerings/${body.id}`);
    expect(again.body.state).toBe('DELETED');
  });
});

describe('secrets stay out of logs and answers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('never logs or returns cluster credentials, peering tokens or the admin token', async () => {
    const tokens: string[] = [];
    const res = await h.api('POST', '/v1/peerings', { name: 'quiet', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } });
    await h.waitForState(res.body.id, 'ACTIVE');
    for (const call of h.topology.consul[1].faults.journal) {
      const token = (call.body as { PeeringToken?: string } | undefined)?.PeeringToken;
      if (token) tokens.push(token);
    }
    expect(tokens.length).toBeGreaterThan(0);
    await h.api('DELETE', `/v1/peerings/${res.body.id}`);
    await h.waitForState(res.body.id, 'DELETED');
    const answers = JSON.stringify([
      (await h.api('GET', '/v1/clusters')).body,
      (await h.api('GET', `/v1/peerings/${res.body.id}`)).body,
      (await h.api('GET', `/v1/operations/${res.body.operationId}`)).body,
    ]);
    const logs = h.logs.text();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of ['sandbox-consul-token', 'netapp123', h.token, ...tokens]) {
      expect(logs).not.toContain(secret);
      expect(answers).not.toContain(secret);
    }
  });
});
