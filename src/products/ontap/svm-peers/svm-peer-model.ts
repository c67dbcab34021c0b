import type { PartState } from '../../handshake-extension.js';

/** The applications an SVM peer may carry (NetApp's SVM-peers reference). */
export const SVM_PEER_APPLICATIONS = ['snapmirror', 'file_copy', 'lun_copy', 'flexcache'] as const;
export type SvmPeerApplication = (typeof SVM_PEER_APPLICATIONS)[number];
export const MAX_SVM_PEERS = 32;

/** One pair asked for under `ontap.svmPeers`. */
export interface SvmPeerOption {
  local: string;
  remote: string;
  applications: SvmPeerApplication[];
}

/** One pair as the peering shows it (`svmPeers[]`): made or adopted on each cluster, and where it stands. */
export interface SvmPeerPart {
  local: string;
  remote: string;
  applications: SvmPeerApplication[];
  state: PartState;
  nativeIds: { local: string | null; remote: string | null };
  /** ONTAP's state of the relationship on the local cluster (initiated, pending, initializing, peered, rejected, suspended). */
  nativeState: string | null;
  /** It existed before the gateway asked for it. */
  adopted: boolean;
  /** Why it is not ready, in words for a person. */
  detail?: string;
}

export const svmPairKey = (pair: { local: string; remote: string }): string => `${pair.local}:${pair.remote}`;
