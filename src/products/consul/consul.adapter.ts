import { Injectable } from '@nestjs/common';
import type { Cluster } from '../../clusters/cluster.js';
import { ClusterHttp, type HttpCall } from '../../transport/cluster-http.js';
import { type NativeSide, type Offer, type PeeringAdapter, type SideContext, type SideHealth } from '../port.js';
import { classifyConsulAnswer } from './consul-errors.js';

/** The fields of Consul's peering record the gateway reads. */
interface ConsulPeeringRecord {
  ID: string;
  Name: string;
  State: string;
  PeerID?: string;
  DeletedAt?: string;
}

const HEALTH: Record<string, SideHealth> = {
  PENDING: 'pending',
  ESTABLISHING: 'establishing',
  ACTIVE: 'active',
  FAILING: 'degraded',
  DELETING: 'deleting',
  TERMINATED: 'terminated',
};

/** Longest single blocking query; Consul caps `wait` at 10 minutes. */
const BLOCKING_WAIT_MS = 30_000;

/**
 * Consul peering over its HTTP API. The local side is the ACCEPTOR (generates the token), the
 * remote side the DIALER (establishes with it). Removal is asynchronous and followed with
 * blocking queries on the record, which wake when it changes or disappears.
 */
@Injectable()
export class ConsulAdapter implements PeeringAdapter {
  readonly product = 'consul' as const;

  constructor(private readonly http: ClusterHttp) {}

  private async call(cluster: Cluster, call: HttpCall, allowNotFound = false) {
    const token = cluster.auth.token;
    return this.http.call(
      cluster,
      { ...call, path: `/v1${call.path}`, headers: { ...(token ? { 'x-consul-token': token } : {}), ...call.headers } },
      (answer) => (allowNotFound && answer.status === 404 ? undefined : classifyConsulAnswer(cluster, answer)),
    );
  }

  private partition(cluster: Cluster): string | undefined {
    const partition = cluster.consul?.partition;
    return partition && partition !== 'default' ? partition : undefined;
  }

  private peerName(side: SideContext): string {
    return side.peering.name.toLowerCase();
  }

  async find(side: SideContext): Promise<NativeSide | null> {
    const answer = await this.call(
      side.cluster,
      { method: 'GET', path: `/peering/${this.peerName(side)}`, query: { partition: this.partition(side.cluster) } },
      true,
    );
    return answer.status === 404 ? null : toNativeSide(JSON.parse(answer.text) as ConsulPeeringRecord);
  }

  async readAll(cluster: Cluster): Promise<Map<string, NativeSide>> {
    const answer = await this.call(cluster, { method: 'GET', path: '/peerings', query: { partition: this.partition(cluster) } });
    const records = (JSON.parse(answer.text) as ConsulPeeringRecord[] | null) ?? [];
    return new Map(records.map((r) => [r.Name.toLowerCase(), toNativeSide(r)]));
  }

  async offer(side: SideContext): Promise<Offer> {
    const answer = await this.call(side.cluster, {
      method: 'POST',
      path: '/peering/token',
      json: {
        PeerName: this.peerName(side),
        Partition: this.partition(side.cluster),
        Meta: side.peering.consul?.meta,
        ServerExternalAddresses: side.cluster.consul?.serverExternalAddresses?.length ? side.cluster.consul.serverExternalAddresses : undefined,
      },
    });
    const { PeeringToken } = JSON.parse(answer.text) as { PeeringToken: string };
    return { secret: PeeringToken };
  }

  async accept(side: SideContext, secret: string): Promise<void> {
    await this.call(side.cluster, {
      method: 'POST',
      path: '/peering/establish',
      json: { PeerName: this.peerName(side), PeeringToken: secret, Partition: this.partition(side.cluster), Meta: side.peering.consul?.meta },
    });
  }

  /**
   * A rotated token replaces the acceptor's unused establishment secret; a dialer whose stream is
   * up keeps it (Consul refuses to re-establish an established peering), one that is not dials again.
   */
  async confirm(side: SideContext, native: NativeSide, secret: string): Promise<void> {
    if (native.health !== 'active') await this.accept(side, secret);
  }

  async remove(side: SideContext): Promise<void> {
    // Consul answers 200 for unknown names and for names already being deleted.
    await this.call(side.cluster, { method: 'DELETE', path: `/peering/${this.peerName(side)}`, query: { partition: this.partition(side.cluster) } });
  }

  async awaitRemoved(side: SideContext, _native: NativeSide, deadline: number, signal?: AbortSignal): Promise<boolean> {
    let index = 0;
    while (Date.now() < deadline && !signal?.aborted) {
      const waitMs = Math.max(1, Math.min(BLOCKING_WAIT_MS, deadline - Date.now()));
      const answer = await this.call(
        side.cluster,
        {
          method: 'GET',
          path: `/peering/${this.peerName(side)}`,
          query: { partition: this.partition(side.cluster), index: index || undefined, wait: index ? `${waitMs}ms` : undefined },
          longPoll: true,
          timeoutMs: waitMs + 10_000,
          signal,
        },
        true,
      );
      if (answer.status === 404) return true;
      const next = Number(answer.headers['x-consul-index']);
      // An index that goes backwards (a restored server) means start again from a plain read.
      index = Number.isFinite(next) && next > index ? next : 0;
      if (!index) await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }
}

function toNativeSide(record: ConsulPeeringRecord): NativeSide {
  return {
    nativeId: record.ID,
    nativeState: record.State,
    health: HEALTH[record.State] ?? 'pending',
    detail: record.State === 'TERMINATED' ? 'the peer datacenter deleted the peering' : undefined,
  };
}
