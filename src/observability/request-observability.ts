import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ServerResponse } from 'node:http';
import { callerOf, routeConfigOf } from '../domain/access.js';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import { type GatewayMetrics, UNMATCHED_ROUTE } from '../common/metrics.js';
import { REQUEST_ID_HEADER, requestIdFrom } from '../common/request-context.js';

const OBSERVED = Symbol('observed request');

/** The raw answer, with the request it answers and when that began (for its log line). */
type ObservedResponse = ServerResponse & { [OBSERVED]?: { request: FastifyRequest; started: number } };

/**
 * Fastify's own request id is the gateway's: the caller's `X-Request-Id` when it is acceptable,
 * otherwise a generated one (src/common/request-context.ts). Set for every request, including
 * those a hook or the router answers on its own.
 */
export const requestIdOptions: Pick<FastifyServerOptions, 'genReqId'> = {
  genReqId: (raw) => requestIdFrom(raw.headers[REQUEST_ID_HEADER]),
};

/** The query string (what follows `?`) with any `token` parameter (the queue view's one-time exchange) blanked. */
function loggedQuery(query: string): string {
  const params = new URLSearchParams(query);
  if (params.has('token')) params.set('token', '[redacted]');
  return params.toString();
}

/**
 * The request line's fields, and nothing else: the id, the method, the route pattern, the path
 * and query (with the queue view's token blanked), the status, the duration and the actor's
 * reference. None of them can hold a secret, so the line is written by a logger without
 * redaction (pino's redaction costs several times the line itself, on every request).
 */
function requestLine(request: FastifyRequest, status: number | null, durationMs: number | null): Record<string, unknown> {
  const url = request.raw.url ?? '/';
  const at = url.indexOf('?');
  const line: Record<string, unknown> = {
    requestId: request.id,
    method: request.method,
    route: routeConfigOf(request)?.url ?? null,
    path: at < 0 ? url : url.slice(0, at),
    query: at < 0 ? undefined : loggedQuery(url.slice(at + 1)),
    status,
    durationMs,
  };
  // The caller once authentication found one (the admin token, an API key's id, a token's subject): never a secret.
  const actor = callerOf(request)?.ref;
  if (actor !== undefined) line.actor = actor;
  return line;
}

/**
 * Installs, before every other hook (so that requests answered by the authentication hook, the
 * router's 404/405 and the problem filter are covered alike):
 * - the `X-Request-Id` answer header;
 * - one log line per request, written when the answer has left: method, route pattern, status,
 *   duration, request id, and the actor once authentication has found the caller;
 *   `request failed` at `error` for a 5xx, `request answered` at `info` otherwise, and
 *   `request aborted` when the caller hung up before the answer was finished;
 * - the HTTP request histogram, by route pattern (never the raw path: ids would make series).
 */
export function installRequestObservability(app: NestFastifyApplication, logger: Logger, metrics: GatewayMetrics): void {
  const fastify = app.getHttpAdapter().getInstance();
  // Only the fields of requestLine go through it: see there why it does not redact.
  const httpLogger = logger.child({ component: 'http' }, { redact: [] });

  const answered = (request: FastifyRequest, status: number, durationMs: number): void => {
    if (status >= 500) {
      if (httpLogger.isLevelEnabled('error'))
        httpLogger.error({ ...requestLine(request, status, durationMs), err: `failed with status code ${status}` }, 'request failed');
    } else if (httpLogger.isLevelEnabled('info')) {
      httpLogger.info(requestLine(request, status, durationMs), 'request answered');
    }
  };

  // One listener for every answer (no closure, no `once` wrapper per request): what it needs is kept on the raw answer.
  function onClose(this: ObservedResponse): void {
    const observed = this[OBSERVED];
    if (!observed) return;
    this[OBSERVED] = undefined;
    const durationMs = Math.round(performance.now() - observed.started);
    if (this.writableFinished) answered(observed.request, this.statusCode, durationMs);
    else if (httpLogger.isLevelEnabled('info')) httpLogger.info(requestLine(observed.request, null, durationMs), 'request aborted');
  }

  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    // On the raw answer, so it is there whoever writes it (a hook, the router, a hijacked reply).
    reply.raw.setHeader('X-Request-Id', request.id);
    // On the raw answer's end too, for the same reason: Fastify's onResponse skips hijacked replies (event streams).
    const raw = reply.raw as ObservedResponse;
    raw[OBSERVED] = { request, started: performance.now() };
    raw.on('close', onClose);
    done();
  });
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const route = routeConfigOf(request)?.url ?? UNMATCHED_ROUTE;
    metrics.httpRequests.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
}
