import { randomBytes, randomUUID } from 'node:crypto';
import type { OntapCluster } from './cluster.js';
import { ERRORS, ontapError, routeFailure } from './errors.js';
import { type OntapPeerRecord, agreedEncryption, awaitsPeer } from './peer-record.js';
import type { CreateRequest, PatchRequest, Rotation } from './peer-rules.js';
import { checkClusterPeerUnused } from './svm-peers.js';

/**
 * Carrying out checked requests: the part of a create, modify or delete that touches the network
 * and the other cluster. In job mode it runs when the job does, so its failures are job failures.
 *
 * The handshake: a create with remote addresses reaches the cluster owning them. If that cluster
 * holds an offer for us (its record towards us awaiting a passphrase, or for a create with a user
 * passphrase one of its anonymous offers), the passphrases must match and the offer must not have
 * expired; then both records are peered. Otherwise the new record is itself the offer, pending
 * until the other cluster creates its side with the same passphrase.
 */

/** The record a create will add, with its uuid and passphrase already fixed (a job answer can show them). */
export function draftRecord(request: CreateRequest, now: number): OntapPeerRecord {
  const anonymous = !request.remoteAddresses;
  return {
    uuid: randomUUID(),
    // A named peer takes the remote cluster's name once reached (commitCreate).
    name: request.name ?? (anonymous ? `Clus_${randomBytes(4).toString('hex')}` : ''),
    temporaryName: anonymous && request.name === undefined,
    remoteAddresses: request.remoteAddresses ?? [],
    ipspace: { name: request.ipspace.name, uuid: request.ipspace.uuid },
    initialAllowedSvms: request.initialAllowedSvms,
    peerApplications: request.peerApplications,
    encryption: { proposed: request.encryption, state: 'none' },
    authentication: { passphrase: request.passphrase, expiresAt: request.expiresAt, inUse: 'ok', awaitingPeer: true },
    established: false,
    status: { state: 'pending', updatedAt: now },
  };
}

export function commitCreate(cluster: OntapCluster, record: OntapPeerRecord, request: CreateRequest, now: number): void {
  if (request.localAddresses) cluster.addLifs(request.localAddresses, record.ipspace.name, now);
  if (!request.remoteAddresses) {
    cluster.records.set(record.uuid, record);
    return;
  }
  const remote = reach(cluster, record.ipspace.name, request.remoteAddresses, now);
  if (remote.name === cluster.name) throw ontapError(ERRORS.sameNameAsLocal, { target: 'remote.ip_addresses' });
  // ONTAP peers two clusters once: a relationship or a pending offer towards this cluster blocks another.
  if (cluster.recordTowards(remote.uuid)) throw ontapError(ERRORS.alreadyPeered, { target: 'remote.ip_addresses', values: { cluster: remote.name } });
  const offer = answeredOffer(remote, cluster, request, now);
  record.remoteCluster = remote.identity();
  record.name ||= remote.name;
  cluster.records.set(record.uuid, record);
  if (offer) pair(cluster, record, remote, offer);
}

export function commitPatch(cluster: OntapCluster, uuid: string, patch: PatchRequest, now: number): OntapPeerRecord {
  const record = requireRecord(cluster, uuid);
  if (patch.name !== undefined) Object.assign(record, { name: patch.name, temporaryName: false });
  if (patch.remoteAddresses) record.remoteAddresses = patch.remoteAddresses;
  if (patch.ipspace) record.ipspace = { name: patch.ipspace.name, uuid: patch.ipspace.uuid };
  if (patch.initialAllowedSvms) record.initialAllowedSvms = patch.initialAllowedSvms;
  if (patch.peerApplications) record.peerApplications = patch.peerApplications;
  if (patch.encryption) record.encryption.proposed = patch.encryption;
  if (patch.inUse) record.authentication.inUse = patch.inUse;
  if (patch.rotation) rotate(cluster, record, patch.rotation, now);
  return record;
}

export function requireRecord(cluster: OntapCluster, uuid: string): OntapPeerRecord {
  const record = cluster.records.get(uuid);
  if (!record) throw ontapError(ERRORS.notFound, { target: 'uuid' });
  return record;
}

export function checkDeletable(cluster: OntapCluster, uuid: string): void {
  const record = requireRecord(cluster, uuid);
  if (cluster.settings.vserverMigrationInProgress) throw ontapError(ERRORS.vserverMigration);
  checkClusterPeerUnused(cluster, record.remoteCluster?.uuid, record.name);
}

/** Removes this side only: the other cluster keeps its record, which then reads unavailable. */
export function deletePeer(cluster: OntapCluster, uuid: string): void {
  checkDeletable(cluster, uuid);
  cluster.records.delete(uuid);
}

/**
 * A new passphrase on one side is an offer to the other: this record reads authentication
 * `pending` (status unchanged, the peering keeps working) until the other side's record is given
 * the same passphrase before it expires. If the other side already offered this passphrase, the
 * two are in step again at once.
 */
function rotate(cluster: OntapCluster, record: OntapPeerRecord, rotation: Rotation, now: number): void {
  record.authentication = { ...record.authentication, passphrase: rotation.passphrase, expiresAt: rotation.expiresAt, awaitingPeer: true };
  const remote = record.remoteCluster && cluster.network.cluster(record.remoteCluster.uuid);
  const peer = remote?.recordTowards(cluster.uuid);
  if (remote && peer && awaitsPeer(peer) && peer.authentication.passphrase === rotation.passphrase && peer.authentication.expiresAt > now) {
    pair(cluster, record, remote, peer);
  }
}

/**
 * The offer on the remote cluster that this create answers, or undefined when it made none (then
 * this create is the offer). A passphrase matching none of its offers, or an expired one, fails.
 */
function answeredOffer(remote: OntapCluster, local: OntapCluster, request: CreateRequest, now: number): OntapPeerRecord | undefined {
  const own = remote.recordTowards(local.uuid);
  // A generated passphrase is a new offer of ours, never an answer to someone's anonymous offer.
  const candidates = own ? [own] : request.generated ? [] : [...remote.records.values()].filter((r) => !r.remoteCluster);
  const offers = candidates.filter(awaitsPeer);
  if (offers.length === 0) return undefined;
  const offer = offers.find((r) => r.authentication.passphrase === request.passphrase);
  const values = { cluster: remote.name };
  if (!offer) throw ontapError(ERRORS.passphraseMismatch, { target: 'authentication.passphrase', values });
  if (offer.authentication.expiresAt <= now) throw ontapError(ERRORS.passphraseExpired, { target: 'authentication.passphrase', values });
  return offer;
}

/** Both sides accepted each other: the records are peered, and an anonymous offer learns who took it. */
function pair(local: OntapCluster, record: OntapPeerRecord, remote: OntapCluster, offer: OntapPeerRecord): void {
  if (!offer.remoteCluster) {
    // On ONTAP an accepted anonymous offer gets a new uuid and loses its temporary name.
    remote.records.delete(offer.uuid);
    offer.uuid = randomUUID();
    remote.records.set(offer.uuid, offer);
    offer.remoteAddresses = local.lifs(record.ipspace.name).map((lif) => lif.address);
    if (offer.temporaryName) Object.assign(offer, { name: local.name, temporaryName: false });
  }
  const encryption = agreedEncryption(record, offer);
  for (const [side, peer] of [
    [record, remote],
    [offer, local],
  ] as const) {
    side.remoteCluster = peer.identity();
    side.established = true;
    side.authentication.awaitingPeer = false;
    side.encryption.state = encryption;
  }
}

/**
 * The cluster owning the remote addresses, if this one can connect to it: it needs an intercluster
 * LIF of its own in the IPspace, and neither its LIFs nor the remote ones may still be inside
 * their route-propagation window. ONTAP's answer is the same whether the routes are not there yet
 * or the addresses belong to no one, so the client retries a little, then gives up.
 */
function reach(cluster: OntapCluster, ipspace: string, addresses: string[], now: number): OntapCluster {
  const localLifs = cluster.lifs(ipspace);
  const remoteLifs = addresses.flatMap((address) => cluster.network.lif(address) ?? []);
  const remote = remoteLifs[0]?.cluster;
  const involved = [...localLifs, ...remoteLifs.filter((lif) => lif.cluster === remote)];
  if (!remote || localLifs.length === 0 || involved.some((lif) => cluster.network.routesPropagating(lif, now))) {
    throw routeFailure(cluster.settings, addresses, ipspace);
  }
  return remote;
}
