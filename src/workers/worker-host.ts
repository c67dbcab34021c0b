import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { RedisService } from '../redis/redis.service.js';
import { OperationProcessor, type RetryableFailure } from './operation.processor.js';
import { OperationQueue } from './operation-queue.js';
import { BACKOFF, type OperationJobData, PROMPT_RECOVERY, QueueName } from './queues.js';

/** How long active operations may run on after SIGTERM before they are cut off. */
const SHUTDOWN_GRACE_MS = 4_000;

/**
 * Runs the BullMQ workers in the `worker` and `all` roles, and the outbox sweep that re-enqueues
 * operations whose job never reached the queue (a crash between the two writes).
 */
@Injectable()
export class WorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker<OperationJobData>;
  private sweepTimer?: NodeJS.Timeout;
  private ready = false;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly redis: RedisService,
    private readonly processor: OperationProcessor,
    private readonly queue: OperationQueue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  get enabled(): boolean {
    return this.config.role !== 'api';
  }

  isReady(): boolean {
    return !this.enabled || (this.ready && this.worker?.isRunning() === true);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    this.worker = new Worker<OperationJobData>(
      QueueName.Operations,
      (job, token, signal) => this.processor.process(job, token, signal ?? new AbortController().signal),
      {
        ...this.redis.bullOptions(),
        ...PROMPT_RECOVERY,
        concurrency: this.config.workerConcurrency,
        settings: {
          backoffStrategy: (attemptsMade, _type, err) =>
            (err as RetryableFailure | undefined)?.retryDelayMs ?? Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** attemptsMade),
        },
      },
    );
    this.worker.on('error', (err) => this.logger.debug({ err: err.message }, 'worker connection error'));
    await this.worker.waitUntilReady();
    this.ready = true;
    await this.sweep();
    this.sweepTimer = setInterval(() => void this.sweep(), this.config.outboxSweepMs);
    this.sweepTimer.unref();
  }

  private async sweep(): Promise<void> {
    try {
      const enqueued = await this.queue.sweepOutbox(2_000);
      if (enqueued) this.logger.info({ enqueued }, 'outbox sweep enqueued operations whose job was missing');
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, 'outbox sweep skipped');
    }
  }

  /**
   * Stops taking jobs and gives active ones a few seconds to finish; then cuts them off (their
   * AbortSignal fires, each attempt stops at its next step and goes back to the queue with a
   * short delay), so another worker carries on and the process exits well within 10 s.
   */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.sweepTimer);
    if (!this.worker) return;
    const closing = this.worker.close();
    const grace = new Promise<'grace'>((resolve) => setTimeout(() => resolve('grace'), SHUTDOWN_GRACE_MS).unref());
    if ((await Promise.race([closing, grace])) !== 'grace') return;
    this.logger.info('cutting off the operations still running; other workers take them over');
    this.worker.cancelAllJobs('shutdown');
    const limit = new Promise<void>((resolve) => setTimeout(resolve, 3_000).unref());
    await Promise.race([closing, limit]);
  }
}
