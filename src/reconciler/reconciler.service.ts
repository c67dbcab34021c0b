import { Inject, Injectable } from '@nestjs/common';
import { bulkhead } from 'cockatiel';
import type { Logger } from 'pino';
import { ProductRegistry } from '../products/product-registry.js';
import type { NativeSide } from '../products/port.js';
import { type Cluster } from '../domain/cluster.js';
import { ClusterStore } from '../stores/cluster.store.js';
import { LOGGER } from '../common/logger.js';
import { OperationStore } from '../stores/operation.store.js';
import { type Peering } from '../domain/peering.js';
import { PeeringTransitions } from '../stores/peering-transitions.js';
import { PeeringStore } from '../stores/peering.store.js';
import { assessDrift, WATCHED_STATES } from './drift.js';
import { conditionsOf } from '../orchestration/observation.js';
import type { ReportedCondition } from '../domain/condition.js';
import { nowIso } from '../common/time.js';

export interface SweepReport {
  peerings: number;
  watched: number;
  changed: number;
  clusterReads: number;
  unreachableClusters: string[];
  durationMs: number;
}

/** A watched peering as read at the start of a sweep (src/reconciler/reconciler.service.ts, `watch`). */
interface Watched extends Pick<Peering, 'id' | 'state' | 'stateReason' | 'operationId' | 'updatedAt'> {
  /** Lower-cased, as the clusters' records are keyed. */
  name: string;
  clusters: string[];
  partsReady: boolean;
}

/**
 * One cluster's records as a sweep read them (null: unreachable or gone), and when the read
 * began: a peering's record written since then (its `updatedAt`, an ISO time like this) is not
 * judged against it. Times of this deployment's processes are compared, so clocks are assumed
 * in step; a record judged wrongly by a clock behind is put right by the next sweep.
 */
interface ClusterRead {
  records: Map<string, NativeSide> | null;
  startedAt: string;
}

const BATCH = 1000;
/** Clusters read at once in a sweep; each is one bulk read (or a few pages). */
const CLUSTERS_IN_FLIGHT = 4;

/**
 * Drift: reads what the clusters say of every settled peering and moves ACTIVE <-> DEGRADED with
 * the reason (a side failing, deleted by hand, terminated by the peer). It reads each cluster's
 * records once per sweep, so 10,000 peerings on a few clusters cost a few calls, not 20,000.
 * It only observes; POST /v1/peerings/{id}/sync repairs.
 */
@Injectable()
export class Reconciler {
  constructor(
    private readonly peerings: PeeringStore,
    private readonly clusters: ClusterStore,
    private readonly operations: OperationStore,
    private readonly products: ProductRegistry,
    private readonly transitions: PeeringTransitions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async sweep(): Promise<SweepReport> {
    const started = Date.now();
    const ids = await this.peerings.allIds();
    const reads = new Map<string, Promise<ClusterRead>>();
    const inFlight = bulkhead(CLUSTERS_IN_FLIGHT, Infinity);
    const readOf = (cluster: string): Promise<ClusterRead> => {
      let read = reads.get(cluster);
      if (!read) reads.set(cluster, (read = inFlight.execute(() => this.readCluster(cluster))));
      return read;
    };
    const shared = new Map<string, string[]>();
    let watched = 0;
    let changed = 0;
    // A batch of records at a time, each judged against its clusters' reads: the sweep never holds
    // every watched peering at once (bench/memory.bench.ts), only the clusters' records.
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = (await this.settled(ids.slice(i, i + BATCH))).map((p) => this.watch(p, shared));
      watched += batch.length;
      const needed = [...new Set(batch.flatMap((p) => p.clusters))];
      const read = new Map(await Promise.all(needed.map(async (cluster) => [cluster, await readOf(cluster)] as const)));
      for (const peering of batch) {
        const sides = peering.clusters.map((cluster) => ({ cluster, read: read.get(cluster)! }));
        if (sides.some((s) => !s.read.records)) continue;
        // Changed since a cluster read began: that read may predate the change; the next sweep judges it.
        if (sides.some((s) => peering.updatedAt >= s.read.startedAt)) continue;
        const natives = sides.map((s) => s.read.records!.get(peering.name) ?? null);
        const verdict = assessDrift(
          peering,
          sides.map((s, i) => ({ cluster: s.cluster, native: natives[i] })),
        );
        // ACTIVE also needs the peering's parts ready; a sync (or the running operation) makes them.
        if (verdict?.to === 'ACTIVE' && !peering.partsReady) continue;
        if (verdict && (await this.apply(peering, verdict.to, verdict.reason, conditionsOf(peering.clusters, natives)))) changed++;
      }
    }
    const settledReads = await Promise.all([...reads].map(async ([cluster, read]) => ({ cluster, records: (await read).records })));
    const report = {
      peerings: ids.length,
      watched,
      changed,
      clusterReads: reads.size,
      unreachableClusters: settledReads.filter((r) => !r.records).map((r) => r.cluster),
      durationMs: Date.now() - started,
    };
    if (changed || report.unreachableClusters.length) this.logger.info(report, 'drift sweep');
    return report;
  }

  /**
   * What the sweep keeps of a watched peering until the clusters are read: at 100,000 peerings
   * the whole records would be some 40 MB more of the process's peak (bench/memory.bench.ts).
   * Peerings between the same clusters share one list of them (`shared`, by the clusters' ids), and
   * the state is the constant's string, not a copy per record.
   */
  private watch(peering: Peering, shared: Map<string, string[]>): Watched {
    const managed = this.peerings.managedClusters(peering);
    const key = managed.join('\n');
    const clusters = shared.get(key) ?? shared.set(key, managed).get(key)!;
    return {
      id: peering.id,
      name: peering.name.toLowerCase(),
      state: WATCHED_STATES.find((state) => state === peering.state)!,
      stateReason: peering.stateReason,
      operationId: peering.operationId,
      updatedAt: peering.updatedAt,
      clusters,
      partsReady: this.products.for(peering.product).plugin.partsReady?.(peering) !== false,
    };
  }

  /** Peerings in a watched state whose latest operation has finished (a running one owns the state). */
  private async settled(ids: string[]): Promise<Peering[]> {
    const records = await this.peerings.getMany(ids);
    await this.peerings.forget(ids.filter((_, i) => records[i] === null));
    // The index's string of each id (the same id), so the sweep keeps one copy, not two.
    records.forEach((p, i) => p && (p.id = ids[i]));
    const candidates = records.filter((p): p is Peering => p !== null && WATCHED_STATES.includes(p.state));
    const ops = await this.operations.getMany(candidates.map((p) => p.operationId));
    return candidates.filter((_, i) => ops[i] === null || ops[i]!.status === 'succeeded' || ops[i]!.status === 'failed');
  }

  private async readCluster(id: string): Promise<ClusterRead> {
    const startedAt = nowIso();
    const cluster: Cluster | null = await this.clusters.get(id);
    if (!cluster) return { records: null, startedAt };
    try {
      return { records: await this.products.adapter(cluster.product).readAll(cluster), startedAt };
    } catch (err) {
      this.logger.warn({ cluster: id, err: (err as Error).message }, 'drift sweep could not read the cluster; its peerings keep their state');
      return { records: null, startedAt };
    }
  }

  private async apply(peering: Watched, to: Peering['state'], reason: string | null, observed: ReportedCondition[]): Promise<boolean> {
    const moved = await this.transitions.move(peering.id, to, {
      reason,
      observed,
      // Nothing changed under us: same state, and no operation started since the read.
      onlyIf: (current) => current.state === peering.state && current.operationId === peering.operationId,
    });
    return moved.state === to && moved.updatedAt !== peering.updatedAt;
  }
}
