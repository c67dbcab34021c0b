import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AccessControl } from './auth/access-control.js';
import { ApiKeyStore } from './access/api-key.store.js';
import { AuditStore } from './access/audit.store.js';
import { RateLimiter } from './access/rate-limiter.store.js';
import { ClusterStore } from './clusters/cluster.store.js';
import { ClusterEndpointPolicy } from './clusters/endpoint-policy.js';
import { LOGGER, withSecretHeaders } from './common/logger.js';
import { GatewayMetrics } from './common/metrics.js';
import { SecretCipher } from './common/secret-cipher.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway-config.js';
import { DomainEvents } from './events/domain-events.js';
import { EventHistory } from './events/event-history.js';
import { IdempotencyService } from './idempotency/idempotency.service.js';
import { JobsModule } from './jobs/jobs.module.js';
import { OperationQueue } from './jobs/operation-queue.js';
import { OperationStore } from './operations/operation.store.js';
import { PeeringCountsStore } from './peerings/peering-counts.store.js';
import { PeeringTransitions } from './peerings/peering-transitions.js';
import { PeeringStore } from './peerings/peering.store.js';
import { secretHeaders } from './products/index.js';
import { RedisModule } from './redis/redis.module.js';
import { SecretReseal } from './secrets/secret-reseal.js';
import { TeamIndexMigration } from './peerings/team-index-migration.service.js';
import { ClusterHttp } from './transport/cluster-http.js';
import { ClusterSlots } from './transport/cluster-slots.js';
import { DeliveryStore } from './webhooks/delivery.store.js';
import { WebhookQueue } from './webhooks/webhook-queue.js';
import { WebhookStore } from './webhooks/webhook.store.js';

/** What every feature shares: configuration, the stores, the queues' producers, the transport to the clusters, events. */
const SHARED = [
  GatewayMetrics,
  DomainEvents,
  EventHistory,
  SecretCipher,
  ClusterEndpointPolicy,
  ClusterStore,
  PeeringStore,
  PeeringTransitions,
  PeeringCountsStore,
  OperationStore,
  WebhookStore,
  DeliveryStore,
  ApiKeyStore,
  AuditStore,
  RateLimiter,
  AccessControl,
  IdempotencyService,
  ClusterSlots,
  ClusterHttp,
  OperationQueue,
  WebhookQueue,
];

/**
 * The stores and transport layer, global: feature modules (and the products' providers) use
 * them without importing it. The metrics registry is one per process (GET /metrics).
 */
@Module({})
export class CoreModule {
  static forRoot(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      imports: [RedisModule, JobsModule],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: LOGGER, useValue: withSecretHeaders(logger, secretHeaders()) },
        ...SHARED.filter((p) => p !== GatewayMetrics),
        { provide: GatewayMetrics, useValue: new GatewayMetrics() },
        // Seals again, at start, what an older key sealed (after a rotation).
        SecretReseal,
        // Puts peerings from before teams in the `default` team's index, once.
        TeamIndexMigration,
      ],
      exports: [GATEWAY_CONFIG, LOGGER, JobsModule, ...SHARED],
    };
  }
}
