// Health check of a `GATEWAY_ROLE=worker` process, which serves no HTTP (src/gateway.ts listens
// only in the api and all roles): exits 0 when the Redis this container is configured for
// answers PING, 1 otherwise. It reads the same settings as the gateway (REDIS_URL, or
// REDIS_SENTINELS + REDIS_SENTINEL_NAME, or REDIS_CLUSTER_NODES; see the README's settings) and
// uses the image's own ioredis. Run from the image's working directory (/app):
//   node /etc/peering-gateway/probes/redis-ping.cjs
// Mounted from a ConfigMap in deploy/kubernetes/base and from this file in docker-compose.yml.
/* global process, require, setTimeout */
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, run by node inside the image */
'use strict';
const { Redis, Cluster } = require(require.resolve('ioredis', { paths: [process.cwd(), '/app'] }));

const TIMEOUT_MS = 2000;
const env = process.env;
const hosts = (list, defaultPort) =>
  list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.lastIndexOf(':');
      return at > 0 ? { host: entry.slice(0, at), port: Number(entry.slice(at + 1)) } : { host: entry, port: defaultPort };
    });

const once = { lazyConnect: true, connectTimeout: TIMEOUT_MS, maxRetriesPerRequest: 0, enableReadyCheck: false, retryStrategy: () => null };
let client;
if (env.REDIS_CLUSTER_NODES) {
  client = new Cluster(hosts(env.REDIS_CLUSTER_NODES, 6379), {
    lazyConnect: true,
    enableReadyCheck: false,
    clusterRetryStrategy: () => null,
    redisOptions: once,
  });
} else if (env.REDIS_SENTINELS) {
  client = new Redis({ ...once, sentinels: hosts(env.REDIS_SENTINELS, 26379), name: env.REDIS_SENTINEL_NAME || 'mymaster', sentinelRetryStrategy: () => null });
} else if (env.REDIS_URL) {
  client = new Redis(env.REDIS_URL, once);
} else {
  process.stderr.write('redis-ping: none of REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES is set\n');
  process.exit(1);
}
client.on('error', () => undefined);

setTimeout(() => {
  process.stderr.write(`redis-ping: no answer within ${TIMEOUT_MS} ms\n`);
  process.exit(1);
}, TIMEOUT_MS).unref();

client
  .connect()
  .then(() => client.ping())
  .then(
    (reply) => process.exit(reply === 'PONG' ? 0 : 1),
    (err) => {
      process.stderr.write(`redis-ping: ${err.message}\n`);
      process.exit(1);
    },
  );
