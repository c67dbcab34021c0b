import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasScope } from '../domain/access.js';
import { AccessControl } from '../auth/access-control.js';
import { type GatewayRouteConfig } from '../auth/public.decorator.js';
import { GatewayMetrics, METRICS_CONTENT_TYPE } from '../common/metrics.js';
import { GatewayError } from '../common/problem.js';
import { answerOf, sendProblem } from '../common/problem-reply.js';
import { type GatewayConfig } from '../config/gateway-config.js';
import { QueueName } from '../queues/queues.js';

/** Where the queue view is served. */
export const QUEUE_VIEW_PATH = '/admin/queues';
/** The cookie a browser gets in exchange for the admin token (README, "Operating"). */
export const QUEUE_VIEW_COOKIE = 'gw_queue_view';
/** How long the exchanged cookie lets a browser in. */
const QUEUE_VIEW_SESSION_SECONDS = 8 * 3600;

/**
 * The queue view's browser session: `<expiry>.<HMAC of the expiry keyed by the admin token>`.
 * Nothing is stored and the token itself never reaches the browser's cookie jar; a new admin
 * token ends every session.
 */
class QueueViewSession {
  private readonly key: Buffer;

  constructor(adminToken: string) {
    this.key = createHash('sha256').update(`queue-view:${adminToken}`).digest();
  }

  private mac(expiry: string): string {
    return createHmac('sha256', this.key).update(expiry).digest('base64url');
  }

  issue(now = Date.now()): string {
    const expiry = String(Math.floor(now / 1000) + QUEUE_VIEW_SESSION_SECONDS);
    return `${expiry}.${this.mac(expiry)}`;
  }

  accepts(cookieHeader: string | undefined, now = Date.now()): boolean {
    const value = cookieHeader
      ?.split(';')
      .map((c) => c.trim())
      .find((c) => c.startsWith(`${QUEUE_VIEW_COOKIE}=`))
      ?.slice(QUEUE_VIEW_COOKIE.length + 1);
    const match = value ? /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value) : null;
    if (!match || Number(match[1]) * 1000 <= now) return false;
    return timingSafeEqual(Buffer.from(match[2]), Buffer.from(this.mac(match[1])));
  }
}

function unauthorized(reply: FastifyReply): FastifyReply {
  return sendProblem(
    reply,
    answerOf(
      new GatewayError('unauthorized', `send Authorization: Bearer <token> with the admin scope, or open ${QUEUE_VIEW_PATH}?token=<token> once in a browser`),
    ),
  );
}

/**
 * What a bearer credential (admin token, API key or OIDC token) is to the queue view: `admin`
 * when it holds the `admin` scope, `other` when it is valid without it, `none` otherwise.
 */
type AdminCheck = (authorization: string | undefined) => Promise<'admin' | 'other' | 'none'>;

function adminCheck(access: AccessControl): AdminCheck {
  return async (authorization) => {
    if (authorization === undefined) return 'none';
    const { actor } = await access.authenticate(authorization);
    if (!actor) return 'none';
    return hasScope(actor.scopes, 'admin') ? 'admin' : 'other';
  };
}

/**
 * Admin scope only (the admin token, or an API key or OIDC token with `admin`, as for /metrics),
 * but a browser cannot send a bearer header: besides the header,
 * `GET /admin/queues?token=<token>` is exchanged once for an HttpOnly, SameSite=Strict
 * cookie scoped to the queue view, and the browser is sent on without the token in its address.
 * Runs for the queue view's routes only (they are registered in this scope).
 */
function queueViewAuthentication(config: GatewayConfig, isAdmin: AdminCheck): (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> {
  const sessions = new QueueViewSession(config.adminToken);
  return async (request, reply) => {
    const bearer = await isAdmin(request.headers.authorization);
    if (bearer === 'admin') return;
    if (bearer === 'other') return sendProblem(reply, answerOf(new GatewayError('forbidden', "the queue view needs the scope 'admin'")));
    if (sessions.accepts(request.headers.cookie)) return;
    const url = new URL(request.url, 'http://gateway.invalid');
    const token = url.searchParams.get('token');
    if (request.method === 'GET' && token !== null && (await isAdmin(`Bearer ${token}`)) === 'admin') {
      url.searchParams.delete('token');
      const https = request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
      const cookie = [
        `${QUEUE_VIEW_COOKIE}=${sessions.issue()}`,
        `Path=${QUEUE_VIEW_PATH}`,
        `Max-Age=${QUEUE_VIEW_SESSION_SECONDS}`,
        'HttpOnly',
        'SameSite=Strict',
        ...(https ? ['Secure'] : []),
      ].join('; ');
      return reply.header('set-cookie', cookie).header('cache-control', 'no-store').redirect(`${url.pathname}${url.search}`, 303);
    }
    return unauthorized(reply);
  };
}

/**
 * bull-board over the gateway's three queues, read-only: jobs mirror operation and delivery
 * records, so changes go through the API (retry, sync, redeliver), never by editing jobs.
 */
async function queueView(scope: FastifyInstance, options: { config: GatewayConfig; isAdmin: AdminCheck; queues: Queue[] }): Promise<void> {
  // Taken out of the generic bearer check (http-edges.ts): this scope's own hook authenticates.
  scope.addHook('onRoute', (route) => {
    route.config = { ...(route.config as object), public: true } satisfies GatewayRouteConfig as typeof route.config;
  });
  scope.addHook('onRequest', queueViewAuthentication(options.config, options.isAdmin));
  const serverAdapter = new BullBoardFastifyAdapter();
  serverAdapter.setBasePath(QUEUE_VIEW_PATH);
  createBullBoard({
    queues: options.queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Peering gateway queues' } },
  });
  await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_VIEW_PATH });
}

/**
 * The operators' routes, in the roles that serve HTTP: `GET /metrics` (admin token unless
 * GATEWAY_METRICS_PUBLIC=true; authentication by its route config, as for every route) and the
 * queue view at /admin/queues.
 */
export function installOperatorRoutes(app: NestFastifyApplication, config: GatewayConfig): void {
  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(GatewayMetrics);
  fastify.get('/metrics', { config: { public: config.metricsPublic } satisfies GatewayRouteConfig }, async (_request, reply) => {
    const text = await metrics.scrape();
    return reply.header('content-type', METRICS_CONTENT_TYPE).header('cache-control', 'no-store').send(text);
  });
  const queues = Object.values(QueueName).map((name) => app.get<Queue>(getQueueToken(name), { strict: false }));
  void fastify.register(queueView, { config, isAdmin: adminCheck(app.get(AccessControl)), queues });
}
