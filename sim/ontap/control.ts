import type { Faults } from '../shared/faults.js';
import type { SimRouter } from '../shared/http-server.js';
import type { OntapCluster, OntapSimSettings } from './cluster.js';
import { ERRORS, answeringErrors, ontapError } from './errors.js';
import { deletePeer } from './handshake.js';
import type { OntapPeerRecord } from './peer-record.js';
import { parseBody } from './peer-rules.js';

export interface ControlTarget {
  cluster: OntapCluster;
  faults: Faults;
  addInterclusterLifs(addresses: string[]): void;
  peers(): OntapPeerRecord[];
}

const SETTING_TYPES: Record<keyof OntapSimSettings, 'number' | 'boolean'> = {
  routeWindowMs: 'number',
  asyncJobs: 'boolean',
  jobDurationMs: 'number',
  vserverMigrationInProgress: 'boolean',
};

/**
 * The control surface under /_sim, outside fault injection and auth:
 * - /_sim/faults, /_sim/fail-next, /_sim/reset   fault injection (sim/shared/faults.ts)
 * - GET/PUT /_sim/settings                        {routeWindowMs, asyncJobs, jobDurationMs, vserverMigrationInProgress}
 * - POST /_sim/lifs {addresses}                   intercluster LIFs appearing now (starts their route window)
 * - GET /_sim/peers                               the raw peer records (passphrases included)
 * - DELETE /_sim/peers/{uuid}                     delete behind the gateway's back (same as the API's delete)
 */
export function registerControl(router: SimRouter, target: ControlTarget): void {
  const { cluster } = target;
  target.faults.register(router);
  router.add('GET', '/_sim/settings', () => ({ status: 200, body: cluster.settings }));
  router.add(
    'PUT',
    '/_sim/settings',
    answeringErrors((req) => {
      const input = parseBody(req.body);
      for (const [key, value] of Object.entries(input)) {
        const type = SETTING_TYPES[key as keyof OntapSimSettings];
        if (!type) throw ontapError(ERRORS.unexpectedArgument, { target: key });
        if (typeof value !== type || (type === 'number' && (value as number) < 0)) throw ontapError(ERRORS.invalidValue, { target: key });
      }
      Object.assign(cluster.settings, input);
      return { status: 200, body: cluster.settings };
    }),
  );
  router.add(
    'POST',
    '/_sim/lifs',
    answeringErrors((req) => {
      const { addresses } = parseBody(req.body);
      if (!Array.isArray(addresses) || !addresses.every((a) => typeof a === 'string')) throw ontapError(ERRORS.invalidValue, { target: 'addresses' });
      target.addInterclusterLifs(addresses);
      return { status: 200, body: { addresses: cluster.lifs().map((lif) => lif.address) } };
    }),
  );
  router.add('GET', '/_sim/peers', () => ({ status: 200, body: target.peers() }));
  router.add(
    'DELETE',
    '/_sim/peers/:uuid',
    answeringErrors((req) => {
      deletePeer(cluster, req.params.uuid);
      return { status: 200, body: {} };
    }),
  );
}
