import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { DomainEvents } from '../domain/domain-events.js';
import { newId } from '../common/ids.js';
import { type GatewayEvent, toGatewayEvents } from '../domain/gateway-event.js';
import { OperationStore } from '../stores/operation.store.js';
import { DeliveryStore } from '../stores/delivery.store.js';
import { type StoredDelivery, wantsEvent } from '../domain/webhook.js';
import { WebhookQueue } from '../queues/webhook-queue.js';
import { WebhookStore } from '../stores/webhook.store.js';

/**
 * The body every attempt of a message sends (Standard Webhooks: `{type, timestamp, data}`).
 * `data.eventId` names the event in the peering's history; `data.peeringId` is there even when
 * the peering itself is gone.
 */
export function webhookBody(event: GatewayEvent): string {
  return JSON.stringify({ type: event.type, timestamp: event.timestamp, data: { eventId: event.id, peeringId: event.peeringId, ...event.data } });
}

/**
 * Turns events into deliveries: one per (matching subscription, event), appended to the FIFO of
 * (subscription, peering). It runs on every state change, so it reads only the enabled
 * subscriptions, and those only when they changed (WebhookStore.enabled): otherwise one small read.
 * It subscribes to the domain events: the events module does not know webhooks exist.
 */
@Injectable()
export class WebhookFanout implements OnModuleInit {
  constructor(
    private readonly webhooks: WebhookStore,
    private readonly deliveries: DeliveryStore,
    private readonly queue: WebhookQueue,
    private readonly domainEvents: DomainEvents,
    private readonly operations: OperationStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * The state change is already written when an event comes, so a failure here is logged, not
   * thrown: throwing would fail the operation without bringing the event back.
   */
  onModuleInit(): void {
    this.domainEvents.subscribe(async (domainEvent) => {
      const events = toGatewayEvents(domainEvent);
      await this.publish(events).catch((err: Error) =>
        this.logger.error({ peeringId: events[0].peeringId, types: events.map((e) => e.type), err: err.message }, 'event not handed to webhooks'),
      );
    });
  }

  async publish(events: GatewayEvent[]): Promise<number> {
    const subscriptions = await this.webhooks.enabled();
    if (subscriptions.length === 0) return 0;
    const now = new Date().toISOString();
    const requestIds = await this.requestIds(events);
    const planned: StoredDelivery[] = [];
    for (const event of events) {
      const requestId = requestIds.get(event.data.operationId);
      let body: string | undefined;
      for (const webhook of subscriptions) {
        if (!wantsEvent(webhook, event)) continue;
        planned.push({
          id: newId('msg'),
          subscriptionId: webhook.id,
          eventId: event.id,
          type: event.type,
          peeringId: event.peeringId,
          status: 'pending',
          attempts: 0,
          attemptsBefore: 0,
          lastStatusCode: null,
          lastAttemptAt: null,
          nextAttemptAt: null,
          lastError: null,
          ...(requestId !== undefined && { requestId }),
          createdAt: now,
          updatedAt: now,
          body: (body ??= webhookBody(event)),
        });
      }
    }
    if (planned.length === 0) return 0;
    await this.queue.start(await this.deliveries.enqueue(planned));
    return planned.length;
  }

  /**
   * The id of the request that started each event's operation (an operation keeps it), for the
   * deliveries' `webhook-request-id`: a change announced is traced to the request that caused it.
   */
  private async requestIds(events: GatewayEvent[]): Promise<Map<string, string | undefined>> {
    const ids = [...new Set(events.map((e) => e.data.operationId))];
    const operations = await this.operations.getMany(ids);
    return new Map(ids.map((id, i) => [id, operations[i]?.requestId]));
  }
}
