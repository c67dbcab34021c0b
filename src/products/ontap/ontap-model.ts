import type { IpsecOptions, PeeringSecurity } from './security/peering-security.js';
import type { SvmPeerOption, SvmPeerPart } from './svm-peers/svm-peer-model.js';

/** A registered ONTAP cluster's facts: where its intercluster LIFs answer, and in which IPspace. */
export interface OntapClusterFacts {
  interclusterAddresses: string[];
  ipspace: string;
}

/** `ontap` on a peering: what the team asked for. */
export interface OntapPeeringOptions {
  encryption: 'none' | 'tls_psk';
  /** ISO 8601 duration, at most 7 days. */
  passphraseExpiry?: string;
  ipspace?: string;
  initialAllowedSvms?: string[];
  localNetwork?: { interfaces: { ipAddress: string }[]; netmask?: string; broadcastDomain?: string; gateway?: string };
  /** Both clusters must have a working key manager before anything is created (security/). */
  requireKeyManager?: boolean;
  /** An IPsec policy on each cluster's data SVM protecting traffic to the other site (security/). */
  ipsec?: IpsecOptions;
  /** SVM peers on top of the cluster peer (svm-peers/), applications defaulted. */
  svmPeers?: SvmPeerOption[];
}

declare module '../../domain/cluster.js' {
  interface ClusterProductFacts {
    ontap?: OntapClusterFacts;
  }
}

declare module '../../domain/peering.js' {
  interface PeeringProductOptions {
    ontap?: OntapPeeringOptions;
  }
  interface PeeringProductState {
    /** Encryption of the peer relationship, the key-manager check and the IPsec policies; never a secret. */
    security?: PeeringSecurity;
    /** The SVM peers asked for, as made or adopted on the clusters, with their states. */
    svmPeers?: SvmPeerPart[];
  }
}
