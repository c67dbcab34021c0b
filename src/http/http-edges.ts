import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyHttpOptions, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { routeConfigOf } from '../domain/access.js';
import { type GatewayConfig } from '../config/gateway-config.js';
import { jsonShapeViolation, prototypeKeyErrors } from '../common/json-body.js';
import { GatewayError, problem } from '../common/problem.js';
import { fastifyProblem, invalidFields, type ProblemAnswer, sendProblem, writeClientErrorProblem } from '../common/problem-reply.js';

/** The access check of a route that is not public (src/auth/access-control.ts). */
export interface AccessHooks {
  /** Credential, scope and rate limit: the problem to answer with, or null to go on (a promise when Redis is asked). */
  admit(request: FastifyRequest): ProblemAnswer | null | Promise<ProblemAnswer | null>;
  /** Records the answer in the audit log when it was a write or a refusal; undefined when there is nothing to record. */
  record(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<void> | undefined;
}

/** Longest request target accepted (every route's path plus its query fits easily). */
export const MAX_URL_LENGTH = 4096;

/** A lingering close reads and discards at most this much of an unread body, for at most this long. */
const LINGER_MAX_BYTES = 16 * 1024 * 1024;
const LINGER_MAX_MS = 5_000;

/**
 * An answer sent before the request's body was read (a 401 from the access check, a 413 from
 * the body limit) must reach a client that is still sending: closing the socket with the body
 * unread makes the kernel reset the connection, and the client sees EPIPE or ECONNRESET instead
 * of the answer. So the close is a lingering one, as nginx does: the answer goes out, the write
 * side is shut (FIN), and what the client still sends is read and thrown away until it stops,
 * up to a bound of bytes and time; only then is the socket destroyed. A connection that stays
 * open (keep-alive) has its body drained by Node itself, under the same bound.
 */
function lingerOnUnreadBody(request: IncomingMessage): void {
  if (request.complete) return;
  const socket = request.socket as Socket & { destroySoon?: () => void; gatewayLingering?: boolean };
  if (socket.gatewayLingering) return;
  socket.gatewayLingering = true;
  let read = 0;
  const stop = (): void => {
    clearTimeout(timer);
    socket.destroy();
  };
  const timer = setTimeout(stop, LINGER_MAX_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  request.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (read > LINGER_MAX_BYTES) stop();
  });
  request.once('end', () => {
    clearTimeout(timer);
    if (socket.writableEnded) socket.destroy();
  });
  request.resume();
  // Node destroys a `Connection: close` socket as soon as the answer is written; shut only
  // the write side instead and let the reading above end it.
  socket.destroySoon = () => {
    if (request.complete) socket.destroy();
    else socket.end();
  };
}

/** Methods a path may answer to, in the order `Allow` lists them. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * Options of the HTTP server: the body limit, and timeouts so that a slow or idle client cannot
 * hold a connection open (a body trickled a byte at a time is cut off at `requestTimeoutMs`).
 * Errors raised before a route runs (HTTP parser, malformed URLs) answer as problems too.
 */
export function httpServerOptions(config: GatewayConfig): FastifyHttpOptions<Server> {
  const requestTimeout = config.requestTimeoutMs;
  return {
    bodyLimit: config.bodyLimitBytes,
    requestTimeout,
    connectionTimeout: config.connectionTimeoutMs,
    http: {
      requestTimeout,
      headersTimeout: Math.min(requestTimeout, 60_000),
      // How often Node looks for requests past their timeouts (its default is every 30 s).
      connectionsCheckingInterval: Math.min(1_000, requestTimeout),
    },
    clientErrorHandler: writeClientErrorProblem,
    frameworkErrors: (err, _request, reply) => {
      const answer = fastifyProblem(err, config.bodyLimitBytes) ?? { body: problem('bad_request', err.message) };
      void sendProblem(reply as FastifyReply, answer);
    },
  };
}

/** Routes Swagger registers (UI and documents): public by declaration, like `@Public()` handlers. */
function isDocumentationRoute(url: string): boolean {
  return url === '/openapi.json' || url === '/openapi.yaml' || url === '/docs' || url.startsWith('/docs/');
}

/** The methods registered for the request's path (empty when the path matches no route). */
export function allowedMethods(request: FastifyRequest): string[] {
  const server: FastifyInstance = request.server;
  return METHODS.filter((method) => server.findRoute({ method, url: request.url }) !== null);
}

/**
 * Installs, before any route is registered:
 * - authentication in `onRequest`, from the matched route's config: a route answers without a
 *   token only when declared public, and the check (credential, the route's scope, the write
 *   rate limit) runs before the body is read or parsed; the audit record in `onSend`;
 * - the JSON body parser: empty is no body; size, nesting depth, members per container and
 *   `__proto__` keys are checked on the raw text before anything else sees it; only objects;
 * - no other body parser: `text/plain` and the rest answer 415.
 */
export function installHttpEdges(app: NestFastifyApplication, config: GatewayConfig, access: AccessHooks): void {
  const fastify = app.getHttpAdapter().getInstance();

  fastify.addHook('onRoute', (route) => {
    if (isDocumentationRoute(route.url ?? '')) route.config = { ...(route.config as object), public: true } as typeof route.config;
  });

  // A callback hook: the admin token's check is synchronous, and a read with it passes without a promise.
  // An answer given here is sent and `done` is not called (Fastify then runs nothing further).
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.url.length > MAX_URL_LENGTH) {
      sendProblem(reply, { body: problem('uri_too_long', `the request target must be at most ${MAX_URL_LENGTH} characters`) });
      return;
    }
    // No route matched: nothing will run; the not-found handler answers 404 or 405.
    if (request.is404 || routeConfigOf(request)?.public === true) return done();
    let refusal: ReturnType<AccessHooks['admit']>;
    try {
      refusal = access.admit(request);
    } catch (err) {
      return done(err as Error);
    }
    if (refusal === null) return done();
    if (!(refusal instanceof Promise)) return void sendProblem(reply, refusal);
    refusal.then((answer) => (answer ? void sendProblem(reply, answer) : done()), done);
  });

  // A refusal sent before its body was read keeps reading what the client still sends (lingerOnUnreadBody).
  fastify.addHook('onSend', (request, _reply, payload, done) => {
    lingerOnUnreadBody(request.raw);
    done(null, payload);
  });

  // A callback hook: most answers (reads) are not recorded, and pass without a promise of their own.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (request.is404 || routeConfigOf(request)?.public === true) return done(null, payload);
    const recording = access.record(request, reply, payload);
    if (!recording) return done(null, payload);
    recording.then(() => done(null, payload), done);
  });

  fastify.removeAllContentTypeParsers();
  const limits = { maxDepth: config.bodyMaxDepth, maxMembers: config.bodyMaxMembers };
  // Callers (curl with a shared header set, webhook automation) often send Content-Type: JSON
  // with an empty body on DELETE or POST .../sync; that is no body, not a malformed one.
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: config.bodyLimitBytes }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    const shape = jsonShapeViolation(text, limits);
    if (shape) return done(GatewayError.validation('body', shape), undefined);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return done(
        new GatewayError('validation_failed', `the body is not valid JSON: ${(err as Error).message}`, {
          errors: [{ field: 'body', message: 'must be valid JSON' }],
        }),
        undefined,
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return done(GatewayError.validation('body', 'must be a JSON object'), undefined);
    }
    const protoKeys = prototypeKeyErrors(value);
    if (protoKeys.length) return done(invalidFields(protoKeys), undefined);
    done(null, value);
  });
}
