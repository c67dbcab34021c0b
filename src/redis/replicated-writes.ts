import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError, problem, PROBLEM_CONTENT_TYPE } from '../common/problem.js';
import { type RedisService } from './redis.service.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * An accepted write survives a failover: before a write's 2xx leaves, what the request wrote is
 * on a Redis replica (RedisService.confirmWrites), or the answer becomes 503 with Retry-After.
 * A hook on the HTTP server rather than on each route, because controllers send their replies
 * themselves (`@Res()`), and a route added later is covered without thinking of it.
 */
export function confirmWritesBeforeAnswering(fastify: FastifyInstance, redis: RedisService): void {
  const epochs = new WeakMap<FastifyRequest, number>();
  fastify.addHook('onRequest', async (request) => {
    if (WRITES.has(request.method)) epochs.set(request, redis.writeEpoch());
  });
  fastify.addHook('onSend', async (request, reply, payload) => {
    const since = epochs.get(request);
    if (since === undefined || reply.statusCode < 200 || reply.statusCode >= 300) return payload;
    try {
      await redis.confirmWrites(since);
      return payload;
    } catch (err) {
      const body =
        err instanceof GatewayError
          ? err.problem
          : problem('service_unavailable', 'the write could not be confirmed on a Redis replica; retry (with the same Idempotency-Key)');
      reply.removeHeader('location');
      reply.removeHeader('content-length');
      void reply.code(503).header('content-type', PROBLEM_CONTENT_TYPE).header('retry-after', '1');
      return JSON.stringify(body);
    }
  });
}
