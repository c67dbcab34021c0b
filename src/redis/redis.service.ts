import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Cluster, type Redis, type RedisOptions } from 'ioredis';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { GatewayError } from '../common/problem.js';
import { GATEWAY_CONFIG, type GatewayConfig, redisMode } from '../config/gateway-config.js';
import { type ConnectionPurpose, createRedisConnection, describeRedis, type RedisClient } from './redis-connection.js';

/**
 * The one store. The command connection does not queue commands while Redis is away, and every
 * command on it is bounded in time (`redisCommandTimeoutMs`), so API calls fail fast (503) when
 * Redis is gone or stalled instead of hanging; BullMQ gets its own blocking connections, which
 * are not bounded (their commands block by design). Every connection comes from
 * createRedisConnection (standalone, Sentinel or Cluster).
 */
@Injectable()
export class RedisService implements OnModuleInit, OnApplicationShutdown {
  readonly client: RedisClient;
  private readonly extra: RedisClient[] = [];
  private readonly scriptShas = new Map<string, string>();
  private readonly keyPrefix: string;
  /** Bumped whenever a connection of the command client closes (see writeEpoch). */
  private epoch = 0;
  private replicaCount?: { count: number; epoch: number; at: number };
  private waitInFlight?: Promise<number>;
  private waitNext?: Promise<number>;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    // In Redis Cluster every gateway key carries the same hash tag as the BullMQ queues (docs/redis.md).
    this.keyPrefix = redisMode(config) === 'cluster' ? `{${config.redisPrefix}}:${CLUSTER_KEY_SPACE}` : config.redisPrefix;
    this.client = createRedisConnection(config, 'command', {
      // Commands issued in the same tick share one write: many small reads and writes per step.
      enableAutoPipelining: true,
      lazyConnect: true,
      ...(config.redisCommandTimeoutMs > 0 ? { commandTimeout: config.redisCommandTimeoutMs } : {}),
    });
    let wasReady = false;
    this.client.on('ready', () => {
      if (wasReady) this.logger.info('redis connection restored');
      wasReady = true;
    });
    this.client.on('error', (err: Error) => this.logger.debug({ err: err.message }, 'redis connection error'));
    const bump = () => this.epoch++;
    if (this.client instanceof Cluster) {
      this.client.on('+node', (node: Redis) => node.on('close', bump));
      this.client.on('-node', bump);
    }
    this.client.on('close', bump);
  }

  /** `gw:a:b` style key under the configured prefix (`{gw}:store:a:b` in Redis Cluster). */
  key(...parts: string[]): string {
    return [this.keyPrefix, ...parts].join(':');
  }

  /** BullMQ queue prefix, hash-tagged so one queue's keys share a Redis Cluster slot. */
  private get queuePrefix(): string {
    return `{${this.config.redisPrefix}}`;
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async connect(timeoutMs = 10_000): Promise<void> {
    if (this.client.status === 'ready') return;
    const ready = new Promise<void>((resolve) => this.client.once('ready', () => resolve()));
    if (this.client.status === 'wait') this.client.connect().catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${describeRedis(this.config)} is not reachable`)), timeoutMs);
    });
    try {
      await Promise.race([ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Runs a Lua script by its SHA (EVALSHA), loading it on the first NOSCRIPT: hot paths send a
   * 40-byte digest instead of the script's source on every call.
   */
  async runScript(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    let sha = this.scriptShas.get(script);
    if (!sha) {
      sha = createHash('sha1').update(script).digest('hex');
      this.scriptShas.set(script, sha);
    }
    try {
      return await this.client.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.client.eval(script, keys.length, ...keys, ...args);
    }
  }

  isReady(): boolean {
    return this.client.status === 'ready';
  }

  /**
   * Which connection the command client is on: take it before a request writes and hand it to
   * confirmWrites. If it changed, a connection closed in between (a failover, say) and the writes
   * may be on a master that is gone.
   */
  writeEpoch(): number {
    return this.epoch;
  }

  /**
   * Returns once every write the command connection has made is on at least one replica, or
   * throws 503 when that cannot be confirmed in time (REDIS WAIT 1 <GATEWAY_REPLICA_WAIT_MS>).
   * A master without replicas has nothing to wait for. `since`: writeEpoch() before the writes.
   */
  async confirmWrites(since: number): Promise<void> {
    if (this.config.replicaWaitMs === 0) return;
    if (since !== this.epoch) throw unconfirmed('the connection to Redis was lost while the request was written');
    if ((await this.connectedReplicas()) === 0) return;
    const acknowledged = await this.waitForReplica();
    if (since !== this.epoch) throw unconfirmed('the connection to Redis was lost while the request was written');
    if (acknowledged < 1) {
      this.replicaCount = undefined;
      throw unconfirmed(`no Redis replica confirmed the write within ${this.config.replicaWaitMs} ms`);
    }
  }

  /**
   * A pipeline on the node that holds the gateway's keys: in Redis Cluster a pipeline goes to the
   * node of its first key, and WAIT only counts what was written on the same connection.
   */
  private onGatewayNode() {
    return this.client.pipeline().exists(this.key('replication-probe'));
  }

  /** `connected_slaves` of the master holding the gateway's keys, asked at most once a second. */
  private async connectedReplicas(): Promise<number> {
    const cached = this.replicaCount;
    if (cached && cached.epoch === this.epoch && Date.now() - cached.at < REPLICA_COUNT_TTL_MS) return cached.count;
    const epoch = this.epoch;
    const results = (await this.onGatewayNode().info('replication').exec()) ?? [];
    const [err, info] = results[1] ?? [new Error('no answer to INFO replication')];
    if (err) throw err;
    const count = Number(/connected_slaves:(\d+)/.exec(String(info))?.[1] ?? 0);
    this.replicaCount = { count, epoch, at: Date.now() };
    return count;
  }

  /**
   * WAIT blocks the connection it is sent on, and covers what that connection wrote before it was
   * sent: so one WAIT at a time, and callers that arrive while one is in flight share the next.
   */
  private waitForReplica(): Promise<number> {
    if (!this.waitInFlight) {
      this.waitInFlight = this.sendWait().finally(() => (this.waitInFlight = undefined));
      return this.waitInFlight;
    }
    this.waitNext ??= this.waitInFlight
      .catch(() => 0)
      .then(() => {
        this.waitNext = undefined;
        return this.waitForReplica();
      });
    return this.waitNext;
  }

  private async sendWait(): Promise<number> {
    const results = (await this.onGatewayNode().wait(1, this.config.replicaWaitMs).exec()) ?? [];
    const [err, acknowledged] = results[1] ?? [new Error('no answer to WAIT')];
    if (err) throw err;
    return Number(acknowledged);
  }

  /** Connection and key prefix of one BullMQ queue or worker (each gets a connection of its own). */
  bullOptions(): { connection: RedisClient; prefix: string } {
    return { connection: this.newConnection('bullmq'), prefix: this.queuePrefix };
  }

  /**
   * A new connection of its own (BullMQ's blocking ones, a subscriber), from the same settings as
   * the command connection; closed with the service.
   */
  newConnection(purpose: Exclude<ConnectionPurpose, 'command'>, extra: RedisOptions = {}): RedisClient {
    const connection = createRedisConnection(this.config, purpose, extra);
    connection.on('error', () => undefined);
    this.extra.push(connection);
    return connection;
  }

  /** Last of all: queues and workers close in onModuleDestroy, before their connections go. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.client, ...this.extra].map((c) => c.quit().catch(() => c.disconnect())));
  }
}

/**
 * In Redis Cluster the gateway's own keys are `{prefix}:store:...`: the same slot as the BullMQ
 * queues (`{prefix}:<queue>:...`), in a name space of their own.
 */
const CLUSTER_KEY_SPACE = 'store';
const REPLICA_COUNT_TTL_MS = 1_000;

function unconfirmed(why: string): GatewayError {
  return new GatewayError('service_unavailable', `${why}; it may or may not have been applied: retry (with the same Idempotency-Key)`, { retryAfter: 1 });
}

/** True for the errors ioredis raises while it has no connection to Redis, or Redis does not answer in time. */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return (
    err.name === 'MaxRetriesPerRequestError' ||
    // READONLY: a master turned replica by a failover; CLUSTERDOWN, TRYAGAIN and the slot-cache
    // and sentinel messages: a Redis Cluster or Sentinel between two masters.
    /enableOfflineQueue|Connection is closed|ECONNREFUSED|ECONNRESET|Stream isn't writeable|LOADING|READONLY|CLUSTERDOWN|TRYAGAIN|Failed to refresh slots cache|None of startup nodes|All sentinels are unreachable|Cluster isn't ready|Command timed out/.test(
      err.message,
    )
  );
}
