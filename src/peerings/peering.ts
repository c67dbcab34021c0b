import type { Product } from '../clusters/cluster.js';
import type { Problem } from '../common/problem.js';
import type { PeeringState } from './peering-state.js';
import type { IpsecOptions, PeeringSecurity } from '../products/ontap/security/peering-security.js';

/** The far side when the gateway manages only the local cluster. */
export interface ExternalPeer {
  /** ONTAP passphrase or Consul peering token from the other side: the local side accepts it. */
  secret?: string;
  /** ONTAP: the remote cluster's intercluster addresses. */
  addresses?: string[];
}

export type RemoteSpec = { cluster: string; external?: undefined } | { external: ExternalPeer; cluster?: undefined };

export interface OntapPeeringOptions {
  encryption: 'none' | 'tls_psk';
  /** ISO 8601 duration, at most 7 days. */
  passphraseExpiry?: string;
  ipspace?: string;
  initialAllowedSvms?: string[];
  localNetwork?: { interfaces: { ipAddress: string }[]; netmask?: string; broadcastDomain?: string; gateway?: string };
  /** Both clusters must have a working key manager before anything is created (src/security). */
  requireKeyManager?: boolean;
  /** An IPsec policy on each cluster's data SVM protecting traffic to the other site (src/security). */
  ipsec?: IpsecOptions;
}

export interface ConsulPeeringOptions {
  meta?: Record<string, string>;
}

export interface SideStatus {
  nativeId: string | null;
  nativeState: string | null;
}

export interface Peering {
  id: string;
  name: string;
  product: Product;
  local: { cluster: string };
  /** Secrets never stay here: `external.secret` is dropped once the accept has used it. */
  remote: RemoteSpec;
  ontap?: OntapPeeringOptions;
  consul?: ConsulPeeringOptions;
  /** ONTAP: encryption of the peer relationship, the key-manager check and the IPsec policies; never a secret. */
  security?: PeeringSecurity;
  labels: Record<string, string>;
  owner?: string;
  state: PeeringState;
  stateReason: string | null;
  sides: { local: SideStatus; remote: SideStatus | null };
  lastError: Problem | null;
  operationId: string;
  createdAt: string;
  updatedAt: string;
  deletedAt?: string;
}

export function isTwoSided(peering: Pick<Peering, 'remote'>): peering is Peering & { remote: { cluster: string } } {
  return typeof peering.remote.cluster === 'string';
}

/** What callers see: the stored peering minus any secret. */
export function toPeeringView(peering: Peering): Peering {
  if (isTwoSided(peering)) return peering;
  const { secret: _secret, ...external } = peering.remote.external!;
  return { ...peering, remote: { external } };
}
