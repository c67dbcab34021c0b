import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { RedisService } from '../redis/redis.service.js';
import { PROMPT_RECOVERY, QueueName } from '../workers/queues.js';
import { Reconciler } from './reconciler.service.js';

/**
 * Runs the drift sweep as a BullMQ job scheduler: one schedule for the whole deployment,
 * whatever the number of worker processes, and one sweep at a time.
 */
@Injectable()
export class ReconcilerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private queue?: Queue;
  private worker?: Worker;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly redis: RedisService,
    private readonly reconciler: Reconciler,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.role === 'api' || this.config.reconcileIntervalMs === 0) return;
    this.queue = new Queue(QueueName.Reconcile, { ...this.redis.bullOptions(), defaultJobOptions: { removeOnComplete: 100, removeOnFail: 100 } });
    await this.queue.upsertJobScheduler('drift-sweep', { every: this.config.reconcileIntervalMs }, { name: 'sweep' });
    this.worker = new Worker(QueueName.Reconcile, () => this.reconciler.sweep(), { ...this.redis.bullOptions(), ...PROMPT_RECOVERY, concurrency: 1 });
    this.worker.on('error', (err) => this.logger.debug({ err: err.message }, 'reconciler connection error'));
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
    await this.queue?.close().catch(() => undefined);
  }
}
