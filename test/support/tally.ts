import type { SimTopology } from '../../sim/topology.js';

export interface Tally {
  accepted: number;
  completed: number;
  lost: number;
  duplicated: number;
}

/**
 * Counts for fault tests. `lost`: accepted requests whose peering never settled as asked.
 * `duplicated`: records on the simulated clusters beyond what the settled peerings account for
 * (a second record made by a retried step, or one left behind by a deleted peering).
 */
export function tally(topology: SimTopology, outcomes: { name: string; want: 'ACTIVE' | 'DELETED'; state: string | undefined }[]): Tally {
  const records = new Map<string, number>();
  for (const sim of topology.consul) for (const p of sim.peerings()) records.set(p.Name, (records.get(p.Name) ?? 0) + 1);
  for (const sim of topology.ontap) for (const p of sim.peers()) records.set(p.name, (records.get(p.name) ?? 0) + 1);
  let duplicated = 0;
  for (const outcome of outcomes) {
    const expected = outcome.want === 'ACTIVE' ? 2 : 0;
    duplicated += Math.max(0, (records.get(outcome.name) ?? 0) - expected);
  }
  const completed = outcomes.filter((o) => o.state === o.want).length;
  return { accepted: outcomes.length, completed, lost: outcomes.length - completed, duplicated };
}

export function report(test: string, counts: Tally & { [extra: string]: number }): void {
  const fields = Object.entries(counts)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  process.stdout.write(`[fault] ${test}: ${fields}\n`);
}
