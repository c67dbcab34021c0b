import { ms, percentile, startBenchEstate, startBenchGateway } from './support.js';

export interface RouteWindowResult {
  peerings: number;
  rounds: number;
  seed: number;
  /** The simulators' route-failure shape (sim/ontap/errors.ts): their default unless BENCH_ONTAP_ROUTE_FAILURE names one. */
  routeFailure: string;
  windowsMs: number[];
  steady: RouteWindowFigures;
  exponential: RouteWindowFigures;
}

export interface RouteWindowFigures {
  mean: number;
  p95: number;
  samples: number[];
  /** Peerings that ended FAILED instead of ACTIVE (a route failure the gateway did not recognise as one). */
  failed: number;
}

/** mulberry32: a small seeded generator, so that every run draws the same windows. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Issue 3's benchmark: peerings created right after new intercluster LIFs, while their routes
 * propagate. Routes do not appear on a backoff's schedule, so each peering's window is drawn at
 * random between 1 and 5 s (a fixed seed: the same windows every run). Two gateways run at once
 * on the same machine, each on its own cluster pairs: one with the steady short retries
 * (`GATEWAY_ROUTE_RETRY=steady`), one with a plain exponential backoff from 1 s
 * (`exponential`). Peering i of both gets the same window, and they are posted interleaved
 * (steady, exponential, steady, ...). Measured: POST-to-ACTIVE minus the window. The simulators
 * answer inside the window with their default route-failure shape.
 */
export async function benchRouteWindows(
  count = 16,
  rounds = 2,
  seed = 20240613,
  routeFailure = process.env.BENCH_ONTAP_ROUTE_FAILURE,
): Promise<RouteWindowResult> {
  const estate = await startBenchEstate({ SIM_ONTAP_PAIRS: String(2 * count) });
  const schedules = ['steady', 'exponential'] as const;
  const gateways = await Promise.all(schedules.map((schedule) => startBenchGateway({}, { GATEWAY_ROUTE_RETRY: schedule }, estate)));
  const pairName = (i: number) => (i === 0 ? ['ontap-east', 'ontap-west'] : [`ontap-east-${i + 1}`, `ontap-west-${i + 1}`]);
  const random = seeded(seed);
  const measured: number[][] = gateways.map(() => []);
  const failed = gateways.map(() => 0);
  const windowsMs: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const windows = Array.from({ length: count }, () => 1000 + Math.round(random() * 4000));
      windowsMs.push(...windows);
      for (let i = 0; i < count; i++) {
        for (const g of [0, 1])
          for (const cluster of pairName(g * count + i))
            await estate.sims.settings(cluster, { routeWindowMs: windows[i], ...(routeFailure ? { routeFailure } : {}) });
      }
      const tasks = windows.flatMap((windowMs, i) => gateways.map((bench, g) => ({ bench, g, pair: g * count + i, windowMs })));
      await Promise.all(
        tasks.map(async ({ bench, g, pair, windowMs }, order) => {
          // Interleaved: a few ms apart, in the order steady, exponential, steady, ...
          await new Promise((r) => setTimeout(r, order * 5));
          const [local, remote] = pairName(pair);
          // New LIFs on the local cluster for every peering: their routes start propagating now.
          const subnet = `10.${200 + round}.${pair}`;
          const t0 = performance.now();
          const res = await bench.api('POST', '/v1/peerings', {
            name: `routes-${round}-${pair}`,
            local: { cluster: local },
            remote: { cluster: remote },
            ontap: {
              localNetwork: { interfaces: [{ ipAddress: `${subnet}.21` }], netmask: '255.255.255.0', broadcastDomain: 'Default', gateway: `${subnet}.1` },
            },
          });
          if (res.status !== 202) throw new Error(`POST: ${res.status} ${JSON.stringify(res.body)}`);
          const ended = await Promise.race([bench.reached(res.body.id, 'ACTIVE'), bench.reached(res.body.id, 'FAILED').then(() => null)]);
          if (ended === null) failed[g]++;
          else measured[g].push(ended - t0 - windowMs);
          await bench.api('DELETE', `/v1/peerings/${res.body.id}`);
          await bench.reached(res.body.id, 'DELETED');
        }),
      );
    }
  } finally {
    for (const bench of gateways) await bench.close();
    await estate.close();
  }
  const summary = (g: number): RouteWindowFigures => ({
    mean: measured[g].reduce((a, b) => a + b, 0) / measured[g].length,
    p95: percentile(measured[g], 95),
    samples: measured[g],
    failed: failed[g],
  });
  return { peerings: count, rounds, seed, routeFailure: routeFailure ?? "the simulators' default", windowsMs, steady: summary(0), exponential: summary(1) };
}

export function routeWindowRatio(r: RouteWindowResult): number {
  return r.steady.mean / r.exponential.mean;
}

export function routeWindowReport(r: RouteWindowResult): string {
  const n = r.peerings * r.rounds;
  const row = (name: string, s: RouteWindowFigures) =>
    `  ${name.padEnd(26)} ${ms(s.mean).padStart(8)}   ${ms(s.p95).padStart(8)}   ${String(s.failed).padStart(6)}`;
  return [
    `ONTAP route windows: ${n} peerings per schedule, windows drawn between 1 and 5 s (seed ${r.seed}; mean ${ms(r.windowsMs.reduce((a, b) => a + b, 0) / r.windowsMs.length)}), route failure shape: ${r.routeFailure}`,
    '  POST-to-ACTIVE minus the window   mean        p95   FAILED',
    row('steady (the default)', r.steady),
    row('exponential from 1 s', r.exponential),
    `  ratio steady/exponential: mean ${routeWindowRatio(r).toFixed(2)}, p95 ${(r.steady.p95 / r.exponential.p95).toFixed(2)}`,
    ...(r.steady.failed + r.exponential.failed > 0
      ? [
          '  FAILED: the gateway did not take this route-failure shape for route propagation (src/products/ontap/ontap-errors.ts) and gave up;',
          '  BENCH_ONTAP_ROUTE_FAILURE=<contact|target|reset|legacy> picks another shape of sim/ontap/errors.ts.',
        ]
      : []),
  ].join('\n');
}
