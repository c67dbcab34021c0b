import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createGatewayClient, type GatewayClient, must, type Operation, type Peering } from '../../clients/typescript/src/index.js';
import { type Harness, startHarness } from '../support/harness.js';

/** Polls `read` until `done` holds for what it returns; fails with the last reading. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await read();
  }
  return last;
}

describe('the typed client (clients/typescript) against a gateway', () => {
  let h: Harness;
  let client: GatewayClient;
  beforeAll(async () => {
    h = await startHarness();
    client = createGatewayClient(h.url, h.token);
  });
  afterAll(async () => {
    await h.deleteAllPeerings();
    await h.close();
  });

  it('creates, follows, lists and deletes a peering with the generated types only', async () => {
    const created = await client.POST('/v1/peerings', {
      body: { name: 'typed-client', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' }, labels: { suite: 'typed-client' } },
      params: { header: { 'Idempotency-Key': `typed-client-${Date.now()}` } },
    });
    expect(created.response.status).toBe(202);
    if (!created.data) throw new Error(`create failed: ${JSON.stringify(created.error)}`);
    const pending: Peering = created.data;
    expect(created.response.headers.get('location')).toBe(`/v1/peerings/${pending.id}`);
    expect(pending.state).toBe('PENDING');

    const readOperation = async (): Promise<Operation> => must(client.GET('/v1/operations/{id}', { params: { path: { id: pending.operationId } } }));
    const operation = await until(readOperation, (op) => op.status === 'succeeded' || op.status === 'failed');
    expect(operation.status).toBe('succeeded');
    expect(operation.steps.length).toBeGreaterThan(0);

    const readPeering = async (): Promise<Peering> => must(client.GET('/v1/peerings/{id}', { params: { path: { id: pending.id } } }));
    const active = await until(readPeering, (p) => p.state === 'ACTIVE');
    expect(active.sides.local.nativeId).toEqual(expect.any(String));
    expect(active.sides.remote?.nativeState).toBe('ACTIVE');
    expect(active.lastError).toBeNull();

    const page = await must(client.GET('/v1/peerings', { params: { query: { product: 'consul', state: 'ACTIVE', limit: 100 } } }));
    expect(page.items.map((p) => p.id)).toContain(pending.id);
    expect(page.nextCursor === null || typeof page.nextCursor === 'string').toBe(true);

    const deleting = await client.DELETE('/v1/peerings/{id}', { params: { path: { id: pending.id } } });
    expect(deleting.response.status).toBe(202);
    expect(deleting.data?.state).toBe('DELETING');
    const deleted = await until(readPeering, (p) => p.state === 'DELETED');
    expect(deleted.id).toBe(pending.id);
  });

  it('reads clusters without their secrets, and problems as typed errors', async () => {
    const { items } = await must(client.GET('/v1/clusters'));
    const east = items.find((c) => c.id === 'ontap-east');
    expect(east?.auth.passwordSet).toBe(true);
    expect(JSON.stringify(items)).not.toContain('password"');

    const posture = await must(client.GET('/v1/clusters/{id}/posture', { params: { path: { id: 'consul-dc1' } } }));
    expect(posture.product === 'consul' && posture.peeringTraffic.encryption).toBe('mtls');

    const missing = await client.GET('/v1/peerings/{id}', { params: { path: { id: 'pr_missing' } } });
    expect(missing.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(missing.error?.code).toBe('not_found');
    expect(missing.error?.status).toBe(404);
  });
});
