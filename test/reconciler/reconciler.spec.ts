import { describe, expect, it } from '@jest/globals';
import type { Logger } from 'pino';
import type { Peering } from '../../src/domain/peering.js';
import type { NativeSide } from '../../src/products/port.js';
import type { ProductRegistry } from '../../src/products/product-registry.js';
import type { ClusterStore } from '../../src/stores/cluster.store.js';
import type { OperationStore } from '../../src/stores/operation.store.js';
import type { PeeringStore } from '../../src/stores/peering.store.js';
import type { PeeringTransitions } from '../../src/stores/peering-transitions.js';
import { Reconciler } from '../../src/reconciler/reconciler.service.js';
import { activePeering } from '../support/peerings.js';

function peering(id: string, updatedAt: string): Peering {
  return activePeering({ id, name: id, operationId: `op_${id}`, updatedAt });
}

const active: NativeSide = { nativeId: 'n', nativeState: 'ACTIVE', health: 'active' };

/** A sweep over records in memory, against clusters that both have lost the record of every peering. */
function sweepOf(records: Peering[]) {
  const moved: string[] = [];
  let clusterReads = 0;
  const store = {
    allIds: async () => records.map((p) => p.id),
    getMany: async (ids: string[]) => ids.map((id) => records.find((p) => p.id === id) ?? null),
    forget: async () => undefined,
    managedClusters: (p: Peering) => [p.local.cluster!, p.remote.cluster!],
  } as unknown as PeeringStore;
  const clusters = { get: async (id: string) => ({ id, product: 'consul' }) } as unknown as ClusterStore;
  const operations = { getMany: async (ids: string[]) => ids.map(() => null) } as unknown as OperationStore;
  const products = {
    adapter: () => ({
      readAll: async () => {
        clusterReads++;
        return new Map<string, NativeSide>([['unrelated', active]]);
      },
    }),
    for: () => ({ plugin: {} }),
  } as unknown as ProductRegistry;
  const transitions = {
    move: async (id: string, to: Peering['state']) => {
      moved.push(`${id}:${to}`);
      return { ...records.find((p) => p.id === id)!, state: to, updatedAt: 'now' };
    },
  } as unknown as PeeringTransitions;
  const logger = { info: () => undefined, warn: () => undefined } as unknown as Logger;
  const reconciler = new Reconciler(store, clusters, operations, products, transitions, logger);
  return { sweep: () => reconciler.sweep(), moved, reads: () => clusterReads };
}

describe('Reconciler.sweep', () => {
  it('judges settled peerings against one read per cluster, across batches', async () => {
    const records = Array.from({ length: 2500 }, (_, i) => peering(`pr_${i}`, '2026-01-01T00:00:00.000Z'));
    const { sweep, moved, reads } = sweepOf(records);
    const report = await sweep();
    expect(report).toMatchObject({ peerings: 2500, watched: 2500, changed: 2500, clusterReads: 2, unreachableClusters: [] });
    expect(reads()).toBe(2);
    expect(moved[0]).toBe('pr_0:DEGRADED');
  });

  it('does not judge a peering whose record changed after its clusters were read', async () => {
    // Written "later" than any read of this run: the read may not show what that write did.
    const { sweep, moved } = sweepOf([peering('pr_old', '2026-01-01T00:00:00.000Z'), peering('pr_new', '9999-01-01T00:00:00.000Z')]);
    const report = await sweep();
    expect(moved).toEqual(['pr_old:DEGRADED']);
    expect(report).toMatchObject({ watched: 2, changed: 1 });
  });
});
