import { type DynamicModule, Module } from '@nestjs/common';
import type { GatewayRole } from '../config/gateway-config.js';
import { HealthController } from '../health/health.controller.js';
import { QueueAndStateMetrics } from '../observability/queue-and-state-metrics.js';
import { Handshake } from '../orchestration/handshake.js';
import { ApprovalExpiry, OperationRunner } from '../orchestration/operation-runner.js';
import { Reconciler } from '../reconciler/reconciler.service.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { ApprovalsModule } from '../approvals/approvals.module.js';
import { ApprovalsService } from '../approvals/approvals.service.js';
import { JobRunner } from './job-runner.js';
import { jobProcessors } from './jobs.module.js';

/**
 * The work behind the queues: the handshake, the operation runner, the drift sweep and the
 * processors (only in the roles that run workers), with the readiness they report.
 */
@Module({})
export class WorkersModule {
  static forRoot(role: GatewayRole): DynamicModule {
    return {
      module: WorkersModule,
      imports: [WebhooksModule, ApprovalsModule],
      controllers: [HealthController],
      providers: [
        Handshake,
        OperationRunner,
        { provide: ApprovalExpiry, useExisting: ApprovalsService },
        Reconciler,
        JobRunner,
        QueueAndStateMetrics,
        ...jobProcessors(role),
      ],
      exports: [QueueAndStateMetrics],
    };
  }
}
