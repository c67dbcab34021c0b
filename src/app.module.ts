import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { AdapterRegistry } from './adapters/adapter-registry';
import { ClusterHttp } from './adapters/cluster-http';
import { ClusterSlots } from './adapters/cluster-slots';
import { ConsulAdapter } from './adapters/consul/consul.adapter';
import { OntapAdapter } from './adapters/ontap/ontap.adapter';
import { BearerGuard } from './auth/bearer.guard';
import { ClusterStore } from './clusters/cluster.store';
import { ClustersController } from './clusters/clusters.controller';
import { ClustersService } from './clusters/clusters.service';
import { LOGGER } from './common/logger';
import { ProblemFilter } from './common/problem.filter';
import { GATEWAY_CONFIG, GatewayConfig } from './config/gateway-config';
import { DomainEvents } from './events/domain-events';
import { EventHistory } from './events/event-history';
import { EventsController } from './events/events.controller';
import { HealthController } from './health/health.controller';
import { IdempotencyService } from './idempotency/idempotency.service';
import { OperationStore } from './operations/operation.store';
import { OperationsController } from './operations/operations.controller';
import { Handshake } from './orchestration/handshake';
import { HANDSHAKE_EXTENSIONS, HandshakeExtension } from './orchestration/handshake-extension';
import { PeeringTransitions } from './peerings/peering-transitions';
import { ReconcilerHost } from './reconciler/reconciler-host';
import { Reconciler } from './reconciler/reconciler.service';
import { PeeringStore } from './peerings/peering.store';
import { PeeringsController } from './peerings/peerings.controller';
import { PeeringsService } from './peerings/peerings.service';
import { RedisModule } from './redis/redis.module';
import { OperationProcessor } from './workers/operation.processor';
import { OperationQueue } from './workers/operation-queue';
import { WorkerHost } from './workers/worker-host';
import { DeliveryProcessor } from './webhooks/delivery.processor';
import { DeliveryStore } from './webhooks/delivery.store';
import { WebhookUrlPolicy } from './webhooks/url-policy';
import { WebhookFanout } from './webhooks/webhook-fanout';
import { WebhookQueue } from './webhooks/webhook-queue';
import { WebhookSender } from './webhooks/webhook-sender';
import { WebhookWorkerHost } from './webhooks/webhook-worker-host';
import { WebhookStore } from './webhooks/webhook.store';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksService } from './webhooks/webhooks.service';
import { OntapSecurityClient } from './security/ontap-security.client';
import { OntapSecurityExtension } from './security/ontap-security.extension';
import { PostureController } from './security/posture.controller';
import { PostureService } from './security/posture.service';

/**
 * One module graph for every role: the API and the workers share stores and adapters; the role
 * decides whether HTTP listens (main.ts) and whether workers run (WorkerHost).
 */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [RedisModule],
      controllers: [HealthController, ClustersController, PeeringsController, OperationsController, EventsController, WebhooksController, PostureController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: APP_GUARD, useClass: BearerGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        DomainEvents,
        ClusterStore,
        ClustersService,
        PeeringStore,
        PeeringTransitions,
        PeeringsService,
        OperationStore,
        IdempotencyService,
        ClusterSlots,
        ClusterHttp,
        ConsulAdapter,
        OntapAdapter,
        AdapterRegistry,
        Handshake,
        OntapSecurityClient,
        OntapSecurityExtension,
        PostureService,
        // Extensions of the handshake (ONTAP security checks and IPsec policies plug in here).
        { provide: HANDSHAKE_EXTENSIONS, useFactory: (security: OntapSecurityExtension): HandshakeExtension[] => [security], inject: [OntapSecurityExtension] },
        OperationQueue,
        OperationProcessor,
        WorkerHost,
        Reconciler,
        ReconcilerHost,
        EventHistory,
        WebhookStore,
        DeliveryStore,
        WebhookUrlPolicy,
        WebhookSender,
        WebhookQueue,
        WebhookFanout,
        WebhooksService,
        DeliveryProcessor,
        WebhookWorkerHost,
      ],
      exports: [GATEWAY_CONFIG, LOGGER],
    };
  }
}
