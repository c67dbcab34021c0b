import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { type GatewayMetrics, UNMATCHED_ROUTE } from '../common/metrics.js';
import { REQUEST_ID_HEADER, requestIdFrom, runInContext } from '../common/request-context.js';

/**
 * Fastify's own request id is the gateway's: the caller's `X-Request-Id` when it is acceptable,
 * otherwise a generated one (src/common/request-context.ts). Set for every request, including
 * those a hook or the router answers on its own.
 */
export const requestIdOptions: Pick<FastifyServerOptions, 'genReqId'> = {
  genReqId: (raw) => requestIdFrom(raw.headers[REQUEST_ID_HEADER]),
};

/** Where another layer may record who called (the authenticated actor), for the request's log line. */
interface WithActor {
  actor?: unknown;
}

/** The query string with any `token` parameter (the queue view's one-time exchange) blanked. */
function loggedQuery(url: string): string | undefined {
  const at = url.indexOf('?');
  if (at < 0) return undefined;
  const params = new URLSearchParams(url.slice(at + 1));
  if (params.has('token')) params.set('token', '[redacted]');
  return params.toString();
}

/**
 * Installs, before every other hook (so that requests answered by the authentication hook, the
 * router's 404/405 and the problem filter are covered alike):
 * - the `X-Request-Id` answer header and the request context every log line of the request reads;
 * - one log line per request through pino-http: method, route pattern, status, duration, request
 *   id, and the actor when the authentication layer has set `request.actor`;
 * - the HTTP request histogram, by route pattern (never the raw path: ids would make series).
 */
export function installRequestObservability(app: NestFastifyApplication, logger: Logger, metrics: GatewayMetrics): void {
  const fastify = app.getHttpAdapter().getInstance();
  const requests = new WeakMap<IncomingMessage, FastifyRequest>();

  const line = (raw: IncomingMessage, res: ServerResponse, responseTime: number): Record<string, unknown> => {
    const request = requests.get(raw);
    const url = raw.url ?? '/';
    const actor = (request as (FastifyRequest & WithActor) | undefined)?.actor;
    return {
      requestId: request?.id,
      method: raw.method,
      route: request?.routeOptions.url ?? null,
      path: url.split('?')[0],
      query: loggedQuery(url),
      status: res.statusCode,
      durationMs: responseTime,
      ...(actor !== undefined && { actor }),
    };
  };
  const httpLogger = pinoHttp({
    logger: logger.child({ component: 'http' }),
    genReqId: (raw) => requests.get(raw)?.id ?? requestIdFrom(raw.headers[REQUEST_ID_HEADER]),
    // The line is written once, when the answer is finished, with the fields built above only.
    quietResLogger: true,
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: () => 'request answered',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (raw, res, value: { responseTime: number }) => line(raw, res, value.responseTime),
    customErrorObject: (raw, res, err, value: { responseTime: number }) => ({ ...line(raw, res, value.responseTime), err: err.message }),
  });

  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    // On the raw answer, so it is there whoever writes it (a hook, the router, a hijacked reply).
    reply.raw.setHeader('X-Request-Id', request.id);
    requests.set(request.raw, request);
    httpLogger(request.raw, reply.raw);
    runInContext({ requestId: request.id }, done);
  });
  // The body is read in events of its own; the handler runs after this hook, in the request's context again.
  fastify.addHook('preValidation', (request: FastifyRequest, _reply: FastifyReply, done: () => void) => {
    runInContext({ requestId: request.id }, done);
  });
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    metrics.httpRequests.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
}
