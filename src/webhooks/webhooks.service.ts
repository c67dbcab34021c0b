import { Inject, Injectable } from '@nestjs/common';
import { Caller } from '../domain/access.js';
import { newId } from '../common/ids.js';
import { GatewayError } from '../common/problem.js';
import { nowIso } from '../common/time.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { DeliveryStore } from '../stores/delivery.store.js';
import { RefusedUrlError, WebhookUrlPolicy } from './url-policy.js';
import { type Delivery, toDeliveryView, type Webhook, type WebhookFilters, webhookTeam } from '../domain/webhook.js';
import { CreateWebhookDto, ListDeliveriesQuery, UpdateWebhookDto, WebhookFiltersDto } from './webhook.dto.js';
import { type PageQuery } from '../common/page-query.js';
import { WebhookQueue } from '../queues/webhook-queue.js';
import { newWebhookSecret } from './webhook-signature.js';
import { WebhookStore } from '../stores/webhook.store.js';

export type WebhookWithSecret = Webhook & { secret: string };

/** What callers see: a grace period that is over reads as none. */
function toWebhookView(webhook: Webhook, now = Date.now()): Webhook {
  const expires = webhook.previousSecretExpiresAt;
  const view = { ...webhook, team: webhookTeam(webhook) };
  return expires && Date.parse(expires) <= now ? { ...view, previousSecretExpiresAt: null } : view;
}

function toFilters(dto: WebhookFiltersDto | undefined): WebhookFilters {
  const filters: WebhookFilters = {};
  if (dto?.product) filters.product = dto.product;
  if (dto?.cluster) filters.cluster = dto.cluster;
  if (dto?.labels && Object.keys(dto.labels).length) filters.labels = { ...dto.labels };
  return filters;
}

/** Subscriptions, their secrets and their delivery logs. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly store: WebhookStore,
    private readonly deliveries: DeliveryStore,
    private readonly queue: WebhookQueue,
    private readonly policy: WebhookUrlPolicy,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** The secret is in this answer and never again (rotate to get a new one). */
  async create(input: CreateWebhookDto, caller = Caller.system()): Promise<WebhookWithSecret> {
    const team = caller.teamFor(input.team);
    const url = await this.vetUrl(input.url);
    const now = nowIso();
    const webhook: Webhook = {
      id: newId('wh'),
      team,
      url,
      events: input.events ?? ['*'],
      filters: toFilters(input.filters),
      enabled: input.enabled ?? true,
      disabledReason: null,
      description: input.description ?? null,
      previousSecretExpiresAt: null,
      createdAt: now,
      updatedAt: now,
    };
    const secret = newWebhookSecret();
    await this.store.create(webhook, { current: secret });
    return { ...webhook, secret };
  }

  async list(query: PageQuery, caller = Caller.system()): Promise<{ items: Webhook[]; nextCursor: string | null }> {
    const team = caller.listTeam();
    const limit = query.limit ?? 50;
    const page = team === undefined ? await this.store.page(limit, query.cursor) : await this.store.teamPage(team, limit, query.cursor);
    return { items: page.items.map((w) => toWebhookView(w)), nextCursor: page.nextCursor };
  }

  async get(id: string, caller = Caller.system()): Promise<Webhook> {
    return toWebhookView(await this.require(id, caller));
  }

  /** The subscription, or 404 when it does not exist or belongs to a team the caller does not see. */
  private async require(id: string, caller: Caller): Promise<Webhook> {
    const webhook = await this.store.require(id);
    if (!caller.sees(webhookTeam(webhook))) throw caller.notFound('webhook', id);
    caller.targetTeam = webhookTeam(webhook);
    return webhook;
  }

  async update(id: string, input: UpdateWebhookDto, caller = Caller.system()): Promise<Webhook> {
    const current = await this.require(id, caller);
    if (input.team !== undefined && input.team !== webhookTeam(current)) {
      throw GatewayError.validation('team', 'a subscription stays in its team: delete it and subscribe again for another team');
    }
    const url = input.url != null ? await this.vetUrl(input.url) : undefined;
    const updated = await this.store.update(id, (current) => {
      const next: Webhook = { ...current, updatedAt: nowIso() };
      if (url !== undefined) next.url = url;
      if (input.events != null) next.events = input.events;
      if (input.filters != null) next.filters = toFilters(input.filters);
      if (input.description !== undefined) next.description = input.description;
      if (input.enabled != null) {
        next.enabled = input.enabled;
        next.disabledReason = null;
      }
      return next;
    });
    return toWebhookView(updated);
  }

  async remove(id: string, caller = Caller.system()): Promise<void> {
    const webhook = await this.require(id, caller);
    if (!(await this.store.remove(id, webhookTeam(webhook)))) throw GatewayError.notFound('webhook', id);
    await this.deliveries.forget(id);
  }

  /**
   * A new secret, returned once. The one it replaces keeps signing (as a second signature) for
   * the grace period, so receivers can switch without losing a message; a second rotation
   * within the grace period retires the oldest secret at once.
   */
  async rotateSecret(id: string, caller = Caller.system()): Promise<WebhookWithSecret> {
    await this.require(id, caller);
    const secret = newWebhookSecret();
    const expiresAt = Date.now() + this.config.webhookRotationGraceMs;
    await this.store.updateSecrets(id, (current) => ({
      current: secret,
      ...(this.config.webhookRotationGraceMs > 0 ? { previous: { secret: current.current, expiresAt } } : {}),
    }));
    const previousSecretExpiresAt = this.config.webhookRotationGraceMs > 0 ? new Date(expiresAt).toISOString() : null;
    const webhook = await this.store.update(id, (current) => ({ ...current, previousSecretExpiresAt, updatedAt: nowIso() }));
    return { ...toWebhookView(webhook), secret };
  }

  async listDeliveries(id: string, query: ListDeliveriesQuery, caller = Caller.system()): Promise<{ items: Delivery[]; nextCursor: string | null }> {
    await this.require(id, caller);
    const page = await this.deliveries.list(id, query.limit ?? 50, query.cursor, query.status);
    return { items: page.items.map(toDeliveryView), nextCursor: page.nextCursor };
  }

  async getDelivery(id: string, deliveryId: string, caller = Caller.system()): Promise<Delivery> {
    await this.require(id, caller);
    const delivery = await this.deliveries.get(deliveryId);
    if (!delivery || delivery.subscriptionId !== id) throw GatewayError.notFound('delivery', deliveryId);
    return toDeliveryView(delivery);
  }

  /**
   * Sends a delivered or failed message again, with the same webhook-id (receivers dedupe on
   * it) and a fresh retry schedule. It joins the end of its peering's stream: a redelivery is
   * a deliberate replay, not a message in the original order.
   */
  async redeliver(id: string, deliveryId: string, caller = Caller.system()): Promise<Delivery> {
    const webhook = await this.require(id, caller);
    const delivery = await this.deliveries.get(deliveryId);
    if (!delivery || delivery.subscriptionId !== id) throw GatewayError.notFound('delivery', deliveryId);
    if (!webhook.enabled) throw new GatewayError('conflict', `webhook '${id}' is disabled; enable it first (PATCH {"enabled": true})`);
    if (delivery.status === 'pending' || delivery.status === 'retrying')
      throw new GatewayError('conflict', `delivery '${deliveryId}' is still ${delivery.status}`);
    const queued = { ...delivery, status: 'pending' as const, attemptsBefore: delivery.attempts, nextAttemptAt: null, updatedAt: nowIso() };
    await this.queue.start(await this.deliveries.enqueue([queued]));
    return toDeliveryView(queued);
  }

  /** 400 naming `url` when the address is not allowed or does not resolve. */
  private async vetUrl(raw: string): Promise<string> {
    try {
      return (await this.policy.vet(raw)).toString();
    } catch (err) {
      if (err instanceof RefusedUrlError) throw GatewayError.validation('url', err.message);
      throw err;
    }
  }
}
