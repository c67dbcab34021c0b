import { ERROR_CODES } from '../../common/problem.js';

/**
 * What each ONTAP error code of the cluster-peer API means for the gateway: the gateway error to
 * report, whether (and how) to retry, and what to tell the user. Codes are ONTAP's strings of
 * digits. The source is NetApp's documentation (NetApp's cluster-peers reference: the POST, PATCH and DELETE
 * tables of /cluster/peers), plus the few codes marked below that no public document names.
 */

export type GatewayErrorCode = 'validation_failed' | 'conflict' | 'not_found' | 'upstream_rejected' | 'upstream_unavailable' | 'precondition_failed';

export interface OntapErrorInfo {
  gatewayCode: GatewayErrorCode;
  /** The HTTP status the gateway answers with for this error (its problem table's, by gateway code). */
  httpStatus: number;
  /**
   * - no: retrying the same request cannot help.
   * - route-propagation: repeat the same request quickly for a few seconds (new LIFs' routes).
   * - backoff: a passing condition on the cluster; retry later with backoff.
   */
  retryable: 'no' | 'route-propagation' | 'backoff';
  /** Clear English for the gateway's user: what went wrong and what to do. */
  summary: string;
}

/**
 * The code this repository's simulator answers when a create cannot reach the remote addresses.
 * ONTAP documents the condition (NetApp's cluster-peers reference: routes of new intercluster LIFs take 1-5 s to be
 * visible; "this error disappears with a retry of the same request") but no public source names
 * its code, so the gateway does not key on it: a create failure is recognised as a route failure
 * by what it says (ontap-errors.ts, isRouteFailure). The code stays in the table so that it reads
 * clearly wherever it shows up.
 */
export const ONTAP_ROUTE_PROPAGATION_CODE = '4656104';

function info(gatewayCode: GatewayErrorCode, summary: string, retryable: OntapErrorInfo['retryable'] = 'no'): OntapErrorInfo {
  return { gatewayCode, httpStatus: ERROR_CODES[gatewayCode].status, retryable, summary };
}

const SAME_IPSPACE_MISSING = "The IPspace given does not exist on the cluster; use one of the cluster's IPspaces (Default when in doubt).";

export const ONTAP_ERROR_CODES: Record<string, OntapErrorInfo> = {
  // POST /cluster/peers (NetApp's cluster-peers reference and 001).
  '4656069': info(
    'validation_failed',
    "A passphrase was given without the remote cluster's intercluster addresses. Give the remote addresses too, or let ONTAP generate a passphrase for an open offer.",
  ),
  '4656070': info(
    'validation_failed',
    'Encryption can only be set on an authenticated peer relationship: send a passphrase (or generate one) with the encryption setting, and keep authentication in use.',
  ),
  '4656071': info(
    'precondition_failed',
    "The remote cluster has the same name as the local cluster (or the peer name asked for is the local cluster's name), and ONTAP cannot peer two clusters of the same name. Rename one of the clusters or choose another peer name.",
  ),
  '4656072': info(
    'validation_failed',
    "The peer name breaks ONTAP's cluster-name rules: start with a letter and use only letters, digits, '-' and '_' (44 characters at most).",
  ),
  '4656074': info(
    'upstream_unavailable',
    'The cluster could not check that all its nodes support encryption (a node may be down or out of quorum). Retry later, or propose no encryption.',
    'backoff',
  ),
  '4656075': info(
    'precondition_failed',
    "The cluster's effective version is older than ONTAP 9.6.0, which encrypted peering needs. Upgrade every node to 9.6.0 or later, or leave encryption out.",
  ),
  '4656077': info(
    'validation_failed',
    "Give the remote cluster's intercluster addresses together with a passphrase (or a generated one), or ask for a generated passphrase alone to make an open offer.",
  ),
  '4656079': info(
    'precondition_failed',
    "The cluster reports no nodes, so it cannot create intercluster interfaces or peer. Check the cluster's configuration and health.",
  ),
  '4656085': info('validation_failed', 'The list of local addresses for the new intercluster interfaces is empty: give one address per node.'),
  '4656086': info(
    'validation_failed',
    'Creating intercluster interfaces needs a broadcast domain that is in use in the IPspace: give local_network.broadcast_domain.',
  ),
  '4656087': info('validation_failed', 'More local intercluster addresses were given than the cluster has nodes: give at most one address per node.'),
  '4653365': info(
    'precondition_failed',
    'This IPspace cannot be used for cluster peering (the Cluster IPspace never can). Use Default or an IPspace that has intercluster interfaces.',
  ),
  '4656088': info(
    'precondition_failed',
    "No ports match the IPspace and broadcast domain given. Check the broadcast domain's name and that it has ports in that IPspace.",
  ),
  '4656089': info('validation_failed', SAME_IPSPACE_MISSING),
  '4656090': info('validation_failed', 'The IPspace name and uuid given belong to different IPspaces: give one of them, or a matching pair.'),
  '4656091': info('validation_failed', 'Creating intercluster interfaces needs a netmask or a netmask length: give local_network.netmask.'),
  '4656081': info(
    'validation_failed',
    'A list of addresses is missing or empty: on create, the local addresses of the intercluster interfaces to make (local_network.interfaces); on change, the remote intercluster addresses.',
  ),
  '1966366': info(
    'precondition_failed',
    'Intercluster interfaces cannot be created in the Cluster IPspace, which holds only cluster interfaces. Choose another IPspace.',
  ),
  '4656096': info('validation_failed', "Creating intercluster interfaces needs the default router's address: give local_network.gateway."),

  // PATCH /cluster/peers/{uuid} (NetApp's cluster-peers reference; 4656070, 4656072, 4656075 and 4656081 are above).
  '4656073': info('validation_failed', 'Changing the proposed encryption needs a new passphrase in the same request: rotate the passphrase along with it.'),
  '4656076': info('validation_failed', 'The remote addresses mix IPv4 and IPv6: give addresses of one family only.'),
  '4656084': info(
    'precondition_failed',
    'The relationship does not use authentication, so there is no passphrase to change. Turn authentication back on first.',
  ),
  '4656082': info('validation_failed', 'Give either a passphrase or generate_passphrase=true, not both; an expiry time needs one of them.'),
  '4656083': info(
    'validation_failed',
    'generate_passphrase is false and no passphrase was given: set generate_passphrase to true, or give the new passphrase.',
  ),
  '4656092': info('validation_failed', 'A remote address is a host name the cluster cannot resolve: give IP addresses, or fix DNS on the cluster.'),
  '4655058': info('validation_failed', 'The passphrase would expire more than 7 days from now, which ONTAP refuses: choose an expiry of 7 days or less.'),
  '4653261': info('validation_failed', SAME_IPSPACE_MISSING),
  '4656095': info(
    'precondition_failed',
    "The cluster has no intercluster interfaces of the remote addresses' family (IPv4 or IPv6) in this IPspace. Create them on every node, or use addresses of the family it has.",
  ),

  // DELETE /cluster/peers/{uuid} (NetApp's cluster-peers reference).
  '4663070': info(
    'conflict',
    'The peer relationship cannot be deleted while an SVM migration is running on the cluster; the delete is retried once the migration ends.',
    'backoff',
  ),

  // The example error of every seed table: the record is not there.
  '4': info('not_found', 'The peer relationship does not exist on the cluster: it was deleted there, or (for an accepted open offer) it got a new uuid.'),

  // Seen on a SnapMirror PATCH (ansible-collections/netapp.ontap#348): "Failed to contact peer
  // cluster ... RPC: Remote system error". The nearest public code to a route failure; on a
  // cluster-peer create it is one (ontap-errors.ts), elsewhere the cluster is in trouble.
  '262224': info(
    'upstream_unavailable',
    'The cluster failed to contact the peer cluster. Check that the remote intercluster addresses are right and that the network between the clusters lets them talk (intercluster ports 11104 and 11105).',
    'route-propagation',
  ),

  // Not in NetApp's public documents: the codes the simulator answers for these conditions.
  [ONTAP_ROUTE_PROPAGATION_CODE]: info(
    'upstream_unavailable',
    "The cluster cannot reach the remote cluster's intercluster addresses. Right after intercluster interfaces are created this lasts a few seconds while routes propagate, and the same request is retried; if it persists, check the addresses and the network between the clusters.",
    'route-propagation',
  ),
  '4656105': info(
    'conflict',
    'The cluster already has a peer relationship, or a pending offer, with this remote cluster, and ONTAP peers two clusters only once. Use or delete the existing one.',
  ),
  '4656106': info(
    'upstream_rejected',
    "The passphrase does not match the remote cluster's offer. A new passphrase is needed: generate one and use it on both sides.",
  ),
  '4656107': info('upstream_rejected', "The remote cluster's passphrase has expired. A new passphrase is needed: generate one and use it on both sides."),

  // ONTAP's generic REST errors, as the simulator answers them.
  '2': info('upstream_unavailable', 'The cluster failed with an internal error; the request is retried later.', 'backoff'),
  '3': info('upstream_rejected', 'The cluster does not offer this API: check the endpoint registered for it and its ONTAP version.'),
  '6': info('upstream_rejected', 'The cluster refused the credentials registered for it: check its username and password.'),
  '262179': info('upstream_rejected', 'The cluster does not accept a field the gateway sent; its ONTAP version may be too old for this setting.'),
  '262185': info(
    'validation_failed',
    'The cluster refused a value as invalid (for example the passphrase expiry, which must be an ISO 8601 duration or a future date, or a passphrase shorter than 8 characters).',
  ),
  '1179821': info('conflict', 'An address given for a new intercluster interface is already in use by another interface.'),
};
