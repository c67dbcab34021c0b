import type { SimHandler, SimRouter } from '../shared/http-server.js';
import type { OntapCluster } from './cluster.js';
import { collectionAnswer } from './collection.js';
import { ERRORS, answeringErrors, ontapError } from './errors.js';

const PATH = '/api/network/ip/interfaces';

/**
 * The read-only `GET /api/network/ip/interfaces` of a simulated cluster: its intercluster LIFs
 * (service policy `default-intercluster`, services `intercluster-core`), in NetApp's record shape
 * (`ip.address`, `ipspace.name`, `services`, `state`). `services=` filters by service, as on ONTAP.
 */
export function registerInterfacesApi(router: SimRouter, cluster: OntapCluster, credentials: { username: string; password: string }): void {
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const handler: SimHandler = answeringErrors((req) => {
    if (req.headers.authorization !== expected) {
      const { status, body } = ontapError(ERRORS.notAuthorized).toResponse();
      return { status, body, headers: { 'www-authenticate': 'Basic realm="ONTAP"' } };
    }
    const service = req.query.get('services');
    const query = new URLSearchParams([...req.query.entries()].filter(([key]) => key !== 'services'));
    const views = cluster
      .lifs()
      .filter(() => service === null || service.split(',').some((s) => s === 'intercluster-core' || s === '*'))
      .map((lif, i) => ({
        uuid: `${cluster.uuid.slice(0, 24)}${String(i).padStart(12, '0')}`,
        name: `${cluster.name}_icl${i + 1}`,
        ip: { address: lif.address, netmask: '24', family: lif.address.includes(':') ? 'ipv6' : 'ipv4' },
        ipspace: { name: lif.ipspace },
        scope: 'cluster',
        service_policy: { name: 'default-intercluster' },
        services: ['intercluster-core'],
        state: 'up',
        _links: { self: { href: `${PATH}/${cluster.uuid.slice(0, 24)}${String(i).padStart(12, '0')}` } },
      }));
    return { status: 200, body: collectionAnswer(PATH, query, views, ['name']) };
  });
  router.add('GET', PATH, handler);
}
