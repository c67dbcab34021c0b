import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { QueueName } from './queues.js';
import { DeliveryStore, type DrainSession } from '../stores/delivery.store.js';

/** The producer side: one job per drain session, under the session's id. */
@Injectable()
export class WebhookQueue {
  constructor(
    @InjectQueue(QueueName.Webhooks) private readonly queue: Queue<DrainSession>,
    private readonly deliveries: DeliveryStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Adds the sessions' jobs; one that fails to be added is added by the sweep. */
  async start(sessions: DrainSession[]): Promise<void> {
    try {
      await Promise.all(sessions.map((s) => this.queue.add('drain', s, { jobId: s.session })));
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'webhook job not added; the sweep will add it');
    }
  }

  /** Re-adds the job of every live session whose job is missing, and retries those that broke. */
  async sweep(): Promise<number> {
    let repaired = 0;
    for await (const session of this.deliveries.sessions()) {
      const job = await this.queue.getJob(session.session);
      if (!job) {
        await this.queue.add('drain', session, { jobId: session.session });
        repaired++;
      } else if ((await job.getState()) === 'failed') {
        await job.retry('failed');
        repaired++;
      }
    }
    return repaired;
  }
}
