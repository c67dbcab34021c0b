import { Inject, Injectable } from '@nestjs/common';
import { Caller } from '../domain/access.js';
import type { CreateRequest } from '../products/product-plugin.js';
import { ProductRegistry } from '../products/product-registry.js';
import { productIds } from '../products/index.js';
import { type Cluster } from '../domain/cluster.js';
import { ClusterStore } from '../stores/cluster.store.js';
import { newId } from '../common/ids.js';
import { type FieldError, GatewayError } from '../common/problem.js';
import { nowIso } from '../common/time.js';
import { type Operation, type OperationType } from '../domain/operation.js';
import { OperationStore } from '../stores/operation.store.js';
import { OperationQueue } from '../queues/operation-queue.js';
import { isTwoSided, type Peering, teamOf, toPeeringView } from '../domain/peering.js';
import { type PeeringChange } from '../domain/peering-change.js';
import { ensureMutable } from '../domain/peering-state.js';
import { PeeringTransitions } from '../stores/peering-transitions.js';
import { CreatePeeringDto, ListPeeringsQuery, UpdatePeeringDto } from './peering.dto.js';
import { LockedError, PeeringStore } from '../stores/peering.store.js';
import { computeConditions, summaryReason } from '../domain/condition.js';
import { APPROVAL_CODES, approvalFor } from '../domain/approval-policy.js';
import { DomainEvents } from '../domain/domain-events.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { problem } from '../common/problem.js';
import { RenderedViews } from './rendered-views.js';

function invalid(errors: FieldError[]): GatewayError {
  return new GatewayError('validation_failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
}

/** A create as the use case takes it: the validated request, who asks, and the hash of their Idempotency-Key (IdempotencyService.keyHash). */
export interface CreatePeeringCommand {
  input: CreatePeeringDto;
  caller?: Caller;
  idempotencyKeyHash?: string;
}

@Injectable()
export class PeeringsService {
  private readonly views = new RenderedViews();

  constructor(
    private readonly store: PeeringStore,
    private readonly clusters: ClusterStore,
    private readonly operations: OperationStore,
    private readonly transitions: PeeringTransitions,
    private readonly queue: OperationQueue,
    private readonly products: ProductRegistry,
    private readonly events: DomainEvents,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** Checks everything that can be checked before any write or call, then records and enqueues. */
  async create({ input, caller = Caller.system(), idempotencyKeyHash }: CreatePeeringCommand): Promise<Peering> {
    const now = nowIso();
    const id = newId('pr');
    const team = caller.teamFor(requestedTeam(input));
    const operation = { ...this.newOperation('create', id, now, team, caller), ...(idempotencyKeyHash && { idempotencyKeyHash }) };
    const { peering, local, remote, extensions, plugin } = await this.draft(input, caller, id, now, operation.id);
    for (const extension of extensions) await extension.precheck?.(peering, { local, remote: remote ?? undefined });
    const approval = peering.approval;
    if (approval) operation.nextAttemptAt = approval.expiresAt;
    try {
      await this.store.create(peering, operation, plugin.extraLocks?.(peering) ?? []);
    } catch (err) {
      const earlier = err instanceof LockedError && idempotencyKeyHash ? await this.createdWith(err.holder, idempotencyKeyHash) : null;
      if (earlier) return toPeeringView(earlier);
      throw err;
    }
    await this.transitions.created(peering);
    if (approval) {
      await this.events.emit({ kind: 'peering.approval', decision: 'requested', peering, operationId: operation.id, actor: caller.ref });
      await this.queue.enqueue(operation.id, Date.parse(approval.expiresAt) - Date.now());
    } else await this.queue.enqueue(operation.id);
    return toPeeringView(peering);
  }

  /**
   * The peering a create would record, after every check that needs no cluster call (the same for a
   * dry run): clusters, teams, the product's rules and its approval. Nothing is written.
   */
  async draft(input: CreatePeeringDto, caller: Caller, id: string, now: string, operationId: string) {
    const team = caller.teamFor(requestedTeam(input));
    const { local, remote } = await this.resolveClusters(input);
    for (const cluster of [local, remote]) {
      if (cluster?.allowedTeams && !cluster.allowedTeams.includes(team)) {
        throw new GatewayError('forbidden', `cluster '${cluster.id}' is not open to team '${team}' (allowedTeams: ${cluster.allowedTeams.join(', ')})`);
      }
    }
    const { plugin, extensions } = this.products.for(local.product);
    const request: CreateRequest = { name: input.name, local, remote, external: input.remote.external, options: productOptions(input) };
    const errors = [...this.otherProductsOptions(request.options, local.product), ...plugin.createRules(request)];
    if (errors.length) throw invalid(errors);

    const peering: Peering = {
      id,
      name: input.name,
      product: local.product,
      local: { cluster: local.id },
      remote: input.remote.cluster ? { cluster: input.remote.cluster } : { external: { ...input.remote.external } },
      [local.product]: plugin.peeringOptions(request),
      labels: input.labels ?? {},
      team,
      state: 'PENDING',
      stateReason: null,
      sides: { local: { nativeId: null, nativeState: null }, remote: input.remote.cluster ? { nativeId: null, nativeState: null } : null },
      lastError: null,
      operationId,
      createdAt: now,
      updatedAt: now,
    };
    // Nothing goes to a cluster before the approval: the operation waits, delayed to the approval's expiry (src/approvals/).
    const approval = approvalFor([local, remote], team, caller.ref, new Date(now), this.config.approvalTtlMs);
    if (approval) Object.assign(peering, { state: 'AWAITING_APPROVAL', approval });
    dateConditions(peering, now);
    return { peering, local, remote, plugin, extensions, approval };
  }

  async get(id: string, caller = Caller.system()): Promise<Peering> {
    return toPeeringView(await this.require(id, caller));
  }

  /** What `get` answers, as JSON text: the API's read of one peering (see RenderedViews). */
  async getRendered(id: string, caller: Caller): Promise<string> {
    const stored = await this.store.readStored(id);
    if (stored === null) throw GatewayError.notFound('peering', id);
    const view = this.views.render(id, stored);
    this.admit(caller, id, view.team);
    return view.json;
  }

  /** The peering, or 404 when it does not exist or belongs to a team the caller does not see. */
  private async require(id: string, caller: Caller): Promise<Peering> {
    const peering = await this.store.require(id);
    this.admit(caller, id, teamOf(peering));
    return peering;
  }

  /** Another team's peering reads as absent to a caller who does not see that team; the caller's audit names the team. */
  private admit(caller: Caller, id: string, team: string): void {
    if (!caller.sees(team)) throw caller.notFound('peering', id);
    caller.targetTeam = team;
  }

  async list(query: ListPeeringsQuery, caller = Caller.system()): Promise<{ items: Peering[]; nextCursor: string | null }> {
    const filter = { team: caller.listTeam(query.team), product: query.product, state: query.state, cluster: query.cluster };
    const page = await this.store.list(query.limit ?? 50, query.cursor, filter);
    return { items: page.items.map(toPeeringView), nextCursor: page.nextCursor };
  }

  /**
   * Labels and team change at once (another team: admins only); changes on the clusters (rotation, encryption, addresses)
   * become an update operation. Everything is checked before anything is written.
   */
  async update(id: string, input: UpdatePeeringDto, caller = Caller.system()): Promise<Peering> {
    const { current, team, plan, change } = await this.checkUpdate(id, input, caller);

    const updated = await this.store.update(id, (p) => ({
      ...p,
      labels: input.labels ?? p.labels,
      team,
      ...(plan.options !== undefined ? { [p.product]: plan.options } : {}),
      remote: change.remoteAddresses && p.remote.external ? { external: { ...p.remote.external, addresses: change.remoteAddresses } } : p.remote,
      updatedAt: nowIso(),
    }));
    if (team !== teamOf(current)) await this.store.moveTeam(id, teamOf(current), team);
    if (!change.rotateSecret && !change.remoteAddresses && !change.reconcileParts) return toPeeringView(updated);
    return toPeeringView(await this.startOperation(updated, 'update', updated.state === 'FAILED' ? 'ESTABLISHING' : updated.state, change, caller));
  }

  /** Every check of an update, the same for a dry run: reads only (the parts' pre-checks read the clusters), nothing is written. */
  async checkUpdate(id: string, input: UpdatePeeringDto, caller: Caller) {
    const current = await this.require(id, caller);
    ensureMutable(current.state, id);
    const asked = requestedTeam(input);
    const team = asked === undefined ? teamOf(current) : caller.teamFor(asked);
    if (team !== teamOf(current)) await this.ensureOpenTo(current, team);
    const options = productOptions(input);
    const plan = this.products.for(current.product).plugin.planUpdate({ peering: current, options });
    const errors = [...this.otherProductsOptions(options, current.product), ...plan.errors];
    if (errors.length) throw invalid(errors);
    const change: PeeringChange = {};
    if (plan.rotateSecret) change.rotateSecret = true;
    if (plan.remoteAddresses) change.remoteAddresses = plan.remoteAddresses;
    if (plan.reconcileParts) {
      change.reconcileParts = true;
      await this.precheckUpdate({ ...current, [current.product]: plan.options });
    }
    return { current, team, plan, change };
  }

  /** The peering of a delete (the same for a dry run): 404 for another team's. */
  async checkRemove(id: string, caller: Caller): Promise<Peering> {
    return this.require(id, caller);
  }

  /** Reads the clusters now and repairs what drifted (a side deleted by hand, a terminated peer). */
  async sync(id: string, caller = Caller.system()): Promise<Peering> {
    const current = await this.require(id, caller);
    await this.ensureNotSpentAccept(current);
    ensureMutable(current.state, id);
    return toPeeringView(await this.startOperation(current, 'sync', current.state === 'FAILED' ? 'ESTABLISHING' : current.state, undefined, caller));
  }

  /**
   * Runs the handshake of a FAILED peering again, adopting whatever exists on the clusters: the
   * way out of FAILED once the cause is fixed (a cluster's ACL, peering switched on, a route).
   */
  async retry(id: string, caller = Caller.system()): Promise<Peering> {
    const current = await this.require(id, caller);
    if (current.state !== 'FAILED') {
      throw new GatewayError('conflict', `peering ${id} is ${current.state}: only a FAILED peering can be retried (POST .../sync repairs a live one)`);
    }
    await this.ensureNotSpentAccept(current);
    if (current.approval && APPROVAL_CODES.some((code) => current.lastError?.code === code)) return toPeeringView(await this.askAgain(current, caller));
    return toPeeringView(await this.startOperation(current, 'retry', 'ESTABLISHING', undefined, caller));
  }

  /** A rejected or expired request asks for its approvals again, from whoever retries it. */
  private async askAgain(current: Peering, caller: Caller): Promise<Peering> {
    const clusters = await Promise.all(this.store.managedClusters(current).map((id) => this.clusters.get(id)));
    const approval = approvalFor(clusters, teamOf(current), caller.ref, new Date(), this.config.approvalTtlMs);
    if (!approval) return this.startOperation(current, 'retry', 'ESTABLISHING', undefined, caller);
    const operation = { ...this.newOperation('retry', current.id, nowIso(), teamOf(current), caller), nextAttemptAt: approval.expiresAt };
    await this.operations.createQueued(operation);
    const moved = await this.transitions.move(current.id, 'AWAITING_APPROVAL', { operationId: operation.id, lastError: null, change: () => ({ approval }) });
    await this.events.emit({ kind: 'peering.approval', decision: 'requested', peering: moved, operationId: operation.id, actor: caller.ref });
    await this.queue.enqueue(operation.id, Date.parse(approval.expiresAt) - Date.now());
    return moved;
  }

  /**
   * A one-sided accept that failed for good dropped the far side's secret (secrets are not kept
   * once they cannot be used): running it again would make an offer instead. The caller needs a
   * new secret, so a new peering, and is told so.
   */
  private async ensureNotSpentAccept(peering: Peering): Promise<void> {
    const external = peering.remote.external;
    if (!external || external.secret || peering.state !== 'FAILED') return;
    const last = await this.operations.get(peering.operationId);
    if (last?.steps.some((step) => step.name === 'accept')) {
      throw new GatewayError(
        'conflict',
        `peering ${peering.id} accepted the far side's secret and failed for good; the secret is not kept: delete it and ask again with a new secret (remote.external.secret)`,
      );
    }
  }

  /** Starts the delete; deleting something already deleting or deleted answers as it stands. */
  async remove(id: string, caller = Caller.system()): Promise<Peering> {
    const current = await this.require(id, caller);
    if (current.state === 'DELETING' || current.state === 'DELETED') return toPeeringView(current);
    if (current.state === 'AWAITING_APPROVAL') return toPeeringView(await this.endUnapproved(current, caller));
    return toPeeringView(await this.startOperation(current, 'delete', 'DELETING', undefined, caller));
  }

  /** Nothing was sent to any cluster: the delete ends at once, with no cluster call. */
  private async endUnapproved(current: Peering, caller: Caller): Promise<Peering> {
    const now = nowIso();
    const operation: Operation = {
      ...this.newOperation('delete', current.id, now, teamOf(current), caller),
      status: 'succeeded',
      steps: [{ name: 'cancel-approval', status: 'succeeded', startedAt: now, finishedAt: now, detail: 'nothing was sent to any cluster' }],
    };
    await this.operations.createQueued(operation);
    await this.operations.update(current.operationId, (o) => {
      if (o.status === 'succeeded' || o.status === 'failed') return;
      o.status = 'failed';
      o.nextAttemptAt = null;
      o.lastError = problem('superseded', `the peering was deleted before its approval (operation ${operation.id})`);
    });
    await this.operations.clearOutbox(operation.id);
    const deleting = await this.transitions.move(current.id, 'DELETING', { operationId: operation.id, reason: 'deleted while awaiting approval' });
    await this.store.releaseLocks(
      deleting,
      (this.products.for(deleting.product).plugin.extraLocks?.(deleting) ?? []).map((l) => l.name),
    );
    const gone = { nativeId: null, nativeState: null };
    const deleted = await this.transitions.move(current.id, 'DELETED', { sides: { local: gone, remote: isTwoSided(current) ? gone : null } });
    await this.store.retire(deleted, this.config.tombstoneTtlSeconds);
    return deleted;
  }

  /** Records a new operation, makes it the peering's latest (older ones stop), and enqueues it. */
  async startOperation(current: Peering, type: OperationType, state: Peering['state'], input: PeeringChange | undefined, caller: Caller): Promise<Peering> {
    const operation = { ...this.newOperation(type, current.id, nowIso(), teamOf(current), caller), input: input as Record<string, unknown> | undefined };
    await this.operations.createQueued(operation);
    const moved = await this.transitions.move(current.id, state, { operationId: operation.id, reason: `${type} requested` });
    if (state === 'DELETING')
      await this.store.releaseLocks(
        moved,
        (this.products.for(moved.product).plugin.extraLocks?.(moved) ?? []).map((l) => l.name),
      );
    await this.queue.enqueue(operation.id);
    return moved;
  }

  private newOperation(type: OperationType, peeringId: string, now: string, team: string, caller: Caller): Operation {
    const requestId = caller.requestId ?? undefined;
    return {
      id: newId('op'),
      type,
      peeringId,
      status: 'queued',
      attempts: 0,
      steps: [],
      lastError: null,
      nextAttemptAt: null,
      team,
      startedBy: caller.ref,
      ...(requestId !== undefined && { requestId }),
      createdAt: now,
      updatedAt: now,
    };
  }

  /** The products' checks of changed parts (an SVM that does not exist...), before anything is written. */
  private async precheckUpdate(next: Peering): Promise<void> {
    const extensions = this.products.for(next.product).extensions.filter((e) => e.precheckUpdate);
    if (!extensions.length) return;
    const [local, remote] = await Promise.all(this.store.managedClusters(next).map((id) => this.clusters.get(id)));
    if (!local) throw new GatewayError('not_found', `cluster '${next.local.cluster}' is no longer registered`);
    for (const extension of extensions) await extension.precheckUpdate!(next, { local, remote: remote ?? undefined });
  }

  /** A peering may move only to a team that may use both its clusters. */
  private async ensureOpenTo(peering: Peering, team: string): Promise<void> {
    for (const id of this.store.managedClusters(peering)) {
      const cluster = await this.clusters.get(id);
      if (cluster?.allowedTeams && !cluster.allowedTeams.includes(team)) {
        throw new GatewayError('forbidden', `cluster '${id}' is not open to team '${team}' (allowedTeams: ${cluster.allowedTeams.join(', ')})`);
      }
    }
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

  /**
   * The peering that holds a lock, when this same request (caller and Idempotency-Key) created
   * it: its first answer was lost (e.g. a Redis failover between the write and the answer) and
   * the idempotency record with it, so the retry answers with that peering instead of a 409.
   */
  private async createdWith(holderId: string, idempotencyKeyHash: string): Promise<Peering | null> {
    const holder = await this.store.get(holderId);
    if (!holder) return null;
    const operation = await this.operations.get(holder.operationId);
    return operation?.type === 'create' && operation.idempotencyKeyHash === idempotencyKeyHash ? holder : null;
  }

  /** A product's option block on a peering of another product is a mistake worth naming. */
  private otherProductsOptions(options: Record<string, unknown>, product: string): FieldError[] {
    return Object.keys(options)
      .filter((id) => id !== product)
      .map((id) => ({ field: id, message: `is only for ${this.products.for(id).plugin.title} peerings` }));
  }
}

/** A new record's first conditions, and its reason as their summary. */
function dateConditions(peering: Peering, now: string): void {
  peering.stateReason = summaryReason(peering.state, computeConditions(peering, undefined, now), peering.stateReason);
  peering.conditions = computeConditions(peering, undefined, now);
}

/** `team`, or `owner` (its deprecated alias); both must agree when both are sent. */
function requestedTeam(input: { team?: string; owner?: string }): string | undefined {
  if (input.team !== undefined && input.owner !== undefined && input.team !== input.owner) {
    throw GatewayError.validation('owner', 'is a deprecated alias of team: send team alone, or the same value in both');
  }
  return input.team ?? input.owner;
}

/** The body's product option blocks, by registered product id. */
function productOptions(input: object): Record<string, unknown> {
  const body = input as Record<string, unknown>;
  return Object.fromEntries(productIds().flatMap((id) => (body[id] !== undefined ? [[id, body[id]]] : [])));
}
