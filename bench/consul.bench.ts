import { ms, percentile, pool, startBenchGateway } from './support.js';

export interface ConsulBenchResult {
  peerings: number;
  concurrency: number;
  createP50: number;
  createP95: number;
  perSecond: number;
  deleteOverheadP50: number;
  deleteOverheadP95: number;
  deleteDurationMs: number;
}

/**
 * Issue 2's benchmark: 200 Consul peerings created in the sandbox (POST-to-ACTIVE p50/p95 and
 * throughput), then deleted (DELETE-to-DELETED minus the simulator's delete duration: how soon
 * the gateway notices Consul finished its asynchronous clean-up).
 */
export async function benchConsul(count = 200, concurrency = 20, deleteDurationMs = 1000): Promise<ConsulBenchResult> {
  const bench = await startBenchGateway({ SIM_CONSUL_DELETE_MS: String(deleteDurationMs) });
  try {
    const names = Array.from({ length: count }, (_, i) => `bench-${i}`);
    const started = performance.now();
    const created = await pool(names, concurrency, async (name) => {
      const t0 = performance.now();
      const res = await bench.api('POST', '/v1/peerings', { name, local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } });
      if (res.status !== 202) throw new Error(`POST ${name}: ${res.status} ${JSON.stringify(res.body)}`);
      const active = await bench.reached(res.body.id, 'ACTIVE');
      return { id: res.body.id as string, took: active - t0, activeAt: active };
    });
    const lastActive = Math.max(...created.map((c) => c.activeAt));
    const createTimes = created.map((c) => c.took);

    const deleted = await pool(created, concurrency, async ({ id }) => {
      const t0 = performance.now();
      const res = await bench.api('DELETE', `/v1/peerings/${id}`);
      if (res.status !== 202) throw new Error(`DELETE ${id}: ${res.status}`);
      return (await bench.reached(id, 'DELETED')) - t0 - deleteDurationMs;
    });
    return {
      peerings: count,
      concurrency,
      createP50: percentile(createTimes, 50),
      createP95: percentile(createTimes, 95),
      perSecond: count / ((lastActive - started) / 1000),
      deleteOverheadP50: percentile(deleted, 50),
      deleteOverheadP95: percentile(deleted, 95),
      deleteDurationMs,
    };
  } finally {
    await bench.close();
  }
}

export function consulReport(r: ConsulBenchResult): string {
  return [
    `Consul: ${r.peerings} peerings, ${r.concurrency} callers in flight, simulator delete duration ${r.deleteDurationMs} ms`,
    `  POST-to-ACTIVE          p50 ${ms(r.createP50)}   p95 ${ms(r.createP95)}   (target p50 < 150 ms: ${r.createP50 < 150 ? 'met' : 'NOT met'})`,
    `  throughput              ${r.perSecond.toFixed(1)} peerings/s`,
    `  DELETE-to-DELETED minus delete duration   p50 ${ms(r.deleteOverheadP50)}   p95 ${ms(r.deleteOverheadP95)}   (target < 100 ms: ${r.deleteOverheadP50 < 100 ? 'met' : 'NOT met'})`,
  ].join('\n');
}
