import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { request } from 'undici';
import { type Peering } from '../src/domain/peering.js';
import { type BenchProcess, benchRedis, BENCH_TOKEN, cpuSecondsOf, startBenchRedis, startGatewayProcess } from './processes.js';
import { startConsulSimProcess } from './sim-process.js';
import { pool } from './support.js';

export interface ScaleRow {
  workers: number;
  /** GATEWAY_CLUSTER_CONCURRENCY: calls in flight to one cluster, across every process. */
  clusterBound: number;
  peerings: number;
  seconds: number;
  perSecond: number;
  /** throughput(n) / throughput(n / 2) at the same bound: the goal is >= 1.8 per doubling below the bound. */
  perDoubling: number;
  /** CPU seconds each worker process used during the timed run: how the work spread. */
  workerCpu: number[];
  /** Cores each process used over the timed run (CPU seconds / wall seconds): where the 2 cores went. */
  cores: { api: number; workers: number; simulators: number; redis: number; benchmark: number; machine: number };
  /** Calls the simulated clusters answered per create, per cluster (their /_sim/faults counters). */
  callsPerCreatePerCluster: number;
  failed: number;
}

export interface ScaleBenchResult {
  cores: number;
  latencyMs: number;
  jobsPerWorker: number;
  rows: ScaleRow[];
}

/**
 * Operations each worker process runs at once: small, so that the clusters' latency (not the 2
 * cores) sets the pace. A create costs some 20 ms of CPU over all processes (bench output: cores by
 * process); with 4 at once per worker, 4 workers would ask for about 1.8 of the 2 cores.
 */
const JOBS_PER_WORKER = 2;
/** High enough that no run reaches it: 1, 2 and 4 workers scale on their own. */
const WIDE_BOUND = 64;
/** Well below what 4 workers use (8 operations, each with a call in flight most of the time): its effect shows. */
const TIGHT_BOUND = 2;

/**
 * Create throughput with 1, 2 and 4 worker processes behind one API process, all on one Redis,
 * against two simulated Consul datacenters that answer every call after `latencyMs` (injected
 * through their /_sim/faults), so that an operation waits on the clusters rather than on the
 * machine's cores. Each worker runs `JOBS_PER_WORKER` operations at once. The same 4 workers run
 * again under a tight per-cluster bound, to show that the bound holds whatever the number of
 * workers. Throughput is the steady rate of creates reaching ACTIVE (their ACTIVE times between
 * the 10th and 90th percentile), so that the ramp-up and the last stragglers do not weigh in.
 */
export async function benchScale(
  latencyMs = 50,
  runs: [number, number][] = [
    [1, WIDE_BOUND],
    [2, WIDE_BOUND],
    [4, WIDE_BOUND],
    [4, TIGHT_BOUND],
  ],
  jobsPerWorker = JOBS_PER_WORKER,
): Promise<ScaleBenchResult> {
  const redis = await startBenchRedis();
  const sims = await startConsulSimProcess({ SIM_CONSUL_ACTIVATE_MS: '10', SIM_CONSUL_DELETE_MS: '200' });
  for (const cluster of sims.clusters) await sims.faults(cluster.id, { latencyMs });
  const rows: ScaleRow[] = [];
  try {
    for (const [workers, clusterBound] of runs) {
      const prefix = `scale${workers}b${clusterBound}`;
      const env = {
        GATEWAY_CLUSTER_CONCURRENCY: String(clusterBound),
        GATEWAY_WORKER_CONCURRENCY: String(jobsPerWorker),
        GATEWAY_RECONCILE_INTERVAL_MS: '0',
        GATEWAY_RETRY_BASE_MS: '100',
      };
      const processes = await Promise.all([
        startGatewayProcess({ role: 'api', redisUrl: redis.url, prefix, clusters: sims.clusters, env }),
        ...Array.from({ length: workers }, () => startGatewayProcess({ role: 'worker', redisUrl: redis.url, prefix, clusters: sims.clusters, env })),
      ]);
      try {
        const [api, ...workerProcesses] = processes;
        const callers = 2 * jobsPerWorker * workers;
        // A warm-up batch (not timed): every process compiles its hot paths first.
        await createAll(api, redis.url, prefix, `warm${workers}`, 2 * callers, callers);
        const others = () => [
          api.cpuSeconds(),
          cpuSecondsOf(sims.pid),
          cpuSecondsOf(redis.process.pid!),
          process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
        ];
        const cpuBefore = workerProcesses.map((p) => p.cpuSeconds());
        const othersBefore = others();
        const wallBefore = performance.now();
        const machineBefore = machineBusySeconds();
        const callsBefore = await sims.calls();
        const count = 80 * workers;
        const run = await createAll(api, redis.url, prefix, `scale${workers}`, count, callers);
        const wall = (performance.now() - wallBefore) / 1000;
        const machine = (machineBusySeconds() - machineBefore) / wall;
        const callsPerCreatePerCluster = ((await sims.calls()) - callsBefore) / count / sims.clusters.length;
        const workerCpu = workerProcesses.map((p, i) => p.cpuSeconds() - cpuBefore[i]);
        const [apiCpu, simCpu, redisCpu, benchCpu] = others().map((c, i) => c - othersBefore[i]);
        const cores = {
          api: apiCpu / wall,
          workers: workerCpu.reduce((a, b) => a + b, 0) / wall,
          simulators: simCpu / wall,
          redis: redisCpu / wall,
          benchmark: benchCpu / wall,
          machine,
        };
        rows.push({
          workers,
          clusterBound,
          peerings: count,
          seconds: run.seconds,
          perSecond: run.steadyPerSecond,
          perDoubling: NaN,
          workerCpu,
          cores,
          callsPerCreatePerCluster,
          failed: run.failed,
        });
      } finally {
        await Promise.all(processes.map((p) => p.stop()));
      }
    }
  } finally {
    await sims.stop();
    await redis.stop();
  }
  for (const row of rows) {
    const half = rows.find((r) => r.workers === row.workers / 2 && r.clusterBound === WIDE_BOUND);
    row.perDoubling = half ? row.perSecond / half.perSecond : NaN;
  }
  return { cores: cpus().length, latencyMs, jobsPerWorker, rows };
}

/** CPU seconds every core of the machine spent busy so far (/proc/stat: all but idle and iowait), whoever used them. */
function machineBusySeconds(): number {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const ticks = fields.map(Number);
  return (ticks.reduce((a, b) => a + b, 0) - ticks[3] - ticks[4]) / 100;
}

/** The smallest throughput ratio per doubling of workers under the wide bound (goal >= 1.8). */
export function worstDoubling(r: ScaleBenchResult): number {
  const ratios = r.rows.filter((row) => row.clusterBound === WIDE_BOUND && Number.isFinite(row.perDoubling)).map((row) => row.perDoubling);
  return ratios.length ? Math.min(...ratios) : NaN;
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
    const activeAt: number[] = [];
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
          activeAt.push(Date.parse(peering.updatedAt));
          lastActive = Math.max(lastActive, Date.parse(peering.updatedAt));
        } else if (peering?.state === 'FAILED') failed++;
        else still.push(pending[i]);
      });
      pending = still;
    }
    // The steady rate: creates that reached ACTIVE between the 10th and the 90th percentile of
    // their ACTIVE times, over that span (the ramp-up and the last stragglers left out).
    activeAt.sort((a, b) => a - b);
    const [from, to] = [activeAt[Math.floor(activeAt.length * 0.1)], activeAt[Math.floor(activeAt.length * 0.9)]];
    const steadyPerSecond = to > from ? (Math.floor(activeAt.length * 0.9) - Math.floor(activeAt.length * 0.1)) / ((to - from) / 1000) : NaN;
    return { active, failed, seconds: (lastActive - started) / 1000, steadyPerSecond };
  } finally {
    store.disconnect();
  }
}

export function scaleReport(r: ScaleBenchResult): string {
  const lines = [
    `Create throughput, 1 API process + n worker processes (${r.jobsPerWorker} operations at once each), Consul calls answered after ${r.latencyMs} ms, on ${r.cores} cores`,
    '  workers   cluster bound   creates   creates/s   per doubling   worker CPU s during the run   failed',
  ];
  for (const row of r.rows) {
    lines.push(
      `  ${String(row.workers).padStart(7)}   ${String(row.clusterBound).padStart(13)}   ${String(row.peerings).padStart(7)}   ${row.perSecond.toFixed(1).padStart(9)}   ${(Number.isFinite(row.perDoubling) ? `${row.perDoubling.toFixed(2)}x` : '-').padStart(12)}   ${row.workerCpu
        .map((c) => c.toFixed(1))
        .join(' / ')
        .padEnd(27)}   ${row.failed}`,
    );
  }
  lines.push(
    `  cores used over each timed run (CPU s / wall s), by process, and the whole machine's busy cores (of ${r.cores}; other work included):`,
    '  workers   cluster bound   API    workers   simulators   Redis   benchmark   ours   machine',
  );
  for (const row of r.rows) {
    const c = row.cores;
    const all = c.api + c.workers + c.simulators + c.redis + c.benchmark;
    lines.push(
      `  ${String(row.workers).padStart(7)}   ${String(row.clusterBound).padStart(13)}   ${[
        c.api,
        c.workers,
        c.simulators,
        c.redis,
        c.benchmark,
        all,
        c.machine,
      ]
        .map((v, i) => v.toFixed(2).padStart([4, 7, 10, 5, 9, 4, 7][i]))
        .join('   ')}`,
    );
  }
  const tight = r.rows.find((row) => row.clusterBound === TIGHT_BOUND);
  if (tight) {
    // Each create makes this many calls to each cluster, each held for at least the injected latency.
    const ceiling = tight.clusterBound / (tight.callsPerCreatePerCluster * (r.latencyMs / 1000));
    lines.push(
      `  the bound's ceiling: ${tight.clusterBound} calls in flight per cluster / (${tight.callsPerCreatePerCluster.toFixed(1)} calls per create per cluster x ${r.latencyMs} ms) = ${ceiling.toFixed(1)} creates/s at most; measured ${tight.perSecond.toFixed(1)}.`,
    );
  }
  lines.push(
    `  per doubling: throughput(n) / throughput(n/2) at the wide bound (goal >= 1.8x: ${worstDoubling(r) >= 1.8 ? 'met' : 'NOT met'}, worst ${worstDoubling(r).toFixed(2)}x).`,
    `  With the tight bound (${TIGHT_BOUND} calls per cluster across all processes) 4 workers are held to what the bound allows.`,
  );
  return lines.join('\n');
}
