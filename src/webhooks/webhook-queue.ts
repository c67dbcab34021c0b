import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { RedisService } from '../redis/redis.service.js';
import { DeliveryStore, type DrainSession } from './delivery.store.js';

/** Its own queue, so a slow receiver never holds up peering operations. */
export const WEBHOOK_QUEUE = 'webhook-deliveries';

/** Attempts of a drain job that broke unexpectedly (Redis away); receiver failures never use them. */
export const DRAIN_JOB_ATTEMPTS = 50;

/** The producer side: one job per drain session, under the session's id. */
@Injectable()
export class WebhookQueue implements OnModuleDestroy {
  private readonly queue: Queue<DrainSession>;

  constructor(
    redis: RedisService,
    private readonly deliveries: DeliveryStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.queue = new Queue(WEBHOOK_QUEUE, {
      ...redis.bullOptions(),
      defaultJobOptions: {
        attempts: DRAIN_JOB_ATTEMPTS,
        backoff: { type: 'drain' },
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    });
    this.queue.on('error', (err) => this.logger.debug({ err: err.message }, 'webhook queue connection error'));
  }

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

  async onModuleDestroy(): Promise<void> {
    await this.queue.close().catch(() => undefined);
  }
}
