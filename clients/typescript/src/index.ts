import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

/*
 * A typed client of the gateway's API, generated from the OpenAPI document it serves
 * (schema.d.ts: `npm run client:generate`; CI checks it is current with `npm run client:check`).
 */

export type { components, operations, paths };

type Schemas = components['schemas'];
export type Peering = Schemas['Peering'];
export type PeeringState = Schemas['PeeringState'];
export type PeeringList = Schemas['PeeringList'];
export type CreatePeering = Schemas['CreatePeeringDto'];
export type UpdatePeering = Schemas['UpdatePeeringDto'];
export type Operation = Schemas['Operation'];
export type OperationStep = Schemas['OperationStep'];
export type Cluster = Schemas['Cluster'];
export type CreateCluster = Schemas['CreateClusterDto'];
export type ClusterPosture = Schemas['OntapPosture'] | Schemas['ConsulPosture'];
export type Webhook = Schemas['WebhookDoc'];
export type Problem = Schemas['ProblemDoc'];

export type GatewayClient = Client<paths>;

export interface GatewayClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** Sent as X-Request-Id on every request, to find them in the gateway's logs. */
  requestId?: string;
}

/**
 * A client for the gateway at `baseUrl` (e.g. http://localhost:8080), authenticated with a bearer
 * token (an API key, or the admin token). Every method answers `{ data, error, response }`:
 * `error` is the problem+json body of a 4xx or 5xx.
 */
export function createGatewayClient(baseUrl: string, token: string, options: GatewayClientOptions = {}): GatewayClient {
  const { requestId, headers, ...rest } = options;
  return createClient<paths>({
    ...rest,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    headers: { ...(headers as Record<string, string> | undefined), authorization: `Bearer ${token}`, ...(requestId ? { 'x-request-id': requestId } : {}) },
  });
}

/** What a problem+json body carries (Problem, loosened for answers from elsewhere: a proxy, an older gateway). */
export interface ProblemInfo {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: { field: string; message: string }[];
  upstream?: Problem['upstream'];
}

/** Thrown by `must` for an error answer: the problem the gateway sent, with its HTTP status. */
export class GatewayProblemError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemInfo,
  ) {
    super(problem.detail ?? problem.title ?? `the gateway answered ${status}`);
    this.name = 'GatewayProblemError';
  }
}

/** The body type of the successful member of a client answer. */
export type Success<R> = R extends { error?: never; data: infer D } ? D : never;

function isProblem(value: unknown): value is ProblemInfo {
  return typeof value === 'object' && value !== null && ('detail' in value || 'title' in value);
}

/** The data of a successful answer; a GatewayProblemError with the problem of a failed one. */
export async function must<R extends { data?: unknown; error?: unknown; response: Response }>(call: Promise<R>): Promise<Success<R>> {
  const answer = await call;
  // openapi-fetch sets `error` only for a 4xx or 5xx; otherwise `data` is the successful body.
  if (answer.error === undefined) return answer.data as Success<R>;
  const { error, response } = answer;
  throw new GatewayProblemError(response.status, isProblem(error) ? error : { detail: `the gateway answered ${response.status} ${response.statusText}` });
}

/** Final states: a create or a repair ends in ACTIVE or FAILED, a delete in DELETED or FAILED. */
export const SETTLED_STATES: readonly PeeringState[] = ['ACTIVE', 'FAILED', 'DELETED'];
