import { type Redis } from 'ioredis';
import { Reconciler, type SweepReport } from '../src/reconciler/reconciler.service.js';
import { benchRedis, startBenchRedis } from './processes.js';
import { names, seedPeerings } from './seed.js';
import { startConsulSimProcess } from './sim-process.js';
import { ms, pool, startBenchGateway } from './support.js';

export interface ReconcileRow {
  peerings: number;
  /** The two simulators answering one bulk read each, at once, timed from the benchmark: the clusters' share of a sweep. */
  clusterReadMs: number;
  steady: SweepReport & { clusterCalls: number };
  drifted: SweepReport & { clusterCalls: number; deletedByHand: number };
}

/**
 * Issue 4's scale claim, at 10,000 and 100,000 settled Consul peerings. The pairs exist on the
 * simulated datacenters (established through their own peering logic) and in the gateway as
 * ACTIVE (seeded in the store's format, bench/seed.ts); a first sweep finds nothing to change,
 * then 100 are deleted by hand on one side (through Consul's API) and a second sweep marks them
 * DEGRADED. Calls to the clusters are counted by the simulators. The 100,000 run adds 90,000 to
 * the 10,000 (whose 100 drifted stay DEGRADED) and deletes 100 more.
 */
export async function benchReconcile(sizes = [10_000, 100_000], deletedByHand = 100): Promise<ReconcileRow[]> {
  const redis = await startBenchRedis();
  const sims = await startConsulSimProcess();
  const store: Redis = benchRedis(redis.url);
  const bench = await startBenchGateway(
    {},
    { GATEWAY_RECONCILE_INTERVAL_MS: '0', GATEWAY_REDIS_PREFIX: 'swept' },
    { redisUrl: redis.url, sims, close: async () => {} },
  );
  const rows: ReconcileRow[] = [];
  try {
    const dc2 = sims.clusters.find((c) => c.id === 'consul-dc2')!;
    const reconciler = bench.gateway.app.get(Reconciler);
    let seeded = 0;
    let deleted = 0;
    for (const size of sizes) {
      await sims.seed('swept', seeded, size - seeded);
      await seedPeerings(store, 'swept', names('swept', seeded, size - seeded));
      seeded = size;
      // The simulators first run their activation timers of the new pairs: the first bulk read waits
      // for them (and is not counted); the second is the clusters' share of a sweep.
      const bulkReads = async () => {
        const t0 = performance.now();
        await Promise.all(
          sims.clusters.map(async (c) => (await fetch(`${c.endpoint}/v1/peerings`, { headers: { 'x-consul-token': 'sandbox-consul-token' } })).text()),
        );
        return performance.now() - t0;
      };
      await bulkReads();
      const clusterReadMs = await bulkReads();
      let before = await sims.calls();
      const steady = await reconciler.sweep();
      const steadyCalls = (await sims.calls()) - before;

      await pool(names('swept', deleted, deletedByHand), 16, async (name) => {
        const res = await fetch(`${dc2.endpoint}/v1/peering/${name}`, { method: 'DELETE', headers: { 'x-consul-token': 'sandbox-consul-token' } });
        if (!res.ok) throw new Error(`DELETE ${name}: ${res.status} ${await res.text()}`);
      });
      deleted += deletedByHand;
      before = await sims.calls();
      const drifted = await reconciler.sweep();
      const driftedCalls = (await sims.calls()) - before;
      rows.push({
        peerings: size,
        clusterReadMs,
        steady: { ...steady, clusterCalls: steadyCalls },
        drifted: { ...drifted, clusterCalls: driftedCalls, deletedByHand },
      });
    }
  } finally {
    await bench.close();
    store.disconnect();
    await sims.stop();
    await redis.stop();
  }
  return rows;
}

export function reconcileReport(rows: ReconcileRow[]): string {
  const lines = [
    'Drift sweep over settled Consul peerings (one bulk read per cluster), run in the benchmark process',
    "  peerings   steady sweep   calls   changed   clusters' bulk reads alone   after 100 deleted by hand   calls   marked DEGRADED   clusters not read (steady / drifted)",
  ];
  for (const r of rows) {
    lines.push(
      `  ${String(r.peerings).padStart(8)}   ${ms(r.steady.durationMs).padStart(12)}   ${String(r.steady.clusterCalls).padStart(5)}   ${String(r.steady.changed).padStart(7)}   ${ms(r.clusterReadMs).padStart(27)}   ${ms(r.drifted.durationMs).padStart(25)}   ${String(r.drifted.clusterCalls).padStart(5)}   ${String(r.drifted.changed).padStart(15)}   ${r.steady.unreachableClusters.join(', ') || 'none'} / ${r.drifted.unreachableClusters.join(', ') || 'none'}`,
    );
  }
  if (rows.length === 2)
    lines.push(
      `  steady sweep time ratio ${rows[1].peerings}/${rows[0].peerings}: ${(rows[1].steady.durationMs / rows[0].steady.durationMs).toFixed(1)}x for ${rows[1].peerings / rows[0].peerings}x the peerings`,
    );
  lines.push(
    "  A sweep includes the clusters' answers: at 100,000 pairs the simulators serialize about 33 MB of JSON per datacenter, timed alone in",
    "  'bulk reads alone'. The rest is the gateway: reading the records from Redis, the operations, and comparing. A cluster whose",
    '  bulk read takes longer than 15 s (src/transport/cluster-http.ts) is not read: its peerings keep their state, and it is listed.',
  );
  return lines.join('\n');
}
