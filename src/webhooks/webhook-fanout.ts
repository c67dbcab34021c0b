import { Injectable } from '@nestjs/common';
import { newId } from '../common/ids.js';
import { type GatewayEvent } from '../events/gateway-event.js';
import { DeliveryStore } from './delivery.store.js';
import { type StoredDelivery, wantsEvent } from './webhook.js';
import { WebhookQueue } from './webhook-queue.js';
import { WebhookStore } from './webhook.store.js';

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
 */
@Injectable()
export class WebhookFanout {
  constructor(
    private readonly webhooks: WebhookStore,
    private readonly deliveries: DeliveryStore,
    private readonly queue: WebhookQueue,
  ) {}

  async publish(events: GatewayEvent[]): Promise<number> {
    const subscriptions = await this.webhooks.enabled();
    if (subscriptions.length === 0) return 0;
    const now = new Date().toISOString();
    const planned: StoredDelivery[] = [];
    for (const event of events) {
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
}
