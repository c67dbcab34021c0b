/** What an update operation changes on the clusters (kept on the operation; never a secret). */
export interface PeeringChange {
  /** Renew the secret (a passphrase or a token, as the product has). */
  rotateSecret?: boolean;
  /** External peers of products whose secret carries no addresses: the far cluster's new addresses. */
  remoteAddresses?: string[];
  /** The parts asked for changed (a product's plugin said so): the handshake's extensions make them so. */
  reconcileParts?: boolean;
}
