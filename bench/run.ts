import { benchConsul, consulReport } from './consul.bench.js';
import { benchRouteWindows, routeWindowReport } from './ontap.bench.js';
import { benchReconcile, reconcileReport } from './reconcile.bench.js';

/** `npm run bench`: every benchmark, its figures printed side by side in one run. */
async function main(): Promise<void> {
  const which = process.argv.slice(2);
  const wants = (name: string) => which.length === 0 || which.includes(name);
  if (wants('consul')) {
    // 20 callers in flight is the target's load; 50 shows where one gateway process saturates.
    console.log(consulReport(await benchConsul(200, 20)));
    console.log(consulReport(await benchConsul(200, 50)));
  }
  if (wants('ontap')) console.log(routeWindowReport(await benchRouteWindows()));
  if (wants('reconcile')) console.log(reconcileReport(await benchReconcile()));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
