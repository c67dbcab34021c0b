import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { RedisService } from '../redis/redis.service.js';
import { DeliveryProcessor } from './delivery.processor.js';
import { type DrainSession } from './delivery.store.js';
import { WEBHOOK_QUEUE, WebhookQueue } from './webhook-queue.js';
import { PROMPT_RECOVERY } from '../workers/queues.js';

/** Backoff of a drain job that broke (not of a receiver that failed: that is the retry schedule). */
const DRAIN_BACKOFF = { baseMs: 1_000, capMs: 60_000 };
/** How long shutdown waits for attempts in flight (they are aborted and do not count). */
const CLOSE_TIMEOUT_MS = 3_000;

/**
 * Runs webhook deliveries in the `worker` and `all` roles, and the sweep that re-adds a drain
 * job lost between recording a delivery and adding its job.
 */
@Injectable()
export class WebhookWorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker<DrainSession>;
  private sweepTimer?: NodeJS.Timeout;
  private readonly stopping = new AbortController();

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly redis: RedisService,
    private readonly processor: DeliveryProcessor,
    private readonly queue: WebhookQueue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  get enabled(): boolean {
    return this.config.role !== 'api';
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    this.worker = new Worker<DrainSession>(WEBHOOK_QUEUE, (job, token) => this.processor.process(job, token, this.stopping.signal), {
      ...this.redis.bullOptions(),
      ...PROMPT_RECOVERY,
      concurrency: this.config.webhookConcurrency,
      settings: { backoffStrategy: (attemptsMade) => Math.min(DRAIN_BACKOFF.capMs, DRAIN_BACKOFF.baseMs * 2 ** attemptsMade) },
    });
    this.worker.on('error', (err) => this.logger.debug({ err: err.message }, 'webhook worker connection error'));
    this.worker.on('failed', (job, err) => this.logger.warn({ session: job?.id, err: err.message }, 'webhook drain job broke; it will be retried'));
    await this.worker.waitUntilReady();
    this.sweepTimer = setInterval(() => void this.sweep(), this.config.outboxSweepMs);
    this.sweepTimer.unref();
  }

  private async sweep(): Promise<void> {
    try {
      const repaired = await this.queue.sweep();
      if (repaired) this.logger.info({ repaired }, 'webhook sweep re-added drain jobs');
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, 'webhook sweep skipped');
    }
  }

  /**
   * Before Redis closes: attempts in flight are aborted (they do not count) and their streams are
   * parked for a second, so another worker, or this one after a restart, picks them up.
   */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.stopping.abort();
    if (!this.worker) return;
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref());
    await Promise.race([this.worker.close(), timeout]);
  }
}
