import { DEFAULT_TEAM } from './access.js';
import type { Product } from './cluster.js';
import type { GatewayEvent, GatewayEventType } from './gateway-event.js';

export interface WebhookFilters {
  product?: Product;
  /** Matches a peering whose local or remote cluster is this one. */
  cluster?: string;
  /** Every pair must be among the peering's labels. */
  labels?: Record<string, string>;
}

/** A subscription as stored and shown. Its signing secrets live apart (WebhookSecrets). */
export interface Webhook {
  id: string;
  /** The team it belongs to: it receives only that team's events. Absent on records from before teams: `default`. */
  team?: string;
  url: string;
  /** Event types to deliver; `*` is every type. */
  events: (GatewayEventType | '*')[];
  filters: WebhookFilters;
  enabled: boolean;
  /** Why the gateway disabled it (a 410 from the receiver); null when enabled or disabled by a caller. */
  disabledReason: string | null;
  description: string | null;
  /** Until when the secret before the latest rotation still signs; null outside a grace period. */
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The signing secrets of one subscription: the current one, and the previous one during a grace period. */
export interface WebhookSecrets {
  current: string;
  previous?: { secret: string; expiresAt: number };
}

/** The secrets that sign now (the previous one only until its grace period ends). */
export function signingSecrets(secrets: WebhookSecrets, now = Date.now()): string[] {
  return secrets.previous && secrets.previous.expiresAt > now ? [secrets.current, secrets.previous.secret] : [secrets.current];
}

export function webhookTeam(webhook: Pick<Webhook, 'team'>): string {
  return webhook.team ?? DEFAULT_TEAM;
}

export function wantsEvent(webhook: Webhook, event: GatewayEvent): boolean {
  return webhook.enabled && webhookTeam(webhook) === (event.team ?? DEFAULT_TEAM) && matchesEvent(webhook.events, webhook.filters, event);
}

/** The event filter of a subscription, shared by webhooks and event streams (src/watch/). */
export function matchesEvent(types: readonly (GatewayEventType | '*')[], filters: WebhookFilters, event: GatewayEvent): boolean {
  if (!types.includes('*') && !types.includes(event.type)) return false;
  const { product, cluster, labels } = filters;
  if (!product && !cluster && !labels) return true;
  // A filter on the peering cannot match an event that no longer has one.
  const peering = event.data.peering;
  if (!peering) return false;
  if (product && peering.product !== product) return false;
  if (cluster && peering.local.cluster !== cluster && peering.remote.cluster !== cluster) return false;
  if (labels && Object.entries(labels).some(([k, v]) => peering.labels?.[k] !== v)) return false;
  return true;
}

export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed';
export const DELIVERY_STATUSES: DeliveryStatus[] = ['pending', 'retrying', 'delivered', 'failed'];

/** One message to one subscriber: its id is the `webhook-id`, the same on every attempt. */
export interface Delivery {
  id: string;
  subscriptionId: string;
  eventId: string;
  type: GatewayEventType;
  peeringId: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  lastError: string | null;
  /** The `X-Request-Id` of the request whose change the message announces (sent as `webhook-request-id`); absent for changes the gateway made on its own. */
  requestId?: string;
  createdAt: string;
  updatedAt: string;
}

/** A delivery record with the exact body that is signed and sent on every attempt. */
export interface StoredDelivery extends Delivery {
  body: string;
  /** Attempts made before the latest redelivery: the retry schedule starts again after them. */
  attemptsBefore: number;
}

export function toDeliveryView(delivery: StoredDelivery): Delivery {
  const { body: _body, attemptsBefore: _before, ...view } = delivery;
  return view;
}
