import { InjectQueue, OnWorkerEvent, Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { DelayedError, type Job, Queue } from 'bullmq';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { type OperationAttempt, OperationRunner } from '../orchestration/operation-runner.js';
import { type SweepReport, Reconciler } from '../reconciler/reconciler.service.js';
import { DeliveryRunner } from '../webhooks/delivery-runner.js';
import { type DrainSession } from '../stores/delivery.store.js';
import { WebhookQueue } from '../queues/webhook-queue.js';
import { withRetryDelay } from '../queues/backoff.js';
import { JobProcessor, type Sweep, workerOptions } from '../queues/job-processor.js';
import { OperationQueue } from '../queues/operation-queue.js';
import { DRAIN_BACKOFF, OPERATION_BACKOFF, type OperationJobData, QueueName } from '../queues/queues.js';

/** An outbox entry younger than this may still be on its way to the queue. */
const OUTBOX_GRACE_MS = 2_000;

/** Peering operations; beside them, the outbox sweep re-enqueues operations whose job never reached the queue. */
@Processor(QueueName.Operations, workerOptions(OPERATION_BACKOFF))
export class OperationsProcessor extends JobProcessor<OperationJobData> {
  readonly concurrency: number;
  override readonly sweep: Sweep;

  constructor(
    private readonly runner: OperationRunner,
    queue: OperationQueue,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(logger);
    this.concurrency = config.workerConcurrency;
    this.sweep = {
      everyMs: config.outboxSweepMs,
      run: () => queue.sweepOutbox(OUTBOX_GRACE_MS),
      repaired: 'outbox sweep enqueued operations whose job was missing',
    };
  }

  override process(job: Job<OperationJobData>, token?: string, signal?: AbortSignal): Promise<void> {
    return this.runner.process(attemptOf(job, token), signal ?? new AbortController().signal);
  }
}

/** The job as the runner sees it: a postponed job waits without using an attempt (DelayedError). */
function attemptOf(job: Job<OperationJobData>, token: string | undefined): OperationAttempt {
  return {
    operationId: job.data.operationId,
    get attemptsMade() {
      return job.attemptsMade;
    },
    async postpone(atMs) {
      await job.moveToDelayed(atMs, token);
      throw new DelayedError();
    },
    retryAfter: withRetryDelay,
  };
}

/** Webhook deliveries, one drain job per stream; beside them, the sweep re-adds drain jobs that were lost. */
@Processor(QueueName.Webhooks, workerOptions(DRAIN_BACKOFF))
export class WebhooksProcessor extends JobProcessor<DrainSession> {
  readonly concurrency: number;
  override readonly sweep: Sweep;

  constructor(
    private readonly runner: DeliveryRunner,
    queue: WebhookQueue,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(logger);
    this.concurrency = config.webhookConcurrency;
    this.sweep = { everyMs: config.outboxSweepMs, run: () => queue.sweep(), repaired: 'webhook sweep re-added drain jobs' };
  }

  override process(job: Job<DrainSession>, token?: string, signal?: AbortSignal): Promise<void> {
    return this.runner.process(job, token, signal ?? new AbortController().signal);
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<DrainSession> | undefined, err: Error): void {
    this.logger.warn({ session: job?.id, err: err.message }, 'webhook drain job broke; it will be retried');
  }
}

/**
 * The drift sweep as a BullMQ job scheduler: one schedule for the whole deployment, whatever the
 * number of worker processes, and one sweep at a time.
 */
@Processor(QueueName.Reconcile, workerOptions())
export class ReconcileProcessor extends JobProcessor {
  readonly concurrency = 1;

  constructor(
    private readonly reconciler: Reconciler,
    @InjectQueue(QueueName.Reconcile) private readonly queue: Queue,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(logger);
  }

  /** An interval of 0 turns the sweep off. */
  override get enabled(): boolean {
    return this.config.reconcileIntervalMs > 0;
  }

  override async prepare(): Promise<void> {
    await this.queue.upsertJobScheduler('drift-sweep', { every: this.config.reconcileIntervalMs }, { name: 'sweep' });
  }

  override process(): Promise<SweepReport> {
    return this.reconciler.sweep();
  }
}

/** The processors of every queue, in the order the JobRunner starts them. */
export const PROCESSORS = [OperationsProcessor, WebhooksProcessor, ReconcileProcessor];
