/** A registered product's id (src/products/index.ts lists them). */
export type Product = string;

export interface ClusterAuth {
  username?: string;
  password?: string;
  token?: string;
}

/** A cluster's product facts, by product id: each product adds its own block from its folder under src/products/. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ClusterProductFacts {}

export interface ClusterApprovalRule {
  required: boolean;
  approverTeams: string[];
}

/** A cluster as stored: secrets included. Only `toClusterView` leaves the service. */
export interface Cluster extends ClusterProductFacts {
  id: string;
  product: Product;
  endpoint: string;
  auth: ClusterAuth;
  tls?: { caPem?: string };
  /** The teams whose peerings may use it; absent: every team. */
  allowedTeams?: string[];
  /** Peerings on it asked for by a team outside `approverTeams` wait for an approval (src/approvals/). */
  approval?: ClusterApprovalRule;
  source: 'api' | 'file' | 'sandbox';
  createdAt: string;
  updatedAt: string;
}

/** What callers see of a cluster: which secrets are set, never their values. */
export interface ClusterView extends Omit<Cluster, 'auth' | 'tls'> {
  auth: { username?: string; passwordSet: boolean; tokenSet: boolean };
  tls: { caConfigured: boolean };
}

export function toClusterView(cluster: Cluster): ClusterView {
  const { auth, tls, ...rest } = cluster;
  return {
    ...rest,
    auth: { username: auth.username, passwordSet: Boolean(auth.password), tokenSet: Boolean(auth.token) },
    tls: { caConfigured: Boolean(tls?.caPem) },
  };
}
