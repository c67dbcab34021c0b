// A look inside the memory figure (not part of npm run bench): one all-role gateway at N settled
// peerings; after its first sweep it prints what V8 and the process say (GET /metrics, /proc).
import { request } from 'undici';
import { benchRedis, BENCH_TOKEN, startBenchRedis, startGatewayProcess } from './processes.js';
import { names, seedPeerings } from './seed.js';
import { startConsulSimProcess } from './sim-process.js';

const size = Number(process.argv[2] ?? 100_000);
const redis = await startBenchRedis();
const sims = await startConsulSimProcess();
const store = benchRedis(redis.url);
await sims.seed('mem', 0, size);
await seedPeerings(store, 'probe', names('mem', 0, size));
const gateway = await startGatewayProcess({
  role: 'all',
  redisUrl: redis.url,
  prefix: 'probe',
  clusters: sims.clusters,
  env: { GATEWAY_RECONCILE_INTERVAL_MS: '60000', NODE_OPTIONS: process.env.PROBE_NODE_OPTIONS ?? '' },
});
const metrics = async () => {
  const res = await request(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } });
  const text = await res.body.text();
  return text
    .split('\n')
    .filter((l) => /^(process_resident|nodejs_heap_size|nodejs_external|nodejs_heap_space_size_used_bytes)/.test(l))
    .map((l) => l.replace(/ (\d+)$/, (_, n: string) => ` ${(Number(n) / 1048576).toFixed(1)} MB`))
    .join('\n');
};
console.log('started', gateway.memory(), '\n' + (await metrics()));
for (let t = 0; t < 40; t++) {
  await new Promise((r) => setTimeout(r, 1000));
  console.log(t, gateway.memory());
  // With --heapsnapshot-signal=SIGUSR2 in PROBE_NODE_OPTIONS: a snapshot (after a full GC) at
  // PROBE_SNAPSHOT_AT s (25 by default; a few seconds in, the first sweep is still running).
  if (t === Number(process.env.PROBE_SNAPSHOT_AT ?? 25) && process.env.PROBE_SNAPSHOT) {
    console.log(await metrics());
    process.kill(gateway.pid, 'SIGUSR2');
  }
}
console.log(await metrics());
await gateway.stop();
store.disconnect();
await sims.stop();
await redis.stop();
