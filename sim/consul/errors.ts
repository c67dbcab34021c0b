import { STATUS_CODES } from 'node:http';

/**
 * An error Consul answers as plain text with the given status. Consul's HTTP layer writes
 * `err.Error()` as the body, so the message IS the wire text: keep it byte-for-byte Consul's.
 */
export class ConsulHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const VALID_NAME_RULE = "a valid peering name must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";

/**
 * Every text the simulator answers with, taken from Consul's source (agent/peering_endpoint.go,
 * agent/rpc/peering/service.go + validate.go, agent/consul/state/peering.go, agent/http.go,
 * acl/errors.go) so adapters can be tested against the real wording.
 */
export const texts = {
  // 400: checks in the HTTP handler, before the RPC.
  bodyDecodingFailed: (goError: string) => `Body decoding failed: ${goError}`,
  peerNameRequiredForToken: 'PeerName is required in the payload when generating a new peering token.',
  peerNameRequiredForEstablish: 'PeerName is required in the payload when establishing a peering.',
  peeringTokenRequired: 'PeeringToken is required in the payload when establishing a peering.',
  mustSpecifyName: 'Must specify a name to fetch.',
  invalidWait: 'Invalid wait time',
  invalidIndex: 'Invalid index',

  // 403
  anonymousDenied: (permission: string) =>
    `Permission denied: anonymous token lacks permission '${permission}'. The anonymous token is used implicitly when a request does not specify a token.`,
  tokenDenied: (accessorId: string, permission: string) => `Permission denied: token with AccessorID '${accessorId}' lacks permission '${permission}'`,
  invalidSecret: 'a new peering token must be generated: invalid peering establishment secret',

  // 404 / 405
  peeringNotFound: (name: string) => `Peering not found for ${goQuote(name)}`,
  unknownApiPath: 'Invalid URL path: not a recognized HTTP API endpoint\n',
  nonApiPath: "Invalid URL path: if attempting to use the HTTP API, ensure the path starts with '/v1/'\n",
  methodNotAllowed: (method: string) => `method ${method} not allowed`,

  // 500: everything the RPC layer returns as a plain error.
  invalidPeerName: (name: string) => `${name} is not a valid peer name: ${VALID_NAME_RULE}`,
  markedForDeletion: 'failed to write peering: cannot write to peering that is marked for deletion',
  alreadyEstablished: (name: string) => `cannot create peering with name: ${goQuote(name)}; there is already an established peering`,
  expectingToBeDialed: (name: string) => `cannot create peering with name: ${goQuote(name)}; there is an existing peering expecting to be dialed`,
  sameCluster: (serverName: string) =>
    `cannot create a peering within the same cluster ${goQuote(serverName)}. Refer to the \`exported-services\` documentation if you want to export between partitions without peering`,
  tokenBase64: (offset: number) => `failed to decode token: illegal base64 data at input byte ${offset}`,
  tokenNoServerAddresses: 'peering token server addresses value is empty',
  tokenNoPeerId: 'peering token peer ID value is empty',
  tokenBadServerAddress: (address: string) => `${address} is not a valid peering server address`,
  /** Go's multierror rendering of one failed dial per server address in the token. */
  dialFailed: (addresses: string[]) =>
    `${addresses.length === 1 ? '1 error' : `${addresses.length} errors`} occurred:\n` +
    addresses
      .map(
        (address) =>
          `\t* failed to exchange peering secret through address ${goQuote(address)}: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp ${address}: connect: connection refused"`,
      )
      .join('\n') +
    '\n\n',
};

/** Go's %q for the plain names and addresses we quote (JSON string quoting matches it for those). */
function goQuote(value: string): string {
  return JSON.stringify(value);
}

export const badRequest = (text: string) => new ConsulHttpError(400, text);
export const forbidden = (text: string) => new ConsulHttpError(403, text);
export const internalError = (text: string) => new ConsulHttpError(500, text);

/**
 * Body of an injected failure, in the words Consul uses for that status (plain text, like every
 * Consul error), so clients classify injected failures exactly as they would real ones.
 */
export function consulFailureText(status: number): string {
  switch (status) {
    case 403:
      return texts.anonymousDenied('peering:write');
    case 429:
      return 'rate limit exceeded, try again later';
    case 500:
      return 'rpc error: code = Unknown desc = timed out enqueuing operation';
    case 503:
      return 'rpc error: code = Unavailable desc = No cluster leader';
    default:
      return `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  }
}
