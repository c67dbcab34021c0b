import { cpus } from 'node:os';
import { request } from 'undici';
import { type Peering } from '../src/peerings/peering.js';
import { type BenchProcess, benchRedis, BENCH_TOKEN, startBenchRedis, startGatewayProcess } from './processes.js';
import { startConsulSimProcess } from './sim-process.js';
import { pool } from './support.js';

export interface ScaleRow {
  workers: number;
  peerings: number;
  seconds: number;
  perSecond: number;
  /** throughput(n) / (n * throughput(1)). */
  efficiency: number;
  /** CPU seconds each worker process used during the timed run: how the work spread. */
  workerCpu: number[];
  failed: number;
}

export interface ScaleBenchResult {
  cores: number;
  rows: ScaleRow[];
}

/** Settings every process of the scale-out runs shares. */
const PROCESS_ENV = {
  // The per-process bound on calls in flight to one cluster: two simulated datacenters must not cap the run.
  GATEWAY_CLUSTER_CONCURRENCY: '256',
  GATEWAY_RECONCILE_INTERVAL_MS: '0',
  GATEWAY_RETRY_BASE_MS: '100',
};

/**
 * Create throughput with 1, 2 and 4 worker processes behind one API process, all on one Redis,
 * against two simulated Consul datacenters that answer at once (pairs read ACTIVE 10 ms after
 * establish). `count` creates are posted by `callers` callers; throughput is `count` over the
 * time from the first POST to the last peering's ACTIVE (its `updatedAt`, written by the worker
 * that moved it).
 */
export async function benchScale(workerCounts = [1, 2, 4], count = 400, callers = 32): Promise<ScaleBenchResult> {
  const redis = await startBenchRedis();
  const sims = await startConsulSimProcess({ SIM_CONSUL_ACTIVATE_MS: '10', SIM_CONSUL_DELETE_MS: '200' });
  const rows: ScaleRow[] = [];
  try {
    for (const workers of workerCounts) {
      const prefix = `scale${workers}`;
      const processes = await Promise.all([
        startGatewayProcess({ role: 'api', redisUrl: redis.url, prefix, clusters: sims.clusters, env: PROCESS_ENV }),
        ...Array.from({ length: workers }, () =>
          startGatewayProcess({ role: 'worker', redisUrl: redis.url, prefix, clusters: sims.clusters, env: PROCESS_ENV }),
        ),
      ]);
      try {
        const [api, ...workerProcesses] = processes;
        // A warm-up batch (not timed): every process compiles its hot paths first.
        await createAll(api, redis.url, prefix, `warm${workers}`, Math.max(50, 25 * workers), callers);
        const cpuBefore = workerProcesses.map((p) => p.cpuSeconds());
        const run = await createAll(api, redis.url, prefix, `scale${workers}`, count, callers);
        const workerCpu = workerProcesses.map((p, i) => p.cpuSeconds() - cpuBefore[i]);
        const perSecond = run.active / run.seconds;
        rows.push({ workers, peerings: count, seconds: run.seconds, perSecond, efficiency: NaN, workerCpu, failed: run.failed });
      } finally {
        await Promise.all(processes.map((p) => p.stop()));
      }
    }
  } finally {
    await sims.stop();
    await redis.stop();
  }
  const base = rows.find((r) => r.workers === 1)?.perSecond ?? NaN;
  for (const row of rows) row.efficiency = row.perSecond / (row.workers * base);
  return { cores: cpus().length, rows };
}

async function createAll(api: BenchProcess, redisUrl: string, prefix: string, namePrefix: string, count: number, callers: number) {
  const store = benchRedis(redisUrl);
  try {
    const started = Date.now();
    const ids = await pool(
      Array.from({ length: count }, (_, i) => `${namePrefix}-${i}`),
      callers,
      async (name) => {
        const res = await request(`${api.url}/v1/peerings`, {
          method: 'POST',
          headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name, local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } }),
        });
        const body = (await res.body.json()) as { id: string };
        if (res.statusCode !== 202) throw new Error(`POST ${name}: ${res.statusCode} ${JSON.stringify(body)}`);
        return body.id;
      },
    );
    // Watch the store for the end states (a pipelined read of the ones still going, every 100 ms).
    let pending = ids;
    let lastActive = started;
    let active = 0;
    let failed = 0;
    const deadline = Date.now() + 300_000;
    while (pending.length > 0) {
      if (Date.now() > deadline) throw new Error(`${pending.length} of ${count} creates did not finish`);
      await new Promise((r) => setTimeout(r, 100));
      const pipeline = store.pipeline();
      for (const id of pending) pipeline.hget(`${prefix}:peering:${id}`, 'json');
      const results = (await pipeline.exec()) ?? [];
      const still: string[] = [];
      results.forEach(([, raw], i) => {
        const peering = raw ? (JSON.parse(raw as string) as Peering) : null;
        if (peering?.state === 'ACTIVE') {
          active++;
          lastActive = Math.max(lastActive, Date.parse(peering.updatedAt));
        } else if (peering?.state === 'FAILED') failed++;
        else still.push(pending[i]);
      });
      pending = still;
    }
    return { active, failed, seconds: (lastActive - started) / 1000 };
  } finally {
    store.disconnect();
  }
}

export function scaleReport(r: ScaleBenchResult): string {
  const lines = [
    `Create throughput, 1 API process + n worker processes (POST to ACTIVE, ${r.rows[0]?.peerings ?? 0} creates per run, on ${r.cores} cores)`,
    '  workers   peerings/s   seconds   efficiency   worker CPU s during the run   failed',
  ];
  for (const row of r.rows) {
    lines.push(
      `  ${String(row.workers).padStart(7)}   ${row.perSecond.toFixed(1).padStart(10)}   ${row.seconds.toFixed(2).padStart(7)}   ${row.efficiency.toFixed(2).padStart(10)}   ${row.workerCpu
        .map((c) => c.toFixed(1))
        .join(' / ')
        .padEnd(27)}   ${row.failed}`,
    );
  }
  lines.push(
    `  efficiency = throughput(n) / (n x throughput(1)). This machine has ${r.cores} cores shared by the API, the workers, Redis, the simulators`,
    '  and the load: 4 processes cannot scale linearly here. What counts: adding processes does not lower throughput, and the work spreads.',
  );
  return lines.join('\n');
}
