import { Module } from '@nestjs/common';
import { DeliveryRunner } from './delivery-runner.js';
import { WebhookUrlPolicy } from './url-policy.js';
import { WebhookFanout } from './webhook-fanout.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksService } from './webhooks.service.js';

/** Subscriptions (they subscribe to the domain events), signing and ordered delivery. */
@Module({
  controllers: [WebhooksController],
  providers: [WebhookUrlPolicy, WebhookSender, WebhookFanout, WebhooksService, DeliveryRunner],
  exports: [DeliveryRunner],
})
export class WebhooksModule {}
