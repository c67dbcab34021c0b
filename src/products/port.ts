import type { Cluster, Product } from '../domain/cluster.js';
import type { Peering } from '../domain/peering.js';
import type { ReportedCondition } from '../domain/condition.js';

/**
 * The port each product adapter implements. Both products are one handshake (docs/architecture.md):
 * side A OFFERs and gets a secret, side B ACCEPTs with it, both are READ until healthy, and
 * each is REMOVEd. Order of steps, retries, adoption and roll-back live above, in orchestration.
 */

/** Where a native record stands, in product-neutral words. */
export type SideHealth = 'pending' | 'establishing' | 'active' | 'degraded' | 'deleting' | 'terminated';

export interface NativeSide {
  nativeId: string;
  nativeState: string;
  health: SideHealth;
  /** Why it is not healthy, in the product's words, when it says. */
  detail?: string;
  /** The relationship's own encryption, where the product has one (ONTAP: none or tls_psk). */
  encryption?: { proposed: string | null; state: string | null };
  /** Why it is not healthy, as one CamelCase word (a condition's reason), when the product says. */
  healthReason?: string;
  /** The records exist and know each other, even when not healthy; default: active or degraded. */
  paired?: boolean;
  /** Conditions only this product knows (ONTAP: Authenticated), Kubernetes-style. */
  conditions?: ReportedCondition[];
}

/** One side of a peering, as an adapter needs to see it. */
export interface SideContext {
  cluster: Cluster;
  peering: Peering;
  /** The other side: a managed cluster, or what the caller told us of an external one. */
  counterpart: { cluster?: Cluster; addresses?: string[] };
}

export interface Offer {
  secret: string;
  expiresAt?: string;
}

export { type ErrorKind, RETRY_BUDGETS, type RetryBudget, UpstreamError, type WaitingFor } from '../transport/upstream-error.js';

export interface PeeringAdapter {
  readonly product: Product;
  /** The record this peering has on the side's cluster, made by us or not (for adoption); null when absent. */
  find(side: SideContext): Promise<NativeSide | null>;
  /** Makes (or, given an existing record, renews: a rotation) the offer and returns its secret. */
  offer(side: SideContext, existing: NativeSide | null): Promise<Offer>;
  /** Accepts the counterpart's offer with its secret. */
  accept(side: SideContext, secret: string): Promise<void>;
  /** Takes a renewed secret (a rotation) on the accepting side's existing record. */
  confirm(side: SideContext, native: NativeSide, secret: string): Promise<void>;
  /** Points an existing record at new counterpart addresses (ONTAP); absent where addresses travel in the secret. */
  retarget?(side: SideContext, native: NativeSide, addresses: string[]): Promise<void>;
  /** Removes the side's record; a record already gone counts as removed. */
  remove(side: SideContext, native: NativeSide): Promise<void>;
  /** Every peering record on the cluster, by lower-cased name: one call (or a few pages) for a whole sweep. */
  readAll(cluster: Cluster): Promise<Map<string, NativeSide>>;
  /** Follows an asynchronous removal; true once the record is gone, false at the deadline. */
  awaitRemoved(side: SideContext, native: NativeSide, deadline: number, signal?: AbortSignal): Promise<boolean>;
}

/**
 * What a product's extension may do to a stored peering: one read-modify-write of its record (the
 * change returns the peering to write, or null to leave it). Extensions are given this port, not
 * the store; ProductsModule provides it with the peering store behind it.
 */
export abstract class PeeringRecords {
  abstract update(id: string, change: (current: Peering) => Peering | null): Promise<Peering>;
}
