import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { RedisService } from '../redis/redis.service.js';
import { APPEND_EVENTS } from '../redis/scripts.js';
import { type DomainEvent, DomainEvents } from '../domain/domain-events.js';
import { type GatewayEvent, type GatewayEventData, type GatewayEventType, toGatewayEvents } from '../domain/gateway-event.js';

/** A peering keeps at most this many events (the newest). */
export const HISTORY_MAX = 1_000;

/** One entry of `GET /v1/peerings/{id}/events`. */
export interface HistoryItem {
  id: string;
  type: GatewayEventType;
  timestamp: string;
  data: GatewayEventData;
}

/**
 * What happened to each peering, oldest first, in a Redis list per peering; the list of a
 * deleted peering expires with its tombstone. Every domain event is turned into the published
 * events here and recorded before the work that caused it moves on (DomainEvents awaits its
 * listeners; webhooks subscribe to the same events). Each event is also published on one Redis
 * channel in the same script (atomic, as a transaction), so that every API process can stream it live (EventFeed), whichever
 * process did the work.
 */
@Injectable()
export class EventHistory implements OnModuleInit {
  constructor(
    private readonly redis: RedisService,
    private readonly domainEvents: DomainEvents,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.domainEvents.subscribe((event) => this.publish(event));
  }

  private key(peeringId: string): string {
    return this.redis.key('peering-events', peeringId);
  }

  /** The Redis channel every recorded event is published on, as a GatewayEvent in JSON. */
  channel(): string {
    return this.redis.key('events', 'live');
  }

  /**
   * The state change is already written when this runs, so a failure here is logged, not thrown:
   * throwing would fail the operation without bringing the event back.
   */
  private async publish(domainEvent: DomainEvent): Promise<void> {
    const events = toGatewayEvents(domainEvent);
    await this.append(events).catch((err: Error) =>
      this.logger.error({ peeringId: events[0].peeringId, types: events.map((e) => e.type), err: err.message }, 'event not recorded in the peering history'),
    );
  }

  /** One script for all of them: atomic like a MULTI, and sent with the other commands of the tick. */
  async append(events: GatewayEvent[]): Promise<void> {
    if (events.length === 0) return;
    const keys: string[] = [];
    const args: (string | number)[] = [HISTORY_MAX, this.config.tombstoneTtlSeconds, this.channel()];
    for (const event of events) {
      const { peeringId, team: _team, ...item } = event;
      keys.push(this.key(peeringId));
      args.push(JSON.stringify(item satisfies HistoryItem), JSON.stringify(event), item.type === 'peering.deleted' ? '1' : '0');
    }
    await this.redis.runScript(APPEND_EVENTS, keys, args);
  }

  /** The peering's events, oldest first (empty when it has none, or never existed). */
  async list(peeringId: string): Promise<HistoryItem[]> {
    const raws = await this.redis.client.lrange(this.key(peeringId), 0, -1);
    return raws.map((raw) => JSON.parse(raw) as HistoryItem);
  }
}
