/** What an update operation changes on the clusters (kept on the operation; never a secret). */
export interface PeeringChange {
  /** Renew the secret: ONTAP passphrase (also for an encryption change), Consul token. */
  rotateSecret?: boolean;
  /** ONTAP, external peers: the far cluster's new addresses. */
  remoteAddresses?: string[];
  /** The parts asked for changed (a product's plugin said so): the handshake's extensions make them so. */
  reconcileParts?: boolean;
}
