import { BullModule } from '@nestjs/bullmq';
import { Module, type Provider } from '@nestjs/common';
import { type GatewayRole } from '../config/gateway-config.js';
import { OPERATION_ATTEMPTS } from '../orchestration/failure-policy.js';
import { RedisService } from '../redis/redis.service.js';
import { JITTERED_BACKOFF } from './backoff.js';
import { JOB_PROCESSORS, type JobProcessor } from './job-processor.js';
import { PROCESSORS } from './processors.js';
import { DRAIN_JOB_ATTEMPTS, QueueName } from './queues.js';
import { runsWorkers } from './worker-role.js';

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
 * Every queue, on one BullMQ connection and key prefix (RedisService.bullOptions); each worker
 * adds a blocking connection of its own. Producers inject the queues with `@InjectQueue`.
 */
@Module({
  imports: [BullModule.forRootAsync({ useFactory: (redis: RedisService) => redis.bullOptions(), inject: [RedisService] }), queues],
  exports: [queues],
})
export class JobsModule {}

/**
 * The queues' processors, for the module that also provides what they hand jobs to: registered
 * only in the roles that run workers, so an `api` process holds no worker and no blocking connection.
 */
export function jobProcessors(role: GatewayRole): Provider[] {
  const processors = runsWorkers(role) ? PROCESSORS : [];
  return [...processors, { provide: JOB_PROCESSORS, useFactory: (...started: JobProcessor[]) => started, inject: processors }];
}
