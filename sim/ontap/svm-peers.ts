import { randomUUID } from 'node:crypto';
import type { SimRouter } from '../shared/http-server.js';
import type { OntapCluster } from './cluster.js';
import { collectionAnswer, selectFields } from './collection.js';
import { type OntapErrorDef, answeringErrors, ontapError } from './errors.js';
import type { JobRunner } from './jobs.js';
import { parseBody } from './peer-rules.js';
import { type ApiContext, authenticated, perform } from './routes.js';

/**
 * SVM peers (`/api/svm/peers`, ONTAP 9.6+), as NetApp's SVM-peers reference and peering guide
 * describe them (docs/product-facts.md, "ONTAP: SVM peers"):
 * - a create on cluster A names a local SVM, a peer SVM and the peer cluster by name; A's record
 *   reads `initiated`, B gets a record that reads `pending` until B accepts (PATCH state peered);
 * - B accepts by itself when its cluster peer towards A lists the SVM in `initial_allowed_svms`,
 *   or when B allows every SVM (the `autoAccept` setting stands for SVM peer permissions);
 * - after an accept both read `initializing` for a while, then `peered`;
 * - `rejected` (B said no) must be deleted before the same pair can be proposed again;
 * - a cluster peer used by SVM peers cannot be deleted (checkClusterPeerUnused).
 * Writes answer 202 with a job in job mode, like the cluster-peer API.
 */

export type SvmPeerState = 'initiated' | 'pending' | 'initializing' | 'peered' | 'rejected' | 'suspended';

export interface SvmPeerRecord {
  uuid: string;
  svm: { name: string; uuid: string };
  peer: { svm: { name: string }; cluster: { name: string; uuid: string } };
  /** The alias of the peer SVM on this cluster (`name` of the create). */
  name: string;
  applications: string[];
  state: SvmPeerState;
  /** The record of the same relationship on the other cluster. */
  mirrorUuid: string;
  /** While `initializing`: when it reads `peered`. */
  peeredAt?: number;
}

/** Run-time behaviour, changeable through PUT /_sim/svm-peers/settings. */
export interface SvmPeerSettings {
  /** SVM peer permissions for every SVM: incoming proposals are accepted at once. */
  autoAccept: boolean;
  /** The administrator of this cluster rejects every incoming proposal. */
  rejectIncoming: boolean;
  /** How long an accepted pair reads `initializing`. */
  initializingMs: number;
}

const APPLICATIONS = ['snapmirror', 'file_copy', 'lun_copy', 'flexcache'];
const def = (code: string, message: string, status = 400): OntapErrorDef => ({ code, status, message });

/**
 * The SVM-peer errors. 26345578 is NetApp's (DELETE table); the others are made up (no public
 * source gives their codes): gateway code must never key on them.
 */
export const SVM_PEER_ERRORS = {
  notFound: def('4', "entry doesn't exist", 404),
  invalidValue: def('262185', 'Invalid value.'),
  svmNotFound: def('26345604', 'SVM "{svm}" does not exist or is not a data SVM.'),
  peerClusterNotPeered: def('26345605', 'Cluster "{cluster}" is not a peer of this cluster.'),
  peerSvmNotFound: def('26345606', 'SVM "{svm}" does not exist on the peer cluster "{cluster}".'),
  alreadyExists: def('26345607', 'An SVM peer relationship between "{svm}" and "{peer}" already exists ({state}).', 409),
  notPending: def('26345608', 'The SVM peer relationship is {state}: only a pending relationship can be accepted or rejected.'),
  clusterPeerInUse: def(
    '26345609',
    'Cannot delete the cluster peer relationship: SVM peer relationships with cluster "{cluster}" exist. Delete them first.',
    409,
  ),
  internal: def('26345578', 'Internal error. Unable to retrieve local or peer SVM name.', 500),
} as const;

export const SVM_PEER_SIMULATOR_ONLY: ReadonlySet<string> = new Set(
  Object.values(SVM_PEER_ERRORS)
    .map((e) => e.code)
    .filter((code) => code !== '4' && code !== '262185' && code !== '26345578'),
);

export function defaultSvmPeerSettings(): SvmPeerSettings {
  return { autoAccept: false, rejectIncoming: false, initializingMs: 100 };
}

/** The record as GET shows it: `initializing` turns into `peered` at read time. */
function view(record: SvmPeerRecord, now: number): Record<string, unknown> {
  if (record.state === 'initializing' && record.peeredAt !== undefined && now >= record.peeredAt) record.state = 'peered';
  return {
    uuid: record.uuid,
    name: record.name,
    svm: { ...record.svm },
    peer: { svm: { ...record.peer.svm }, cluster: { ...record.peer.cluster } },
    applications: [...record.applications],
    state: record.state,
    _links: { self: { href: `/api/svm/peers/${record.uuid}` } },
  };
}

/** The cluster a peer-cluster name designates: it must be a peer of this one (an available cluster peer). */
function peerCluster(cluster: OntapCluster, name: string): OntapCluster {
  const record = [...cluster.records.values()].find((r) => r.remoteCluster?.name === name && r.established);
  const remote = record?.remoteCluster && cluster.network.cluster(record.remoteCluster.uuid);
  if (!remote) throw ontapError(SVM_PEER_ERRORS.peerClusterNotPeered, { target: 'peer.cluster.name', values: { cluster: name } });
  return remote;
}

function dataSvm(cluster: OntapCluster, name: string): { name: string; uuid: string } | undefined {
  const svm = cluster.security.svmByName(name);
  return svm && svm.kind === 'data' ? { name: svm.name, uuid: svm.uuid } : undefined;
}

function requireSvmPeer(cluster: OntapCluster, uuid: string): SvmPeerRecord {
  const record = cluster.svmPeers.get(uuid);
  if (!record) throw ontapError(SVM_PEER_ERRORS.notFound, { target: 'uuid' });
  return record;
}

function mirrorOf(cluster: OntapCluster, record: SvmPeerRecord): SvmPeerRecord | undefined {
  return cluster.network.cluster(record.peer.cluster.uuid)?.svmPeers.get(record.mirrorUuid);
}

function setBoth(cluster: OntapCluster, record: SvmPeerRecord, state: SvmPeerState, now: number): void {
  for (const r of [record, mirrorOf(cluster, record)]) {
    if (!r) continue;
    r.state = state;
    r.peeredAt = state === 'initializing' ? now + cluster.svmPeerSettings.initializingMs : undefined;
  }
}

/** Whether the receiving cluster accepts a proposal for its SVM by itself. */
function acceptsByItself(receiver: OntapCluster, proposer: OntapCluster, svm: string): boolean {
  if (receiver.svmPeerSettings.autoAccept) return true;
  const towards = receiver.recordTowards(proposer.uuid);
  return Boolean(towards?.initialAllowedSvms.some((allowed) => allowed.name === svm || allowed.name === '*'));
}

function parseApplications(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((a) => typeof a === 'string' && APPLICATIONS.includes(a))) {
    throw ontapError(SVM_PEER_ERRORS.invalidValue, { target: 'applications', detail: `applications must be a list from ${APPLICATIONS.join(', ')}.` });
  }
  return [...new Set(value as string[])];
}

function createSvmPeer(cluster: OntapCluster, body: Record<string, unknown>, now: number): SvmPeerRecord {
  const svmName = (body.svm as { name?: unknown } | undefined)?.name;
  const peer = body.peer as { svm?: { name?: unknown }; cluster?: { name?: unknown } } | undefined;
  const peerSvmName = peer?.svm?.name;
  const peerClusterName = peer?.cluster?.name;
  if (typeof svmName !== 'string') throw ontapError(SVM_PEER_ERRORS.invalidValue, { target: 'svm.name' });
  if (typeof peerSvmName !== 'string') throw ontapError(SVM_PEER_ERRORS.invalidValue, { target: 'peer.svm.name' });
  if (typeof peerClusterName !== 'string') throw ontapError(SVM_PEER_ERRORS.invalidValue, { target: 'peer.cluster.name' });
  const applications = parseApplications(body.applications ?? ['snapmirror']);
  const svm = dataSvm(cluster, svmName);
  if (!svm) throw ontapError(SVM_PEER_ERRORS.svmNotFound, { target: 'svm.name', values: { svm: svmName } });
  const remote = peerCluster(cluster, peerClusterName);
  const remoteSvm = dataSvm(remote, peerSvmName);
  if (!remoteSvm) throw ontapError(SVM_PEER_ERRORS.peerSvmNotFound, { target: 'peer.svm.name', values: { svm: peerSvmName, cluster: peerClusterName } });
  const existing = [...cluster.svmPeers.values()].find((r) => r.svm.name === svmName && r.peer.svm.name === peerSvmName && r.peer.cluster.uuid === remote.uuid);
  if (existing) {
    throw ontapError(SVM_PEER_ERRORS.alreadyExists, { target: 'peer.svm.name', values: { svm: svmName, peer: peerSvmName, state: existing.state } });
  }
  const local: SvmPeerRecord = {
    uuid: randomUUID(),
    svm,
    peer: { svm: { name: peerSvmName }, cluster: { name: remote.name, uuid: remote.uuid } },
    name: typeof body.name === 'string' ? body.name : peerSvmName,
    applications,
    state: 'initiated',
    mirrorUuid: '',
  };
  const mirror: SvmPeerRecord = {
    uuid: randomUUID(),
    svm: remoteSvm,
    peer: { svm: { name: svmName }, cluster: { name: cluster.name, uuid: cluster.uuid } },
    name: svmName,
    applications,
    state: 'pending',
    mirrorUuid: local.uuid,
  };
  local.mirrorUuid = mirror.uuid;
  cluster.svmPeers.set(local.uuid, local);
  remote.svmPeers.set(mirror.uuid, mirror);
  if (remote.svmPeerSettings.rejectIncoming) setBoth(cluster, local, 'rejected', now);
  else if (acceptsByItself(remote, cluster, peerSvmName)) setBoth(cluster, local, 'initializing', now);
  return local;
}

function patchSvmPeer(cluster: OntapCluster, record: SvmPeerRecord, body: Record<string, unknown>, now: number): void {
  if (body.applications !== undefined) {
    const applications = parseApplications(body.applications);
    for (const r of [record, mirrorOf(cluster, record)]) if (r) r.applications = applications;
  }
  if (body.state === undefined) return;
  const state = body.state;
  if (state === 'peered' && (record.state === 'pending' || record.state === 'suspended')) return setBoth(cluster, record, 'initializing', now);
  if (state === 'peered' && (record.state === 'peered' || record.state === 'initializing')) return;
  if (state === 'rejected' && record.state === 'pending') return setBoth(cluster, record, 'rejected', now);
  if (state === 'suspended' && record.state === 'peered') return setBoth(cluster, record, 'suspended', now);
  if (state === 'peered' || state === 'rejected' || state === 'suspended') {
    throw ontapError(SVM_PEER_ERRORS.notPending, { target: 'state', values: { state: record.state } });
  }
  throw ontapError(SVM_PEER_ERRORS.invalidValue, { target: 'state' });
}

/** Deletes the relationship on both clusters (the remote is reached through the cluster peer). */
function deleteSvmPeer(cluster: OntapCluster, record: SvmPeerRecord): void {
  const mirror = mirrorOf(cluster, record);
  cluster.svmPeers.delete(record.uuid);
  if (mirror) cluster.network.cluster(record.peer.cluster.uuid)?.svmPeers.delete(mirror.uuid);
}

/** ONTAP refuses to delete a cluster peer while SVM peers use it: they go first, on both sides. */
export function checkClusterPeerUnused(cluster: OntapCluster, remoteClusterUuid: string | undefined, remoteName: string): void {
  if (!remoteClusterUuid) return;
  if ([...cluster.svmPeers.values()].some((r) => r.peer.cluster.uuid === remoteClusterUuid)) {
    throw ontapError(SVM_PEER_ERRORS.clusterPeerInUse, { values: { cluster: remoteName } });
  }
}

/**
 * The SVM-peer API, and its controls:
 * - GET/PUT /_sim/svm-peers/settings   {autoAccept, rejectIncoming, initializingMs}
 * - GET /_sim/svm-peers                the raw records
 * - PUT /_sim/svm-peers/{uuid}/state   {state}: what an administrator does on the cluster (both sides follow)
 */
export function registerSvmPeerApi(router: SimRouter, ctx: ApiContext & { jobs: JobRunner }): void {
  const { cluster } = ctx;
  const route = (method: string, path: string, handler: Parameters<typeof answeringErrors>[0]): void => {
    router.add(method, path, authenticated(ctx.credentials, answeringErrors(handler)));
  };
  const views = (now: number) => [...cluster.svmPeers.values()].map((r) => view(r, now));
  route('GET', '/api/svm/peers', (req) => ({ status: 200, body: collectionAnswer('/api/svm/peers', req.query, views(Date.now()), ['name']) }));
  route('GET', '/api/svm/peers/:uuid', (req) => ({ status: 200, body: selectFields(view(requireSvmPeer(cluster, req.params.uuid), Date.now()), req.query) }));
  route('POST', '/api/svm/peers', (req) => {
    const body = parseBody(req.body);
    return perform(ctx, req, 'POST /api/svm/peers', () => {
      const record = createSvmPeer(cluster, body, Date.now());
      const returnRecords = req.query.get('return_records') === 'true';
      return { status: 201, body: returnRecords ? { num_records: 1, records: [view(record, Date.now())] } : {} };
    });
  });
  route('PATCH', '/api/svm/peers/:uuid', (req) => {
    const record = requireSvmPeer(cluster, req.params.uuid);
    const body = parseBody(req.body);
    return perform(ctx, req, `PATCH /api/svm/peers/${record.uuid}`, () => {
      patchSvmPeer(cluster, record, body, Date.now());
      return { status: 200, body: {} };
    });
  });
  route('DELETE', '/api/svm/peers/:uuid', (req) => {
    const record = requireSvmPeer(cluster, req.params.uuid);
    return perform(ctx, req, `DELETE /api/svm/peers/${record.uuid}`, () => {
      deleteSvmPeer(cluster, record);
      return { status: 200, body: {} };
    });
  });

  router.add('GET', '/_sim/svm-peers/settings', () => ({ status: 200, body: cluster.svmPeerSettings }));
  router.add(
    'PUT',
    '/_sim/svm-peers/settings',
    answeringErrors((req) => {
      const input = parseBody(req.body);
      for (const [key, value] of Object.entries(input)) {
        const current = (cluster.svmPeerSettings as unknown as Record<string, unknown>)[key];
        if (current === undefined || typeof current !== typeof value) throw ontapError(SVM_PEER_ERRORS.invalidValue, { target: key });
      }
      Object.assign(cluster.svmPeerSettings, input);
      return { status: 200, body: cluster.svmPeerSettings };
    }),
  );
  router.add('GET', '/_sim/svm-peers', () => ({ status: 200, body: views(Date.now()) }));
  router.add(
    'PUT',
    '/_sim/svm-peers/:uuid/state',
    answeringErrors((req) => {
      const record = requireSvmPeer(cluster, req.params.uuid);
      const { state } = parseBody(req.body);
      if (!['initiated', 'pending', 'initializing', 'peered', 'rejected', 'suspended'].includes(state as string)) {
        throw ontapError(SVM_PEER_ERRORS.invalidValue, { target: 'state' });
      }
      setBoth(cluster, record, state as SvmPeerState, Date.now());
      return { status: 200, body: view(record, Date.now()) };
    }),
  );
}
