import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

export type GatewayRole = 'all' | 'api' | 'worker';

/** Everything the gateway reads from its environment, typed and checked once at start. */
export interface GatewayConfig {
  port: number;
  host: string;
  /** Unset: a private redis-server is started with its data under `dataDir`. */
  redisUrl?: string;
  role: GatewayRole;
  adminToken: string;
  /** True when the admin token was generated at start (printed in the banner). */
  adminTokenGenerated: boolean;
  clustersFile?: string;
  sandbox: boolean;
  dataDir: string;
  /** Prefix of every Redis key; BullMQ queues use `{prefix}` so that a Redis Cluster keeps them in one slot. */
  redisPrefix: string;
  workerConcurrency: number;
  /** Bound on calls in flight towards one cluster, from one process. */
  clusterConcurrency: number;
  /** Consecutive failures that open a cluster's circuit breaker, and how long it stays open. */
  breakerThreshold: number;
  breakerHalfOpenMs: number;
  /** How long a deleted peering still reads DELETED before it is gone (seconds, at least 3600). */
  tombstoneTtlSeconds: number;
  /** How long one create waits for both sides to become healthy before handing back to the queue. */
  establishTimeoutMs: number;
  /** How long one delete follows an asynchronous removal before handing back to the queue. */
  removalTimeoutMs: number;
  /** Base of the exponential backoff (full jitter) between attempts of an operation. */
  retryBaseMs: number;
  /** Interval of the sweep that re-enqueues operations whose job never reached the queue. */
  outboxSweepMs: number;
  logLevel: string;
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new ConfigError(`${name} must be an integer >= ${min}, got '${raw}'`);
  return value;
}

function bool(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got '${env[name]}'`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const role = (env.GATEWAY_ROLE ?? 'all') as GatewayRole;
  if (!['all', 'api', 'worker'].includes(role)) throw new ConfigError(`GATEWAY_ROLE must be all, api or worker, got '${role}'`);
  const clustersFile = env.GATEWAY_CLUSTERS_FILE || undefined;
  const sandbox = bool(env, 'GATEWAY_SANDBOX') ?? !clustersFile;
  const adminToken = env.GATEWAY_ADMIN_TOKEN || undefined;
  if (!adminToken && !sandbox) throw new ConfigError('GATEWAY_ADMIN_TOKEN is required outside sandbox mode');
  return {
    port: int(env, 'PORT', 8080),
    host: env.HOST ?? '0.0.0.0',
    redisUrl: env.REDIS_URL || undefined,
    role,
    adminToken: adminToken ?? `gw_${randomBytes(24).toString('base64url')}`,
    adminTokenGenerated: !adminToken,
    clustersFile,
    sandbox,
    dataDir: resolve(env.GATEWAY_DATA_DIR ?? '.data'),
    redisPrefix: env.GATEWAY_REDIS_PREFIX ?? 'gw',
    workerConcurrency: int(env, 'GATEWAY_WORKER_CONCURRENCY', 64, 1),
    clusterConcurrency: int(env, 'GATEWAY_CLUSTER_CONCURRENCY', 16, 1),
    breakerThreshold: int(env, 'GATEWAY_BREAKER_THRESHOLD', 5, 1),
    breakerHalfOpenMs: int(env, 'GATEWAY_BREAKER_HALF_OPEN_MS', 5_000, 1),
    tombstoneTtlSeconds: int(env, 'GATEWAY_TOMBSTONE_TTL_SECONDS', 3600, 3600),
    establishTimeoutMs: int(env, 'GATEWAY_ESTABLISH_TIMEOUT_MS', 60_000, 1),
    removalTimeoutMs: int(env, 'GATEWAY_REMOVAL_TIMEOUT_MS', 120_000, 1),
    retryBaseMs: int(env, 'GATEWAY_RETRY_BASE_MS', 500, 1),
    outboxSweepMs: int(env, 'GATEWAY_OUTBOX_SWEEP_MS', 5_000, 100),
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
