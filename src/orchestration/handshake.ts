import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ProductRegistry } from '../products/product-registry.js';
import { type NativeSide, type PeeringAdapter, type SideContext, UpstreamError, type WaitingFor } from '../products/port.js';
import { type Cluster } from '../domain/cluster.js';
import { ClusterStore } from '../stores/cluster.store.js';
import { bindContext } from '../common/request-context.js';
import { LOGGER } from '../common/logger.js';
import { GatewayError } from '../common/problem.js';
import { sleep } from '../common/time.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { OperationStore } from '../stores/operation.store.js';
import { isTwoSided, type Peering, type SideStatus } from '../domain/peering.js';
import { type PeeringChange } from '../domain/peering-change.js';
import { PeeringTransitions } from '../stores/peering-transitions.js';
import { PeeringStore } from '../stores/peering.store.js';
import type { PeeringClusters } from '../products/handshake-extension.js';
import { decideAfterFailure } from './failure-policy.js';
import { OperationRun } from './operation-run.js';
import { conditionsOf } from './observation.js';
import type { ReportedCondition } from '../domain/condition.js';
import { EXPONENTIAL_ROUTE_RETRY, isKind, NotYetError, retryThroughRouteWindow, ROUTE_RETRY, type RouteRetrySchedule, type RouteWindow } from './retry.js';

interface Sides {
  local: SideContext;
  remote?: SideContext;
}

/** How long a one-sided offer's secret can be read back (once). */
const OFFER_SECRET_TTL_SECONDS = 7 * 24 * 3600;

/**
 * The handshake, written once for both products: inspect what exists, adopt it or clear what
 * cannot be adopted, offer, accept, and read both sides until healthy; or remove both sides and
 * follow the removal to the end. Every step is safe to run again after a crash.
 */
@Injectable()
export class Handshake {
  private readonly routeRetry: RouteRetrySchedule;

  constructor(
    private readonly products: ProductRegistry,
    private readonly clusters: ClusterStore,
    private readonly peerings: PeeringStore,
    private readonly transitions: PeeringTransitions,
    private readonly operations: OperationStore,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.routeRetry = config.routeRetry === 'exponential' ? EXPONENTIAL_ROUTE_RETRY : ROUTE_RETRY;
  }

  async establish(run: OperationRun): Promise<void> {
    const peering = await run.peering();
    if (run.operation.type === 'sync' && (await this.judgeAsItStands(run, peering))) return;
    if (peering.state !== 'ESTABLISHING')
      await this.transitions.move(peering.id, 'ESTABLISHING', { reason: `operation ${run.operation.type}`, by: run.operation });
    const sides = await this.sides(run, peering);
    const adapter = this.products.adapter(peering.product);
    if (!sides.remote) return this.establishOneSided(run, adapter, sides.local);
    const remoteSide = sides.remote;

    let [local, remote] = await run.step('inspect', () => Promise.all([adapter.find(sides.local), adapter.find(remoteSide)]), describeSides);
    await this.recordSides(peering.id, local, remote);
    local = await this.clearUnusable(run, adapter, sides.local, local);
    remote = await this.clearUnusable(run, adapter, remoteSide, remote);
    if (!local && remote) {
      // The accepting side exists without the offer that made it: it cannot be paired again
      // without a new secret, so it goes, and the handshake starts clean.
      await run.step('remove-orphan', () => this.removeAndAwait(run, adapter, remoteSide, remote!));
      remote = null;
    }
    if (!remote) await run.step('handshake', () => this.offerAndAccept(run, adapter, sides.local, remoteSide, local));
    else
      await run.step(
        'adopt',
        async () => undefined,
        () => 'both sides exist: adopted',
      );

    // A pair just made is not active at once (its stream has yet to open): its first read waits.
    await this.settle(run, adapter, [sides.local, remoteSide], { justPaired: !remote });
  }

  /**
   * A sync of a settled peering reads before it acts: a pair whose records all stand is judged
   * where it is (ACTIVE, or DEGRADED with its conditions at once); only a record that is missing,
   * being deleted or terminated makes it establish again (false).
   */
  private async judgeAsItStands(run: OperationRun, peering: Peering): Promise<boolean> {
    if (peering.state !== 'ACTIVE' && peering.state !== 'DEGRADED') return false;
    const sides = await this.sides(run, peering);
    const adapter = this.products.adapter(peering.product);
    const contexts = sides.remote ? [sides.local, sides.remote] : [sides.local];
    const natives = await run.step('inspect', () => Promise.all(contexts.map((s) => adapter.find(s))), describeSides);
    if (natives.some((n) => !n || n.health === 'deleting' || n.health === 'terminated')) return false;
    if (natives.every((n) => n!.health === 'active')) {
      await this.settle(run, adapter, contexts);
      return true;
    }
    const [local, remote] = natives;
    await this.transitions.move(peering.id, 'DEGRADED', {
      by: run.operation,
      sides: { local: status(local), ...(sides.remote ? { remote: status(remote ?? null) } : {}) },
      observed: conditionsOf(
        contexts.map((s) => s.cluster.id),
        natives,
      ),
    });
    return true;
  }

  /**
   * Changes an established pair in place: new remote addresses, and a renewed secret offered on
   * the local side and confirmed on the remote one. A pair that is no longer whole is repaired by
   * establishing it again instead.
   */
  async update(run: OperationRun): Promise<void> {
    const peering = await run.peering();
    const change = (run.operation.input ?? {}) as PeeringChange;
    const sides = await this.sides(run, peering);
    const adapter = this.products.adapter(peering.product);
    const contexts = sides.remote ? [sides.local, sides.remote] : [sides.local];
    const natives = await run.step('inspect', () => Promise.all(contexts.map((s) => adapter.find(s))), describeSides);
    if (natives.some((n) => !n || n.health === 'deleting' || n.health === 'terminated')) return this.establish(run);
    const [local, remote] = natives as NativeSide[];

    if (change.remoteAddresses && adapter.retarget) {
      await run.step('retarget', () => this.persist(run, adapter, sides.local, () => adapter.retarget!(sides.local, local, change.remoteAddresses!)));
    }
    if (change.rotateSecret) {
      const offer = await run.step('renew-secret', () => adapter.offer(sides.local, local));
      if (sides.remote)
        await run.step('confirm-secret', () => this.persist(run, adapter, sides.remote!, () => adapter.confirm(sides.remote!, remote, offer.secret)));
      else await this.operations.keepSecretOnce(run.operation.id, { value: offer.secret, expiresAt: offer.expiresAt }, OFFER_SECRET_TTL_SECONDS);
      await this.transitions.secretRotated(peering.id, run.operation.id);
    }
    await this.settle(run, adapter, contexts, { awaitingExternal: !sides.remote && Boolean(change.rotateSecret) });
  }

  /**
   * Waits for the sides to be healthy and marks the peering ACTIVE. A one-sided offer waits for a
   * party the gateway does not drive: the operation is done when the offer stands, and a sync
   * (or the reconciler) sees the peering become active later.
   * `justPaired`: the pair was made by this run, so its first read waits (its stream has yet to open).
   */
  private async settle(
    run: OperationRun,
    adapter: PeeringAdapter,
    contexts: SideContext[],
    { awaitingExternal = false, justPaired = false }: { awaitingExternal?: boolean; justPaired?: boolean } = {},
  ): Promise<void> {
    const id = contexts[0].peering.id;
    const waitMs = awaitingExternal ? Math.min(this.config.establishTimeoutMs, 2_000) : this.config.establishTimeoutMs;
    try {
      const natives = await run.step('await-active', () => this.awaitHealthy(run, adapter, contexts, waitMs, justPaired));
      const [local, remote] = natives;
      const clusters = { local: contexts[0].cluster, remote: contexts[1]?.cluster };
      for (const extension of this.products.for(contexts[0].peering.product).extensions)
        await extension.afterEstablished?.(run, contexts[0].peering, clusters, natives);
      await this.transitions.move(id, 'ACTIVE', {
        by: run.operation,
        sides: { local: status(local), ...(remote ? { remote: status(remote) } : {}) },
        lastError: null,
        reason: null,
      });
    } catch (err) {
      if (!awaitingExternal || !(err instanceof NotYetError)) throw err;
      await this.transitions.move(id, 'ESTABLISHING', { reason: 'waiting for the remote side to accept the offer', by: run.operation });
    }
  }

  async teardown(run: OperationRun): Promise<void> {
    const peering = await run.peering();
    // A peering being deleted accepts nothing any more: an external secret still kept goes now.
    await this.forgetExternalSecret(peering.id);
    const sides = await this.sides(run, peering);
    const adapter = this.products.adapter(peering.product);
    const contexts = sides.remote ? [sides.local, sides.remote] : [sides.local];
    const clusters: PeeringClusters = { local: sides.local.cluster, remote: sides.remote?.cluster };
    for (const extension of this.products.for(peering.product).extensions) await extension.beforeTeardown?.(run, peering, clusters);
    const natives = await run.step('inspect', () => Promise.all(contexts.map((s) => adapter.find(s))), describeSides);
    await run.step('remove', () =>
      Promise.all(contexts.map((side, i) => (natives[i] && natives[i]!.health !== 'deleting' ? adapter.remove(side, natives[i]!) : undefined))),
    );
    await run.step('await-removed', async () => {
      const deadline = Date.now() + this.config.removalTimeoutMs;
      const gone = await Promise.all(contexts.map((side, i) => (natives[i] ? adapter.awaitRemoved(side, natives[i]!, deadline, run.signal) : true)));
      const left = contexts.filter((_, i) => !gone[i]).map((s) => s.cluster.id);
      if (left.length) throw new NotYetError(`still being deleted on ${left.join(', ')}`, undefined, 'removal');
    });
    const gone = { nativeId: null, nativeState: null };
    const deleted = await this.transitions.move(peering.id, 'DELETED', {
      sides: { local: gone, remote: sides.remote ? gone : null },
      lastError: null,
      by: run.operation,
    });
    await this.peerings.retire(deleted, this.config.tombstoneTtlSeconds);
  }

  private async establishOneSided(run: OperationRun, adapter: PeeringAdapter, local: SideContext): Promise<void> {
    const peering = local.peering;
    const secret = peering.remote.external?.secret;
    const existing = await run.step(
      'inspect',
      () => adapter.find(local),
      (n) => n?.nativeState ?? 'absent',
    );
    const usable = await this.clearUnusable(run, adapter, local, existing);
    if (secret) {
      if (!usable || usable.health === 'pending') {
        try {
          await run.step('accept', () => this.persist(run, adapter, local, () => adapter.accept(local, secret)));
        } catch (err) {
          // Failed for good: the secret will not be used again, so it is not kept either.
          if (this.failsForGood(err, run)) await this.forgetExternalSecret(peering.id);
          throw err;
        }
      }
      await this.forgetExternalSecret(peering.id);
    } else if (!usable || usable.health === 'pending') {
      const offer = await run.step('offer', () => this.persist(run, adapter, local, () => adapter.offer(local, usable)));
      await this.operations.keepSecretOnce(run.operation.id, { value: offer.secret, expiresAt: offer.expiresAt }, OFFER_SECRET_TTL_SECONDS);
    }
    await this.settle(run, adapter, [local], { awaitingExternal: !secret });
  }

  private async offerAndAccept(
    run: OperationRun,
    adapter: PeeringAdapter,
    local: SideContext,
    remote: SideContext,
    existing: NativeSide | null,
  ): Promise<void> {
    for (let round = 1; ; round++) {
      const offer = await this.persist(run, adapter, local, () => adapter.offer(local, existing));
      try {
        await this.persist(run, adapter, remote, () => adapter.accept(remote, offer.secret));
        return;
      } catch (err) {
        // A used or replaced secret gets one fresh offer, not a loop.
        if (isKind(err, 'secret-rejected') && round === 1) {
          existing = await adapter.find(local);
          continue;
        }
        if (err instanceof UpstreamError && err.kind !== 'transient') await this.rollBack(run, adapter, [remote, local]);
        throw err;
      }
    }
  }

  /**
   * The accept failed for good: what the attempt left (the offer, and a dialer record that a
   * failed accept can leave) goes too, followed to its end, so no half pair remains on the
   * clusters when the peering reads FAILED.
   */
  private async rollBack(run: OperationRun, adapter: PeeringAdapter, sides: SideContext[]): Promise<void> {
    for (const side of sides) {
      try {
        const native = await adapter.find(side);
        if (native) await this.removeAndAwait(run, adapter, side, native);
      } catch (err) {
        this.logger.warn(
          { ...run.context, peering: side.peering.id, cluster: side.cluster.id, err: (err as Error).message },
          'roll-back failed; the next attempt or a delete clears it',
        );
      }
    }
  }

  /** A call that outlasts the refusals the products document as passing: the route window, a name still deleting. */
  private persist<T>(run: OperationRun, adapter: PeeringAdapter, side: SideContext, work: () => Promise<T>): Promise<T> {
    return retryThroughRouteWindow(() => this.whileNameDeleting(run, adapter, side, work), run.signal, this.routeRetry, this.routeWindow(run));
  }

  /** The operation's one route window: its start is kept on the operation, so it is never restarted. */
  private routeWindow(run: OperationRun): RouteWindow {
    return {
      startedAt: () => (run.operation.routeWindowStartedAt ? Date.parse(run.operation.routeWindowStartedAt) : undefined),
      started: (at) => this.showWaiting(run, 'route-propagation', { routeWindowStartedAt: new Date(at).toISOString() }),
      ended: () => this.showWaiting(run, null),
    };
  }

  /** What the operation is waiting out inside this attempt, for whoever reads it meanwhile. */
  private async showWaiting(run: OperationRun, waitingFor: WaitingFor | null, extra: Partial<typeof run.operation> = {}): Promise<void> {
    run.operation = await this.operations.save({ ...run.operation, ...extra, waitingFor });
  }

  /** A name still being deleted on the cluster is waited out (a product whose delete is asynchronous). */
  private async whileNameDeleting<T>(run: OperationRun, adapter: PeeringAdapter, side: SideContext, work: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        if (!isKind(err, 'name-deleting') || attempt >= 3) throw err;
        const native = await adapter.find(side);
        if (!native) continue;
        await this.showWaiting(run, 'name-deleting');
        try {
          await this.awaitGone(run, adapter, side, native);
        } finally {
          await this.showWaiting(run, null);
        }
      }
    }
  }

  /** Records that cannot be adopted: a delete still running is followed to its end; a terminated peer is removed. */
  private async clearUnusable(run: OperationRun, adapter: PeeringAdapter, side: SideContext, native: NativeSide | null): Promise<NativeSide | null> {
    if (!native) return null;
    if (native.health === 'deleting') {
      await run.step(`await-previous-delete:${side.cluster.id}`, () => this.awaitGone(run, adapter, side, native));
      return null;
    }
    if (native.health === 'terminated') {
      await run.step(`remove-terminated:${side.cluster.id}`, () => this.removeAndAwait(run, adapter, side, native));
      return null;
    }
    return native;
  }

  private async removeAndAwait(run: OperationRun, adapter: PeeringAdapter, side: SideContext, native: NativeSide): Promise<void> {
    await adapter.remove(side, native);
    await this.awaitGone(run, adapter, side, native);
  }

  private async awaitGone(run: OperationRun, adapter: PeeringAdapter, side: SideContext, native: NativeSide): Promise<void> {
    const gone = await adapter.awaitRemoved(side, native, Date.now() + this.config.removalTimeoutMs, run.signal);
    if (!gone)
      throw new NotYetError(`a previous peering named '${side.peering.name}' is still being deleted on ${side.cluster.id}`, undefined, 'name-deleting');
  }

  /**
   * Reads the sides until all are active; short intervals first, since most pairs settle fast.
   * `justPaired`: the offer and accept were made just now, so a read at once would only find the
   * stream not open yet; the first read comes after the first interval (the same read times
   * otherwise, one pair of cluster calls fewer).
   */
  private async awaitHealthy(run: OperationRun, adapter: PeeringAdapter, sides: SideContext[], waitMs: number, justPaired: boolean): Promise<NativeSide[]> {
    const deadline = Date.now() + waitMs;
    let interval = 15;
    let recorded: string | undefined;
    if (justPaired) {
      await sleep(interval, run.signal);
      interval = Math.round(interval * 1.4);
    }
    for (;;) {
      const natives = await Promise.all(sides.map((s) => adapter.find(s)));
      const peeringId = sides[0].peering.id;
      const observed = conditionsOf(
        sides.map((s) => s.cluster.id),
        natives,
      );
      // Written when they changed since the last read: a poll that finds the same states costs no store round trip.
      const seen = JSON.stringify([natives.map(status), observed]);
      if (seen !== recorded) await this.recordSides(peeringId, natives[0], natives[1], observed);
      recorded = seen;
      const missing = sides.filter((_, i) => !natives[i]).map((s) => s.cluster.id);
      if (missing.length) throw new NotYetError(`the peering disappeared from ${missing.join(', ')} while establishing`);
      const broken = natives.findIndex((n) => n!.health === 'deleting' || n!.health === 'terminated');
      if (broken >= 0) throw new NotYetError(`${sides[broken].cluster.id} reads ${natives[broken]!.nativeState} while establishing`);
      if (natives.every((n) => n!.health === 'active')) return natives as NativeSide[];
      await run.peering();
      if (Date.now() + interval > deadline) {
        const states = sides.map((s, i) => `${s.cluster.id} ${natives[i]!.nativeState}`).join(', ');
        throw new NotYetError(`not active within ${Math.round(waitMs / 1000)} s: ${states}`);
      }
      await sleep(interval, run.signal);
      interval = Math.min(250, Math.round(interval * 1.4));
    }
  }

  private async recordSides(id: string, local: NativeSide | null | undefined, remote?: NativeSide | null, observed?: ReportedCondition[]): Promise<void> {
    const sides: { local?: SideStatus; remote?: SideStatus } = {};
    if (local !== undefined) sides.local = status(local);
    if (remote !== undefined) sides.remote = status(remote);
    await this.transitions.observeSides(id, sides, observed);
  }

  /** Whether the operation ends with this failure, as the failure policy the runner follows decides it. */
  private failsForGood(err: unknown, run: OperationRun): boolean {
    const context = { attempt: run.operation.attempts, aborted: run.signal.aborted, retryBaseMs: this.config.retryBaseMs };
    return decideAfterFailure(err, run.operation, context).kind === 'fail';
  }

  private async forgetExternalSecret(id: string): Promise<void> {
    await this.peerings.update(id, (p) => {
      if (!p.remote.external?.secret) return null;
      const { secret: _used, ...external } = p.remote.external;
      return { ...p, remote: { external } };
    });
  }

  /**
   * The run's own copies of the clusters' records, each bound to the run's context so that the
   * cluster calls made with them name the operation in their log lines.
   */
  private async sides(run: OperationRun, peering: Peering): Promise<Sides> {
    const local = bindContext(await this.cluster(peering.local.cluster), run.context);
    if (!isTwoSided(peering)) {
      return { local: { cluster: local, peering, counterpart: { addresses: peering.remote.external?.addresses } } };
    }
    const remote = bindContext(await this.cluster(peering.remote.cluster), run.context);
    return {
      local: { cluster: local, peering, counterpart: { cluster: remote } },
      remote: { cluster: remote, peering, counterpart: { cluster: local } },
    };
  }

  private async cluster(id: string): Promise<Cluster> {
    const cluster = await this.clusters.get(id);
    if (!cluster) throw new GatewayError('not_found', `cluster '${id}' is no longer registered`);
    return cluster;
  }
}

function status(native: NativeSide | null): SideStatus {
  return { nativeId: native?.nativeId ?? null, nativeState: native?.nativeState ?? null };
}

function describeSides(sides: (NativeSide | null)[]): string {
  return sides.map((side, i) => `${i === 0 ? 'local' : 'remote'} ${side?.nativeState ?? 'absent'}`).join(', ');
}
