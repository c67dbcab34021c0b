import { Module } from '@nestjs/common';
import { DomainEvents } from '../domain/domain-events.js';
import { ApiKeyStore } from './api-key.store.js';
import { AuditStore } from './audit.store.js';
import { ClusterStore } from './cluster.store.js';
import { DeliveryStore } from './delivery.store.js';
import { EventHistory } from './event-history.js';
import { IdempotencyService } from './idempotency.service.js';
import { OperationStore } from './operation.store.js';
import { PeeringCountsStore } from './peering-counts.store.js';
import { PeeringTransitions } from './peering-transitions.js';
import { PeeringStore } from './peering.store.js';
import { RateLimiter } from './rate-limiter.store.js';
import { SecretCipher } from './secret-cipher.js';
import { WebhookStore } from './webhook.store.js';

const STORES = [
  SecretCipher,
  DomainEvents,
  ClusterStore,
  PeeringStore,
  PeeringTransitions,
  PeeringCountsStore,
  OperationStore,
  EventHistory,
  WebhookStore,
  DeliveryStore,
  ApiKeyStore,
  AuditStore,
  RateLimiter,
  IdempotencyService,
];

/**
 * The records the gateway keeps in Redis, each sealed where it holds a secret (SecretCipher), and
 * the in-process bus that announces what changed (DomainEvents, emitted by PeeringTransitions).
 * One module for the layer: every feature module that reads or writes records imports it.
 */
@Module({ providers: STORES, exports: STORES })
export class StoresModule {}
