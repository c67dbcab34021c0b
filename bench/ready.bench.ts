import { ms, percentile, startBenchGateway } from './support.js';

export interface ReadyRow {
  product: string;
  parts: string;
  bareP50: number;
  readyP50: number;
  bareP95: number;
  readyP95: number;
}

/**
 * Time to ACTIVE with and without the parts that make a peering ready to use: ONTAP with two SVM
 * peers, Consul with three exported services (two one way, one the other). Peerings are made one
 * at a time, the two kinds in turn, each deleted before the next (ONTAP peers two clusters once).
 */
export async function benchReady(rounds = 10): Promise<ReadyRow[]> {
  const bench = await startBenchGateway();
  const kinds = [
    {
      product: 'ontap',
      parts: '2 SVM peers',
      local: 'ontap-east',
      remote: 'ontap-west',
      block: {
        ontap: {
          svmPeers: [
            { local: 'svm1', remote: 'svm-data' },
            { local: 'svm-data', remote: 'svm1' },
          ],
        },
      },
    },
    {
      product: 'consul',
      parts: '3 exported services',
      local: 'consul-dc1',
      remote: 'consul-dc2',
      block: { consul: { exports: { local: ['web', 'api'], remote: ['db'] } } },
    },
  ];
  try {
    const rows: ReadyRow[] = [];
    for (const kind of kinds) {
      const times = { bare: [] as number[], ready: [] as number[] };
      for (let round = 0; round < rounds; round++) {
        for (const mode of ['bare', 'ready'] as const) {
          const t0 = performance.now();
          const body = {
            name: `ready-${mode}-${round}`,
            local: { cluster: kind.local },
            remote: { cluster: kind.remote },
            ...(mode === 'ready' ? kind.block : {}),
          };
          const res = await bench.api('POST', '/v1/peerings', body);
          if (res.status !== 202) throw new Error(`POST ${body.name}: ${res.status} ${JSON.stringify(res.body)}`);
          times[mode].push((await bench.reached(res.body.id, 'ACTIVE')) - t0);
          await bench.api('DELETE', `/v1/peerings/${res.body.id}`);
          await bench.reached(res.body.id, 'DELETED');
        }
      }
      rows.push({
        product: kind.product,
        parts: kind.parts,
        bareP50: percentile(times.bare, 50),
        readyP50: percentile(times.ready, 50),
        bareP95: percentile(times.bare, 95),
        readyP95: percentile(times.ready, 95),
      });
    }
    return rows;
  } finally {
    await bench.close();
  }
}

export function readyReport(rows: ReadyRow[]): string {
  return [
    'Time to ACTIVE, a peering alone and ready to use (one at a time)',
    ...rows.map(
      (r) => `  ${r.product.padEnd(7)} alone p50 ${ms(r.bareP50)} p95 ${ms(r.bareP95)};  with ${r.parts} p50 ${ms(r.readyP50)} p95 ${ms(r.readyP95)}`,
    ),
  ].join('\n');
}
