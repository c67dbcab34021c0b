import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { OperationStore } from '../stores/operation.store.js';
import { type OperationJobData, QueueName } from './queues.js';

/**
 * The producer side: the API records an operation (with an outbox entry) and then enqueues its
 * job under the operation's id, so a job is never enqueued twice for one operation.
 */
@Injectable()
export class OperationQueue {
  constructor(
    @InjectQueue(QueueName.Operations) private readonly queue: Queue<OperationJobData>,
    private readonly operations: OperationStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Enqueues the operation's job; if Redis fails here, the outbox sweep enqueues it later, so
   * an accepted operation is never lost.
   */
  async enqueue(operationId: string, delayMs?: number): Promise<void> {
    try {
      await this.queue.add('operation', { operationId }, { jobId: operationId, ...(delayMs !== undefined && { delay: delayMs }) });
      await this.operations.clearOutbox(operationId);
    } catch (err) {
      this.logger.warn({ operationId, err: (err as Error).message }, 'enqueue failed; the outbox sweep will retry');
    }
  }

  /** Enqueues outbox entries older than `graceMs` whose job is missing. Returns how many. */
  async sweepOutbox(graceMs: number): Promise<number> {
    let enqueued = 0;
    for (const id of await this.operations.outboxBefore(graceMs)) {
      const op = await this.operations.get(id);
      const job = await this.queue.getJob(id);
      if (op && !job && op.status === 'queued') {
        await this.queue.add('operation', { operationId: id }, { jobId: id });
        enqueued++;
      }
      await this.operations.clearOutbox(id);
    }
    return enqueued;
  }
}
