import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { BearerTokens } from '../src/auth/bearer-token.js';

/**
 * The read benchmark's baseline: `GET /v1/peerings/:id` on bare Fastify and ioredis, reading the
 * same hash field the gateway reads (src/stores/peering.store.ts, `get`) from the same Redis,
 * with the same bearer-token check before the handler (src/auth/bearer-token.ts) and the same
 * connection options that matter for throughput (auto-pipelining). No validation, no guards,
 * no interceptors, no problem documents: what is left is the floor for this read.
 */
async function main(): Promise<void> {
  const prefix = process.env.GATEWAY_REDIS_PREFIX ?? 'gw';
  const tokens = new BearerTokens(process.env.GATEWAY_ADMIN_TOKEN!);
  const redis = new Redis(process.env.REDIS_URL!, { enableAutoPipelining: true, maxRetriesPerRequest: 1 });
  const app = Fastify({ logger: false });
  app.addHook('onRequest', async (request, reply) => {
    if (!tokens.accepts(request.headers.authorization)) await reply.code(401).header('www-authenticate', 'Bearer').send({ status: 401 });
  });
  app.get<{ Params: { id: string } }>('/v1/peerings/:id', async (request, reply) => {
    const raw = await redis.hget(`${prefix}:peering:${request.params.id}`, 'json');
    if (!raw) return reply.code(404).send({ status: 404 });
    return JSON.parse(raw) as unknown;
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`BARE_URL ${url}\n`);
  const stop = async () => {
    await app.close();
    redis.disconnect();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
