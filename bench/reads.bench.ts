import { type CannonResult, mergeCannon, runCannon, SATURATED_CORES } from './cannon.js';
import { type BenchProcess, benchRedis, BENCH_TOKEN, startBareServer, startBenchRedis, startGatewayProcess } from './processes.js';
import { names, seedPeerings } from './seed.js';
import { startConsulSimProcess } from './sim-process.js';

export interface ReadTarget extends CannonResult {
  name: string;
  /** The server's CPU over the measured rounds, in cores (1.0: one core flat out). */
  cores: number;
}

export interface ReadsBenchResult {
  connections: number;
  warmUpSeconds: number;
  roundSeconds: number;
  rounds: number;
  gateway: ReadTarget;
  bare: ReadTarget;
  /** Whether the load generator drove the bare baseline to about one core: only then is the ratio the servers'. */
  bareSaturated: boolean;
}

/**
 * API reads: `GET /v1/peerings/{id}` on one gateway process with role `all` (API and workers, as
 * `npm start` runs it, request logs at `info` included) against bare Fastify and ioredis
 * (bench/bare-server.ts) reading the same document from the same Redis, with the same bearer
 * check. autocannon drives both from a process of its own, in alternated rounds (gateway, bare,
 * gateway, ...) so that a busy spell of the machine falls on both; each server's CPU is read from
 * /proc over its rounds, and the bare server's tells whether the load saturated it.
 */
export async function benchReads(connections = 50, warmUpSeconds = 3, roundSeconds = 5, rounds = 4): Promise<ReadsBenchResult> {
  const redis = await startBenchRedis();
  const sims = await startConsulSimProcess();
  const store = benchRedis(redis.url);
  const prefix = 'reads';
  const stopping: (() => Promise<void>)[] = [() => sims.stop(), () => redis.stop()];
  try {
    const [id] = await seedPeerings(store, prefix, names('read', 0, 1));
    const [gateway, bare] = await Promise.all([
      // Request logs as production writes them: one line per request at `info`, to a pipe the benchmark drains.
      startGatewayProcess({ role: 'all', redisUrl: redis.url, prefix, clusters: sims.clusters, env: { LOG_LEVEL: 'info' } }),
      startBareServer(redis.url, prefix),
    ]);
    stopping.unshift(
      () => gateway.stop(),
      () => bare.stop(),
    );
    const headers = { authorization: `Bearer ${BENCH_TOKEN}` };
    const targets: { name: string; server: BenchProcess; url: string }[] = [
      { name: 'gateway (role all)', server: gateway, url: `${gateway.url}/v1/peerings/${id}` },
      { name: 'bare Fastify + ioredis', server: bare, url: `${bare.url}/v1/peerings/${id}` },
    ];
    for (const t of targets) await runCannon(t.url, headers, connections, warmUpSeconds);
    const measured = targets.map(() => ({ runs: [] as CannonResult[], cpu: 0, seconds: 0 }));
    for (let round = 0; round < rounds; round++) {
      for (const [i, t] of targets.entries()) {
        const cpu0 = t.server.cpuSeconds();
        const t0 = performance.now();
        measured[i].runs.push(await runCannon(t.url, headers, connections, roundSeconds));
        measured[i].cpu += t.server.cpuSeconds() - cpu0;
        measured[i].seconds += (performance.now() - t0) / 1000;
      }
    }
    const [g, b] = measured.map((m, i) => ({ name: targets[i].name, ...mergeCannon(m.runs), cores: m.cpu / m.seconds }));
    return { connections, warmUpSeconds, roundSeconds, rounds, gateway: g, bare: b, bareSaturated: b.cores >= SATURATED_CORES };
  } finally {
    store.disconnect();
    for (const stop of stopping) await stop();
  }
}

export function readsRatio(r: ReadsBenchResult): number {
  return r.gateway.perSecond / r.bare.perSecond;
}

export function saturationNote(saturated: boolean, cores: number): string {
  return saturated
    ? `bare baseline saturated (${cores.toFixed(2)} cores >= ${SATURATED_CORES})`
    : `bare baseline NOT saturated (${cores.toFixed(2)} cores < ${SATURATED_CORES}): the load generator or a busy machine set the ceiling`;
}

export function readsReport(r: ReadsBenchResult): string {
  const row = (t: ReadTarget) =>
    `  ${t.name.padEnd(24)} ${t.perSecond.toFixed(0).padStart(7)}   ${`${t.p50.toFixed(1)} ms`.padStart(7)}   ${`${t.p99.toFixed(1)} ms`.padStart(7)}   ${t.cores.toFixed(2).padStart(5)}   ${String(t.requests).padStart(8)}   ${String(t.errors).padStart(6)}`;
  return [
    `API reads: GET /v1/peerings/{id}, autocannon in its own process, ${r.connections} connections, ${r.warmUpSeconds} s warm-up each, then ${r.rounds} alternated rounds of ${r.roundSeconds} s`,
    '  target                     req/s       p50       p99   cores   requests   errors',
    row(r.gateway),
    row(r.bare),
    `  ratio gateway/bare (req/s): ${readsRatio(r).toFixed(2)}   (goal >= 0.8: ${readsRatio(r) >= 0.8 ? 'met' : 'NOT met'}); ${saturationNote(r.bareSaturated, r.bare.cores)}`,
  ].join('\n');
}
