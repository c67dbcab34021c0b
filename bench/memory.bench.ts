import { Queue } from 'bullmq';
import { request } from 'undici';
import { QueueName } from '../src/queues/queues.js';
import { type SweepReport } from '../src/reconciler/reconciler.service.js';
import { benchRedis, BENCH_TOKEN, startBenchRedis, startGatewayProcess } from './processes.js';
import { names, seedPeerings } from './seed.js';
import { startConsulSimProcess } from './sim-process.js';

export interface MemoryRow {
  peerings: number;
  /** VmRSS after a list call and a drift sweep. */
  rssMb: number;
  /** VmHWM: the highest RSS the process reached. */
  peakMb: number;
  sweepMs: number;
}

export interface MemoryBenchResult {
  rows: MemoryRow[];
  /** RSS increment per peering between the two largest sizes, in KB: after list + sweep, and at peak. */
  perPeeringKb: number;
  perPeeringPeakKb: number;
}

/**
 * Memory of one `all`-role process (API and workers) holding 0, 10,000 and 100,000 settled
 * Consul peerings: records seeded straight into Redis in the store's format (bench/seed.ts), the
 * same pairs established on the simulated datacenters (so that the sweep finds no drift). The
 * process starts, settles, answers a list call, runs its first scheduled drift sweep (the
 * scheduler runs one at start, then one a minute), settles again, and its RSS is read from
 * /proc/<pid>/status.
 */
export async function benchMemory(sizes = [0, 10_000, 100_000], settleMs = 3_000): Promise<MemoryBenchResult> {
  const redis = await startBenchRedis();
  const sims = await startConsulSimProcess();
  const store = benchRedis(redis.url);
  const rows: MemoryRow[] = [];
  let seededOnSims = 0;
  try {
    for (const size of sizes) {
      // The simulators hold exactly the pairs of the size being measured: their bulk read is part of the sweep.
      if (size > seededOnSims) await sims.seed('mem', seededOnSims, size - seededOnSims);
      seededOnSims = Math.max(seededOnSims, size);
      const prefix = `mem${size}`;
      await seedPeerings(store, prefix, names('mem', 0, size));
      const gateway = await startGatewayProcess({
        role: 'all',
        redisUrl: redis.url,
        prefix,
        clusters: sims.clusters,
        env: { GATEWAY_RECONCILE_INTERVAL_MS: '60000' },
      });
      const connection = benchRedis(redis.url);
      const sweeps = new Queue(QueueName.Reconcile, { connection, prefix: `{${prefix}}` });
      try {
        await new Promise((r) => setTimeout(r, settleMs));
        const list = await request(`${gateway.url}/v1/peerings?limit=500`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } });
        const page = (await list.body.json()) as { items: unknown[] };
        if (list.statusCode !== 200 || page.items.length !== Math.min(500, size)) throw new Error(`list: ${list.statusCode}, ${page.items?.length} items`);
        const sweep = await firstSweep(sweeps, size);
        await new Promise((r) => setTimeout(r, settleMs));
        const { rssMb, peakMb } = gateway.memory();
        rows.push({ peerings: size, rssMb, peakMb, sweepMs: sweep.durationMs });
      } finally {
        await sweeps.close();
        connection.disconnect();
        await gateway.stop();
      }
    }
  } finally {
    store.disconnect();
    await sims.stop();
    await redis.stop();
  }
  const [a, b] = rows.slice(-2);
  const perPeering = (mb: number) => (mb * 1024) / (b.peerings - a.peerings);
  return { rows, perPeeringKb: perPeering(b.rssMb - a.rssMb), perPeeringPeakKb: perPeering(b.peakMb - a.peakMb) };
}

/** The first completed drift sweep that saw every peering (the scheduler's jobs keep their results). */
async function firstSweep(queue: Queue, size: number): Promise<SweepReport> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const done = await queue.getJobs(['completed'], 0, 10);
    const report = done.map((job) => job.returnvalue as SweepReport | undefined).find((r) => r && r.peerings === size && r.watched === size);
    if (report) return report;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no drift sweep over ${size} peerings finished`);
}

export function memoryReport(r: MemoryBenchResult): string {
  const lines = ['Memory of one all-role process (API + workers), settled Consul peerings in Redis', '  peerings   RSS after list + sweep   peak RSS   sweep'];
  for (const row of r.rows) {
    lines.push(
      `  ${String(row.peerings).padStart(8)}   ${`${row.rssMb.toFixed(0)} MB`.padStart(22)}   ${`${row.peakMb.toFixed(0)} MB`.padStart(8)}   ${`${row.sweepMs} ms`.padStart(8)}`,
    );
  }
  const [a, b] = r.rows.slice(-2);
  lines.push(
    `  increment per peering (${a.peerings} to ${b.peerings}): ${r.perPeeringKb.toFixed(2)} KB after list + sweep, ${r.perPeeringPeakKb.toFixed(2)} KB at peak`,
    '  The records live in Redis; the process holds them only while a sweep or a page is being read (the peak is the sweep).',
  );
  return lines.join('\n');
}
