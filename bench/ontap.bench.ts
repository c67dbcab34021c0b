import { ms, percentile, startBenchEstate, startBenchGateway } from './support.js';

export interface RouteWindowRow {
  schedule: 'steady' | 'exponential';
  windowMs: number;
  overheadP50: number;
  overheadMax: number;
}

/**
 * Issue 3's benchmark: peerings created right after new intercluster LIFs, while routes propagate
 * (ONTAP's 1-5 s window). For each window, `count` peerings (one per cluster pair, at once) are
 * timed from POST to ACTIVE and the window is taken off: what is left is the cost of the retries.
 * The gateway's steady short retries run beside a plain exponential backoff from 1 s: two
 * gateways at once on one machine, each on its own cluster pairs.
 */
/** The windows issue 3 names; 2 and 4 s are measured too, for context. */
const TARGET_WINDOWS = [0, 1000, 3000, 5000];

export async function benchRouteWindows(windows = [0, 1000, 2000, 3000, 4000, 5000], count = 20): Promise<RouteWindowRow[]> {
  // Both schedules run at the same time on the same machine, each on its own cluster pairs.
  const estate = await startBenchEstate({ SIM_ONTAP_PAIRS: String(2 * count) });
  const schedules = ['steady', 'exponential'] as const;
  const gateways = await Promise.all(schedules.map((schedule) => startBenchGateway({}, { GATEWAY_ROUTE_RETRY: schedule }, estate)));
  const pairName = (i: number) => (i === 0 ? ['ontap-east', 'ontap-west'] : [`ontap-east-${i + 1}`, `ontap-west-${i + 1}`]);
  const rows: RouteWindowRow[] = [];
  try {
    for (const [w, windowMs] of windows.entries()) {
      for (let i = 0; i < 2 * count; i++) for (const cluster of pairName(i)) await estate.sims.settings(cluster, { routeWindowMs: windowMs });
      // Interleaved (steady, exponential, steady, ...) so that neither schedule's peerings go first.
      const tasks = Array.from({ length: count }, (_, i) => gateways.map((bench, g) => ({ bench, g, pair: g * count + i }))).flat();
      const measured: number[][] = gateways.map(() => []);
      await Promise.all(
        tasks.map(async ({ bench, g, pair }) => {
          const [local, remote] = pairName(pair);
          // New LIFs on the local cluster for every peering: their routes start propagating now.
          const subnet = `10.${200 + w}.${pair}`;
          const t0 = performance.now();
          const res = await bench.api('POST', '/v1/peerings', {
            name: `routes-${w}-${pair}`,
            local: { cluster: local },
            remote: { cluster: remote },
            ontap: {
              localNetwork: { interfaces: [{ ipAddress: `${subnet}.21` }], netmask: '255.255.255.0', broadcastDomain: 'Default', gateway: `${subnet}.1` },
            },
          });
          if (res.status !== 202) throw new Error(`POST: ${res.status} ${JSON.stringify(res.body)}`);
          const took = (await bench.reached(res.body.id, 'ACTIVE')) - t0;
          measured[g].push(took - windowMs);
          await bench.api('DELETE', `/v1/peerings/${res.body.id}`);
          await bench.reached(res.body.id, 'DELETED');
        }),
      );
      schedules.forEach((schedule, g) => rows.push({ schedule, windowMs, overheadP50: percentile(measured[g], 50), overheadMax: Math.max(...measured[g]) }));
    }
  } finally {
    for (const bench of gateways) await bench.close();
    await estate.close();
  }
  return rows;
}

export function routeWindowReport(rows: RouteWindowRow[]): string {
  const windows = [...new Set(rows.map((r) => r.windowMs))];
  const lines = [
    'ONTAP: POST-to-ACTIVE minus the route-propagation window, 20 peerings per window',
    '  window   steady p50   steady max   exponential(1 s) p50   exponential max   ratio p50   target (p50 < 500 ms and below exponential)',
  ];
  for (const windowMs of windows) {
    const steady = rows.find((r) => r.windowMs === windowMs && r.schedule === 'steady')!;
    const expo = rows.find((r) => r.windowMs === windowMs && r.schedule === 'exponential')!;
    const met = steady.overheadP50 < 500 && (windowMs === 0 || steady.overheadP50 < expo.overheadP50);
    const extra = !TARGET_WINDOWS.includes(windowMs);
    lines.push(
      `  ${`${windowMs / 1000} s`.padEnd(8)} ${ms(steady.overheadP50).padStart(10)}   ${ms(steady.overheadMax).padStart(10)}   ${ms(expo.overheadP50).padStart(20)}   ${ms(expo.overheadMax).padStart(15)}   ${(steady.overheadP50 / Math.max(1, expo.overheadP50)).toFixed(2).padStart(9)}   ${extra ? '(context)' : met ? 'met' : 'NOT met'}`,
    );
  }
  lines.push(
    '  Exponential backoff from 1 s retries 1, 3 and 7 s after the first failure: windows of exactly 1 and 3 s end on its retry points,',
    '  its best case. The 2 and 4 s rows show windows that do not; the steady 50 ms retries cost the same whatever the window.',
  );
  return lines.join('\n');
}
