import { Inject, Injectable } from '@nestjs/common';
import type { NativeSide } from '../../port.js';
import { UpstreamError } from '../../port.js';
import type { Cluster } from '../../../domain/cluster.js';
import { type FieldError, GatewayError } from '../../../common/problem.js';
import { sleep } from '../../../common/time.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../../config/gateway-config.js';
import type { HandshakeExtension, PeeringClusters, StepRunner } from '../../handshake-extension.js';
import { PeeringParts } from '../../parts.js';
import type { Peering } from '../../../domain/peering.js';
import { asGatewayError } from '../security/security-errors.js';
import { type SvmPeerOption, type SvmPeerPart, svmPairKey } from './svm-peer-model.js';
import { type SvmPeerRecord, SvmPeersClient } from './svm-peers.client.js';

/** The clusters of a peering with the names each knows the other by (`peer.cluster.name`). */
interface PairContext {
  peering: Peering;
  local: Cluster;
  remote?: Cluster;
  /** The remote cluster's name on the local one; null when the local side has no cluster peer. */
  remoteName: string | null;
  localName: string | null;
}

/**
 * SVM peers on top of an ONTAP cluster peer (`ontap.svmPeers`): what the cluster peer is for.
 * - precheck (API, nothing written): every named SVM exists as a data SVM on its cluster.
 * - afterEstablished (worker, before ACTIVE): each pair is found (and adopted) or proposed on the
 *   local cluster, accepted on the remote one when the gateway drives it (a remote that accepts
 *   by itself is fine too), its applications patched to what was asked; pairs no longer asked
 *   for are deleted. The peering is ACTIVE only once every pair reads `peered`; a `rejected` pair
 *   fails the peering (ONTAP needs it deleted before a new one can be proposed).
 * - beforeTeardown (worker): the pairs go before the cluster peer, which ONTAP would refuse to delete.
 */
@Injectable()
export class SvmPeersExtension implements HandshakeExtension {
  constructor(
    private readonly client: SvmPeersClient,
    private readonly parts: PeeringParts,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async precheck(peering: Peering, clusters: PeeringClusters): Promise<void> {
    const pairs = peering.ontap?.svmPeers ?? [];
    if (!pairs.length) return;
    const errors = await this.missingSvms(pairs, clusters);
    if (errors.length) throw new GatewayError('precondition_failed', errors.map((e) => e.message).join('; '), { errors });
    // The peering is not stored yet: the parts are written with it.
    peering.svmPeers = pairs.map((pair) => newPart(pair));
  }

  /** A PATCH of `ontap.svmPeers`: every pair must name SVMs that exist, as on a create. */
  async precheckUpdate(next: Peering, clusters: PeeringClusters): Promise<void> {
    const errors = await this.missingSvms(next.ontap?.svmPeers ?? [], clusters);
    if (errors.length) throw new GatewayError('precondition_failed', errors.map((e) => e.message).join('; '), { errors });
  }

  /** Each SVM named must be a data SVM of its cluster: told before anything is created. */
  async missingSvms(pairs: SvmPeerOption[], clusters: PeeringClusters): Promise<FieldError[]> {
    try {
      const checks = await Promise.all(
        pairs.map(async (pair, i): Promise<FieldError[]> => {
          const [local, remote] = await Promise.all([
            this.client.svmExists(clusters.local, pair.local),
            clusters.remote ? this.client.svmExists(clusters.remote, pair.remote) : true,
          ]);
          return [
            ...(local ? [] : [{ field: `ontap.svmPeers[${i}].local`, message: `${clusters.local.id} has no data SVM named '${pair.local}'` }]),
            ...(remote ? [] : [{ field: `ontap.svmPeers[${i}].remote`, message: `${clusters.remote!.id} has no data SVM named '${pair.remote}'` }]),
          ];
        }),
      );
      return checks.flat();
    } catch (err) {
      throw asGatewayError(err);
    }
  }

  async afterEstablished(run: StepRunner, peering: Peering, clusters: PeeringClusters, natives: NativeSide[]): Promise<void> {
    const wanted = peering.ontap?.svmPeers ?? [];
    const recorded = peering.svmPeers ?? [];
    if (!wanted.length && !recorded.length) return;
    const ctx = await this.context(peering, clusters, natives[0]?.nativeId ?? null, natives[1]?.nativeId ?? null);
    const dropped = recorded.filter((part) => !wanted.some((pair) => svmPairKey(pair) === svmPairKey(part)));
    if (dropped.length) {
      await this.save(peering.id, [...dropped.map((part) => ({ ...part, state: 'removing' as const })), ...recorded.filter((p) => !dropped.includes(p))]);
      await run.step('svm-peers-remove', () => this.removeAll(ctx, dropped), describeRemoved);
    }
    let parts = await run.step(
      'svm-peers',
      async () => {
        const made: SvmPeerPart[] = [];
        for (const pair of wanted)
          made.push(
            await this.ensure(
              ctx,
              pair,
              recorded.find((p) => svmPairKey(p) === svmPairKey(pair)),
            ),
          );
        return made;
      },
      describeParts,
    );
    await this.save(peering.id, parts);
    parts = await run.step('svm-peers-await', () => this.awaitPeered(ctx, parts), describeParts);
  }

  async beforeTeardown(run: StepRunner, peering: Peering, clusters: PeeringClusters): Promise<void> {
    const recorded = peering.svmPeers ?? [];
    const wanted = (peering.ontap?.svmPeers ?? []).filter((pair) => !recorded.some((p) => svmPairKey(p) === svmPairKey(pair)));
    const all = [...recorded, ...wanted.map((pair) => newPart(pair))];
    if (!all.length) return;
    const ctx = await this.context(peering, clusters, peering.sides.local.nativeId, peering.sides.remote?.nativeId ?? null);
    await this.save(
      peering.id,
      all.map((part) => ({ ...part, state: 'removing' as const })),
    );
    await run.step('svm-peers-remove', () => this.removeAll(ctx, all), describeRemoved);
    await this.save(peering.id, []);
  }

  private async context(peering: Peering, clusters: PeeringClusters, localPeer: string | null, remotePeer: string | null): Promise<PairContext> {
    const [remoteName, localName] = await Promise.all([
      localPeer ? this.client.peerClusterName(clusters.local, localPeer) : null,
      clusters.remote && remotePeer ? this.client.peerClusterName(clusters.remote, remotePeer) : null,
    ]);
    return {
      peering,
      local: clusters.local,
      remote: clusters.remote,
      remoteName: remoteName ?? clusters.remote?.id ?? null,
      localName: localName ?? clusters.local.id,
    };
  }

  /** Finds or proposes the pair on the local cluster, accepts it on the remote one, and patches its applications. */
  private async ensure(ctx: PairContext, pair: SvmPeerOption, prior: SvmPeerPart | undefined): Promise<SvmPeerPart> {
    if (!ctx.remoteName) throw new GatewayError('internal_error', `the cluster peer on ${ctx.local.id} does not name its remote cluster`);
    let local = await this.client.find(ctx.local, pair.local, pair.remote, ctx.remoteName);
    const adopted = prior ? prior.adopted : Boolean(local);
    if (!local) {
      await this.client.create(ctx.local, pair.local, pair.remote, ctx.remoteName, pair.applications);
      local = await this.client.find(ctx.local, pair.local, pair.remote, ctx.remoteName);
      if (!local) throw transient(ctx.local, `the SVM peer ${svmPairKey(pair)} was proposed on ${ctx.local.id} but cannot be found yet`);
    }
    if (local.state === 'rejected') return rejected(pair, local, null, adopted, rejecter(ctx));
    if (!sameApplications(local.applications, pair.applications)) await this.client.patch(ctx.local, local.uuid, { applications: pair.applications });
    const remote = ctx.remote ? await this.acceptRemote(ctx, pair) : null;
    if (remote?.state === 'rejected') return rejected(pair, local, remote, adopted, ctx.remote!.id);
    // A pair suspended on the cluster is resumed: the peering asks for it to carry data.
    if (local.state === 'suspended') await this.client.patch(ctx.local, local.uuid, { state: 'peered' });
    return partOf(pair, local, remote, adopted, Boolean(ctx.remote));
  }

  /** The remote record, accepted when it waits for it (one that accepted by itself, through its permissions, needs nothing). */
  private async acceptRemote(ctx: PairContext, pair: SvmPeerOption): Promise<SvmPeerRecord | null> {
    const remote = await this.client.find(ctx.remote!, pair.remote, pair.local, ctx.localName!);
    if (remote?.state === 'pending') await this.client.patch(ctx.remote!, remote.uuid, { state: 'peered' });
    return remote;
  }

  /** Reads the pairs until every one reads peered; a rejected one fails the peering at once. */
  private async awaitPeered(ctx: PairContext, parts: SvmPeerPart[]): Promise<SvmPeerPart[]> {
    const deadline = Date.now() + this.config.establishTimeoutMs;
    let interval = 25;
    for (;;) {
      const failed = parts.find((p) => p.state === 'failed');
      if (failed) throw new GatewayError('upstream_rejected', failed.detail ?? `SVM peer ${svmPairKey(failed)} failed`);
      if (parts.every((p) => p.state === 'ready')) return parts;
      if (Date.now() + interval > deadline) {
        const waiting = parts.filter((p) => p.state !== 'ready').map((p) => `${svmPairKey(p)} ${p.nativeState ?? 'absent'}`);
        throw transient(ctx.local, `SVM peers not peered within ${Math.round(this.config.establishTimeoutMs / 1000)} s: ${waiting.join(', ')}`);
      }
      await sleep(interval);
      interval = Math.min(500, Math.round(interval * 1.5));
      parts = await Promise.all(parts.map((part) => (part.state === 'ready' ? part : this.reread(ctx, part))));
      await this.save(ctx.peering.id, parts);
    }
  }

  private async reread(ctx: PairContext, part: SvmPeerPart): Promise<SvmPeerPart> {
    const local = await this.client.find(ctx.local, part.local, part.remote, ctx.remoteName!);
    if (!local) return { ...part, state: 'pending', nativeState: null, detail: `the SVM peer is gone from ${ctx.local.id}; POST .../sync proposes it again` };
    if (local.state === 'rejected') return rejected(part, local, null, part.adopted, rejecter(ctx));
    const remote = ctx.remote ? await this.acceptRemote(ctx, part) : null;
    if (remote?.state === 'rejected') return rejected(part, local, remote, part.adopted, ctx.remote!.id);
    return partOf(part, local, remote, part.adopted, Boolean(ctx.remote));
  }

  /** Deletes each pair on the local cluster, then what is left of it on the remote one. */
  private async removeAll(ctx: PairContext, parts: SvmPeerPart[]): Promise<number> {
    let removed = 0;
    for (const part of parts) {
      const local = await this.client.find(ctx.local, part.local, part.remote, ctx.remoteName ?? undefined);
      if (local) {
        await this.client.remove(ctx.local, local.uuid);
        removed++;
      }
      if (!ctx.remote) continue;
      const remote = await this.client.find(ctx.remote, part.remote, part.local, ctx.localName ?? undefined);
      if (remote) await this.client.remove(ctx.remote, remote.uuid);
    }
    return removed;
  }

  private async save(peeringId: string, parts: SvmPeerPart[]): Promise<void> {
    await this.parts.save(
      peeringId,
      'svmPeer',
      (p) => p.svmPeers ?? [],
      (p, saved) => ({ ...p, svmPeers: saved }),
      parts,
      svmPairKey,
    );
  }
}

function newPart(pair: SvmPeerOption): SvmPeerPart {
  return { ...pair, state: 'pending', nativeIds: { local: null, remote: null }, nativeState: null, adopted: false };
}

function partOf(pair: SvmPeerOption, local: SvmPeerRecord, remote: SvmPeerRecord | null, adopted: boolean, twoSided: boolean): SvmPeerPart {
  const peered = local.state === 'peered' && (!twoSided || remote?.state === 'peered');
  const detail = peered
    ? undefined
    : twoSided && !remote
      ? 'the remote cluster does not show the proposal yet'
      : local.state === 'initiated'
        ? 'proposed; waiting for the remote cluster to accept'
        : `reads ${local.state}${remote ? ` on the local cluster, ${remote.state} on the remote one` : ''}`;
  return {
    local: pair.local,
    remote: pair.remote,
    applications: pair.applications,
    state: peered ? 'ready' : 'pending',
    nativeIds: { local: local.uuid, remote: remote?.uuid ?? null },
    nativeState: local.state,
    adopted,
    ...(detail ? { detail } : {}),
  };
}

/** A proposal is accepted or rejected on the other cluster: that is who said no. */
function rejecter(ctx: PairContext): string {
  return ctx.remote?.id ?? `the peer cluster ${ctx.remoteName ?? ''}`.trim();
}

function rejected(pair: SvmPeerOption, local: SvmPeerRecord, remote: SvmPeerRecord | null, adopted: boolean, on: string): SvmPeerPart {
  return {
    ...partOf(pair, local, remote, adopted, remote !== null),
    state: 'failed',
    nativeState: 'rejected',
    detail: `the SVM peer ${pair.local} -> ${pair.remote} was rejected on ${on}; ONTAP keeps a rejected relationship until it is deleted: delete it there (or remove the pair from ontap.svmPeers), then retry`,
  };
}

function sameApplications(current: string[] | undefined, wanted: string[]): boolean {
  return [...(current ?? [])].sort().join(',') === [...wanted].sort().join(',');
}

function transient(cluster: Cluster, message: string): UpstreamError {
  return new UpstreamError(
    'transient',
    { product: 'ontap', cluster: cluster.id, status: null, code: 'svm_peer_not_ready', message },
    'upstream_unavailable',
    message,
  );
}

function describeParts(parts: SvmPeerPart[]): string {
  return parts.map((p) => `${svmPairKey(p)} ${p.state}${p.adopted ? ' (adopted)' : ''}`).join(', ') || 'no SVM peers';
}

function describeRemoved(n: number): string {
  return n ? `removed ${n} SVM ${n === 1 ? 'peer' : 'peers'}` : 'no SVM peer left to remove';
}
