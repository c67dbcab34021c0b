import { request } from 'undici';
import { openEventStream } from './event-stream.js';
import { BENCH_TOKEN, startBenchRedis, startGatewayProcess } from './processes.js';
import { startConsulSimProcess } from './sim-process.js';
import { ms, percentile, pool } from './support.js';

export interface ConsulRun {
  inFlight: number;
  peerings: number;
  p50: number;
  p95: number;
  perSecond: number;
  failed: number;
  /** The gateway's CPU during the run, in cores: near 1, the process itself is the bottleneck. */
  cores: number;
  /** Mean time per part of a create, from the operations' records: the queue, each step, and what follows the last one. */
  parts: { name: string; meanMs: number }[];
}

export interface ConsulBenchResult {
  activateAfterMs: number;
  runs: ConsulRun[];
}

/** The goals of issue 17: p50 of POST-to-ACTIVE by creates in flight. */
export const CONSUL_GOALS: Record<number, number> = { 20: 100, 50: 150 };

interface OperationRecord {
  createdAt: string;
  updatedAt: string;
  steps: { name: string; startedAt: string; finishedAt?: string; durationMs?: number }[];
}

/**
 * Consul POST-to-ACTIVE, as a caller sees it: one gateway process with role `all` (node
 * dist/src/main.js) on two simulated datacenters in their own process (pairs read ACTIVE
 * `SIM_CONSUL_ACTIVATE_MS` after establish, 50 ms by default, as the simulators' streams open), a
 * caller that follows the gateway's event stream (`GET /v1/events/watch`), and `inFlight`
 * callers each posting a create and waiting for its `peering.active` event before the next.
 * Timed from the moment of the POST to the event's arrival. Where the time goes is read back from
 * the operations' steps (`durationMs`).
 */
export async function benchConsul(inFlights = [20, 50], perCaller = 20): Promise<ConsulBenchResult> {
  const activateAfterMs = 50;
  const redis = await startBenchRedis();
  const sims = await startConsulSimProcess({ SIM_CONSUL_ACTIVATE_MS: String(activateAfterMs), SIM_CONSUL_DELETE_MS: '100' });
  const gateway = await startGatewayProcess({
    role: 'all',
    redisUrl: redis.url,
    prefix: 'consul',
    clusters: sims.clusters,
    env: { GATEWAY_RECONCILE_INTERVAL_MS: '0' },
  });
  const events = await openEventStream(gateway.url!, BENCH_TOKEN);
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await request(`${gateway.url}${path}`, {
      method: method as 'GET',
      headers: { authorization: `Bearer ${BENCH_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.statusCode, body: (await res.body.json()) as any };
  };
  const runs: ConsulRun[] = [];
  try {
    // Warm-up (not timed): connections, compiled paths. Each timed run is long enough (400 and
    // 1,000 creates) for a steady state: 6 creates per caller were over in one or two seconds.
    await createMany(api, events, 'warm', 20, 5);
    for (const inFlight of inFlights) {
      const t0 = performance.now();
      const cpu0 = gateway.cpuSeconds();
      const created = await createMany(api, events, `c${inFlight}`, inFlight, perCaller);
      const seconds = (performance.now() - t0) / 1000;
      const cores = (gateway.cpuSeconds() - cpu0) / seconds;
      const ok = created.filter((c) => c.took !== null);
      const times = ok.map((c) => c.took!);
      const operations = await Promise.all(ok.slice(0, 100).map(async (c) => (await api('GET', `/v1/operations/${c.operationId}`)).body as OperationRecord));
      runs.push({
        inFlight,
        peerings: created.length,
        p50: percentile(times, 50),
        p95: percentile(times, 95),
        perSecond: ok.length / seconds,
        failed: created.length - ok.length,
        cores,
        parts: partsOf(operations),
      });
      // Deleted before the next run, so that every run starts from the same datacenters.
      await pool(ok, inFlight, async (c) => {
        await api('DELETE', `/v1/peerings/${c.id}`);
        await events.arrival(c.id, 'peering.deleted');
      });
    }
  } finally {
    events.close();
    await gateway.stop();
    await sims.stop();
    await redis.stop();
  }
  return { activateAfterMs, runs };
}

async function createMany(
  api: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>,
  events: Awaited<ReturnType<typeof openEventStream>>,
  prefix: string,
  inFlight: number,
  perCaller: number,
) {
  const names = Array.from({ length: inFlight * perCaller }, (_, i) => `${prefix}-${i}`);
  return pool(names, inFlight, async (name) => {
    const t0 = performance.now();
    const res = await api('POST', '/v1/peerings', { name, local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } });
    if (res.status !== 202) throw new Error(`POST ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    const id = res.body.id as string;
    const ended = await Promise.race([events.arrival(id, 'peering.active'), events.arrival(id, 'peering.failed').then(() => null)]);
    return { id, operationId: res.body.operationId as string, took: ended === null ? null : ended - t0 };
  });
}

/** Mean per step name, plus the queue (created to first step) and the end (last step to the operation's last write). */
function partsOf(operations: OperationRecord[]): { name: string; meanMs: number }[] {
  const sums = new Map<string, { total: number; n: number }>();
  const add = (name: string, value: number) => {
    const s = sums.get(name) ?? { total: 0, n: 0 };
    sums.set(name, { total: s.total + value, n: s.n + 1 });
  };
  for (const op of operations) {
    if (!op.steps.length) continue;
    add('queued (created to first step)', Date.parse(op.steps[0].startedAt) - Date.parse(op.createdAt));
    for (const step of op.steps) if (step.durationMs !== undefined) add(`step ${step.name}`, step.durationMs);
    const last = op.steps.at(-1)!;
    if (last.finishedAt) add('after the last step (ACTIVE written)', Date.parse(op.updatedAt) - Date.parse(last.finishedAt));
  }
  return [...sums].map(([name, s]) => ({ name, meanMs: s.total / s.n }));
}

/** The gateway's CPU per create over a timed run, in ms: cores used / creates per second. */
export function cpuPerCreateMs(run: ConsulRun): number {
  return (run.cores / run.perSecond) * 1000;
}

export function consulReport(r: ConsulBenchResult): string {
  const lines = [
    `Consul POST-to-ACTIVE (timed to the peering.active event on GET /v1/events/watch), one role-all process, simulated streams open ${r.activateAfterMs} ms after establish`,
    '  in flight   creates     p50      p95   creates/s   gateway cores   CPU per create   failed   goal p50',
  ];
  for (const run of r.runs) {
    const goal = CONSUL_GOALS[run.inFlight];
    lines.push(
      `  ${String(run.inFlight).padStart(9)}   ${String(run.peerings).padStart(7)}   ${ms(run.p50).padStart(6)}   ${ms(run.p95).padStart(6)}   ${run.perSecond.toFixed(1).padStart(9)}   ${run.cores.toFixed(2).padStart(13)}   ${`${cpuPerCreateMs(run).toFixed(1)} ms`.padStart(14)}   ${String(run.failed).padStart(6)}   ${goal ? `< ${goal} ms: ${run.p50 < goal ? 'met' : 'NOT met'}` : ''}`,
    );
  }
  const needs = Object.entries(CONSUL_GOALS).map(([inFlight, goal]) => `${(goal / Number(inFlight)).toFixed(0)} ms (${inFlight})`);
  lines.push(
    `  With the gateway at about one core, p50 follows from its CPU: in flight x CPU per create (Little's law for a closed loop), so the goals need under ${needs.join(' and ')}.`,
  );
  for (const run of r.runs)
    lines.push(`  where the time went with ${run.inFlight} in flight (means): ${run.parts.map((p) => `${p.name} ${ms(p.meanMs)}`).join(', ')}`);
  return lines.join('\n');
}
