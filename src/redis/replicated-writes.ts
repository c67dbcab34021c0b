import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, problem, PROBLEM_CONTENT_TYPE } from '../common/problem.js';
import { type RedisService } from './redis.service.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * An accepted write survives a failover: before a write's 2xx leaves, what the request wrote is
 * on a Redis replica (RedisService.confirmWrites), or the answer becomes 503 with Retry-After.
 * A hook on the HTTP server rather than on each route, because controllers send their replies
 * themselves (streams, pages), and a route added later is covered without thinking of it.
 */
export function confirmWritesBeforeAnswering(fastify: FastifyInstance, redis: RedisService): void {
  const epochs = new WeakMap<FastifyRequest, number>();
  // Callback hooks: a read passes through both without a promise of its own.
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (WRITES.has(request.method)) epochs.set(request, redis.writeEpoch());
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const since = epochs.get(request);
    if (since === undefined || reply.statusCode < 200 || reply.statusCode >= 300) return done(null, payload);
    confirmed(reply, since, payload).then((sent) => done(null, sent), done);
  });

  async function confirmed(reply: FastifyReply, since: number, payload: unknown): Promise<unknown> {
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
  }
}
