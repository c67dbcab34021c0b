/**
 * The security of an ONTAP peering: what a team asks for (options) and what the gateway found
 * and made (the `security` view on the peering). No secret is ever part of either: the IPsec
 * pre-shared key lives only in memory while the policies are created.
 */

/** `ontap.ipsec`: one IPsec policy on each cluster's data SVM, protecting the traffic to the other site. */
export interface IpsecOptions {
  /** The data SVM on both clusters, or on the local one when `remoteSvm` is given. */
  svm: string;
  /** The remote cluster's data SVM, where its name differs. */
  remoteSvm?: string;
  /** The local site's subnet in CIDR notation, e.g. 10.1.10.0/24. */
  localSubnet: string;
  /** The remote site's subnet in CIDR notation. */
  remoteSubnet: string;
  /** tcp, udp, any (the default) or an IP protocol number. */
  protocol?: string;
  /** A port on the local site's side (default: any). */
  localPort?: number;
  /** A port on the remote site's side (default: any). */
  remotePort?: number;
}

/** The peer relationship's own encryption, as one cluster's record reads it. */
export interface SideEncryption {
  cluster: string;
  /** What this side proposed: none or tls_psk. */
  proposed: string | null;
  /** What is in force: tls_psk only when both sides proposed it. */
  state: string | null;
}

/** One cluster's answer to "has it a working key manager?" (cluster scope). */
export interface KeyManagerFinding {
  cluster: string;
  working: boolean;
  type: 'onboard' | 'external' | null;
  /** ONTAP's `status` of the manager, when it reports one. */
  status: { code: number; message: string } | null;
  /** Why it does not count as working; null when it does. */
  reason: string | null;
}

export interface IpsecPolicyRef {
  cluster: string;
  svm: string;
  name: string;
  uuid: string;
  /** It existed, identical, before this peering: the gateway took it over instead of creating it. */
  adopted: boolean;
}

export interface PeeringSecurity {
  /** Read from both peer records once the relationship is healthy. */
  encryption?: { checkedAt: string; local: SideEncryption | null; remote: SideEncryption | null };
  /** The `requireKeyManager` check, made before anything was written. */
  keyManagers?: { required: true; checkedAt: string; local: KeyManagerFinding; remote: KeyManagerFinding | null };
  /** The IPsec policies the peering owns; `removed` once its delete took them away. */
  ipsec?: { state: 'active' | 'removed'; name: string; policies: IpsecPolicyRef[]; updatedAt: string };
}
