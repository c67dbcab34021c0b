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

/** The gRPC status codes the peering service answers with (google.golang.org/grpc/codes names). */
export type GrpcCode = 'Unknown' | 'PermissionDenied' | 'FailedPrecondition' | 'Unavailable' | 'ResourceExhausted' | 'InvalidArgument' | 'DeadlineExceeded';

/**
 * How a gRPC status error prints (`status.Error(...).Error()`): the HTTP handlers call the peering
 * service over gRPC, so every error it returns reaches HTTP in this form; a plain Go error the
 * service returns becomes `code = Unknown`.
 */
export function grpcErrorText(code: GrpcCode, desc: string): string {
  return `rpc error: code = ${code} desc = ${desc}`;
}

const VALID_NAME_RULE = "a valid peering name must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";

/**
 * The descriptions the peering RPC service returns (agent/rpc/peering/service.go + validate.go,
 * agent/consul/state/peering.go, agent/consul/rate and agent/grpc-middleware): the part after
 * `desc = ` in what HTTP clients see. `texts` below holds the wire texts built from them.
 */
export const rpcDescriptions = {
  invalidPeerName: (name: string) => `${name} is not a valid peer name: ${VALID_NAME_RULE}`,
  markedForDeletion: 'failed to write peering: cannot write to peering that is marked for deletion',
  alreadyEstablished: (name: string) => `cannot create peering with name: ${goQuote(name)}; there is already an established peering`,
  expectingToBeDialed: (name: string) => `cannot create peering with name: ${goQuote(name)}; there is an existing peering expecting to be dialed`,
  sameCluster: (serverName: string) =>
    `cannot create a peering within the same cluster ${goQuote(serverName)}. Refer to the \`exported-services\` documentation if you want to export between partitions without peering`,
  metaInvalid: (detail: string) => `meta tags failed validation: ${detail}`,
  tokenBase64: (offset: number) => `failed to decode token: illegal base64 data at input byte ${offset}`,
  tokenNoServerAddresses: 'peering token server addresses value is empty',
  tokenNoPeerId: 'peering token peer ID value is empty',
  tokenBadServerAddress: (address: string) => `${address} is not a valid peering server address`,
  invalidSecret: 'a new peering token must be generated: invalid peering establishment secret',
  peeringDisabled: 'peering must be enabled to use this endpoint',
  noClusterLeader: 'No cluster leader',
  /** grpc-middleware's answer when the server's rate limit is exhausted but another server may take the call. */
  rateLimitedTryElsewhere: 'rate limit exceeded, try again later or against a different server',
  /** ... and when only the leader can serve the call. */
  rateLimitedLeaderOnly: 'rate limit exceeded for operation that can only be performed by the leader, try again later',
  /** Go's multierror rendering of one failed dial per server address in the token. */
  dialFailed: (failures: { address: string; error: string }[]) =>
    `${failures.length === 1 ? '1 error' : `${failures.length} errors`} occurred:\n` +
    failures.map(({ address, error }) => `\t* failed to exchange peering secret through address ${goQuote(address)}: ${error}`).join('\n') +
    '\n\n',
  connectionRefused: (address: string) =>
    grpcErrorText('Unavailable', `connection error: desc = "transport: Error while dialing: dial tcp ${address}: connect: connection refused"`),
};

const rpc = rpcDescriptions;
const unknown = (desc: string) => grpcErrorText('Unknown', desc);

/**
 * Every text the simulator answers with, as it appears in the HTTP body, taken from Consul's
 * source (agent/peering_endpoint.go, agent/rpc/peering/service.go + validate.go,
 * agent/consul/state/peering.go, agent/http.go, acl/errors.go) so adapters can be tested against
 * the real wording. The HTTP handler's own checks and ACL denials are plain text; everything the
 * peering RPC service returns carries gRPC's `rpc error: code = ... desc = ...` prefix.
 */
export const texts = {
  // 400: checks in the HTTP handler, before the RPC.
  bodyDecodingFailed: (goError: string) => `Body decoding failed: ${goError}`,
  /** What Go's decoder says of a field the request struct does not have (DisallowUnknownFields). */
  unknownField: (field: string) => `Body decoding failed: json: unknown field ${goQuote(field)}`,
  peerNameRequiredForToken: 'PeerName is required in the payload when generating a new peering token.',
  peerNameRequiredForEstablish: 'PeerName is required in the payload when establishing a peering.',
  peeringTokenRequired: 'PeeringToken is required in the payload when establishing a peering.',
  mustSpecifyName: 'Must specify a name to fetch.',
  invalidWait: 'Invalid wait time',
  invalidIndex: 'Invalid index',

  // 403: ACL denials (plain text: the agent maps any "Permission denied" text to 403) and the used token.
  anonymousDenied: (permission: string) =>
    `Permission denied: anonymous token lacks permission '${permission}'. The anonymous token is used implicitly when a request does not specify a token.`,
  tokenDenied: (accessorId: string, permission: string) => `Permission denied: token with AccessorID '${accessorId}' lacks permission '${permission}'`,
  invalidSecret: grpcErrorText('PermissionDenied', rpc.invalidSecret),

  // 404 / 405 / 429
  peeringNotFound: (name: string) => `Peering not found for ${goQuote(name)}`,
  unknownApiPath: 'Invalid URL path: not a recognized HTTP API endpoint\n',
  nonApiPath: "Invalid URL path: if attempting to use the HTTP API, ensure the path starts with '/v1/'\n",
  methodNotAllowed: (method: string) => `method ${method} not allowed`,
  /** structs.ErrRPCRateExceeded: the agent answers 429 with an empty body. */
  rpcRateLimitExceeded: '',

  // 500: what the peering RPC service returns.
  peeringDisabled: grpcErrorText('FailedPrecondition', rpc.peeringDisabled),
  invalidPeerName: (name: string) => unknown(rpc.invalidPeerName(name)),
  markedForDeletion: unknown(rpc.markedForDeletion),
  alreadyEstablished: (name: string) => unknown(rpc.alreadyEstablished(name)),
  expectingToBeDialed: (name: string) => unknown(rpc.expectingToBeDialed(name)),
  sameCluster: (serverName: string) => unknown(rpc.sameCluster(serverName)),
  metaInvalid: (detail: string) => unknown(rpc.metaInvalid(detail)),
  tokenBase64: (offset: number) => unknown(rpc.tokenBase64(offset)),
  tokenNoServerAddresses: unknown(rpc.tokenNoServerAddresses),
  tokenNoPeerId: unknown(rpc.tokenNoPeerId),
  tokenBadServerAddress: (address: string) => unknown(rpc.tokenBadServerAddress(address)),
  /** A token whose JSON Go cannot unmarshal: the decoder's own message. */
  tokenJson: (goError: string) => unknown(goError),
  noClusterLeader: unknown(rpc.noClusterLeader),
  rateLimitedTryElsewhere: grpcErrorText('ResourceExhausted', rpc.rateLimitedTryElsewhere),
  rateLimitedLeaderOnly: grpcErrorText('Unavailable', rpc.rateLimitedLeaderOnly),
  /** Establish when no server address of the token answers (every address is dialled in turn). */
  dialFailed: (addresses: string[]) => unknown(rpc.dialFailed(addresses.map((address) => ({ address, error: rpc.connectionRefused(address) })))),
  /** Establish when the acceptor answers the secret exchange with an error other than PermissionDenied. */
  exchangeFailed: (address: string, error: string) => unknown(rpc.dialFailed([{ address, error }])),
};

/** Go's %q for the plain names and addresses we quote (JSON string quoting matches it for those). */
function goQuote(value: string): string {
  return JSON.stringify(value);
}

export const badRequest = (text: string) => new ConsulHttpError(400, text);
export const forbidden = (text: string) => new ConsulHttpError(403, text);
export const internalError = (text: string) => new ConsulHttpError(500, text);

/**
 * Failures tests can queue by name (`POST /_sim/fail-next {"preset": ...}`), with the status and
 * body Consul's agent answers them with.
 */
export const consulFailurePresets = {
  /** The agent's RPC rate limiter (structs.ErrRPCRateExceeded): 429, empty body. */
  rpcRateLimit: { status: 429, body: texts.rpcRateLimitExceeded },
  /** The server's gRPC rate limiter, when another server may take the call. */
  resourceExhausted: { status: 500, body: texts.rateLimitedTryElsewhere },
  /** The server's gRPC rate limiter, for a write only the leader can do. */
  leaderOnly: { status: 500, body: texts.rateLimitedLeaderOnly },
  noClusterLeader: { status: 500, body: texts.noClusterLeader },
  peeringDisabled: { status: 500, body: texts.peeringDisabled },
  aclDenied: { status: 403, body: texts.anonymousDenied('peering:write') },
  usedToken: { status: 403, body: texts.invalidSecret },
} as const;

/**
 * Body of an injected failure, in the words Consul uses for that status (plain text, like every
 * Consul error), so clients classify injected failures exactly as they would real ones.
 */
export function consulFailureText(status: number): string {
  switch (status) {
    case 403:
      return texts.anonymousDenied('peering:write');
    case 429:
      return texts.rpcRateLimitExceeded;
    case 500:
      return unknown('timed out enqueuing operation');
    case 503:
      return texts.noClusterLeader;
    default:
      return `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  }
}
