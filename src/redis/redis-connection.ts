import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { type GatewayConfig, redisMode } from '../config/gateway-config.js';

/** A connection to Redis in any of the three topologies; both kinds answer the same commands. */
export type RedisClient = Redis | Cluster;

/**
 * What a connection is for:
 * - `command`: the gateway's own reads and writes. It does not queue commands while Redis is away,
 *   so API calls fail at once (503) instead of hanging.
 * - `bullmq`: BullMQ's queues and workers, which block (BZPOPMIN) and retry by themselves: no limit
 *   on retries per request (BullMQ requires `maxRetriesPerRequest: null`), commands wait for the
 *   connection to come back.
 * - `subscriber`: a connection in subscribe mode, which also waits for Redis to come back.
 */
export type ConnectionPurpose = 'command' | 'bullmq' | 'subscriber';

type RedisSettings = Pick<GatewayConfig, 'redisUrl' | 'redisSentinels' | 'redisSentinelName' | 'redisClusterNodes' | 'redisPassword' | 'redisTls'>;

/** Where the connection goes, for messages. */
export function describeRedis(config: RedisSettings): string {
  const nodes = (list: { host: string; port: number }[]) => list.map((n) => `${n.host}:${n.port}`).join(',');
  if (config.redisClusterNodes) return `Redis Cluster ${nodes(config.redisClusterNodes)}`;
  if (config.redisSentinels) return `Redis master '${config.redisSentinelName}' via sentinels ${nodes(config.redisSentinels)}`;
  return `Redis at ${config.redisUrl ? redactUrl(config.redisUrl) : '(none)'}`;
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

function purposeOptions(purpose: ConnectionPurpose): RedisOptions {
  if (purpose === 'command') return { enableOfflineQueue: false, maxRetriesPerRequest: 1 };
  return { enableOfflineQueue: true, maxRetriesPerRequest: null };
}

/** Reconnects quickly: a failover is over in a few seconds and callers are waiting. */
const BASE: RedisOptions = { retryStrategy: (times) => Math.min(50 * times, 500), connectTimeout: 2_000 };

/**
 * The one factory of Redis connections: the command connection, BullMQ's and any subscriber are
 * all built here from the settings (REDIS_URL, REDIS_SENTINELS + REDIS_SENTINEL_NAME, or
 * REDIS_CLUSTER_NODES; REDIS_PASSWORD and REDIS_TLS for the last two), so they always agree on
 * where Redis is and how to reach it.
 */
export function createRedisConnection(config: RedisSettings, purpose: ConnectionPurpose, extra: RedisOptions = {}): RedisClient {
  const auth: RedisOptions = config.redisPassword ? { password: config.redisPassword } : {};
  const tls: RedisOptions = config.redisTls ? { tls: {} } : {};
  const options = purposeOptions(purpose);
  switch (redisMode(config)) {
    case 'cluster': {
      const { enableOfflineQueue, ...redisOptions } = { ...BASE, ...auth, ...tls, ...options, ...extra };
      delete redisOptions.retryStrategy;
      delete redisOptions.lazyConnect;
      delete redisOptions.enableAutoPipelining;
      const clusterOptions: ClusterOptions = {
        redisOptions,
        enableOfflineQueue,
        lazyConnect: extra.lazyConnect,
        enableAutoPipelining: extra.enableAutoPipelining,
        clusterRetryStrategy: (times) => Math.min(100 * times, 1_000),
        // A master that fails is replaced by its replica within seconds (cluster-node-timeout).
        retryDelayOnFailover: 200,
        retryDelayOnClusterDown: 200,
        slotsRefreshTimeout: 2_000,
      };
      return new Cluster(config.redisClusterNodes!, clusterOptions);
    }
    case 'sentinel':
      return new Redis({
        ...BASE,
        ...auth,
        ...tls,
        ...options,
        ...extra,
        sentinels: config.redisSentinels,
        name: config.redisSentinelName,
        enableTLSForSentinelMode: config.redisTls,
        ...(config.redisTls ? { sentinelTLS: {} } : {}),
        sentinelRetryStrategy: (times) => Math.min(100 * times, 1_000),
        // Listens to the sentinels' +switch-master, so a failover moves every connection at once
        // rather than when each one next fails.
        failoverDetector: true,
      });
    default:
      if (!config.redisUrl) throw new Error('REDIS_URL is not set and no private Redis was started');
      // A password in REDIS_URL wins over REDIS_PASSWORD (ioredis takes the URL's first).
      return new Redis(config.redisUrl, { ...BASE, ...auth, ...options, ...extra });
  }
}
