import { Injectable } from '@nestjs/common';
import type { Cluster } from '../../../src/domain/cluster.js';
import type { ClusterPosture, ProductPlugin } from '../../../src/products/product-plugin.js';
import { LedgerAdapter } from './ledger.adapter.js';

@Injectable()
export class LedgerPosture {
  async read(cluster: Cluster): Promise<ClusterPosture & { inMemory: true }> {
    return { cluster: cluster.id, product: 'ledger', checkedAt: new Date().toISOString(), inMemory: true };
  }
}

/** A third product, for tests only: registered with registerProduct(), nothing else in the gateway changes. */
export const ledgerPlugin: ProductPlugin = {
  id: 'ledger',
  title: 'Ledger',
  adapter: LedgerAdapter,
  posture: LedgerPosture,
  registerCluster: ({ auth }) => (auth.token ? { errors: [] } : { errors: [{ field: 'auth.token', message: 'is required for Ledger' }] }),
  createRules: ({ name }) => (name.length > 20 ? [{ field: 'name', message: 'must be at most 20 characters for Ledger' }] : []),
  peeringOptions: () => undefined,
  planUpdate: () => ({ errors: [] }),
  extraLocks: (peering) =>
    peering.remote.cluster
      ? [{ name: `ledger-pair:${[peering.local.cluster, peering.remote.cluster].sort().join('|')}`, conflict: (holder) => `already paired by '${holder}'` }]
      : [],
};
