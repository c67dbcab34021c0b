import { Inject, Injectable } from '@nestjs/common';
import { type Cluster } from '../clusters/cluster.js';
import { ClusterStore } from '../clusters/cluster.store.js';
import { newId } from '../common/ids.js';
import { parseIsoDuration, SEVEN_DAYS_MS } from '../common/iso-duration.js';
import { type FieldError, GatewayError } from '../common/problem.js';
import { nowIso } from '../common/time.js';
import { type Operation, type OperationType } from '../operations/operation.js';
import { OperationStore } from '../operations/operation.store.js';
import { HANDSHAKE_EXTENSIONS, type HandshakeExtension } from '../orchestration/handshake-extension.js';
import { OperationQueue } from '../jobs/operation-queue.js';
import { isTwoSided, type Peering, toPeeringView } from './peering.js';
import { type PeeringChange } from './peering-change.js';
import { ensureMutable } from './peering-state.js';
import { PeeringTransitions } from './peering-transitions.js';
import { CreatePeeringDto, ListPeeringsQuery, UpdatePeeringDto } from './peering.dto.js';
import { PeeringStore } from './peering.store.js';
import { ipsecOptionRules } from '../products/ontap/security/ipsec-plan.js';

/** ONTAP peer names follow cluster-name rules: they also start with a letter, and are shorter. */
const ONTAP_NAME = /^[a-z][a-z0-9-]{0,43}$/;

function expiryRules(expiry: string, field: string): FieldError[] {
  const ms = parseIsoDuration(expiry);
  if (ms === null) return [{ field, message: 'must be an ISO 8601 duration such as P1D, PT12H or P1W' }];
  if (ms > SEVEN_DAYS_MS) return [{ field, message: 'must be at most 7 days (ONTAP 4655058)' }];
  if (ms <= 0) return [{ field, message: 'must be longer than zero' }];
  return [];
}

function invalid(errors: FieldError[]): GatewayError {
  return new GatewayError('validation_failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
}

@Injectable()
export class PeeringsService {
  constructor(
    private readonly store: PeeringStore,
    private readonly clusters: ClusterStore,
    private readonly operations: OperationStore,
    private readonly transitions: PeeringTransitions,
    private readonly queue: OperationQueue,
    @Inject(HANDSHAKE_EXTENSIONS) private readonly extensions: HandshakeExtension[],
  ) {}

  /** Checks everything that can be checked before any write or call, then records and enqueues. */
  async create(input: CreatePeeringDto): Promise<Peering> {
    const { local, remote } = await this.resolveClusters(input);
    const errors = this.productRules(input, local, remote);
    if (errors.length) throw invalid(errors);

    const now = nowIso();
    const id = newId('pr');
    const operation = this.newOperation('create', id, now);
    const peering: Peering = {
      id,
      name: input.name,
      product: local.product,
      local: { cluster: local.id },
      remote: input.remote.cluster ? { cluster: input.remote.cluster } : { external: { ...input.remote.external } },
      ontap: local.product === 'ontap' ? { ...input.ontap, encryption: input.ontap?.encryption ?? 'tls_psk' } : undefined,
      consul: local.product === 'consul' && input.consul ? { ...input.consul } : undefined,
      labels: input.labels ?? {},
      owner: input.owner,
      state: 'PENDING',
      stateReason: null,
      sides: { local: { nativeId: null, nativeState: null }, remote: input.remote.cluster ? { nativeId: null, nativeState: null } : null },
      lastError: null,
      operationId: operation.id,
      createdAt: now,
      updatedAt: now,
    };
    for (const extension of this.extensions) await extension.precheck?.(peering, { local, remote: remote ?? undefined });
    await this.store.create(peering, operation);
    await this.queue.enqueue(operation.id);
    return toPeeringView(peering);
  }

  async get(id: string): Promise<Peering> {
    return toPeeringView(await this.store.require(id));
  }

  async list(query: ListPeeringsQuery): Promise<{ items: Peering[]; nextCursor: string | null }> {
    const page = await this.store.list(query.limit ?? 50, query.cursor, { product: query.product, state: query.state, cluster: query.cluster });
    return { items: page.items.map(toPeeringView), nextCursor: page.nextCursor };
  }

  /**
   * Labels and owner change at once; changes on the clusters (rotation, encryption, addresses)
   * become an update operation. Everything is checked before anything is written.
   */
  async update(id: string, input: UpdatePeeringDto): Promise<Peering> {
    const current = await this.store.require(id);
    ensureMutable(current.state, id);
    const errors: FieldError[] = [];
    const change: PeeringChange = {};
    let ontap = current.ontap;
    if (input.consul && current.product !== 'consul') errors.push({ field: 'consul', message: 'is only for Consul peerings' });
    if (input.ontap && current.product !== 'ontap') errors.push({ field: 'ontap', message: 'is only for ONTAP peerings' });
    if (input.consul?.rotateToken) change.rotateSecret = true;
    if (input.ontap && current.product === 'ontap') {
      const { rotatePassphrase, encryption, passphraseExpiry, remoteAddresses } = input.ontap;
      if (passphraseExpiry !== undefined) errors.push(...expiryRules(passphraseExpiry, 'ontap.passphraseExpiry'));
      if (remoteAddresses && isTwoSided(current)) {
        errors.push({ field: 'ontap.remoteAddresses', message: "is only for external peers: a managed cluster's addresses come from its registration" });
      }
      if (rotatePassphrase || (encryption && encryption !== current.ontap?.encryption)) change.rotateSecret = true;
      if (remoteAddresses) change.remoteAddresses = remoteAddresses;
      ontap = { ...current.ontap!, encryption: encryption ?? current.ontap!.encryption, passphraseExpiry: passphraseExpiry ?? current.ontap?.passphraseExpiry };
    }
    if (errors.length) throw invalid(errors);

    const updated = await this.store.update(id, (p) => ({
      ...p,
      labels: input.labels ?? p.labels,
      owner: input.owner ?? p.owner,
      ontap,
      remote: change.remoteAddresses && p.remote.external ? { external: { ...p.remote.external, addresses: change.remoteAddresses } } : p.remote,
      updatedAt: nowIso(),
    }));
    if (!change.rotateSecret && !change.remoteAddresses) return toPeeringView(updated);
    return toPeeringView(await this.startOperation(updated, 'update', updated.state === 'FAILED' ? 'ESTABLISHING' : updated.state, change));
  }

  /** Reads the clusters now and repairs what drifted (a side deleted by hand, a terminated peer). */
  async sync(id: string): Promise<Peering> {
    const current = await this.store.require(id);
    ensureMutable(current.state, id);
    return toPeeringView(await this.startOperation(current, 'sync', current.state === 'FAILED' ? 'ESTABLISHING' : current.state));
  }

  /** Starts the delete; deleting something already deleting or deleted answers as it stands. */
  async remove(id: string): Promise<Peering> {
    const current = await this.store.require(id);
    if (current.state === 'DELETING' || current.state === 'DELETED') return toPeeringView(current);
    return toPeeringView(await this.startOperation(current, 'delete', 'DELETING'));
  }

  /** Records a new operation, makes it the peering's latest (older ones stop), and enqueues it. */
  private async startOperation(current: Peering, type: OperationType, state: Peering['state'], input?: PeeringChange): Promise<Peering> {
    const operation = { ...this.newOperation(type, current.id, nowIso()), input: input as Record<string, unknown> | undefined };
    await this.operations.createQueued(operation);
    const moved = await this.transitions.move(current.id, state, { operationId: operation.id, reason: `${type} requested` });
    if (state === 'DELETING') await this.store.releaseLocks(moved);
    await this.queue.enqueue(operation.id);
    return moved;
  }

  private newOperation(type: OperationType, peeringId: string, now: string): Operation {
    return { id: newId('op'), type, peeringId, status: 'queued', attempts: 0, steps: [], lastError: null, nextAttemptAt: null, createdAt: now, updatedAt: now };
  }

  private async resolveClusters(input: CreatePeeringDto): Promise<{ local: Cluster; remote: Cluster | null }> {
    const errors: FieldError[] = [];
    const hasCluster = input.remote.cluster !== undefined;
    const hasExternal = input.remote.external !== undefined;
    if (hasCluster === hasExternal) errors.push({ field: 'remote', message: 'must have exactly one of cluster or external' });
    if (hasCluster && input.remote.cluster === input.local.cluster)
      errors.push({ field: 'remote.cluster', message: 'must differ from local.cluster: a cluster does not peer with itself' });
    const [local, remote] = await Promise.all([this.clusters.get(input.local.cluster), hasCluster ? this.clusters.get(input.remote.cluster!) : null]);
    if (!local) errors.push({ field: 'local.cluster', message: `cluster '${input.local.cluster}' is not registered` });
    if (hasCluster && !remote) errors.push({ field: 'remote.cluster', message: `cluster '${input.remote.cluster}' is not registered` });
    if (local && remote && local.product !== remote.product) {
      errors.push({ field: 'remote.cluster', message: `must be of the same product as local.cluster (${local.product}), not ${remote.product}` });
    }
    if (errors.length) throw invalid(errors);
    return { local: local!, remote };
  }

  private productRules(input: CreatePeeringDto, local: Cluster, remote: Cluster | null): FieldError[] {
    const errors: FieldError[] = [];
    const external = input.remote.external;
    if (local.product === 'consul') {
      if (input.ontap) errors.push({ field: 'ontap', message: 'is only for ONTAP peerings' });
      if (external?.addresses) errors.push({ field: 'remote.external.addresses', message: 'is only for ONTAP: a Consul token carries the server addresses' });
      return errors;
    }
    if (input.consul) errors.push({ field: 'consul', message: 'is only for Consul peerings' });
    if (!ONTAP_NAME.test(input.name))
      errors.push({ field: 'name', message: 'must follow ONTAP cluster-name rules: start with a letter, at most 44 characters' });
    if (input.name === local.id || input.name === remote?.id) errors.push({ field: 'name', message: 'must differ from the cluster names (ONTAP 4656071)' });
    if (input.ontap?.passphraseExpiry !== undefined) errors.push(...expiryRules(input.ontap.passphraseExpiry, 'ontap.passphraseExpiry'));
    if (external?.secret && !external.addresses) {
      errors.push({ field: 'remote.external.addresses', message: 'is required with a passphrase: ONTAP needs the remote addresses to accept (4656069)' });
    }
    const lifs = input.ontap?.localNetwork;
    if (lifs) {
      if (lifs.interfaces.length === 0)
        errors.push({ field: 'ontap.localNetwork.interfaces', message: 'must list at least one local IP address (ONTAP 4656085)' });
      if (!lifs.netmask) errors.push({ field: 'ontap.localNetwork.netmask', message: 'is required to create intercluster LIFs (ONTAP 4656091)' });
      if (!lifs.broadcastDomain)
        errors.push({ field: 'ontap.localNetwork.broadcastDomain', message: 'is required to create intercluster LIFs (ONTAP 4656086)' });
      if (!lifs.gateway) errors.push({ field: 'ontap.localNetwork.gateway', message: 'is required to create intercluster LIFs (ONTAP 4656096)' });
    }
    if (input.ontap?.ipsec) errors.push(...ipsecOptionRules(input.ontap.ipsec, remote !== null));
    return errors;
  }
}
