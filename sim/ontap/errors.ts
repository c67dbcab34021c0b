import type { SimHandler, SimResponse } from '../shared/http-server.js';

export interface ErrorArgument {
  code: string;
  message: string;
}

/** One error ONTAP answers: its code (a string of digits), the HTTP status and the product's wording. */
export interface OntapErrorDef {
  code: string;
  status: number;
  message: string;
}

const def = (code: string, message: string, status = 400): OntapErrorDef => ({ code, status, message });

/**
 * Every error the simulator answers. The cluster-peer codes and texts are NetApp's (seeds 000/001,
 * POST, PATCH and DELETE tables); the ones in SIMULATOR_ONLY are not in the seeds nor in any public
 * source: the simulator made them up, and gateway code must never depend on them.
 */
export const ERRORS = {
  // Generic REST-layer errors.
  internal: def('2', 'Internal error.', 500),
  apiNotFound: def('3', 'API not found', 404),
  methodNotAllowed: def('3', 'The method is not allowed on this API.', 405),
  notFound: def('4', "entry doesn't exist", 404),
  notAuthorized: def('6', 'not authorized for that command', 401),
  unexpectedArgument: def('262179', 'Unexpected argument.'),
  invalidValue: def('262185', 'Invalid value.'),
  // From the contract's POST /cluster table: the same address is already used by another interface.
  addressInUse: def('1179821', 'An IP address and netmask conflicts with an existing entry.', 409),

  // POST /cluster/peers.
  passphraseWithoutRemote: def('4656069', 'Specifying a passphrase without remote IP addresses is not supported.'),
  encryptionWithoutAuth: def('4656070', 'The encryption protocol is meaningful only with authenticated cluster peer relationships.'),
  sameNameAsLocal: def('4656071', 'Cannot peer with a cluster bearing the same name as the local cluster.'),
  invalidName: def('4656072', 'The name must conform to the same rules as a cluster name.'),
  encryptionCheckFailed: def('4656074', 'Cannot check whether all nodes of this cluster support encryption.'),
  encryptionNeedsEcv96: def('4656075', 'Cannot specify encryption: this operation requires an ECV of 9.6.0 or later.'),
  remoteOrGenerate: def('4656077', 'Specify either remote IP addresses or generate_passphrase.'),
  noNodes: def('4656079', 'No cluster nodes were found. Check your cluster configuration.'),
  lifNeedsAddresses: def('4656081', 'Creating an intercluster LIF requires a list of local IP addresses.'),
  lifEmptyAddresses: def('4656085', 'Cannot create an intercluster LIF with an empty list of local IP addresses.'),
  lifNeedsBroadcastDomain: def('4656086', 'Creating an intercluster LIF requires a broadcast domain that is in use within the IPspace.'),
  lifTooManyAddresses: def('4656087', 'The number of local intercluster IP addresses must be less than or equal to the number of available nodes.'),
  lifNoPorts: def('4656088', 'Found no ports matching the IPspace and the broadcast domain.'),
  ipspaceNotFound: def('4656089', 'Found no matching entry for IPspace.'),
  ipspaceMismatch: def('4656090', 'The given IPspace differs from the IPspace entry found.'),
  lifNeedsNetmask: def('4656091', 'Creating an intercluster LIF requires a network mask or a network mask length.'),
  lifNeedsGateway: def('4656096', 'Creating an intercluster LIF requires an IPv4 or IPv6 address of the default router.'),
  ipspaceUnavailable: def('4653365', 'IPspaces are unavailable with cluster peering: {ipspace}.'),
  clusterIpspaceLifs: def('1966366', 'The System SVM of the cluster IPspace hosts Cluster LIFs only.'),

  // PATCH /cluster/peers/{uuid} (4656070, 4656072 and 4656075 as above).
  encryptionNeedsNewPassphrase: def('4656073', 'Changing the encryption state requires the refreshing of the authentication passphrase.'),
  mixedAddressFamilies: def('4656076', 'Cluster peer modify was attempted mismatched IPv4 and IPv6 addresses.'),
  remoteAddressesEmpty: def('4656081', 'The remote IP address list is empty.'),
  passphraseOrGenerate: def('4656082', 'Specify either a passphrase or "-generate-passphrase".'),
  generateIsFalse: def(
    '4656083',
    'Cannot auto-generate a passphrase when "generate-passphrase" is false. Modifying a passphrase using an auto-generated passphrase requires "generate-passphrase" be true.',
  ),
  passphraseNeedsAuth: def('4656084', 'Passphrase can only be modified with an authenticated cluster peer relationship.'),
  hostNotResolved: def('4656092', 'Cluster peer modify was attempted with a host name that did not resolve to an IPv4 or IPv6 address.'),
  addressFamilyNotInIpspace: def(
    '4656095',
    'The address family of the specified peer addresses is not valid in this IPspace. Use /api/network/interfaces/ to verify that required LIFs are present and operational on each cluster node.',
  ),
  expiryTooFar: def('4655058', 'Expiration time cannot be more than 7 days in the future.'),
  patchIpspaceNotFound: def('4653261', 'Error finding IPspace.'),

  // DELETE /cluster/peers/{uuid}.
  vserverMigration: def('4663070', 'Unable to delete cluster peer relationship due to an ongoing vserver migration.', 409),

  // Made up: no public source names these (see SIMULATOR_ONLY).
  remoteUnreachable: def('4656104', 'Cannot reach any of the remote intercluster addresses {addresses} from IPspace "{ipspace}".'),
  alreadyPeered: def('4656105', 'A cluster peer relationship with cluster "{cluster}" already exists or is pending.', 409),
  passphraseMismatch: def('4656106', 'Authentication with the remote cluster "{cluster}" failed: the passphrase does not match its offer.'),
  passphraseExpired: def('4656107', 'The passphrase offered by the remote cluster "{cluster}" has expired. Generate a new passphrase.'),
} as const satisfies Record<string, OntapErrorDef>;

/**
 * Codes the simulator made up: not in seeds 000, 001, 003, 004 (nor the contract copied from
 * them) and not in any public source. They exist so the simulator can answer situations NetApp
 * documents without a code; gateway code must never key on them.
 */
export const SIMULATOR_ONLY: ReadonlySet<string> = new Set([
  ERRORS.remoteUnreachable.code,
  ERRORS.alreadyPeered.code,
  ERRORS.passphraseMismatch.code,
  ERRORS.passphraseExpired.code,
]);

/**
 * The nearest public text for "the peer cluster cannot be contacted": code 262224, `Failed to
 * contact peer cluster ... RPC: Remote system error` (ansible-collections/netapp.ontap#348, on a
 * SnapMirror PATCH). No public source names the code of the route-propagation failure itself.
 */
export const PEER_CONTACT_FAILURE_CODE = '262224';

/**
 * How a cluster-peer create fails while routes to new intercluster LIFs are still propagating
 * (seed 000, "Additional information on network routes"), and for addresses no cluster owns (the
 * product cannot tell "not routable yet" from "not there"). No public source names the real
 * answer, so the shape is a setting:
 * - `contact` (default): 400, code 262224, no target, "Failed to contact peer cluster ...".
 * - `target`: 400, code 262224, target `remote.ip_addresses`, a message naming the addresses.
 * - `reset`: no HTTP answer: the connection is reset (in job mode the job fails as `contact`).
 * - `legacy`: the simulator's former made-up answer, 400 `4656104` with the target.
 * `routeFailureStatus`, `routeFailureCode` and `routeFailureMessage` override status, code and
 * message (`{addresses}` and `{ipspace}` are filled in).
 */
export const ROUTE_FAILURE_SHAPES = ['contact', 'target', 'reset', 'legacy'] as const;
export type RouteFailureShape = (typeof ROUTE_FAILURE_SHAPES)[number];

export interface RouteFailureSettings {
  routeFailure: RouteFailureShape;
  routeFailureStatus: number | null;
  routeFailureCode: string | null;
  routeFailureMessage: string | null;
}

const ROUTE_FAILURE_DEFS: Record<RouteFailureShape, OntapErrorDef & { target?: string }> = {
  contact: def(PEER_CONTACT_FAILURE_CODE, 'Failed to contact peer cluster with address(es) {addresses}. RPC: Remote system error'),
  target: {
    ...def(PEER_CONTACT_FAILURE_CODE, 'Cannot connect to the remote intercluster addresses {addresses} from IPspace "{ipspace}": no route to host.'),
    target: 'remote.ip_addresses',
  },
  reset: def(PEER_CONTACT_FAILURE_CODE, 'Failed to contact peer cluster with address(es) {addresses}. RPC: Remote system error'),
  legacy: { ...ERRORS.remoteUnreachable, target: 'remote.ip_addresses' },
};

/** The route-propagation failure in the configured shape. */
export function routeFailure(settings: RouteFailureSettings, addresses: string[], ipspace: string): OntapError {
  const shape = ROUTE_FAILURE_DEFS[settings.routeFailure];
  const values = { addresses: addresses.join(', '), ipspace };
  const definition: OntapErrorDef = {
    code: settings.routeFailureCode ?? shape.code,
    status: settings.routeFailureStatus ?? shape.status,
    message: settings.routeFailureMessage ?? shape.message,
  };
  const error = ontapError(definition, { target: shape.target, values });
  error.resetConnection = settings.routeFailure === 'reset';
  return error;
}

/** An ONTAP error answer, thrown by the rules and rendered by the routes (or recorded by a job). */
export class OntapError extends Error {
  /** Answer over HTTP by resetting the connection instead of sending the envelope. */
  resetConnection = false;

  constructor(
    readonly definition: OntapErrorDef,
    message: string,
    readonly target?: string,
    readonly args?: ErrorArgument[],
  ) {
    super(message);
  }

  get code(): string {
    return this.definition.code;
  }

  get status(): number {
    return this.definition.status;
  }

  toResponse(): SimResponse {
    return { status: this.status, body: errorBody(this.code, this.message, this.target, this.args) };
  }
}

/**
 * Builds the error for `def`: `{name}` placeholders of the documented text are filled from
 * `values`, which also become the error's `arguments` (ONTAP's way of passing message parameters).
 */
export function ontapError(def: OntapErrorDef, options: { target?: string; values?: Record<string, string>; detail?: string } = {}): OntapError {
  const values = options.values ?? {};
  const text = def.message.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? `{${key}}`);
  const args = Object.entries(values).map(([code, message]) => ({ code, message }));
  return new OntapError(def, options.detail ? `${text} ${options.detail}` : text, options.target, args.length ? args : undefined);
}

/** ONTAP's error envelope: `{"error": {"code", "message", "target"?, "arguments"?}}`. */
export function errorBody(code: string, message: string, target?: string, args?: ErrorArgument[]): { error: Record<string, unknown> } {
  return { error: { code, message, ...(target ? { target } : {}), ...(args ? { arguments: args } : {}) } };
}

/** Body of an injected failure: the envelope with ONTAP's generic internal-error code. */
export function injectedFailureBody(status: number): unknown {
  return errorBody(ERRORS.internal.code, `${ERRORS.internal.message} Injected failure (HTTP ${status}).`);
}

/** Wraps a handler so the ONTAP errors it throws are answered in ONTAP's envelope. */
export function answeringErrors(handler: SimHandler): SimHandler {
  return async (req) => {
    try {
      return await handler(req);
    } catch (err) {
      if (err instanceof OntapError) return err.resetConnection ? { status: 0, resetConnection: true } : err.toResponse();
      throw err;
    }
  };
}
