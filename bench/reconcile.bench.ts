import { newId } from '../src/common/ids.js';
import { type Operation } from '../src/operations/operation.js';
import { type Peering } from '../src/peerings/peering.js';
import { PeeringStore } from '../src/peerings/peering.store.js';
import { Reconciler, type SweepReport } from '../src/reconciler/reconciler.service.js';
import { ms, pool, startBenchGateway } from './support.js';

export interface ReconcileBenchResult {
  peerings: number;
  steady: SweepReport & { clusterCalls: number };
  drifted: SweepReport & { clusterCalls: number; deletedByHand: number };
}

/**
 * Issue 4's scale claim: a drift sweep over 10,000 settled Consul peerings. The pairs exist on the
 * simulated datacenters (made through Consul's own API) and in the gateway as ACTIVE; a first
 * sweep finds nothing to change, then 100 are deleted by hand on one side and a second sweep
 * marks exactly those DEGRADED. Calls to the clusters are counted by the simulators.
 */
export async function benchReconcile(count = 10_000, deletedByHand = 100): Promise<ReconcileBenchResult> {
  const bench = await startBenchGateway({}, { GATEWAY_RECONCILE_INTERVAL_MS: '0' });
  try {
    const [dc1, dc2] = ['consul-dc1', 'consul-dc2'].map((id) => bench.sims.clusters.find((c) => c.id === id)!);
    const consul = async (endpoint: string, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${endpoint}${path}`, {
        method,
        headers: { 'x-consul-token': 'sandbox-consul-token' },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : {}) as Record<string, string>;
    };
    const names = Array.from({ length: count }, (_, i) => `swept-${i}`);
    await pool(names, 64, async (name) => {
      const { PeeringToken } = await consul(dc1.endpoint, 'POST', '/v1/peering/token', { PeerName: name });
      await consul(dc2.endpoint, 'POST', '/v1/peering/establish', { PeerName: name, PeeringToken });
    });
    const store = bench.gateway.app.get(PeeringStore);
    const now = new Date().toISOString();
    await pool(names, 64, async (name) => {
      const id = newId('pr');
      const operation: Operation = {
        id: newId('op'),
        type: 'create',
        peeringId: id,
        status: 'succeeded',
        attempts: 1,
        steps: [],
        lastError: null,
        nextAttemptAt: null,
        createdAt: now,
        updatedAt: now,
      };
      const peering: Peering = {
        id,
        name,
        product: 'consul',
        local: { cluster: 'consul-dc1' },
        remote: { cluster: 'consul-dc2' },
        labels: {},
        state: 'ACTIVE',
        stateReason: null,
        sides: { local: { nativeId: null, nativeState: 'ACTIVE' }, remote: { nativeId: null, nativeState: 'ACTIVE' } },
        lastError: null,
        operationId: operation.id,
        createdAt: now,
        updatedAt: now,
      };
      await store.create(peering, operation);
    });
    // Let Consul's computed ACTIVE settle (the simulator activates pairs shortly after establish).
    await new Promise((r) => setTimeout(r, 500));
    const reconciler = bench.gateway.app.get(Reconciler);
    const calls = async () => {
      let total = 0;
      for (const c of bench.sims.clusters) total += ((await (await fetch(`${c.endpoint}/_sim/faults`)).json()) as { calls: number }).calls;
      return total;
    };
    let before = await calls();
    const steady = await reconciler.sweep();
    const steadyCalls = (await calls()) - before;

    await pool(names.slice(0, deletedByHand), 16, (name) => consul(dc2.endpoint, 'DELETE', `/v1/peering/${name}`));
    before = await calls();
    const drifted = await reconciler.sweep();
    const driftedCalls = (await calls()) - before;
    return { peerings: count, steady: { ...steady, clusterCalls: steadyCalls }, drifted: { ...drifted, clusterCalls: driftedCalls, deletedByHand } };
  } finally {
    await bench.close();
  }
}

export function reconcileReport(r: ReconcileBenchResult): string {
  return [
    `Drift sweep over ${r.peerings} settled Consul peerings (one bulk read per cluster)`,
    `  steady state:   ${ms(r.steady.durationMs)}, ${r.steady.clusterCalls} calls to clusters, ${r.steady.changed} changed`,
    `  ${r.drifted.deletedByHand} deleted by hand: ${ms(r.drifted.durationMs)}, ${r.drifted.clusterCalls} calls to clusters, ${r.drifted.changed} marked DEGRADED`,
  ].join('\n');
}
