import type { Faults } from '../shared/faults.js';
import type { SimRouter } from '../shared/http-server.js';
import type { OntapCluster, OntapSimSettings } from './cluster.js';
import { ERRORS, ROUTE_FAILURE_SHAPES, answeringErrors, ontapError } from './errors.js';
import { deletePeer, requireRecord } from './handshake.js';
import { type AuthState, type OntapPeerRecord, peerView } from './peer-record.js';
import { parseBody } from './peer-rules.js';

export interface ControlTarget {
  cluster: OntapCluster;
  faults: Faults;
  addInterclusterLifs(addresses: string[]): void;
  peers(): OntapPeerRecord[];
}

type SettingType = 'number' | 'boolean' | 'shape' | 'status?' | 'code?' | 'string?';

const SETTING_TYPES: Record<keyof OntapSimSettings, SettingType> = {
  routeWindowMs: 'number',
  routeFailure: 'shape',
  routeFailureStatus: 'status?',
  routeFailureCode: 'code?',
  routeFailureMessage: 'string?',
  asyncJobs: 'boolean',
  jobDurationMs: 'number',
  vserverMigrationInProgress: 'boolean',
};

/** null clears an override; statuses are 4xx/5xx; codes are strings of digits, as ONTAP's. */
function validSetting(type: SettingType, value: unknown): boolean {
  switch (type) {
    case 'number':
      return typeof value === 'number' && value >= 0;
    case 'boolean':
      return typeof value === 'boolean';
    case 'shape':
      return (ROUTE_FAILURE_SHAPES as readonly unknown[]).includes(value);
    case 'status?':
      return value === null || (typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599);
    case 'code?':
      return value === null || (typeof value === 'string' && /^\d+$/.test(value));
    case 'string?':
      return value === null || (typeof value === 'string' && value !== '');
  }
}

const AUTH_STATES: readonly AuthState[] = ['ok', 'absent', 'pending', 'problem'];

/**
 * The control surface under /_sim, outside fault injection and auth:
 * - /_sim/faults, /_sim/fail-next, /_sim/reset   fault injection (sim/shared/faults.ts)
 * - GET/PUT /_sim/settings                        {routeWindowMs, routeFailure, routeFailureStatus, routeFailureCode,
 *                                                  routeFailureMessage, asyncJobs, jobDurationMs, vserverMigrationInProgress}
 * - POST /_sim/lifs {addresses}                   intercluster LIFs appearing now (starts their route window)
 * - GET /_sim/peers                               the raw peer records (passphrases included)
 * - PUT /_sim/peers/{uuid}/authentication        {state: ok|absent|pending|problem|null}: force what
 *                                                  authentication.state reads (null: back to the derived one)
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
        if (!validSetting(type, value)) throw ontapError(ERRORS.invalidValue, { target: key });
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
    'PUT',
    '/_sim/peers/:uuid/authentication',
    answeringErrors((req) => {
      const record = requireRecord(cluster, req.params.uuid);
      const { state } = parseBody(req.body);
      if (state !== null && !AUTH_STATES.includes(state as AuthState)) throw ontapError(ERRORS.invalidValue, { target: 'state' });
      if (state === null) delete record.authentication.forcedState;
      else record.authentication.forcedState = state as AuthState;
      return { status: 200, body: peerView(cluster, record, Date.now()) };
    }),
  );
  router.add(
    'DELETE',
    '/_sim/peers/:uuid',
    answeringErrors((req) => {
      deletePeer(cluster, req.params.uuid);
      return { status: 200, body: {} };
    }),
  );
}
