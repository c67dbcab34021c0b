import { Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ValidBody, ValidQuery } from '../common/validation.js';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, HEADERS, WRITE_LIMIT_PROBLEMS } from '../common/api-docs.js';
import { type Caller } from '../domain/access.js';
import { Scopes, CurrentCaller } from '../access/route-access.js';
import { PageQuery } from '../common/page-query.js';
import { HttpAnswer } from '../common/http-answer.js';
import { Idempotent } from '../idempotency/idempotency.interceptor.js';
import { type Delivery, type Webhook } from '../domain/webhook.js';
import {
  CreateWebhookDto,
  DeliveryDoc,
  DeliveryPageDoc,
  ListDeliveriesQuery,
  UpdateWebhookDto,
  WebhookDoc,
  WebhookListDoc,
  WebhookWithSecretDoc,
} from './webhook.dto.js';
import { WebhooksService, type WebhookWithSecret } from './webhooks.service.js';

@ApiTags('webhooks')
@ApiBearerAuth()
@ApiProblems('unauthorized', 'forbidden', 'service_unavailable')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @Scopes('webhooks:write')
  @ApiOperation({
    operationId: 'createWebhook',
    summary: 'Subscribe a URL to events (the signing secret is in this answer only)',
    description:
      'Deliveries follow Standard Webhooks: headers webhook-id, webhook-timestamp, webhook-signature (v1,<base64 HMAC-SHA256 of id.timestamp.body>), body {type, timestamp, data}. Verify them with any Standard Webhooks library.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    schema: { type: 'string', maxLength: 255 },
    description: 'Replays the first answer, secret included, for a repeat (kept 24 h)',
  })
  @ApiCreatedResponse({ type: WebhookWithSecretDoc, headers: { Location: HEADERS.location } })
  @ApiProblems('validation_failed', 'idempotency_key_reused', 'idempotency_key_in_use', ...WRITE_LIMIT_PROBLEMS)
  @Idempotent()
  async create(@ValidBody() body: CreateWebhookDto, @CurrentCaller() caller: Caller): Promise<HttpAnswer> {
    const webhook = await this.webhooks.create(body, caller);
    return HttpAnswer.created(webhook, `/v1/webhooks/${webhook.id}`);
  }

  @Get()
  @Scopes('webhooks:read')
  @ApiOperation({ operationId: 'listWebhooks', summary: 'List subscriptions, oldest first, a page at a time' })
  @ApiOkResponse({ type: WebhookListDoc })
  @ApiProblems('validation_failed')
  list(@ValidQuery() query: PageQuery, @CurrentCaller() caller: Caller): Promise<{ items: Webhook[]; nextCursor: string | null }> {
    return this.webhooks.list(query, caller);
  }

  @Get(':id')
  @Scopes('webhooks:read')
  @ApiOperation({ operationId: 'getWebhook', summary: 'Read a subscription (never its secret)' })
  @ApiOkResponse({ type: WebhookDoc })
  @ApiProblems('not_found')
  get(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<Webhook> {
    return this.webhooks.get(id, caller);
  }

  @Patch(':id')
  @Scopes('webhooks:write')
  @ApiOperation({ operationId: 'updateWebhook', summary: 'Change url, events, filters (replaced as a whole), description or enabled' })
  @ApiOkResponse({ type: WebhookDoc })
  @ApiProblems('validation_failed', 'not_found', ...WRITE_LIMIT_PROBLEMS)
  update(@Param('id') id: string, @ValidBody() body: UpdateWebhookDto, @CurrentCaller() caller: Caller): Promise<Webhook> {
    return this.webhooks.update(id, body, caller);
  }

  @Delete(':id')
  @Scopes('webhooks:write')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteWebhook', summary: 'Unsubscribe; messages still queued for it are dropped' })
  @ApiNoContentResponse({ description: 'Unsubscribed' })
  @ApiProblems('not_found')
  async remove(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<void> {
    await this.webhooks.remove(id, caller);
  }

  @Post(':id/rotate-secret')
  @Scopes('webhooks:write')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'rotateWebhookSecret',
    summary: 'Replace the signing secret; the new one is in this answer only',
    description: 'During the grace period (previousSecretExpiresAt) every delivery carries two signatures, one per secret.',
  })
  @ApiOkResponse({ type: WebhookWithSecretDoc })
  @ApiProblems('not_found')
  rotateSecret(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<WebhookWithSecret> {
    return this.webhooks.rotateSecret(id, caller);
  }

  @Get(':id/deliveries')
  @Scopes('webhooks:read')
  @ApiOperation({ operationId: 'listWebhookDeliveries', summary: 'The delivery log, newest first: status, attempts, last answer' })
  @ApiOkResponse({ type: DeliveryPageDoc })
  @ApiProblems('validation_failed', 'not_found')
  deliveries(
    @Param('id') id: string,
    @ValidQuery() query: ListDeliveriesQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<{ items: Delivery[]; nextCursor: string | null }> {
    return this.webhooks.listDeliveries(id, query, caller);
  }

  @Get(':id/deliveries/:deliveryId')
  @Scopes('webhooks:read')
  @ApiOperation({ operationId: 'getWebhookDelivery', summary: 'Read one delivery' })
  @ApiOkResponse({ type: DeliveryDoc })
  @ApiProblems('not_found')
  delivery(@Param('id') id: string, @Param('deliveryId') deliveryId: string, @CurrentCaller() caller: Caller): Promise<Delivery> {
    return this.webhooks.getDelivery(id, deliveryId, caller);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @Scopes('webhooks:write')
  @HttpCode(202)
  @ApiOperation({ operationId: 'redeliverWebhookDelivery', summary: 'Send a delivered or failed message again, with the same webhook-id' })
  @ApiAcceptedResponse({ type: DeliveryDoc })
  @ApiProblems('not_found', 'conflict')
  redeliver(@Param('id') id: string, @Param('deliveryId') deliveryId: string, @CurrentCaller() caller: Caller): Promise<Delivery> {
    return this.webhooks.redeliver(id, deliveryId, caller);
  }
}
