import { cpus } from 'node:os';
import { benchConsul, consulReport } from './consul.bench.js';
import { benchMemory, memoryReport } from './memory.bench.js';
import { benchRouteWindows, routeWindowRatio, routeWindowReport } from './ontap.bench.js';
import { benchReads, readsRatio, readsReport } from './reads.bench.js';
import { benchReconcile, reconcileReport } from './reconcile.bench.js';
import { benchScale, scaleReport } from './scale.bench.js';

const SELECTORS = ['reads', 'scale', 'memory', 'reconcile', 'ontap', 'consul'];

/**
 * `npm run bench`: every benchmark, each comparison side by side in one run, then a summary of
 * the ratios; `npm run bench -- reads scale` runs some of them.
 */
async function main(): Promise<void> {
  const which = process.argv.slice(2);
  const unknown = which.filter((w) => !SELECTORS.includes(w));
  if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(', ')}; choose from ${SELECTORS.join(', ')}`);
  const wants = (name: string) => which.length === 0 || which.includes(name);
  const summary: string[] = [];
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
    summary.push(
      `API reads          gateway/bare req/s ${readsRatio(r).toFixed(2)} (goal >= 0.6); ${r.gateway.perSecond.toFixed(0)} vs ${r.bare.perSecond.toFixed(0)} req/s, p99 ${r.gateway.p99.toFixed(1)} vs ${r.bare.p99.toFixed(1)} ms`,
    );
  }
  if (wants('scale')) {
    const r = await timed(() => benchScale(), scaleReport);
    summary.push(
      `Create scale-out   ${r.rows.map((row) => `${row.workers} worker${row.workers > 1 ? 's' : ''}: ${row.perSecond.toFixed(0)}/s (efficiency ${row.efficiency.toFixed(2)})`).join(', ')}; ${r.cores} cores`,
    );
  }
  if (wants('memory')) {
    const r = await timed(() => benchMemory(), memoryReport);
    summary.push(
      `Memory             ${r.rows.map((row) => `${row.peerings}: ${row.rssMb.toFixed(0)} MB`).join(', ')}; ${r.perPeeringKb.toFixed(2)} KB per peering`,
    );
  }
  if (wants('reconcile')) {
    const rows = await timed(() => benchReconcile(), reconcileReport);
    summary.push(`Drift sweep        ${rows.map((row) => `${row.peerings}: ${row.steady.durationMs} ms, ${row.steady.clusterCalls} calls`).join('; ')}`);
  }
  if (wants('ontap')) {
    const r = await timed(() => benchRouteWindows(), routeWindowReport);
    summary.push(
      `ONTAP route window steady/exponential mean ${routeWindowRatio(r).toFixed(2)} (${r.steady.mean.toFixed(0)} vs ${r.exponential.mean.toFixed(0)} ms), p95 ${(r.steady.p95 / r.exponential.p95).toFixed(2)}${r.steady.failed + r.exponential.failed ? `; ${r.steady.failed + r.exponential.failed} FAILED (shape: ${r.routeFailure})` : ''}`,
    );
  }
  if (wants('consul')) {
    const r = await timed(() => benchConsul(), consulReport);
    summary.push(`Consul create      ${r.runs.map((run) => `${run.inFlight} in flight p50 ${run.p50.toFixed(0)} ms`).join(', ')}`);
  }
  console.log(`Summary (${((performance.now() - started) / 1000).toFixed(0)} s in all)\n  ${summary.join('\n  ')}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
