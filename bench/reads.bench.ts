import { mergeLoads, runLoad } from './load.js';
import { benchRedis, BENCH_TOKEN, startBareServer, startBenchRedis, startGatewayProcess } from './processes.js';
import { names, seedPeerings } from './seed.js';
import { startConsulSimProcess } from './sim-process.js';

export interface ReadTarget {
  name: string;
  perSecond: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
}

export interface ReadsBenchResult {
  connections: number;
  warmUpMs: number;
  measuredMs: number;
  rounds: number;
  gateway: ReadTarget;
  bare: ReadTarget;
}

/**
 * API reads: `GET /v1/peerings/{id}` on one gateway process (api role) against bare Fastify and
 * ioredis (bench/bare-server.ts) reading the same records from the same Redis, with the same
 * bearer-token check. The same load generator drives both: a warm-up each, then interleaved
 * rounds (gateway, bare, gateway, bare, ...) so that a busy spell of the machine falls on both.
 */
export async function benchReads(connections = 16, warmUpMs = 5_000, measuredMs = 10_000, rounds = 4): Promise<ReadsBenchResult> {
  const redis = await startBenchRedis();
  const sims = await startConsulSimProcess();
  const store = benchRedis(redis.url);
  const prefix = 'reads';
  const stopping: (() => Promise<void>)[] = [() => sims.stop(), () => redis.stop()];
  try {
    // 1,000 records read in turn, so that the read is not of one hot key.
    const ids = await seedPeerings(store, prefix, names('read', 0, 1000));
    const [gateway, bare] = await Promise.all([
      startGatewayProcess({ role: 'api', redisUrl: redis.url, prefix, clusters: sims.clusters }),
      startBareServer(redis.url, prefix),
    ]);
    stopping.unshift(
      () => gateway.stop(),
      () => bare.stop(),
    );
    const paths = ids.map((id) => `/v1/peerings/${id}`);
    const headers = { authorization: `Bearer ${BENCH_TOKEN}` };
    const targets = [gateway.url!, bare.url!];
    for (const url of targets) await runLoad(url, paths, headers, connections, warmUpMs);
    const measured = targets.map(() => [] as Awaited<ReturnType<typeof runLoad>>[]);
    for (let round = 0; round < rounds; round++) {
      for (const [t, url] of targets.entries()) measured[t].push(await runLoad(url, paths, headers, connections, measuredMs / rounds));
    }
    const [g, b] = measured.map(mergeLoads);
    return { connections, warmUpMs, measuredMs, rounds, gateway: { name: 'gateway (api role)', ...g }, bare: { name: 'bare Fastify + ioredis', ...b } };
  } finally {
    store.disconnect();
    for (const stop of stopping) await stop();
  }
}

export function readsRatio(r: ReadsBenchResult): number {
  return r.gateway.perSecond / r.bare.perSecond;
}

export function readsReport(r: ReadsBenchResult): string {
  const row = (t: ReadTarget) =>
    `  ${t.name.padEnd(24)} ${t.perSecond.toFixed(0).padStart(7)}   ${`${t.p50.toFixed(1)} ms`.padStart(7)}   ${`${t.p99.toFixed(1)} ms`.padStart(7)}   ${String(t.requests).padStart(8)}   ${String(t.errors).padStart(6)}`;
  return [
    `API reads: GET /v1/peerings/{id}, ${r.connections} connections, ${r.warmUpMs / 1000} s warm-up each, then ${r.measuredMs / 1000} s each in ${r.rounds} interleaved rounds`,
    '  target                     req/s       p50       p99   requests   errors',
    row(r.gateway),
    row(r.bare),
    `  ratio gateway/bare (req/s): ${readsRatio(r).toFixed(2)}   (goal >= 0.6: ${readsRatio(r) >= 0.6 ? 'met' : 'NOT met'})`,
  ].join('\n');
}
