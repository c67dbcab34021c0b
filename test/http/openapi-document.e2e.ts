import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CREATE_PEERING_EXAMPLES } from '../../src/peerings/peering-response.dto.js';
import { type Harness, startHarness } from '../support/harness.js';

/** The served OpenAPI document as a client generator and a reader rely on it. */
describe('the OpenAPI document', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.deleteAllPeerings();
    await h.close();
  });

  it('accepts every request example of the document as sent', async () => {
    const doc = await h.api('GET', '/openapi.json');
    const examples = doc.body.paths['/v1/peerings'].post.requestBody.content['application/json'].examples;
    expect(Object.keys(examples).sort()).toEqual(Object.keys(CREATE_PEERING_EXAMPLES).sort());
    for (const [name, example] of Object.entries(examples) as [string, { value: unknown }][]) {
      const res = await h.api('POST', '/v1/peerings', example.value);
      expect({ name, status: res.status, body: res.body }).toMatchObject({ name, status: 202 });
      // Deleting at once frees the cluster pair for the next ONTAP example (a DELETING peering no longer counts).
      expect((await h.api('DELETE', `/v1/peerings/${res.body.id}`)).status).toBe(202);
    }
  });

  it('documents every answer: schemas, problem+json per status, headers and SDK operation ids', async () => {
    const doc = (await h.api('GET', '/openapi.json')).body;
    const operations = Object.values(doc.paths).flatMap((item: any) => Object.values(item)) as any[];
    const ids = operations.map((op) => op.operationId);
    for (const id of ['createPeering', 'getPeering', 'listPeerings', 'updatePeering', 'deletePeering', 'syncPeering', 'getOperation', 'listClusters']) {
      expect(ids).toContain(id);
    }
    for (const id of ['createCluster', 'getCluster', 'deleteCluster', 'getClusterPosture', 'listPeeringEvents', 'createWebhook']) expect(ids).toContain(id);
    expect(new Set(ids).size).toBe(ids.length);
    // SDK generators turn ids into method names: a verb and a noun in camelCase, never Nest's `Controller_method`.
    expect(ids.filter((id) => !/^[a-z]+[A-Z][A-Za-z]*$/.test(id))).toEqual([]);
    for (const id of ['listApiKeys', 'createApiKey', 'getApiKey', 'revokeApiKey', 'listAuditEntries', 'watchPeering', 'watchPeerings'])
      expect(ids).toContain(id);
    for (const op of operations) {
      const statuses = Object.keys(op.responses);
      expect(statuses.some((s) => s.startsWith('2'))).toBe(true);
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        const content = op.responses[status].content;
        expect(Object.keys(content)).toEqual(['application/problem+json']);
        expect(Object.keys(content['application/problem+json'].examples).length).toBeGreaterThan(0);
      }
    }
    const create = doc.paths['/v1/peerings'].post;
    expect(create.responses['202'].headers).toHaveProperty('Location');
    expect(create.responses['202'].content['application/json'].schema.$ref).toBe('#/components/schemas/Peering');
    expect(create.responses['429'].headers).toHaveProperty('Retry-After');
    expect(create.parameters.map((p: any) => p.name ?? p.$ref)).toEqual(expect.arrayContaining(['Idempotency-Key', '#/components/parameters/RequestId']));
    expect(doc.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(doc.components.securitySchemes.bearer).not.toHaveProperty('bearerFormat');
    expect(doc.info.license.name).toBeTruthy();
    expect(doc.tags.every((t: any) => t.description)).toBe(true);
  });
});
