import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/** What a caller's X-Request-Id may be: printable ASCII, no spaces, at most 128 characters. */
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

const assigned = new WeakMap<FastifyRequest, string>();

/**
 * The request's id: the caller's `X-Request-Id` when it is well-formed, else one made here,
 * the same for the whole request. Every reader of the request id goes through this function.
 */
export function requestIdOf(request: FastifyRequest): string {
  let id = assigned.get(request);
  if (id === undefined) {
    const header = request.headers['x-request-id'];
    id = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    assigned.set(request, id);
  }
  return id;
}
