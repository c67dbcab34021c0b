import { cpus } from 'node:os';
import { benchConsul, CONSUL_GOALS, consulReport, cpuPerCreateMs } from './consul.bench.js';
import { benchMemory, memoryReport } from './memory.bench.js';
import { benchRouteWindows, routeWindowRatio, routeWindowReport } from './ontap.bench.js';
import { benchReads, readsRatio, readsReport } from './reads.bench.js';
import { benchReady, readyReport } from './ready.bench.js';
import { benchReconcile, reconcileReport } from './reconcile.bench.js';
import { benchScale, scaleReport, worstDoubling } from './scale.bench.js';
import { ms } from './support.js';

const SELECTORS = ['reads', 'consul', 'reconcile', 'memory', 'scale', 'ontap', 'ready'];

/** One line of the closing table: a figure, its goal, and whether it was met. */
interface Figure {
  name: string;
  value: string;
  goal: string;
  met: boolean | null;
}

/**
 * `npm run bench`: every benchmark, each comparison side by side in one run, then ONE table with
 * every figure and its goal; `npm run bench -- reads consul` runs some of them.
 */
async function main(): Promise<void> {
  const which = process.argv.slice(2);
  const unknown = which.filter((w) => !SELECTORS.includes(w));
  if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(', ')}; choose from ${SELECTORS.join(', ')}`);
  const wants = (name: string) => which.length === 0 || which.includes(name);
  const figures: Figure[] = [];
  const started = performance.now();
  const timed = async <T>(run: () => Promise<T>, report: (r: T) => string): Promise<T> => {
    const t0 = performance.now();
    const result = await run();
    console.log(`${report(result)}\n  (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
    return result;
  };
  console.log(`${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}\n`);

  if (wants('reads')) {
    const r = await timed(() => benchReads(), readsReport);
    figures.push({
      name: `API reads, gateway (role all) / bare, ${r.connections} connections`,
      value: `${readsRatio(r).toFixed(2)} (${r.gateway.perSecond.toFixed(0)} vs ${r.bare.perSecond.toFixed(0)} req/s; bare ${r.bareSaturated ? 'saturated' : 'NOT saturated'} at ${r.bare.cores.toFixed(2)} cores)`,
      goal: '>= 0.8',
      met: readsRatio(r) >= 0.8,
    });
  }
  if (wants('consul')) {
    const r = await timed(() => benchConsul(), consulReport);
    for (const run of r.runs)
      figures.push({
        name: `Consul POST-to-ACTIVE p50, ${run.inFlight} in flight`,
        value: `${run.p50.toFixed(0)} ms (p95 ${run.p95.toFixed(0)} ms; gateway CPU ${cpuPerCreateMs(run).toFixed(1)} ms per create)`,
        goal: `< ${CONSUL_GOALS[run.inFlight]} ms`,
        met: run.p50 < CONSUL_GOALS[run.inFlight],
      });
  }
  if (wants('reconcile')) {
    const rows = await timed(() => benchReconcile(), reconcileReport);
    const largest = rows.at(-1)!;
    figures.push({
      name: `Drift sweep, ${largest.peerings.toLocaleString('en')} peerings`,
      value: `${(largest.steady.durationMs / 1000).toFixed(1)} s (${largest.steady.clusterCalls} calls; clusters not read: ${largest.steady.unreachableClusters.length})`,
      goal: '< 10 s',
      met: largest.steady.durationMs < 10_000 && largest.steady.unreachableClusters.length === 0,
    });
  }
  if (wants('memory')) {
    const r = await timed(() => benchMemory(), memoryReport);
    const largest = r.rows.at(-1)!;
    figures.push({
      name: `RSS of an api+worker process, ${largest.peerings.toLocaleString('en')} peerings`,
      value: `${largest.rssMb.toFixed(0)} MB (peak ${largest.peakMb.toFixed(0)} MB)`,
      goal: '< 300 MB',
      met: largest.rssMb < 300,
    });
  }
  if (wants('scale')) {
    const r = await timed(() => benchScale(), scaleReport);
    figures.push({
      name: `Creates/s, 1 / 2 / 4 workers, clusters at ${r.latencyMs} ms`,
      value: `${r.rows.map((row) => `${row.perSecond.toFixed(1)}${row.clusterBound < 64 ? ` (bound ${row.clusterBound})` : ''}`).join(' / ')}; worst doubling ${worstDoubling(r).toFixed(2)}x`,
      goal: '>= 1.8x per doubling',
      met: worstDoubling(r) >= 1.8,
    });
  }
  if (wants('ontap')) {
    const r = await timed(() => benchRouteWindows(), routeWindowReport);
    figures.push({
      name: 'ONTAP route window, steady / exponential mean',
      value: `${routeWindowRatio(r).toFixed(2)} (${r.steady.mean.toFixed(0)} vs ${r.exponential.mean.toFixed(0)} ms; FAILED ${r.steady.failed + r.exponential.failed})`,
      goal: '< 1, none FAILED',
      met: routeWindowRatio(r) < 1 && r.steady.failed + r.exponential.failed === 0,
    });
  }
  if (wants('ready')) {
    for (const r of await timed(() => benchReady(), readyReport)) {
      figures.push({
        name: `Time to ACTIVE, ${r.product}: alone / with ${r.parts}`,
        value: `p50 ${ms(r.bareP50)} / ${ms(r.readyP50)}`,
        goal: '(shown)',
        met: null,
      });
    }
  }
  console.log(figureTable(figures, (performance.now() - started) / 1000));
}

function figureTable(figures: Figure[], seconds: number): string {
  const widths = [
    Math.max(6, ...figures.map((f) => f.name.length)),
    Math.max(6, ...figures.map((f) => f.value.length)),
    Math.max(4, ...figures.map((f) => f.goal.length)),
  ];
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 3)).join(' | ')} |`;
  return [
    `Figures (${seconds.toFixed(0)} s in all)`,
    row(['figure', 'value', 'goal', 'met']),
    row(widths.concat(3).map((w) => '-'.repeat(w))),
    ...figures.map((f) => row([f.name, f.value, f.goal, f.met === null ? '-' : f.met ? 'yes' : 'NO'])),
  ].join('\n');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
