import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { LOGGER } from '../common/logger.js';

/**
 * The one store. The command connection does not queue commands while Redis is away, and every
 * command on it is bounded in time (`redisCommandTimeoutMs`), so API calls fail fast (503) when
 * Redis is gone or stalled instead of hanging; BullMQ gets its own blocking connections, which
 * are not bounded (their commands block by design).
 */
@Injectable()
export class RedisService implements OnModuleInit, OnApplicationShutdown {
  readonly client: Redis;
  private readonly extra: Redis[] = [];
  private readonly scriptShas = new Map<string, string>();

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.client = new Redis(this.url(), {
      ...this.baseOptions(),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
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
    this.client.on('error', (err) => this.logger.debug({ err: err.message }, 'redis connection error'));
  }

  private url(): string {
    if (!this.config.redisUrl) throw new Error('REDIS_URL is not set and no private Redis was started');
    return this.config.redisUrl;
  }

  private baseOptions(): RedisOptions {
    return { retryStrategy: (times) => Math.min(50 * times, 500), connectTimeout: 2_000 };
  }

  /** `gw:a:b` style key under the configured prefix. */
  key(...parts: string[]): string {
    return [this.config.redisPrefix, ...parts].join(':');
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
      timer = setTimeout(() => reject(new Error(`Redis at ${this.config.redisUrl} is not reachable`)), timeoutMs);
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

  /** Connection and key prefix of one BullMQ queue or worker (each gets a connection of its own). */
  bullOptions(): { connection: Redis; prefix: string } {
    return { connection: this.newBullConnection(), prefix: this.queuePrefix };
  }

  /** A new connection for BullMQ (which needs `maxRetriesPerRequest: null` on blocking connections). */
  private newBullConnection(): Redis {
    const connection = new Redis(this.url(), { ...this.baseOptions(), maxRetriesPerRequest: null, enableOfflineQueue: true });
    connection.on('error', () => undefined);
    this.extra.push(connection);
    return connection;
  }

  /** Last of all: queues and workers close in onModuleDestroy, before their connections go. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.client, ...this.extra].map((c) => c.quit().catch(() => c.disconnect())));
  }
}

/** True for the errors ioredis raises while it has no connection to Redis, or Redis does not answer in time. */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return (
    err.name === 'MaxRetriesPerRequestError' ||
    /enableOfflineQueue|Connection is closed|ECONNREFUSED|ECONNRESET|Stream isn't writeable|LOADING|Command timed out/.test(err.message)
  );
}
