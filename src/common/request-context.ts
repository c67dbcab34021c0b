import { AsyncLocalStorage } from 'node:async_hooks';
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
 * What the work in progress belongs to: the HTTP request being answered, or the operation a
 * worker carries out (which keeps the request id of the request that started it). Every log line
 * written inside carries these fields (see the logger's mixin in logger.ts).
 */
export interface RequestContext {
  requestId?: string;
  operationId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` with `context`; everything it starts, synchronously or not, sees it. */
export function runInContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The request id of the request being answered or of the one that started the operation being run. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
