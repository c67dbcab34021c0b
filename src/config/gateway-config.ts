import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { issuerProblem, type OidcSettings } from './oidc-settings.js';
import { parseIsoDuration } from '../common/iso-duration.js';
import type { Setting } from './setting.js';

export type GatewayRole = 'all' | 'api' | 'worker';

/** Everything the gateway reads from its environment, typed and checked once at start. */
export interface GatewayConfig {
  port: number;
  host: string;
  /**
   * Unset (and no Sentinel or Cluster either): a private redis-server is started with its data
   * under `dataDir`. At most one of redisUrl, redisSentinels and redisClusterNodes is set.
   */
  redisUrl?: string;
  /** Redis Sentinel: the sentinels to ask, and the name of the master they watch. */
  redisSentinels?: RedisNode[];
  redisSentinelName?: string;
  /** Redis Cluster: seed nodes; the rest of the cluster is discovered from them. */
  redisClusterNodes?: RedisNode[];
  /** Password of Redis (its masters and replicas, not the sentinels); a password in REDIS_URL wins. */
  redisPassword?: string;
  /** TLS towards Redis for Sentinel and Cluster (REDIS_URL says it with `rediss://`). */
  redisTls: boolean;
  /**
   * How long an API write waits for one replica to confirm it (Redis WAIT) before answering 503;
   * 0: do not wait. Only asked when the master has replicas.
   */
  replicaWaitMs: number;
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
  /** How route-propagation failures are repeated: `steady` (the default) or `exponential` (for comparison). */
  routeRetry: 'steady' | 'exponential';
  /**
   * The value of a setting declared by a product plugin (src/config/setting.ts), read from the
   * environment the configuration was loaded from; the products module reads each at start, so a
   * bad value fails then.
   */
  setting<T>(setting: Setting<T>): T;
  /** Base of the exponential backoff (full jitter) between attempts of an operation. */
  retryBaseMs: number;
  /** Interval of the drift sweep over every settled peering; 0 turns it off. */
  reconcileIntervalMs: number;
  /** Interval of the sweep that re-enqueues operations whose job never reached the queue. */
  outboxSweepMs: number;
  /** Webhooks: delays between delivery attempts (ms); attempts = 1 + its length. */
  webhookRetryScheduleMs: number[];
  /** Webhooks: how long one delivery attempt may take before it counts as failed. */
  webhookTimeoutMs: number;
  /** Webhooks: hostnames and CIDRs allowed even in link-local and cloud metadata ranges. */
  webhookAllow: string[];
  /** Cluster endpoints: hostnames and CIDRs allowed even in link-local and cloud metadata ranges. */
  clusterAllow: string[];
  /**
   * AES-256 keys for the secrets kept at rest (src/stores/secret-cipher.ts): the current one
   * encrypts, either decrypts. Unset only in sandbox mode, where main.ts fills it from `dataDir`.
   */
  encryptionKey?: Buffer;
  encryptionKeyPrevious?: Buffer;
  /** Webhooks: how long the previous secret keeps signing after a rotation. */
  webhookRotationGraceMs: number;
  /** Webhooks: deliveries in flight at once, per worker process. */
  webhookConcurrency: number;
  logLevel: string;
  /** Largest request body (bytes); larger ones answer 413 before they are read into objects. */
  bodyLimitBytes: number;
  /** Deepest nesting of objects and arrays in a request body (bounds validation's recursion). */
  bodyMaxDepth: number;
  /** Most members of one object or elements of one array in a request body. */
  bodyMaxMembers: number;
  /** Time allowed to receive a whole request (headers and body); slower ones are cut off with 408. */
  requestTimeoutMs: number;
  /** An idle connection (nothing received or sent) is closed after this long. */
  connectionTimeoutMs: number;
  /** Bound on every command of the API's Redis connection: past it the API answers 503. */
  redisCommandTimeoutMs: number;
  /** `GET /metrics` answers without a token (for a scraper inside a trusted network). */
  metricsPublic: boolean;
  /** Bearer JWTs of this OpenID Connect issuer are accepted; unset: none are. */
  oidc?: OidcSettings;
  /** Writes per minute per API key or token subject, across replicas (the admin token is not limited). */
  rateLimitWrites: number;
  /** How long audit entries are kept (GATEWAY_AUDIT_RETENTION, ISO 8601). */
  auditRetentionMs: number;
  /** The console's OpenID Connect client (public, PKCE): with the issuer, the console offers its sign-in. */
  oidcClientId?: string;
  /** How long a peering may wait for its approval (GATEWAY_APPROVAL_TTL, ISO 8601). */
  approvalTtlMs: number;
}

export class ConfigError extends Error {}

export interface RedisNode {
  host: string;
  port: number;
}

/** Which kind of Redis the settings name: one URL, a Sentinel set or a Cluster. */
export function redisMode(config: Pick<GatewayConfig, 'redisSentinels' | 'redisClusterNodes'>): 'standalone' | 'sentinel' | 'cluster' {
  if (config.redisClusterNodes) return 'cluster';
  if (config.redisSentinels) return 'sentinel';
  return 'standalone';
}

/** True when the settings name a Redis (otherwise only the sandbox can start one). */
export function redisConfigured(config: Pick<GatewayConfig, 'redisUrl' | 'redisSentinels' | 'redisClusterNodes'>): boolean {
  return Boolean(config.redisUrl || config.redisSentinels || config.redisClusterNodes);
}

/** `host:port,host:port` (IPv6 as `[::1]:6379`), checked here so a typo fails at start. */
function redisNodes(env: NodeJS.ProcessEnv, name: string): RedisNode[] | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  return raw.split(',').map((entry) => {
    const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(entry.trim());
    const port = Number(match?.[3]);
    if (!match || port < 1 || port > 65_535) throw new ConfigError(`${name} must be a comma-separated list of host:port, got '${entry.trim()}'`);
    return { host: match[1] ?? match[2], port };
  });
}

/**
 * REDIS_URL, REDIS_SENTINELS (+ REDIS_SENTINEL_NAME) or REDIS_CLUSTER_NODES: at most one, each
 * complete; REDIS_TLS only where no URL says it already.
 */
function redisSettings(
  env: NodeJS.ProcessEnv,
): Pick<GatewayConfig, 'redisUrl' | 'redisSentinels' | 'redisSentinelName' | 'redisClusterNodes' | 'redisPassword' | 'redisTls'> {
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  const redisSentinels = redisNodes(env, 'REDIS_SENTINELS');
  const redisSentinelName = env.REDIS_SENTINEL_NAME?.trim() || undefined;
  const redisClusterNodes = redisNodes(env, 'REDIS_CLUSTER_NODES');
  const chosen = [redisUrl && 'REDIS_URL', redisSentinels && 'REDIS_SENTINELS', redisClusterNodes && 'REDIS_CLUSTER_NODES'].filter(Boolean);
  if (chosen.length > 1) throw new ConfigError(`${chosen.join(' and ')} are both set: choose one way to reach Redis`);
  if (redisSentinels && !redisSentinelName)
    throw new ConfigError("REDIS_SENTINELS is set without REDIS_SENTINEL_NAME: name the master the sentinels watch (e.g. 'mymaster')");
  if (redisSentinelName && !redisSentinels)
    throw new ConfigError('REDIS_SENTINEL_NAME is set without REDIS_SENTINELS: list the sentinels as host:port,host:port');
  if (redisUrl) {
    let url: URL;
    try {
      url = new URL(redisUrl);
    } catch {
      throw new ConfigError(`REDIS_URL must be a URL like redis://host:6379 or rediss://host:6380, got '${redisUrl}'`);
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
      throw new ConfigError(`REDIS_URL must start with redis:// or rediss://, got '${url.protocol}//'`);
  }
  const redisTls = bool(env, 'REDIS_TLS') ?? false;
  if (redisTls && redisUrl) throw new ConfigError('REDIS_TLS is for REDIS_SENTINELS and REDIS_CLUSTER_NODES; with REDIS_URL write rediss:// instead');
  return { redisUrl, redisSentinels, redisSentinelName, redisClusterNodes, redisPassword: env.REDIS_PASSWORD || undefined, redisTls };
}

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

/** `5s,5m,2h` (suffixes ms, s, m, h; a bare number is ms) as milliseconds. */
function durations(env: NodeJS.ProcessEnv, name: string, fallback: string): number[] {
  const raw = env[name] || fallback;
  const unit: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  return raw.split(',').map((part) => {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(part);
    if (!match) throw new ConfigError(`${name} must be a comma-separated list of durations like 5s,5m,2h, got '${raw}'`);
    return Math.round(Number(match[1]) * unit[match[2] ?? 'ms']);
  });
}

/** Comma-separated hostnames, IP addresses and CIDRs (checked here so a typo fails at start). */
function hostsAndCidrs(env: NodeJS.ProcessEnv, name: string): string[] {
  const entries = (env[name] ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address);
    const max = family === 6 ? 128 : 32;
    const badCidr = bits !== undefined && (!family || extra !== undefined || !/^\d+$/.test(bits) || Number(bits) > max);
    if (badCidr || (!family && !/^[a-z0-9.-]+$/.test(address))) throw new ConfigError(`${name}: '${entry}' is neither a hostname nor an IP address or CIDR`);
  }
  return entries;
}

/** 32 bytes, base64 (standard or URL-safe); checked here so a bad key fails at start, not at the first secret. */
function encryptionKey(env: NodeJS.ProcessEnv, name: string): Buffer | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(raw) ? Buffer.from(raw, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) throw new ConfigError(`${name} must be 32 bytes in base64 (e.g. openssl rand -base64 32), got ${key.length} bytes`);
  return key;
}

/** The prefix becomes a Redis Cluster hash tag (`{gw}`, docs/redis.md), so braces cannot be part of it. */
function redisPrefix(raw: string): string {
  if (!/^[A-Za-z0-9_.:-]+$/.test(raw)) throw new ConfigError(`GATEWAY_REDIS_PREFIX may hold letters, digits and _ . : - only, got '${raw}'`);
  return raw;
}

function oidc(env: NodeJS.ProcessEnv): OidcSettings | undefined {
  const issuer = env.GATEWAY_OIDC_ISSUER?.trim();
  const audience = env.GATEWAY_OIDC_AUDIENCE?.trim();
  if (!issuer) {
    if (audience) throw new ConfigError('GATEWAY_OIDC_AUDIENCE is set without GATEWAY_OIDC_ISSUER');
    return undefined;
  }
  const problem = issuerProblem(issuer);
  if (problem) throw new ConfigError(`GATEWAY_OIDC_ISSUER ${problem}, got '${issuer}'`);
  if (!audience) throw new ConfigError('GATEWAY_OIDC_AUDIENCE is required with GATEWAY_OIDC_ISSUER: tokens must name this gateway as their audience');
  return { issuer, audience, teamClaim: env.GATEWAY_OIDC_TEAM_CLAIM?.trim() || 'team' };
}

function oidcClientId(env: NodeJS.ProcessEnv): string | undefined {
  const clientId = env.GATEWAY_OIDC_CLIENT_ID?.trim() || undefined;
  if (clientId && !env.GATEWAY_OIDC_ISSUER?.trim()) throw new ConfigError('GATEWAY_OIDC_CLIENT_ID is set without GATEWAY_OIDC_ISSUER');
  return clientId;
}

function isoDuration(env: NodeJS.ProcessEnv, name: string, fallback: string): number {
  const raw = env[name]?.trim() || fallback;
  const ms = parseIsoDuration(raw);
  if (ms === null || ms <= 0) throw new ConfigError(`${name} must be an ISO 8601 duration like P90D or PT12H, got '${raw}'`);
  return ms;
}

function routeRetry(raw: string | undefined): 'steady' | 'exponential' {
  if (raw === undefined || raw === '' || raw === 'steady') return 'steady';
  if (raw === 'exponential') return 'exponential';
  throw new ConfigError(`GATEWAY_ROUTE_RETRY must be steady or exponential, got '${raw}'`);
}

/** Reads declared settings from a copy of the environment, each once. */
function declaredSettings(env: NodeJS.ProcessEnv): GatewayConfig['setting'] {
  const copy = { ...env };
  const values = new Map<string, unknown>();
  return <T>(setting: Setting<T>): T => {
    if (!values.has(setting.name)) {
      const raw = copy[setting.name];
      values.set(setting.name, raw === undefined || raw === '' ? setting.default : setting.parse(raw, setting.name));
    }
    return values.get(setting.name) as T;
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const role = (env.GATEWAY_ROLE ?? 'all') as GatewayRole;
  if (!['all', 'api', 'worker'].includes(role)) throw new ConfigError(`GATEWAY_ROLE must be all, api or worker, got '${role}'`);
  const clustersFile = env.GATEWAY_CLUSTERS_FILE || undefined;
  const sandbox = bool(env, 'GATEWAY_SANDBOX') ?? !clustersFile;
  const adminToken = env.GATEWAY_ADMIN_TOKEN || undefined;
  if (!adminToken && !sandbox) throw new ConfigError('GATEWAY_ADMIN_TOKEN is required outside sandbox mode');
  const key = encryptionKey(env, 'GATEWAY_ENCRYPTION_KEY');
  const previousKey = encryptionKey(env, 'GATEWAY_ENCRYPTION_KEY_PREVIOUS');
  if (!key && previousKey) throw new ConfigError('GATEWAY_ENCRYPTION_KEY_PREVIOUS is set without GATEWAY_ENCRYPTION_KEY: set the new key too');
  if (!key && !sandbox) {
    throw new ConfigError(
      'GATEWAY_ENCRYPTION_KEY is required outside sandbox mode: 32 bytes in base64 (e.g. openssl rand -base64 32); it encrypts the cluster credentials and other secrets kept in Redis',
    );
  }
  return {
    port: int(env, 'PORT', 8080),
    host: env.HOST ?? '0.0.0.0',
    ...redisSettings(env),
    replicaWaitMs: int(env, 'GATEWAY_REPLICA_WAIT_MS', 500, 0),
    role,
    adminToken: adminToken ?? `gw_${randomBytes(24).toString('base64url')}`,
    adminTokenGenerated: !adminToken,
    clustersFile,
    sandbox,
    dataDir: resolve(env.GATEWAY_DATA_DIR ?? '.data'),
    redisPrefix: redisPrefix(env.GATEWAY_REDIS_PREFIX ?? 'gw'),
    workerConcurrency: int(env, 'GATEWAY_WORKER_CONCURRENCY', 64, 1),
    clusterConcurrency: int(env, 'GATEWAY_CLUSTER_CONCURRENCY', 16, 1),
    breakerThreshold: int(env, 'GATEWAY_BREAKER_THRESHOLD', 5, 1),
    breakerHalfOpenMs: int(env, 'GATEWAY_BREAKER_HALF_OPEN_MS', 5_000, 1),
    tombstoneTtlSeconds: int(env, 'GATEWAY_TOMBSTONE_TTL_SECONDS', 3600, 3600),
    establishTimeoutMs: int(env, 'GATEWAY_ESTABLISH_TIMEOUT_MS', 60_000, 1),
    removalTimeoutMs: int(env, 'GATEWAY_REMOVAL_TIMEOUT_MS', 120_000, 1),
    retryBaseMs: int(env, 'GATEWAY_RETRY_BASE_MS', 500, 1),
    setting: declaredSettings(env),
    routeRetry: routeRetry(env.GATEWAY_ROUTE_RETRY),
    reconcileIntervalMs: int(env, 'GATEWAY_RECONCILE_INTERVAL_MS', 60_000, 0),
    outboxSweepMs: int(env, 'GATEWAY_OUTBOX_SWEEP_MS', 5_000, 100),
    webhookRetryScheduleMs: durations(env, 'GATEWAY_WEBHOOK_RETRY_SCHEDULE', '5s,5m,30m,2h,5h,10h,10h,14h,14h,16h'),
    webhookTimeoutMs: int(env, 'GATEWAY_WEBHOOK_TIMEOUT_MS', 15_000, 1),
    webhookAllow: hostsAndCidrs(env, 'GATEWAY_WEBHOOK_ALLOW'),
    clusterAllow: hostsAndCidrs(env, 'GATEWAY_CLUSTER_ALLOW'),
    encryptionKey: key,
    encryptionKeyPrevious: previousKey,
    webhookRotationGraceMs: int(env, 'GATEWAY_WEBHOOK_ROTATION_GRACE_MS', 24 * 3_600_000, 0),
    webhookConcurrency: int(env, 'GATEWAY_WEBHOOK_CONCURRENCY', 32, 1),
    logLevel: env.LOG_LEVEL ?? 'info',
    bodyLimitBytes: int(env, 'GATEWAY_BODY_LIMIT_BYTES', 1024 * 1024, 1024),
    bodyMaxDepth: int(env, 'GATEWAY_BODY_MAX_DEPTH', 32, 2),
    bodyMaxMembers: int(env, 'GATEWAY_BODY_MAX_MEMBERS', 1000, 10),
    requestTimeoutMs: int(env, 'GATEWAY_REQUEST_TIMEOUT_MS', 30_000, 100),
    connectionTimeoutMs: int(env, 'GATEWAY_CONNECTION_TIMEOUT_MS', 120_000, 100),
    redisCommandTimeoutMs: int(env, 'GATEWAY_REDIS_COMMAND_TIMEOUT_MS', 1_000, 0),
    metricsPublic: bool(env, 'GATEWAY_METRICS_PUBLIC') ?? false,
    oidc: oidc(env),
    rateLimitWrites: int(env, 'GATEWAY_RATE_LIMIT_WRITES', 120, 1),
    auditRetentionMs: isoDuration(env, 'GATEWAY_AUDIT_RETENTION', 'P90D'),
    oidcClientId: oidcClientId(env),
    approvalTtlMs: isoDuration(env, 'GATEWAY_APPROVAL_TTL', 'P7D'),
  };
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
