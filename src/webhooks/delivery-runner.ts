import { Inject, Injectable } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { GatewayMetrics } from '../common/metrics.js';
import { nowIso } from '../common/time.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { DeliveryStore, type DrainSession } from '../stores/delivery.store.js';
import { nextRetryDelay } from './retry-schedule.js';
import { signingSecrets, type StoredDelivery, type Webhook } from '../domain/webhook.js';
import { type AttemptOutcome, WebhookSender } from './webhook-sender.js';
import { WebhookStore } from '../stores/webhook.store.js';

/** When a shutdown cuts the job off mid-attempt, the stream is picked up again after this (the attempt does not count). */
const RESUME_AFTER_STOP_MS = 1_000;
/** A job woken this close to its due time sends (clocks of worker processes differ a little). */
const DUE_TOLERANCE_MS = 100;

/**
 * Works through one stream (the messages of one peering for one subscriber; one job of
 * QueueName.Webhooks) from its head, one message at a time. A message that fails stays at the head and the job waits in BullMQ's
 * delayed set until its next attempt is due: later messages of the same peering wait behind it,
 * which is what keeps them in order, across retries and across worker processes (only the
 * session that owns the stream, one BullMQ job, ever sends from it).
 */
@Injectable()
export class DeliveryRunner {
  constructor(
    private readonly deliveries: DeliveryStore,
    private readonly webhooks: WebhookStore,
    private readonly sender: WebhookSender,
    private readonly metrics: GatewayMetrics,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async process(job: Job<DrainSession>, token: string | undefined, stop: AbortSignal): Promise<void> {
    const session = job.data;
    for (;;) {
      if (stop.aborted) return this.waitUntil(job, token, Date.now() + RESUME_AFTER_STOP_MS);
      const head = await this.deliveries.head(session);
      if (head === null) return;
      if (head === '') {
        if (await this.deliveries.finishIfEmpty(session)) return;
        continue;
      }
      const delivery = await this.deliveries.get(head);
      if (!delivery) {
        await this.deliveries.dropHead(session, head);
        continue;
      }
      if (delivery.status === 'delivered' || delivery.status === 'failed') {
        // Finished by an earlier run that stopped before it popped the FIFO.
        await this.deliveries.complete(delivery);
        continue;
      }
      const webhook = await this.webhooks.get(session.subscriptionId);
      if (!webhook?.enabled) {
        await this.close(delivery, webhook ? `subscription disabled${webhook.disabledReason ? `: ${webhook.disabledReason}` : ''}` : 'subscription deleted');
        continue;
      }
      const due = delivery.nextAttemptAt ? Date.parse(delivery.nextAttemptAt) : 0;
      if (due > Date.now() + DUE_TOLERANCE_MS) return this.waitUntil(job, token, due);
      const retryAt = await this.attempt(webhook, delivery, stop);
      if (retryAt !== null) return this.waitUntil(job, token, retryAt);
    }
  }

  /** Sends the message once and records the outcome. Returns when to try again, or null to move on. */
  private async attempt(webhook: Webhook, delivery: StoredDelivery, stop: AbortSignal): Promise<number | null> {
    const secrets = await this.webhooks.secrets(webhook.id);
    if (!secrets) {
      await this.close(delivery, 'subscription deleted');
      return null;
    }
    const outcome = await this.sender.send(
      { url: webhook.url, webhookId: delivery.id, body: delivery.body, secrets: signingSecrets(secrets), requestId: delivery.requestId },
      stop,
    );
    if (outcome.kind === 'aborted') return Date.now() + RESUME_AFTER_STOP_MS;
    const now = nowIso();
    const tried: StoredDelivery = {
      ...delivery,
      attempts: delivery.attempts + 1,
      lastAttemptAt: now,
      updatedAt: now,
      lastStatusCode: 'statusCode' in outcome ? outcome.statusCode : null,
      lastError: outcome.kind === 'delivered' ? null : this.describe(outcome),
      nextAttemptAt: null,
    };
    // The attempt's log lines name the request whose change the message announces.
    const log = {
      ...(delivery.requestId !== undefined && { requestId: delivery.requestId }),
      subscriptionId: webhook.id,
      deliveryId: delivery.id,
      type: delivery.type,
      peeringId: delivery.peeringId,
      attempt: tried.attempts,
    };
    switch (outcome.kind) {
      case 'delivered':
        this.metrics.webhookDeliveries.inc({ outcome: 'delivered' });
        await this.deliveries.complete({ ...tried, status: 'delivered' });
        this.logger.debug({ ...log, statusCode: outcome.statusCode }, 'webhook delivered');
        return null;
      case 'gone':
        this.metrics.webhookDeliveries.inc({ outcome: 'gone' });
        await this.disable(webhook.id, `the receiver answered 410 Gone at ${now}`);
        await this.deliveries.complete({ ...tried, status: 'failed' });
        this.logger.warn(log, 'webhook receiver answered 410 Gone: subscription disabled');
        return null;
      case 'refused':
        this.metrics.webhookDeliveries.inc({ outcome: 'refused' });
        await this.deliveries.complete({ ...tried, status: 'failed' });
        this.logger.warn({ ...log, reason: outcome.error }, 'webhook delivery refused: address not allowed');
        return null;
      case 'retry': {
        const delay = nextRetryDelay(this.config.webhookRetryScheduleMs, tried.attempts - delivery.attemptsBefore, outcome.retryAfterMs);
        if (delay === null) {
          this.metrics.webhookDeliveries.inc({ outcome: 'failed' });
          await this.deliveries.complete({ ...tried, status: 'failed' });
          this.logger.warn({ ...log, reason: outcome.error }, 'webhook delivery failed for good: retry schedule used up');
          return null;
        }
        this.metrics.webhookDeliveries.inc({ outcome: 'retry' });
        const retryAt = Date.now() + delay;
        await this.deliveries.save({ ...tried, status: 'retrying', nextAttemptAt: new Date(retryAt).toISOString() });
        this.logger.info({ ...log, reason: outcome.error, delayMs: delay }, 'webhook delivery will be retried');
        return retryAt;
      }
    }
  }

  private describe(outcome: Exclude<AttemptOutcome, { kind: 'delivered' } | { kind: 'aborted' }>): string {
    if (outcome.kind === 'gone') return 'the receiver answered 410 Gone: subscription disabled';
    return outcome.error;
  }

  private async close(delivery: StoredDelivery, reason: string): Promise<void> {
    await this.deliveries.complete({ ...delivery, status: 'failed', lastError: reason, nextAttemptAt: null, updatedAt: nowIso() });
  }

  private async disable(id: string, reason: string): Promise<void> {
    try {
      await this.webhooks.update(id, (w) => (w.enabled ? { ...w, enabled: false, disabledReason: reason, updatedAt: nowIso() } : null));
    } catch {
      // Removed meanwhile: nothing left to disable.
    }
  }

  /** Parks the job (not using an attempt) until `at`; the stream stays owned by this session. */
  private async waitUntil(job: Job<DrainSession>, token: string | undefined, at: number): Promise<never> {
    await job.moveToDelayed(at, token);
    throw new DelayedError();
  }
}
