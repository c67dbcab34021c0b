import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { RedisService } from '../redis/redis.service.js';
import { StoresModule } from '../stores/stores.module.js';
import { JITTERED_BACKOFF } from './backoff.js';
import { OperationQueue } from './operation-queue.js';
import { DRAIN_JOB_ATTEMPTS, OPERATION_ATTEMPTS, QueueName } from './queues.js';
import { WebhookQueue } from './webhook-queue.js';

const queues = BullModule.registerQueue(
  {
    name: QueueName.Operations,
    defaultJobOptions: {
      attempts: OPERATION_ATTEMPTS,
      backoff: JITTERED_BACKOFF,
      removeOnComplete: { age: 24 * 3600, count: 50_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  },
  {
    name: QueueName.Webhooks,
    defaultJobOptions: { attempts: DRAIN_JOB_ATTEMPTS, backoff: JITTERED_BACKOFF, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } },
  },
  { name: QueueName.Reconcile, defaultJobOptions: { removeOnComplete: 100, removeOnFail: 100 } },
);

/**
 * Every queue, on one BullMQ connection and key prefix (RedisService.bullOptions), and their
 * producers (OperationQueue, WebhookQueue); each worker adds a blocking connection of its own
 * (src/jobs/). Other producers inject a queue with `@InjectQueue`.
 */
@Module({
  imports: [BullModule.forRootAsync({ useFactory: (redis: RedisService) => redis.bullOptions(), inject: [RedisService] }), queues, StoresModule],
  providers: [OperationQueue, WebhookQueue],
  exports: [queues, OperationQueue, WebhookQueue],
})
export class QueuesModule {}
