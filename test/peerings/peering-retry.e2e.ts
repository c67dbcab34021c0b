import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { consulErrorTexts } from '../../sim/consul/index.js';
import { type Harness, startHarness } from '../support/harness.js';

/** POST /v1/peerings/{id}/retry: the way out of FAILED once the cause is fixed. */
describe('retrying a failed peering', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('runs the handshake again with a new operation, adopting what exists; 409 unless FAILED; Idempotency-Key honoured', async () => {
    const [dc1, dc2] = h.topology.consul;
    // The acceptor's ACL token may not generate tokens: final, the peering fails.
    dc1.faults.failNext(1, 403, consulErrorTexts.anonymousDenied('peering:write'), undefined, { method: 'POST', pathPrefix: '/v1/peering/token' });
    const created = await h.api('POST', '/v1/peerings', { name: 'retried', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } });
    const failed = await h.waitForState(created.body.id, 'FAILED');
    expect(failed.lastError.upstream).toMatchObject({ cluster: 'consul-dc1', status: 403 });

    // The operator fixes the ACL; the caller retries, twice with one key.
    const headers = { 'idempotency-key': `retry-${created.body.id}` };
    const first = await h.api('POST', `/v1/peerings/${created.body.id}/retry`, undefined, headers);
    const replay = await h.api('POST', `/v1/peerings/${created.body.id}/retry`, undefined, headers);
    expect(first.status).toBe(202);
    expect(first.headers.location).toBe(`/v1/peerings/${created.body.id}`);
    expect(first.body.state).toBe('ESTABLISHING');
    expect(first.body.operationId).not.toBe(created.body.operationId);
    expect(replay.body.operationId).toBe(first.body.operationId);

    const active = await h.waitForState(created.body.id, 'ACTIVE');
    expect(active.lastError).toBeNull();
    const operation = await h.waitForOperation(first.body.operationId);
    expect(operation).toMatchObject({ type: 'retry', status: 'succeeded', peeringId: created.body.id });
    expect(dc1.peerings().filter((p) => p.Name === 'retried')).toHaveLength(1);
    expect(dc2.peerings().filter((p) => p.Name === 'retried')).toHaveLength(1);

    const refused = await h.api('POST', `/v1/peerings/${created.body.id}/retry`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'conflict', detail: expect.stringContaining('only a FAILED peering can be retried') });
    expect((await h.api('POST', '/v1/peerings/pr_unknown/retry')).status).toBe(404);
  });
});
