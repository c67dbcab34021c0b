import type { Product } from './cluster.js';
import { type ActorRef, DEFAULT_TEAM } from './access.js';
import type { Problem } from '../common/problem.js';
import type { Condition } from './condition.js';
import type { PeeringState } from './peering-state.js';

/** The far side when the gateway manages only the local cluster. */
export interface ExternalPeer {
  /** The other side's secret (a passphrase, a token): the local side accepts with it. */
  secret?: string;
  /** The remote cluster's addresses, for products whose secret does not carry them. */
  addresses?: string[];
}

export type RemoteSpec = { cluster: string; external?: undefined } | { external: ExternalPeer; cluster?: undefined };

/**
 * A peering's product option blocks, by product id: each product adds its
 * own block to this interface from its folder under src/products/.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PeeringProductOptions {}

/** What a product keeps on a peering beyond its options (e.g. what its hooks found): each product adds its own. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PeeringProductState {}

export interface SideStatus {
  nativeId: string | null;
  nativeState: string | null;
}

/** A cluster of the peering that needs an approval, and who gave it. */
export interface ClusterApproval {
  cluster: string;
  approverTeams: string[];
  approvedBy?: ActorRef;
  approvedAt?: string;
  comment?: string;
}

/** What an approval-required peering waits for (src/approvals/). */
export interface PeeringApproval {
  clusters: ClusterApproval[];
  requestedBy: ActorRef;
  requestedAt: string;
  expiresAt: string;
  /** Set once it ended without the work starting. */
  outcome?: 'rejected' | 'expired';
  decidedBy?: ActorRef;
  reason?: string;
}

export interface Peering extends PeeringProductOptions, PeeringProductState {
  id: string;
  name: string;
  product: Product;
  local: { cluster: string };
  /** Secrets never stay here: `external.secret` is dropped once the accept has used it. */
  remote: RemoteSpec;
  labels: Record<string, string>;
  /** The team it belongs to: only that team's callers (and admins) see it. Absent on records from before teams: `default`. */
  team?: string;
  /** Deprecated alias of `team`, shown for one release; never stored. */
  owner?: string;
  state: PeeringState;
  stateReason: string | null;
  sides: { local: SideStatus; remote: SideStatus | null };
  lastError: Problem | null;
  operationId: string;
  createdAt: string;
  updatedAt: string;
  deletedAt?: string;
  /** Kubernetes-style conditions (src/domain/condition.ts); absent on records from before conditions. */
  conditions?: Condition[];
  /** Present when a cluster of the peering needs an approval. */
  approval?: PeeringApproval;
}

export function isTwoSided(peering: Pick<Peering, 'remote'>): peering is Peering & { remote: { cluster: string } } {
  return typeof peering.remote.cluster === 'string';
}

/** The team of a stored peering (records from before teams belong to the default team). */
export function teamOf(peering: Pick<Peering, 'team'>): string {
  return peering.team ?? DEFAULT_TEAM;
}

/** What callers see: the stored peering minus any secret, with its team (and `owner`, its deprecated alias). */
export function toPeeringView(peering: Peering): Peering {
  const team = teamOf(peering);
  if (isTwoSided(peering)) return { ...peering, team, owner: team };
  const { secret: _secret, ...external } = peering.remote.external!;
  return { ...peering, team, owner: team, remote: { external } };
}
