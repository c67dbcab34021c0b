import { randomUUID } from 'node:crypto';

/** The header a caller may set, and every answer carries (docs: the public contract, README "Operating"). */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Longest caller-chosen request id kept; a longer or unprintable one is replaced by a generated id. */
export const MAX_REQUEST_ID_LENGTH = 128;

/** Visible ASCII only: no spaces, no control characters, nothing that could split a log line or a header. */
const ACCEPTABLE_ID = new RegExp(`^[\\x21-\\x7e]{1,${MAX_REQUEST_ID_LENGTH}}$`);

/** The caller's request id when it is acceptable, otherwise a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && ACCEPTABLE_ID.test(header) ? header : randomUUID();
}

/**
 * What the work in progress belongs to, for its log lines: the HTTP request being answered, or
 * the operation a worker carries out (which keeps the request id of the request that started it).
 *
 * It is handed on explicitly, never through AsyncLocalStorage: on Node 20 an AsyncLocalStorage in
 * use installs promise hooks that every promise of the process pays for, about a quarter of the
 * CPU of a read (docs/performance.md). A request's lines take `request.id` (the request line, the
 * problem filter, the caller's `requestId`); an operation's take OperationRun.context; a cluster
 * call finds the context of the run that read its cluster record (bindContext).
 */
export interface RequestContext {
  requestId?: string;
  operationId?: string;
}

const bound = new WeakMap<object, RequestContext>();

/**
 * Binds `context` to an object that one piece of work owns alone, such as the cluster records an
 * operation run reads for itself, so that code handed only that object (a cluster call) can name
 * the work in its log line. Returns the object.
 */
export function bindContext<T extends object>(owner: T, context: RequestContext): T {
  bound.set(owner, context);
  return owner;
}

/** The context bound to `owner`, or an empty one. */
export function contextOf(owner: object): RequestContext {
  return bound.get(owner) ?? NO_CONTEXT;
}

const NO_CONTEXT: RequestContext = Object.freeze({});
