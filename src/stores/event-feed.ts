import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import type { RedisClient } from '../redis/redis-connection.js';
import { RedisService } from '../redis/redis.service.js';
import { EventHistory } from './event-history.js';
import type { GatewayEvent } from '../domain/gateway-event.js';

export interface EventFeedListener {
  /** A recorded event, from whichever process recorded it. */
  event(event: GatewayEvent): void;
  /** The subscription was lost: events published meanwhile may never arrive. */
  interrupted(): void;
}

/**
 * Every event recorded by any process (EventHistory publishes it on one Redis channel), delivered
 * live to this process: one subscription per API process, on a connection of its own (a
 * subscribed connection can run no other command), whatever the number of open streams.
 */
@Injectable()
export class EventFeed implements OnModuleInit, OnModuleDestroy {
  private connection?: RedisClient;
  private subscribed = false;
  private readonly listeners = new Set<EventFeedListener>();

  constructor(
    private readonly redis: RedisService,
    private readonly history: EventHistory,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The worker role serves no HTTP, so it streams nothing. */
  get enabled(): boolean {
    return this.config.role !== 'worker';
  }

  /** True while events are being received: a stream opened now misses nothing. */
  isLive(): boolean {
    return this.subscribed && this.connection?.status === 'ready';
  }

  async onModuleInit(): Promise<void> {
    if (!this.enabled) return;
    // A subscriber connection (Redis, Sentinel or Cluster, as configured): it must come back by
    // itself, and ioredis subscribes again on reconnection.
    const connection = this.redis.newConnection('subscriber', { lazyConnect: true });
    this.connection = connection;
    connection.on('error', (err) => this.logger.debug({ err: err.message }, 'event feed connection error'));
    connection.on('message', (_channel: string, message: string) => this.deliver(message));
    connection.on('close', () => {
      if (!this.subscribed) return;
      this.subscribed = false;
      this.logger.warn('event feed lost its Redis subscription; open streams are ended so that clients resume');
      for (const listener of [...this.listeners]) listener.interrupted();
    });
    let started = false;
    connection.on('ready', () => {
      // A reconnection: subscribe again (ioredis would too) and count as live only once Redis confirmed it.
      if (!started) return;
      connection.subscribe(this.history.channel()).then(
        () => (this.subscribed = true),
        (err: Error) => this.logger.debug({ err: err.message }, 'event feed could not subscribe again'),
      );
    });
    await connection.connect();
    await connection.subscribe(this.history.channel());
    started = true;
    this.subscribed = true;
  }

  listen(listener: EventFeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private deliver(message: string): void {
    let event: GatewayEvent;
    try {
      event = JSON.parse(message) as GatewayEvent;
    } catch {
      this.logger.warn('event feed received a message that is not an event');
      return;
    }
    for (const listener of this.listeners) {
      try {
        listener.event(event);
      } catch (err) {
        this.logger.error({ err: (err as Error).message, eventId: event.id }, 'event feed listener failed');
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.subscribed = false;
    this.listeners.clear();
    const connection = this.connection;
    if (!connection) return;
    await connection.quit().catch(() => connection.disconnect());
  }
}
