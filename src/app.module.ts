import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { ClusterHttp } from './transport/cluster-http.js';
import { ClusterSlots } from './transport/cluster-slots.js';
import { AccessControl } from './auth/access-control.js';
import { BearerGuard } from './auth/bearer.guard.js';
import { ApiKeysController, AuditController } from './access/access.controller.js';
import { ApiKeyStore } from './access/api-key.store.js';
import { ApiKeysService } from './access/api-keys.service.js';
import { AuditService } from './access/audit.service.js';
import { AuditStore } from './access/audit.store.js';
import { RateLimiter } from './access/rate-limiter.store.js';
import { ClusterStore } from './clusters/cluster.store.js';
import { ClustersController } from './clusters/clusters.controller.js';
import { ClustersService } from './clusters/clusters.service.js';
import { ClusterEndpointPolicy } from './clusters/endpoint-policy.js';
import { LOGGER } from './common/logger.js';
import { GatewayMetrics } from './common/metrics.js';
import { ProblemFilter } from './common/problem.filter.js';
import { SecretCipher } from './common/secret-cipher.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway-config.js';
import { DomainEvents } from './events/domain-events.js';
import { EventFeed } from './events/event-feed.js';
import { EventHistory } from './events/event-history.js';
import { EventsController } from './events/events.controller.js';
import { HealthController } from './health/health.controller.js';
import { IdempotencyService } from './idempotency/idempotency.service.js';
import { OperationStore } from './operations/operation.store.js';
import { OperationsController } from './operations/operations.controller.js';
import { Handshake } from './orchestration/handshake.js';
import { PeeringTransitions } from './peerings/peering-transitions.js';
import { PeeringCountsStore } from './peerings/peering-counts.store.js';
import { QueueAndStateMetrics } from './observability/queue-and-state-metrics.js';
import { Reconciler } from './reconciler/reconciler.service.js';
import { PeeringStore } from './peerings/peering.store.js';
import { PeeringsController } from './peerings/peerings.controller.js';
import { PeeringsService } from './peerings/peerings.service.js';
import { RedisModule } from './redis/redis.module.js';
import { ProductsModule } from './products/products.module.js';
import { SecretReseal } from './secrets/secret-reseal.js';
import { JobRunner } from './jobs/job-runner.js';
import { jobProcessors, JobsModule } from './jobs/jobs.module.js';
import { OperationRunner } from './jobs/operation-runner.js';
import { OperationQueue } from './jobs/operation-queue.js';
import { DeliveryRunner } from './webhooks/delivery-runner.js';
import { DeliveryStore } from './webhooks/delivery.store.js';
import { WebhookUrlPolicy } from './webhooks/url-policy.js';
import { WebhookFanout } from './webhooks/webhook-fanout.js';
import { WebhookQueue } from './webhooks/webhook-queue.js';
import { WebhookSender } from './webhooks/webhook-sender.js';
import { WebhookStore } from './webhooks/webhook.store.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';
import { WebhooksService } from './webhooks/webhooks.service.js';
import { PostureController } from './clusters/posture.controller.js';
import { PostureService } from './clusters/posture.service.js';
import { WatchController } from './watch/watch.controller.js';
import { WatchService } from './watch/watch.service.js';

/**
 * One module graph for every role: the API and the workers share stores and adapters; the role
 * decides whether HTTP listens (main.ts) and whether workers run (JobRunner).
 */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [RedisModule, ProductsModule.forRoot(), JobsModule],
      controllers: [
        HealthController,
        ClustersController,
        PeeringsController,
        OperationsController,
        EventsController,
        WebhooksController,
        PostureController,
        WatchController,
        ApiKeysController,
        AuditController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        // One registry per process (GET /metrics), filled where things happen.
        { provide: GatewayMetrics, useValue: new GatewayMetrics() },
        QueueAndStateMetrics,
        { provide: APP_GUARD, useClass: BearerGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        DomainEvents,
        // Who may call what (src/auth/access-control.ts): keys, audit log, write rate limit.
        AccessControl,
        ApiKeyStore,
        ApiKeysService,
        AuditStore,
        AuditService,
        RateLimiter,
        // Secrets kept in Redis are sealed (src/common/secret-cipher.ts); cluster endpoints vetted.
        SecretCipher,
        SecretReseal,
        ClusterEndpointPolicy,
        ClusterStore,
        ClustersService,
        PeeringStore,
        PeeringTransitions,
        PeeringCountsStore,
        PeeringsService,
        OperationStore,
        IdempotencyService,
        ClusterSlots,
        ClusterHttp,
        Handshake,
        PostureService,
        OperationQueue,
        OperationRunner,
        JobRunner,
        Reconciler,
        EventHistory,
        EventFeed,
        WatchService,
        WebhookStore,
        DeliveryStore,
        WebhookUrlPolicy,
        WebhookSender,
        WebhookQueue,
        WebhookFanout,
        WebhooksService,
        DeliveryRunner,
        ...jobProcessors(config.role),
      ],
      // What the products' providers use (adapters call clusters through ClusterHttp; hooks record on peerings).
      exports: [GATEWAY_CONFIG, LOGGER, GatewayMetrics, ClusterHttp, ClusterSlots, PeeringStore],
    };
  }
}
