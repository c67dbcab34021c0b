import createClient, { type Client, type ClientOptions, type ClientPathsWithMethod, type FetchResponse, type MaybeOptionalInit } from 'openapi-fetch';
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

/*
 * openapi-fetch infers a call's options as a type parameter, so TypeScript's check for unknown
 * properties in an object literal never runs on a body: `{ name, local, remote, lables: {} }` would
 * compile and be refused by the gateway at run time (400). The methods that send a body take it
 * through `ExactBody` instead, which turns every property the schema does not declare, at any depth,
 * into a type nothing can be assigned to and whose name says which property it is.
 */
declare const notInTheSchema: unique symbol;
/** The type of a property a request body may not carry: `Property` names it in the compiler's error. */
export interface NotInTheSchema<Property> {
  readonly [notInTheSchema]: Property;
}

type KeysOf<Shape> = Shape extends unknown ? keyof Shape : never;
type PropertyOf<Shape, Key> = Shape extends unknown ? (Key extends keyof Shape ? Shape[Key] : never) : never;
type ItemOf<Shape> = Shape extends readonly (infer Item)[] ? Item : never;

/** `Value` where every property that `Shape` does not declare (at any depth) is `NotInTheSchema`. */
export type ExactBody<Shape, Value> = 0 extends 1 & Value
  ? Value
  : Value extends readonly unknown[]
    ? { [K in keyof Value]: ExactBody<ItemOf<NonNullable<Shape>>, Value[K]> }
    : Value extends object
      ? { [K in keyof Value]: K extends KeysOf<NonNullable<Shape>> ? ExactBody<PropertyOf<NonNullable<Shape>, K>, Value[K]> : NotInTheSchema<K> }
      : Value;

type BodyMethod = 'post' | 'put' | 'patch';
type BodyOf<Init> = Init extends { body?: infer Body } ? Body : never;
type RequiredKeys<T> = keyof { [K in keyof T as Record<never, never> extends Pick<T, K> ? never : K]: K };
/** As openapi-fetch's own: the options are optional when nothing in them is required; other fetch options pass. */
type InitArgument<Init> = [RequiredKeys<Init>] extends [never] ? [(Init & { [key: string]: unknown })?] : [Init & { [key: string]: unknown }];

type BodyPath<Method extends BodyMethod> = ClientPathsWithMethod<Client<paths>, Method>;
type OperationOf<Path extends keyof paths, Method extends BodyMethod> = paths[Path][Method] extends infer Operation extends Record<string, unknown>
  ? Operation
  : never;

/** openapi-fetch's POST, PUT or PATCH, with its body checked by `ExactBody`. */
export type ExactBodyCall<Method extends BodyMethod> = <Path extends BodyPath<Method>, Init extends MaybeOptionalInit<paths[Path], Method>>(
  url: Path,
  ...init: InitArgument<Init & { body?: ExactBody<BodyOf<NonNullable<MaybeOptionalInit<paths[Path], Method>>>, BodyOf<Init>> }>
) => Promise<FetchResponse<OperationOf<Path, Method>, Init, `${string}/${string}`>>;

export type GatewayClient = Omit<Client<paths>, 'POST' | 'PUT' | 'PATCH'> & {
  /** Call a POST endpoint */
  POST: ExactBodyCall<'post'>;
  /** Call a PUT endpoint */
  PUT: ExactBodyCall<'put'>;
  /** Call a PATCH endpoint */
  PATCH: ExactBodyCall<'patch'>;
};

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
  const client = createClient<paths>({
    ...rest,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    headers: { ...(headers as Record<string, string> | undefined), authorization: `Bearer ${token}`, ...(requestId ? { 'x-request-id': requestId } : {}) },
  });
  // The same client: only the types of its body-sending methods are narrower (ExactBody), which
  // TypeScript cannot prove through openapi-fetch's conditional types.
  return client as unknown as GatewayClient;
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
