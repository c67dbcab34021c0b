import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from '../support/harness.js';

describe('bad input: a clear problem naming the field and the rule, and nothing written', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const valid = { name: 'ok-name', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } };
  const cases: [string, unknown, string, RegExp][] = [
    ['missing name', { ...valid, name: undefined }, 'name', /DNS label/],
    ['name not a DNS label', { ...valid, name: 'Bad_Name' }, 'name', /DNS label/],
    ['name too long', { ...valid, name: 'a'.repeat(64) }, 'name', /1-63 characters/],
    ['missing local', { ...valid, local: undefined }, 'local', /./],
    ['unknown local cluster', { ...valid, local: { cluster: 'nope' } }, 'local.cluster', /'nope' is not registered/],
    ['unknown remote cluster', { ...valid, remote: { cluster: 'nope' } }, 'remote.cluster', /'nope' is not registered/],
    ['same cluster on both sides', { ...valid, remote: { cluster: 'consul-dc1' } }, 'remote.cluster', /must differ from local.cluster/],
    ['both remote kinds', { ...valid, remote: { cluster: 'consul-dc2', external: {} } }, 'remote', /exactly one of cluster or external/],
    ['no remote kind', { ...valid, remote: {} }, 'remote', /exactly one of cluster or external/],
    ['unknown field', { ...valid, colour: 'blue' }, 'colour', /should not exist/],
    ['ontap options on consul', { ...valid, ontap: { encryption: 'none' } }, 'ontap', /only for ONTAP/],
    ['labels not an object', { ...valid, labels: 'x' }, 'labels', /object/],
  ];

  for (const [title, body, field, rule] of cases) {
    it(`${title} -> 400 naming ${field}`, async () => {
      const before = await h.api('GET', '/v1/peerings?limit=500');
      const res = await h.api('POST', '/v1/peerings', body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 400, code: 'validation_failed', title: expect.any(String), type: expect.any(String) });
      const error = res.body.errors.find((e: { field: string }) => e.field === field);
      expect(error).toBeDefined();
      expect(error.message).toMatch(rule);
      const afterList = await h.api('GET', '/v1/peerings?limit=500');
      expect(afterList.body.items.length).toBe(before.body.items.length);
    });
  }

  it('clusters of different products -> 400 naming remote.cluster', async () => {
    await h.api('POST', '/v1/clusters', {
      id: 'ontap-x',
      product: 'ontap',
      endpoint: 'http://127.0.0.1:9',
      auth: { username: 'u', password: 'p' },
      ontap: { interclusterAddresses: ['10.9.0.1'] },
    });
    const res = await h.api('POST', '/v1/peerings', { ...valid, remote: { cluster: 'ontap-x' } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual({ field: 'remote.cluster', message: 'must be of the same product as local.cluster (consul), not ontap' });
    expect((await h.api('DELETE', '/v1/clusters/ontap-x')).status).toBe(204);
  });

  it('malformed JSON -> 400 problem', async () => {
    const res = await h.api('POST', '/v1/peerings', '{"name": ');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors).toEqual([{ field: 'body', message: 'must be valid JSON' }]);
  });

  it('an empty body with a JSON content type is no body (DELETE from a shared curl header set)', async () => {
    const res = await h.api('DELETE', '/v1/peerings/pr_nope', '', { 'content-type': 'application/json' });
    expect(res.status).toBe(404);
  });

  it('unknown peering and operation ids -> 404 problem', async () => {
    for (const path of ['/v1/peerings/pr_nope', '/v1/operations/op_nope']) {
      const res = await h.api('GET', path);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'not_found', status: 404 });
    }
    expect((await h.api('DELETE', '/v1/peerings/pr_nope')).status).toBe(404);
  });

  it('no token or a wrong token -> 401 problem; health needs none', async () => {
    const res = await fetch(`${h.url}/v1/peerings`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await h.api('GET', '/v1/peerings', undefined, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.url}/readyz`)).status).toBe(200);
  });

  it('a second live peering with the same name between the same clusters -> 409 conflict', async () => {
    const first = await h.api('POST', '/v1/peerings', { ...valid, name: 'twice' });
    expect(first.status).toBe(202);
    const second = await h.api('POST', '/v1/peerings', { ...valid, name: 'twice', remote: { cluster: 'consul-dc2' } });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('conflict');
    expect((await h.api('DELETE', '/v1/clusters/consul-dc1')).status).toBe(409);
  });

  it('list filters are validated', async () => {
    const res = await h.api('GET', '/v1/peerings?state=SLEEPING&limit=0');
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['limit', 'state']);
  });
});
