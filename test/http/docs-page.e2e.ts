import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from '../support/harness.js';
import { renderedDom } from '../support/chromium.js';

/** The page as a person sees it: Swagger UI rendered by a real (headless) Chromium. */
describe('the API documentation page', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('renders every route in Swagger UI, without a token', async () => {
    const dom = await renderedDom(`${h.url}/docs`);
    expect(dom).toContain('Peering gateway');
    for (const path of ['/v1/peerings', '/v1/peerings/{id}', '/v1/peerings/{id}/sync', '/v1/operations/{id}', '/v1/clusters', '/v1/webhooks']) {
      expect(dom).toContain(path);
    }
  });

  it('serves the OpenAPI document with every route, body and problem answer', async () => {
    const doc = (await (await fetch(`${h.url}/openapi.json`)).json()) as any;
    expect(doc.paths['/v1/peerings'].post.responses).toHaveProperty('202');
    expect(doc.paths['/v1/peerings'].post.responses['400'].description).toMatch(/problem\+json.*validation_failed/);
    expect(doc.paths['/v1/peerings/{id}'].patch).toBeDefined();
    expect(doc.components.schemas.CreatePeeringDto.required).toEqual(expect.arrayContaining(['name', 'local', 'remote']));
    expect(doc.components.schemas.ProblemDoc.properties).toHaveProperty('upstream');
    expect(doc.components.securitySchemes).toHaveProperty('bearer');
  });
});
