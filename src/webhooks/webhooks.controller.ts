import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblems, HEADERS, WRITE_LIMIT_PROBLEMS } from '../common/api-docs.js';
import { PageQuery } from '../common/page-query.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { idempotent } from '../idempotency/idempotent.js';
import { type Delivery, type Webhook } from './webhook.js';
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
@ApiProblems('unauthorized', 'service_unavailable')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post()
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
  async create(
    @Body() body: CreateWebhookDto,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<unknown> {
    const answer = await idempotent(this.idempotency, key, { method: 'POST', path: '/v1/webhooks', body: req.body }, async () => {
      const webhook = await this.webhooks.create(body);
      return { status: 201, body: webhook, location: `/v1/webhooks/${webhook.id}` };
    });
    if (answer.location) void reply.header('location', answer.location);
    return reply.status(answer.status).send(answer.body);
  }

  @Get()
  @ApiOperation({ operationId: 'listWebhooks', summary: 'List subscriptions, oldest first, a page at a time' })
  @ApiOkResponse({ type: WebhookListDoc })
  @ApiProblems('validation_failed')
  list(@Query() query: PageQuery): Promise<{ items: Webhook[]; nextCursor: string | null }> {
    return this.webhooks.list(query);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getWebhook', summary: 'Read a subscription (never its secret)' })
  @ApiOkResponse({ type: WebhookDoc })
  @ApiProblems('not_found')
  get(@Param('id') id: string): Promise<Webhook> {
    return this.webhooks.get(id);
  }

  @Patch(':id')
  @ApiOperation({ operationId: 'updateWebhook', summary: 'Change url, events, filters (replaced as a whole), description or enabled' })
  @ApiOkResponse({ type: WebhookDoc })
  @ApiProblems('validation_failed', 'not_found', ...WRITE_LIMIT_PROBLEMS)
  update(@Param('id') id: string, @Body() body: UpdateWebhookDto): Promise<Webhook> {
    return this.webhooks.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteWebhook', summary: 'Unsubscribe; messages still queued for it are dropped' })
  @ApiNoContentResponse({ description: 'Unsubscribed' })
  @ApiProblems('not_found')
  async remove(@Param('id') id: string): Promise<void> {
    await this.webhooks.remove(id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'rotateWebhookSecret',
    summary: 'Replace the signing secret; the new one is in this answer only',
    description: 'During the grace period (previousSecretExpiresAt) every delivery carries two signatures, one per secret.',
  })
  @ApiOkResponse({ type: WebhookWithSecretDoc })
  @ApiProblems('not_found')
  rotateSecret(@Param('id') id: string): Promise<WebhookWithSecret> {
    return this.webhooks.rotateSecret(id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ operationId: 'listWebhookDeliveries', summary: 'The delivery log, newest first: status, attempts, last answer' })
  @ApiOkResponse({ type: DeliveryPageDoc })
  @ApiProblems('validation_failed', 'not_found')
  deliveries(@Param('id') id: string, @Query() query: ListDeliveriesQuery): Promise<{ items: Delivery[]; nextCursor: string | null }> {
    return this.webhooks.listDeliveries(id, query);
  }

  @Get(':id/deliveries/:deliveryId')
  @ApiOperation({ operationId: 'getWebhookDelivery', summary: 'Read one delivery' })
  @ApiOkResponse({ type: DeliveryDoc })
  @ApiProblems('not_found')
  delivery(@Param('id') id: string, @Param('deliveryId') deliveryId: string): Promise<Delivery> {
    return this.webhooks.getDelivery(id, deliveryId);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiOperation({ operationId: 'redeliverWebhookDelivery', summary: 'Send a delivered or failed message again, with the same webhook-id' })
  @ApiAcceptedResponse({ type: DeliveryDoc })
  @ApiProblems('not_found', 'conflict')
  redeliver(@Param('id') id: string, @Param('deliveryId') deliveryId: string): Promise<Delivery> {
    return this.webhooks.redeliver(id, deliveryId);
  }
}
