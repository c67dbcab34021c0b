export type Product = 'ontap' | 'consul';
export const PRODUCTS: Product[] = ['ontap', 'consul'];

export interface ClusterAuth {
  username?: string;
  password?: string;
  token?: string;
}

export interface OntapClusterFacts {
  interclusterAddresses: string[];
  ipspace: string;
}

export interface ConsulClusterFacts {
  partition: string;
  datacenter?: string;
  serverExternalAddresses: string[];
}

/** A cluster as stored: secrets included. Only `toClusterView` leaves the service. */
export interface Cluster {
  id: string;
  product: Product;
  endpoint: string;
  auth: ClusterAuth;
  tls?: { caPem?: string };
  ontap?: OntapClusterFacts;
  consul?: ConsulClusterFacts;
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
