import type { OntapErrorDef } from '../errors.js';

const def = (code: string, message: string, status = 400): OntapErrorDef => ({ code, status, message });

/**
 * The errors of `/api/security/key-managers` (NetApp's key-managers reference: the POST, PATCH and DELETE tables, and
 * the 9.6 contract's key-server tables), with NetApp's codes and wording. The simulator answers
 * each one under the condition that causes it; the few it cannot cause are listed too, so a
 * test can inject them with `/_sim/fail-next` and the gateway's table can be checked against this.
 */
export const KM_ERRORS = {
  // POST /security/key-managers
  maxKeyServers: def('65536038', 'A maximum of 4 active key servers are allowed.'),
  generateKek: def('65536214', 'Failed to generate cluster key encryption key.', 500),
  addKek: def('65536216', 'Failed to add cluster key encryption key.', 500),
  metroPeerUnhealthy: def('65536310', 'Failed to setup onboard key management because the MetroCluster peer is unhealthy.'),
  platformUnsupported: def('65536508', 'The platform does not support data at rest encryption.'),
  certificateNotInstalled: def('65536821', 'The certificate is not installed.'),
  multitenantUnsupported: def('65536822', 'Multitenant key management is not supported in the current cluster version.'),
  alreadyConfigured: def('65536823', 'The SVM has key manager already configured.', 409),
  multitenantMetroCluster: def('65536824', 'Multitenant key management is not supported in MetroCluster configurations.'),
  keyServerDetails: def('65536834', 'Failed to get existing key-server details for the SVM.', 500),
  kmipVersions: def('65536852', 'Failed to query supported KMIP protocol versions.', 500),
  serversAlreadyConfigured: def('65536870', 'Key management servers already configured.', 409),
  duplicateServers: def('65536871', 'Duplicate key management servers exist.'),
  externalIncomplete: def(
    '65536876',
    'External key management requires client and server CA certificates installed and with one or more key servers provided.',
  ),
  keysInClusterKm: def(
    '65536878',
    'External key management cannot be configured as one or more volume encryption keys of the SVM are stored in cluster key management server.',
  ),
  externalPartnerOnboard: def(
    '65536895',
    'External key manager cannot be configured since this cluster is part of a MetroCluster configuration and the partner site of this MetroCluster configuration has Onboard Key Manager configured.',
  ),
  onboardPartnerExternal: def(
    '65536900',
    'Onboard key management cannot be configured because this cluster is part of a MetroCluster configuration and the partner site has the external key manager configured.',
  ),
  onboardSomeNodes: def(
    '65536903',
    'Onboard key management has failed to configure on some nodes in the cluster. Use the CLI to sync the onboard key management configuration on failed nodes.',
    500,
  ),
  onboardAtPartner: def(
    '65536906',
    'Onboard key management has already been configured at the partner site. Use the CLI to sync the onboard key management with the same passphrase.',
    409,
  ),
  onboardAlreadyConfigured: def(
    '65536907',
    'Onboard key management is already configured. Use the CLI to sync any nodes with onboard key management configuration.',
    409,
  ),
  onboardAdminOnly: def('65536916', 'Onboard key management is only supported for an admin SVM.'),
  onboardPassphraseLength: def('65536920', 'The Onboard Key Manager passphrase length is incorrect.'),
  syncNeedsPassphrase: def('65537240', 'The Onboard Key Manager passphrase must be provided when performing a POST/synchronize operation.'),
  syncNoExistingPassphrase: def('65537241', 'The Onboard Key Manager existing_passphrase must not be provided when performing a POST/synchronize operation.'),
  syncAlreadyConfigured: def(
    '65537244',
    'Unable to sync/create Onboard Key Manager on the local cluster; Onboard Key Manager is already configured on the cluster.',
    409,
  ),
  syncPartnerMissing: def(
    '65537245',
    'Unable to sync/create Onboard Key Manager on the local cluster; Onboard Key Manager is not configured on the partner cluster.',
  ),
  syncNotMetroCluster: def('65537246', 'Unable to sync/create Onboard Key Manager on local cluster. This cluster is not part of a MetroCluster configuration.'),
  badServerCa: def('66060338', 'Failed to establish secure connection for a key management server due to incorrect server_ca certificates.'),
  badClientCertificate: def('66060339', 'Failed to establish secure connection for a key management server due to incorrect client certificates.'),
  cryptsoft: def('66060340', 'Failed to establish secure connection for a key management server due to Cryptsoft error.', 500),
  keyServerNetwork: def('66060341', 'Failed to establish secure connection for a key management server due to network configuration issues.'),

  // PATCH /security/key-managers/{uuid}
  existingPassphraseMismatch: def('65536139', 'The existing passphrase value provided does not match the configured passphrase.'),
  samePassphrase: def('65536150', 'The new passphrase is same as old passphrase.'),
  passphraseLength: def('65536404', 'The passphrase does not match the accepted length.'),
  passphraseChangeFailed: def('65536406', 'The change of passphrase failed.', 500),
  passphraseSomeNodes: def('65536407', 'The passphrase update failed on some nodes.', 500),
  passphraseSomeNodes2: def('65536408', 'The passphrase update failed on some nodes.', 500),
  passphraseLengthCc: def('65536802', 'The passphrase does not match the accepted length in common criteria mode.'),
  externalNotEnabled: def('65536828', 'External key management is not enabled for the SVM.'),
  clientKeysDiffer: def('65536850', 'New client certificate public or private keys are different from the existing client certificate.'),
  updateNeedsBothPassphrases: def('65536917', 'Updating an onboard passphrase requires both new and existing cluster passphrase.'),
  syncNeedsExisting: def('65537242', 'The Onboard Key Manager existing_passphrase must be provided when performing a PATCH/synchronize operation.'),
  syncNoPassphrase: def('65537243', 'The Onboard Key Manager passphrase must not be provided when performing a PATCH/synchronize operation.'),

  // DELETE /security/key-managers/{uuid}
  deleteSvmKeyId: def('65536208', 'Failed to delete the SVM Key ID.', 500),
  deleteKmWrappedKdb: def('65536233', 'Internal error. Deletion of km_wrapped_kdb key database has failed for onboard key management.', 500),
  deleteClusterKdb: def('65536234', 'Internal error. Deletion of cluster_kdb key database has failed for onboard key management.', 500),
  encryptedVolumesOnboard: def('65536239', 'Encrypted volumes are found for the SVM.', 409),
  sedAuthenticationKey: def('65536242', 'One or more Storage Encryption devices are assigned an authentication key.', 409),
  lookupOnboardKeys: def('65536800', 'Failed to lookup onboard keys.', 500),
  encryptedCoreFiles: def('65536813', 'Encrypted kernel core files found.', 409),
  safeToDisable: def('65536817', 'Failed to determine if key manager is safe to disable.', 500),
  encryptedVolumesCheck: def('65536827', 'Failed to determine if the SVM has any encrypted volumes.', 500),
  encryptedVolumesExternal: def('65536867', 'Encrypted volumes are found for the SVM.', 409),
  encryptionType: def('196608301', 'Failed to determine the type of encryption.', 500),
  naeAggregates: def('196608305', 'NAE aggregates are found in the cluster.', 409),

  // /security/key-managers/{uuid}/key-servers (the 9.6 contract's tables)
  keyServerNotConfigured: def('65536843', 'Key management server is not configured for the SVM.', 404),
  keyServerInUse: def(
    '65536700',
    'The key server contains keys that are currently in use and not available from any other configured key server in the SVM.',
    409,
  ),
  missingUsername: def('65536845', 'Missing username.'),
  missingPassword: def('65536846', 'Missing password.'),

  // Not in NetApp's references: ONTAP's answer for an SVM that does not exist.
  svmNotFound: def('2621462', 'SVM "{svm}" does not exist.', 404),
} as const satisfies Record<string, OntapErrorDef>;

/** The errors of `/api/security/ipsec/policies` (NetApp's IPsec-policies reference: the POST, PATCH and DELETE tables). */
export const IPSEC_ERRORS = {
  purgeFailed: def('66257096', 'Internal error. Failed to purge connections associated with the IPsec policy.', 500),
  updateFailed: def('66257097', 'Internal error. Failed to update the IPsec policy.', 500),
  oneProtocol: def('66257099', 'Only one protocol can be specified.'),
  oneLocalPort: def('66257100', 'Only one local port can be specified.'),
  oneRemotePort: def('66257101', 'Only one remote port can be specified.'),
  ikev1: def('66257102', 'Internet Key Exchange version 1 (IKEv1) is not supported.'),
  duplicateName: def('66257104', 'IPsec policy with same name already exists in this SVM.', 409),
  pskNotHex: def('66257107', 'The specified pre-shared key is not a valid hexadecimal string.'),
  pskNotBase64: def('66257109', 'The specified pre-shared key is not a valid Base64 encoded binary string.'),
  sequencing: def('66257110', 'Failed to create a policy sequencing value.', 500),
  authIgnored: def(
    '66257112',
    'The IPsec policy with the action specified does not provide packet protection and the authentication method provided for the policy will be ignored.',
  ),
  oneLocalSubnet: def('66257113', 'Only one local IP subnet can be specified.'),
  oneRemoteSubnet: def('66257114', 'Only one remote IP subnet can be specified.'),
  portRange: def('66257115', 'Port ranges containing more than one port are not supported.'),
  dataSvmOnly: def('66257117', 'IPsec is not supported on the SVM specified in the policy, IPsec is supported on data SVMs only.'),
  hostAddressOnly: def(
    '66257120',
    'The subnet selector must be a host address (An IPv4 address with a 32-bit netmask or an IPv6 address with a 128-bit netmask).',
  ),
  svmLimit: def('66257121', 'The maximum limit of IPsec policies has been reached for the specified SVM.', 409),
  localNeedsNetmask: def('66257125', 'The local_endpoint.address must be specified with local_endpoint.netmask.'),
  remoteNeedsNetmask: def('66257126', 'The remote_endpoint.address must be specified with remote_endpoint.netmask.'),
  localNonZero: def('66257127', 'The local subnet must be configured as a non-zero subnet.'),
  invalidAny: def('66257128', 'Invalid ANY wildcard subnet.'),
  anyNeedsPort: def('66257129', 'A specific local or remote port number is required when the remote subnet is configured as an ANY wildcard subnet.'),
  clusterLimit: def('66257130', 'The maximum limit of IPsec policies has been reached for the cluster.', 409),
  espUdpV6: def('66257131', 'ESP in UDPv6 Encapsulation is not supported.'),
  badPort: def('66257132', 'Invalid value for port field. Value should be in range <0-65535>.'),
  pskNeedsKey: def('66257133', 'A pre-shared key is needed for the PSK authentication method. Use the secret_key option to specify a key.'),
  pkiNeedsCertificate: def(
    '66257134',
    'An end-entity certificate is needed for the PKI authentication method. Use the certificate.uuid option to specify an end-entity certificate.',
  ),
  certificateNotOnSvm: def('66257135', 'The specified certificate is not found on the SVM.'),
  pskNoCertificate: def('66257136', 'A certificate is not needed for the PSK authentication method.'),
  pkiNoKey: def('66257137', 'A pre-shared key is not needed for the PKI authentication method.'),
  remoteIdentityNeeded: def('66257138', 'Remote identity is required when using certificate verification.'),
  certificateNotFound: def('66257139', 'Certificate with the specified UUID was not found.'),
  certificateType: def('66257140', 'Only certificates with a client or server type are supported.'),
  svmMigrating: def('66257142', 'Failed to create IPsec policy because the specified SVM is being migrated.', 409),
  emptySubnet: def('66257143', 'Invalid IPsec policy provided. The subnet must be non-empty.'),
  protectionNeedsAuth: def(
    '66257144',
    'The IPsec policy actions ESP TRANSPORT and ESP UDP each provide packet protection and requires a secret key or certificate for authentication.',
  ),
  nameLength: def('66257148', 'The policy name does not meet required ASCII-range characters length.'),
  nodesUnsupported: def('66257199', 'Not all of the nodes in the cluster are running a version that supports the IPsec feature.'),
  keyLength: def('66257200', 'The shared key does not meet required ASCII-range characters length.'),
  ecvUnsupported: def('66257201', 'Support for the feature available with effective cluster version or later.'),
  svmNameInvalid: def('66257202', 'The specified SVM name is invalid.'),
  svmUuidInvalid: def('66257203', 'The specified SVM UUID is invalid.'),
  ipspaceMismatch: def('66257204', 'The specified IPspace UUID and IPspace name refer to different IPspaces.'),
  svmNotInIpspace: def('66257205', 'The specified SVM must exist in the specified IPspace.'),
  certificateNameMismatch: def('66257305', 'The certificate UUID does not match the provided certificate name.'),
  adminSvmMetroCluster: def('66257396', 'IPsec is not supported for the admin SVM in a MetroCluster configuration.'),
} as const satisfies Record<string, OntapErrorDef>;
