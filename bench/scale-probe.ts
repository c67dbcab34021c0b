// Where a create's time goes with n worker processes (not part of npm run bench): the scale
// benchmark's set-up (bench/scale.bench.ts), then the operations' steps read from Redis.
// node dist/bench/scale-probe.js <workers> [count] [jobsPerWorker]
import { request } from 'undici';
import { type Operation } from '../src/domain/operation.js';
import { benchRedis, BENCH_TOKEN, startBenchRedis, startGatewayProcess } from './processes.js';
import { startConsulSimProcess } from './sim-process.js';
import { pool } from './support.js';

const workers = Number(process.argv[2] ?? 4);
const count = Number(process.argv[3] ?? 80 * workers);
const jobs = process.argv[4] ?? '4';
const redis = await startBenchRedis();
const sims = await startConsulSimProcess({ SIM_CONSUL_ACTIVATE_MS: '10', SIM_CONSUL_DELETE_MS: '200' });
for (const cluster of sims.clusters) await sims.faults(cluster.id, { latencyMs: 50 });
const env = { GATEWAY_CLUSTER_CONCURRENCY: '64', GATEWAY_WORKER_CONCURRENCY: jobs, GATEWAY_RECONCILE_INTERVAL_MS: '0', GATEWAY_RETRY_BASE_MS: '100' };
const prefix = 'probe';
const processes = await Promise.all([
  startGatewayProcess({ role: 'api', redisUrl: redis.url, prefix, clusters: sims.clusters, env }),
  ...Array.from({ length: workers }, () => startGatewayProcess({ role: 'worker', redisUrl: redis.url, prefix, clusters: sims.clusters, env })),
]);
const store = benchRedis(redis.url);
const started = Date.now();
const opIds = await pool(
  Array.from({ length: count }, (_, i) => `probe-${i}`),
  2 * Number(jobs) * workers,
  async (name) => {
    const res = await request(`${processes[0].url}/v1/peerings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } }),
    });
    const body = (await res.body.json()) as { operationId?: string; operation?: { id: string } };
    return body.operationId ?? body.operation?.id ?? '';
  },
);
console.log(`POSTs done in ${Date.now() - started} ms`, opIds.slice(0, 2));
let ops: Operation[];
for (;;) {
  await new Promise((r) => setTimeout(r, 200));
  const raws = await store.mget(opIds.map((id) => `${prefix}:operation:${id}`));
  ops = raws.filter((r): r is string => !!r).map((r) => JSON.parse(r) as Operation);
  if (ops.length === count && ops.every((o) => o.status === 'succeeded' || o.status === 'failed')) break;
}
const all = (Math.max(...ops.map((o) => Date.parse(o.updatedAt))) - started) / 1000;
console.log(`${count} creates with ${workers} workers in ${all.toFixed(1)} s: ${(count / all).toFixed(1)}/s`);
const steps = new Map<string, number[]>();
const add = (name: string, ms: number) => steps.set(name, [...(steps.get(name) ?? []), ms]);
for (const op of ops) {
  add('(queued: created -> first step)', Date.parse(op.steps[0]?.startedAt ?? op.updatedAt) - Date.parse(op.createdAt));
  for (let i = 0; i < op.steps.length; i++) {
    add(op.steps[i].name, op.steps[i].durationMs ?? NaN);
    if (i > 0) add('(between steps)', Date.parse(op.steps[i].startedAt) - Date.parse(op.steps[i - 1].finishedAt ?? op.steps[i - 1].startedAt));
  }
  add('(whole: created -> updated)', Date.parse(op.updatedAt) - Date.parse(op.createdAt));
  add('(attempts)', op.attempts);
}
for (const [name, values] of steps) {
  values.sort((a, b) => a - b);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  console.log(
    `${name.padEnd(36)} n=${String(values.length).padStart(4)} mean ${mean.toFixed(1).padStart(7)} p50 ${values[Math.floor(values.length / 2)]} p90 ${values[Math.floor(values.length * 0.9)]}`,
  );
}
store.disconnect();
await Promise.all(processes.map((p) => p.stop()));
await sims.stop();
await redis.stop();
