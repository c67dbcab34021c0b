import { Inject, Injectable } from '@nestjs/common';
import type { Cluster } from '../../domain/cluster.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../config/gateway-config.js';
import { ClusterHttp, type HttpCall } from '../../transport/cluster-http.js';
import { JsonArrayItems } from '../../transport/json-array-items.js';
import { type NativeSide, type Offer, type PeeringAdapter, type SideContext, type SideHealth, UpstreamError } from '../port.js';
import { classifyConsulAnswer, peeringTokenProblem } from './consul-errors.js';
import { STREAM_STALE_MS } from './consul-settings.js';

/** The fields of Consul's peering record the gateway reads. */
interface ConsulPeeringRecord {
  ID: string;
  Name: string;
  State: string;
  PeerID?: string;
  DeletedAt?: string;
  StreamStatus?: { LastHeartbeat?: string | null; LastReceive?: string | null } | null;
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

  constructor(
    private readonly http: ClusterHttp,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  private native(record: ConsulPeeringRecord): NativeSide {
    return toNativeSide(record, this.config.setting(STREAM_STALE_MS));
  }

  /** A call under /v1 with the ACL token; a 404 answers as it is when `allowNotFound`. */
  async call(cluster: Cluster, call: HttpCall, allowNotFound = false) {
    const token = cluster.auth.token;
    return this.http.call(
      cluster,
      { ...call, path: `/v1${call.path}`, headers: { ...(token ? { 'x-consul-token': token } : {}), ...call.headers } },
      (answer) => (allowNotFound && answer.status === 404 ? undefined : classifyConsulAnswer(cluster, answer)),
    );
  }

  partition(cluster: Cluster): string | undefined {
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
    return answer.status === 404 ? null : this.native(JSON.parse(answer.text) as ConsulPeeringRecord);
  }

  async readAll(cluster: Cluster): Promise<Map<string, NativeSide>> {
    // Parsed record by record as the answer arrives: 100,000 records are some 46 MB of JSON.
    const sides = new Map<string, NativeSide>();
    const items = new JsonArrayItems((item) => {
      const record = item as ConsulPeeringRecord;
      sides.set(record.Name.toLowerCase(), this.native(record));
    });
    // A body that does not parse fails the read at `end`, as JSON.parse of the whole would, not the call.
    await this.call(cluster, { method: 'GET', path: '/peerings', query: { partition: this.partition(cluster) }, onBody: (chunk) => items.write(chunk) });
    items.end();
    return sides;
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

  /**
   * Whether peering is switched on in the datacenter: the peering service refuses every call,
   * the list included, with FailedPrecondition `peering must be enabled` when it is off. Null
   * when the answer says neither (no permission to read, the cluster away).
   */
  async peeringEnabled(cluster: Cluster): Promise<boolean | null> {
    try {
      await this.call(cluster, { method: 'GET', path: '/peerings', query: { partition: this.partition(cluster) } });
      return true;
    } catch (err) {
      if (err instanceof UpstreamError && /peering must be enabled/i.test(err.upstream.message)) return false;
      if (err instanceof UpstreamError) return null;
      throw err;
    }
  }

  /** The names of the services registered in the datacenter's catalog (`GET /v1/catalog/services`). */
  async catalogServices(cluster: Cluster): Promise<Set<string>> {
    const answer = await this.call(cluster, { method: 'GET', path: '/catalog/services', query: { partition: this.partition(cluster) } });
    return new Set(Object.keys((JSON.parse(answer.text) as Record<string, unknown> | null) ?? {}));
  }

  async accept(side: SideContext, secret: string): Promise<void> {
    // A secret that is not a peering token fails the same way every time: refuse it before any call.
    const problem = peeringTokenProblem(secret);
    if (problem) {
      throw new UpstreamError(
        'final',
        { product: 'consul', cluster: side.cluster.id, status: null, code: 'invalid_peering_token', message: `not sent: ${problem}` },
        'validation_failed',
        `remote.external.secret is not a Consul peering token (${problem}); generate a token on the peer datacenter (POST /v1/peering/token) and pass it unchanged`,
      );
    }
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

/**
 * Consul computes ACTIVE at read time from a stream that may have gone quiet (docs/product-facts.md:
 * heartbeats about every 15 s; hashicorp/consul#22868), so an ACTIVE record whose stream has not
 * been heard from for `staleMs` is degraded, whatever its State says. A record with no stream
 * timestamps at all is not judged: nothing says when it was established.
 */
export function toNativeSide(record: ConsulPeeringRecord, staleMs: number, now = Date.now()): NativeSide {
  let health = HEALTH[record.State] ?? 'pending';
  let detail = record.State === 'TERMINATED' ? 'the peer datacenter deleted the peering' : undefined;
  let healthReason = record.State === 'FAILING' ? 'StreamInterrupted' : undefined;
  if (record.State === 'ACTIVE') {
    const heard = lastHeard(record);
    if (heard !== null && now - heard > staleMs) {
      health = 'degraded';
      healthReason = 'StreamStale';
      detail = `the peering stream has been quiet for ${Math.round((now - heard) / 1000)} s (no heartbeat or data from the peer; Consul sends a heartbeat about every 15 s): reads ACTIVE but is not replicating`;
    }
  }
  const paired = record.State === 'ACTIVE' || record.State === 'FAILING';
  return { nativeId: record.ID, nativeState: record.State, health, detail, paired, ...(healthReason && { healthReason }) };
}

/** The latest time the stream heard from the peer (epoch ms), or null when the record says nothing. */
function lastHeard(record: ConsulPeeringRecord): number | null {
  const times = [record.StreamStatus?.LastHeartbeat, record.StreamStatus?.LastReceive]
    .map((t) => (t ? Date.parse(t) : NaN))
    // Go's zero time reads as year 1: the stream never heard anything.
    .filter((t) => Number.isFinite(t) && t > 0);
  return times.length ? Math.max(...times) : null;
}
