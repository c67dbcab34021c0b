import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module.js';
import { ApprovalsService } from '../approvals/approvals.service.js';
import type { GatewayRole } from '../config/gateway-config.js';
import { QueueAndStateMetrics } from '../observability/queue-and-state-metrics.js';
import { Handshake } from '../orchestration/handshake.js';
import { ApprovalExpiry, OperationRunner } from '../orchestration/operation-runner.js';
import { JOB_PROCESSORS, type JobProcessor } from '../queues/job-processor.js';
import { QueuesModule } from '../queues/queues.module.js';
import { Reconciler } from '../reconciler/reconciler.service.js';
import { StoresModule } from '../stores/stores.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { JobRunner } from './job-runner.js';
import { PROCESSORS } from './processors.js';
import { runsWorkers } from './worker-role.js';

/**
 * The queues' processors, beside what they hand jobs to: registered only in the roles that run
 * workers, so an `api` process holds no worker and no blocking connection.
 */
function jobProcessors(role: GatewayRole): Provider[] {
  const processors = runsWorkers(role) ? PROCESSORS : [];
  return [...processors, { provide: JOB_PROCESSORS, useFactory: (...started: JobProcessor[]) => started, inject: processors }];
}

/**
 * The work behind the queues: the handshake, the operation runner, the drift sweep and the
 * processors (only in the roles that run workers); readiness (src/health/health.module.ts) asks the JobRunner.
 */
@Module({})
export class WorkersModule {
  static forRoot(role: GatewayRole): DynamicModule {
    return {
      module: WorkersModule,
      imports: [StoresModule, QueuesModule, WebhooksModule, ApprovalsModule],
      providers: [
        Handshake,
        OperationRunner,
        { provide: ApprovalExpiry, useExisting: ApprovalsService },
        Reconciler,
        JobRunner,
        QueueAndStateMetrics,
        ...jobProcessors(role),
      ],
      exports: [QueueAndStateMetrics, JobRunner],
    };
  }
}
