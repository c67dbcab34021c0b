import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from '../support/harness.js';

const PAGE = '<html><body><h1>502</h1><p>upstream proxy; internal token AKIAIOSFODNN7EXAMPLE</p></body></html>';

/** Cluster endpoints go through the address policy, and what a cluster answered is shown only in its product's shape. */
describe('cluster endpoints', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const ontapCluster = (id: string, endpoint: string) => ({
    id,
    product: 'ontap',
    endpoint,
    auth: { username: 'admin', password: 'hunter2-secret' },
    ontap: { interclusterAddresses: ['10.9.0.1'] },
  });

  it('refuses metadata, link-local and credential-carrying endpoints with a 400 naming endpoint', async () => {
    for (const endpoint of [
      'http://169.254.169.254',
      'http://169.254.169.254/latest/meta-data',
      'https://169.254.10.20',
      'http://[fe80::1]:8500',
      'http://[fd00:ec2::254]',
      'http://100.100.100.200',
      'http://metadata.google.internal',
      'http://0.0.0.0:8500',
      'https://admin:hunter2-secret@10.1.0.5',
    ]) {
      const res = await h.api('POST', '/v1/clusters', ontapCluster('refused', endpoint));
      expect({ endpoint, status: res.status }).toEqual({ endpoint, status: 400 });
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({ code: 'validation_failed', errors: [{ field: 'endpoint', message: expect.any(String) }] });
      expect(JSON.stringify(res.body)).not.toContain('hunter2');
    }
    const consul = await h.api('POST', '/v1/clusters', { id: 'refused', product: 'consul', endpoint: 'http://tok:en@127.0.0.1:8500', auth: { token: 't' } });
    expect(consul.status).toBe(400);
    expect(consul.body.errors).toEqual([{ field: 'endpoint', message: 'must not carry credentials' }]);
    expect((await h.api('GET', '/v1/clusters/refused')).status).toBe(404);
  });

  it('keeps loopback and private endpoints, where clusters live', async () => {
    for (const [id, endpoint] of [
      ['loopback', 'http://127.0.0.1:1'],
      ['private', 'https://10.1.0.5'],
    ]) {
      expect((await h.api('POST', '/v1/clusters', ontapCluster(id, endpoint))).status).toBe(201);
      expect((await h.api('DELETE', `/v1/clusters/${id}`)).status).toBe(204);
    }
  });

  it("ONTAP: an answer that is not ONTAP's error shape is described, never echoed", async () => {
    const east = h.topology.ontap[0];
    east.faults.failNext(1, 502, PAGE, { 'content-type': 'text/html; charset=utf-8' }, { method: 'GET', pathPrefix: '/api/security/key-managers' });
    const res = await h.api('GET', '/v1/clusters/ontap-east/posture');
    expect(res.status).toBe(503);
    expect(res.body.upstream).toEqual({
      product: 'ontap',
      cluster: 'ontap-east',
      status: 502,
      code: null,
      message: `unexpected answer (HTTP 502, text/html, ${Buffer.byteLength(PAGE)} bytes)`,
    });
    expect(JSON.stringify(res.body)).not.toContain('AKIA');
  });

  it("Consul: a failed peering shows Consul's plain text, or only the shape of anything else", async () => {
    const dc2 = h.topology.consul[1];
    dc2.faults.failNext(1, 403, PAGE, { 'content-type': 'text/html' }, { method: 'POST', pathPrefix: '/v1/peering/establish' });
    const res = await h.api('POST', '/v1/peerings', { name: 'html-answer', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } });
    const failed = await h.waitForState(res.body.id, 'FAILED');
    expect(failed.lastError.upstream).toMatchObject({
      cluster: 'consul-dc2',
      status: 403,
      message: `unexpected answer (HTTP 403, text/html, ${Buffer.byteLength(PAGE)} bytes)`,
    });
    const op = await h.waitForOperation(failed.operationId);
    expect(JSON.stringify([failed, op])).not.toContain('AKIA');
    await h.deleteAllPeerings('consul');
  });
});
