import type { GatewayErrorCode, OntapErrorInfo } from '../error-codes.js';
import { ERROR_CODES } from '../../../common/problem.js';

/**
 * What each documented ONTAP code of the security APIs means for the gateway, as
 * src/products/ontap/error-codes.ts does for cluster peers. Sources: NetApp's IPsec-policies reference (IPsec policies:
 * POST, PATCH, DELETE tables), NetApp's key-managers reference (key managers: POST, PATCH, DELETE tables) and the 9.6
 * contract's key-server tables.
 *
 * The gateway creates and deletes IPsec policies, so their codes are failures it meets. It only
 * reads key managers; their codes are here because a manager's `status.code` uses the same
 * numbers (NetApp's key-managers reference: "Code corresponding to the status message") and the key-manager check
 * explains a manager that is not working with this table.
 */

function info(gatewayCode: GatewayErrorCode, summary: string, retryable: OntapErrorInfo['retryable'] = 'no'): OntapErrorInfo {
  return { gatewayCode, httpStatus: ERROR_CODES[gatewayCode].status, retryable, summary };
}

const INTERNAL = (what: string) => info('upstream_unavailable', `${what} The cluster failed internally; the request is retried later.`, 'backoff');
const GATEWAY_KEY = 'The cluster refused the pre-shared key the gateway generated; this is a gateway defect, report it.';
const GATEWAY_AUTH = 'The cluster refused the authentication of the policy the gateway sent (ESP with a pre-shared key); this is a gateway defect, report it.';

export const IPSEC_ERROR_CODES: Record<string, OntapErrorInfo> = {
  // POST /security/ipsec/policies (NetApp's IPsec-policies reference).
  '66257099': info('validation_failed', 'Only one protocol can be given for an IPsec policy: tcp, udp, any or one protocol number.'),
  '66257100': info('validation_failed', 'Only one local port can be given for an IPsec policy.'),
  '66257101': info('validation_failed', 'Only one remote port can be given for an IPsec policy.'),
  '66257102': info('upstream_rejected', 'The cluster refused IKEv1, which ONTAP does not support for IPsec.'),
  '66257104': info(
    'conflict',
    'An IPsec policy with this name already exists in the SVM. Delete it, or use another peering name (the policy is named gw-<peering name>).',
  ),
  '66257107': info('upstream_rejected', GATEWAY_KEY),
  '66257109': info('upstream_rejected', GATEWAY_KEY),
  '66257110': INTERNAL('ONTAP could not create a sequencing value for the IPsec policy.'),
  '66257112': info('upstream_rejected', GATEWAY_AUTH),
  '66257113': info('validation_failed', 'Only one local subnet can be given for an IPsec policy.'),
  '66257114': info('validation_failed', 'Only one remote subnet can be given for an IPsec policy.'),
  '66257115': info('validation_failed', 'Port ranges are not supported in IPsec policies: give one port.'),
  '66257117': info('precondition_failed', 'IPsec is supported on data SVMs only: name a data SVM of the cluster in ontap.ipsec.svm (or remoteSvm).'),
  '66257120': info('validation_failed', 'This policy needs host addresses (an IPv4 /32 or IPv6 /128) as subnets.'),
  '66257121': info('precondition_failed', 'The SVM has reached its maximum number of IPsec policies. Remove unused policies first.'),
  '66257125': info('validation_failed', 'The local subnet needs its netmask: give it in CIDR notation, e.g. 10.1.10.0/24.'),
  '66257126': info('validation_failed', 'The remote subnet needs its netmask: give it in CIDR notation, e.g. 10.2.10.0/24.'),
  '66257127': info('validation_failed', 'The local subnet must be a non-zero subnet, not the ANY wildcard.'),
  '66257128': info('validation_failed', 'The subnet is an invalid ANY wildcard: use 0.0.0.0/0 or ::/0 exactly, or a real subnet.'),
  '66257129': info('validation_failed', 'With the ANY wildcard as remote subnet, a local or remote port is required.'),
  '66257130': info('precondition_failed', 'The cluster has reached its maximum number of IPsec policies. Remove unused policies first.'),
  '66257131': info('validation_failed', 'ESP in UDP encapsulation is not supported over IPv6.'),
  '66257132': info('validation_failed', 'A port of the IPsec policy is out of range: 0 to 65535.'),
  '66257133': info('upstream_rejected', GATEWAY_AUTH),
  '66257134': info('upstream_rejected', GATEWAY_AUTH),
  '66257135': info('precondition_failed', 'The certificate named for the IPsec policy is not installed on the SVM.'),
  '66257136': info('upstream_rejected', GATEWAY_AUTH),
  '66257137': info('upstream_rejected', GATEWAY_AUTH),
  '66257138': info('upstream_rejected', GATEWAY_AUTH),
  '66257139': info('precondition_failed', 'The certificate named for the IPsec policy does not exist on the cluster.'),
  '66257140': info('precondition_failed', 'IPsec policies take client or server certificates only.'),
  '66257142': info('conflict', 'The SVM is being migrated, and IPsec policies cannot be created on it meanwhile; the request is retried later.', 'backoff'),
  '66257143': info('validation_failed', 'A subnet of the IPsec policy is empty: give both subnets.'),
  '66257144': info('upstream_rejected', GATEWAY_AUTH),
  '66257148': info('validation_failed', 'The IPsec policy name must be 1 to 64 ASCII characters: choose a shorter peering name.'),
  '66257199': info('precondition_failed', 'Not every node of the cluster runs a version that supports IPsec. Upgrade all nodes first.'),
  '66257200': info('upstream_rejected', GATEWAY_KEY),
  '66257201': info('precondition_failed', "The cluster's effective version does not support IPsec policies (ONTAP 9.8 or later is needed)."),
  '66257202': info(
    'precondition_failed',
    'The cluster has no SVM of the name given in ontap.ipsec.svm (or remoteSvm). Check the data SVM names of both clusters.',
  ),
  '66257203': info('precondition_failed', 'The cluster has no SVM of the uuid given. Check the data SVMs of the cluster.'),
  '66257204': info('validation_failed', 'The IPspace name and uuid given refer to different IPspaces.'),
  '66257205': info('precondition_failed', 'The SVM is not in the IPspace given.'),
  '66257305': info('validation_failed', 'The certificate uuid and name given do not match.'),
  '66257396': info('precondition_failed', 'IPsec is not supported for the admin SVM of a MetroCluster: name a data SVM.'),
  // PATCH /security/ipsec/policies/{uuid} (NetApp's IPsec-policies reference): the codes not already above.
  '66257097': INTERNAL('ONTAP failed to update the IPsec policy.'),
  // DELETE /security/ipsec/policies/{uuid} (NetApp's IPsec-policies reference).
  '66257096': INTERNAL('ONTAP failed to purge the connections of the IPsec policy being deleted.'),
};

const KMS_CONNECTION = 'The cluster cannot set up a secure connection to its key servers';

export const KEY_MANAGER_ERROR_CODES: Record<string, OntapErrorInfo> = {
  // POST /security/key-managers (NetApp's key-managers reference).
  '65536038': info('validation_failed', 'A key manager can have at most 4 active key servers.'),
  '65536214': INTERNAL('ONTAP failed to generate the cluster key encryption key.'),
  '65536216': INTERNAL('ONTAP failed to add the cluster key encryption key.'),
  '65536310': info('precondition_failed', 'Onboard key management cannot be set up while the MetroCluster peer is unhealthy.', 'backoff'),
  '65536508': info('precondition_failed', 'The platform does not support data-at-rest encryption: no key manager can protect replicated data on this cluster.'),
  '65536821': info('precondition_failed', 'A certificate the key manager needs is not installed. Install the client and server CA certificates first.'),
  '65536822': info('precondition_failed', "Per-SVM (multitenant) key management is not supported by the cluster's version."),
  '65536823': info('conflict', 'The SVM already has a key manager: there is one per SVM.'),
  '65536824': info('precondition_failed', 'Per-SVM (multitenant) key management is not supported in MetroCluster configurations.'),
  '65536834': INTERNAL('ONTAP failed to read the key servers of the SVM.'),
  '65536852': info(
    'upstream_unavailable',
    'The cluster failed to query the KMIP protocol versions of its key servers; check the key servers. Retried later.',
    'backoff',
  ),
  '65536870': info('conflict', 'Key servers are already configured.'),
  '65536871': info('validation_failed', 'The same key server is listed twice.'),
  '65536876': info('validation_failed', 'External key management needs installed client and server CA certificates and at least one key server.'),
  '65536878': info(
    'precondition_failed',
    "External key management cannot be set up for the SVM: some of its volume keys are held by the cluster's key manager.",
  ),
  '65536895': info('precondition_failed', 'An external key manager cannot be set up: the MetroCluster partner site uses the onboard key manager.'),
  '65536900': info('precondition_failed', 'Onboard key management cannot be set up: the MetroCluster partner site uses an external key manager.'),
  '65536903': info(
    'precondition_failed',
    'Onboard key management failed on some nodes of the cluster: synchronize it on those nodes (security key-manager onboard sync).',
  ),
  '65536906': info('precondition_failed', 'Onboard key management is configured at the MetroCluster partner site: synchronize with the same passphrase.'),
  '65536907': info('conflict', 'Onboard key management is already configured on the cluster.'),
  '65536916': info('validation_failed', 'Onboard key management is for the admin SVM (cluster scope) only.'),
  '65536920': info('validation_failed', 'The onboard key manager passphrase must be 32 to 256 ASCII characters.'),
  '65537240': info('validation_failed', 'Synchronizing the onboard key manager needs the passphrase.'),
  '65537241': info('validation_failed', 'Synchronizing the onboard key manager by POST takes no existing passphrase.'),
  '65537244': info('conflict', 'The onboard key manager is already configured on the cluster: nothing to synchronize.'),
  '65537245': info('precondition_failed', 'The MetroCluster partner has no onboard key manager to synchronize with.'),
  '65537246': info('precondition_failed', 'The cluster is not part of a MetroCluster: there is no partner to synchronize with.'),
  '66060338': info('precondition_failed', `${KMS_CONNECTION}: the server CA certificates are wrong. Install the right ones.`),
  '66060339': info('precondition_failed', `${KMS_CONNECTION}: the client certificate is wrong. Install the right one.`),
  '66060340': info('upstream_unavailable', `${KMS_CONNECTION} (Cryptsoft error). Retried later.`, 'backoff'),
  '66060341': info('precondition_failed', `${KMS_CONNECTION}: the network does not let the nodes reach them. Check routes and firewalls to the key servers.`),
  // PATCH /security/key-managers/{uuid} (NetApp's key-managers reference).
  '65536139': info('validation_failed', 'The existing passphrase does not match the configured one.'),
  '65536150': info('validation_failed', 'The new passphrase is the same as the old one.'),
  '65536404': info('validation_failed', 'The passphrase does not have an accepted length.'),
  '65536406': INTERNAL('The passphrase change failed.'),
  '65536407': INTERNAL('The passphrase update failed on some nodes.'),
  '65536408': INTERNAL('The passphrase update failed on some nodes.'),
  '65536802': info('validation_failed', 'The passphrase does not have the length accepted in Common Criteria mode.'),
  '65536828': info('precondition_failed', 'External key management is not enabled for the SVM.'),
  '65536850': info('validation_failed', 'The new client certificate has other keys than the current one.'),
  '65536917': info('validation_failed', 'Changing the onboard passphrase needs both the new and the existing passphrase.'),
  '65537242': info('validation_failed', 'Synchronizing the onboard key manager by PATCH needs the existing passphrase.'),
  '65537243': info('validation_failed', 'Synchronizing the onboard key manager by PATCH takes no new passphrase.'),
  // DELETE /security/key-managers/{uuid} (NetApp's key-managers reference).
  '65536208': INTERNAL('ONTAP failed to delete the SVM key id.'),
  '65536233': INTERNAL('ONTAP failed to delete the km_wrapped_kdb key database.'),
  '65536234': INTERNAL('ONTAP failed to delete the cluster_kdb key database.'),
  '65536239': info('conflict', 'The key manager still protects encrypted volumes of the SVM.'),
  '65536242': info('conflict', 'Storage Encryption devices are still assigned an authentication key.'),
  '65536800': INTERNAL('ONTAP failed to look up the onboard keys.'),
  '65536813': info('conflict', 'Encrypted kernel core files exist.'),
  '65536817': INTERNAL('ONTAP could not tell whether the key manager is safe to disable.'),
  '65536827': INTERNAL('ONTAP could not tell whether the SVM has encrypted volumes.'),
  '65536867': info('conflict', 'The key manager still protects encrypted volumes of the SVM.'),
  '196608301': INTERNAL('ONTAP could not determine the type of encryption.'),
  '196608305': info('conflict', 'NAE aggregates exist in the cluster.'),
  // Key servers (the 9.6 contract's tables for /security/key-managers/{uuid}/key-servers).
  '65536843': info('not_found', 'The key server is not configured for the SVM.'),
  '65536700': info('conflict', 'The key server holds keys in use that no other configured key server has.'),
  '65536845': info('validation_failed', 'The key server needs a username with its password.'),
  '65536846': info('validation_failed', 'The key server needs a password with its username.'),
  // Seed 003's example status of an onboard manager in a MetroCluster whose partner is not synchronized.
  '346758': info(
    'precondition_failed',
    'The cluster is part of a MetroCluster whose partner has not synchronized the onboard key manager: synchronize it with the same passphrase on the partner cluster.',
  ),
};

/** Not in NetApp's references: ONTAP's answer for an SVM that does not exist. */
const SVM_NOT_FOUND = { '2621462': info('precondition_failed', 'The SVM named does not exist on the cluster.') };

export const SECURITY_ERROR_CODES: Record<string, OntapErrorInfo> = { ...KEY_MANAGER_ERROR_CODES, ...IPSEC_ERROR_CODES, ...SVM_NOT_FOUND };

/** The status codes of a key manager that needs nothing: 0 by the definition, 65537200 in the example of NetApp's key-managers reference. */
export const KEY_MANAGER_STATUS_OK = new Set([0, 65537200]);
