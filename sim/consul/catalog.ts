import type { SimRouter } from '../shared/http-server.js';
import { forbidden, texts } from './errors.js';

/**
 * The catalog of a simulated datacenter, as far as the gateway reads it: `GET /v1/catalog/services`
 * (`{"<service>": ["<tag>", ...]}`, needs `service:read`; `consul` is always there), and a control
 * route to register and deregister services (`PUT`/`DELETE /_sim/catalog/services/:name`).
 */
export function registerCatalogRoutes(router: SimRouter, aclToken?: string): void {
  const services = new Map<string, string[]>([['consul', []]]);
  router.add('GET', '/v1/catalog/services', (req) => {
    const header = req.headers['x-consul-token'];
    const presented = typeof header === 'string' && header !== '' ? header : /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1];
    if (aclToken !== undefined && presented !== aclToken) {
      const error = forbidden(texts.anonymousDenied('service:read'));
      return { status: error.status, body: error.message };
    }
    return { status: 200, body: Object.fromEntries(services), headers: { 'x-consul-index': String(services.size) } };
  });
  router.add('PUT', '/_sim/catalog/services/:name', (req) => {
    services.set(req.params.name, []);
    return { status: 200, body: Object.fromEntries(services) };
  });
  router.add('DELETE', '/_sim/catalog/services/:name', (req) => {
    if (req.params.name !== 'consul') services.delete(req.params.name);
    return { status: 200, body: Object.fromEntries(services) };
  });
}
