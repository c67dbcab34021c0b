import { Module } from '@nestjs/common';
import { StoresModule } from '../stores/stores.module.js';
import { QueuesModule } from '../queues/queues.module.js';
import { DeliveryRunner } from './delivery-runner.js';
import { WebhookUrlPolicy } from './url-policy.js';
import { WebhookFanout } from './webhook-fanout.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksService } from './webhooks.service.js';

/** Subscriptions (they subscribe to the domain events), signing and ordered delivery. */
@Module({
  imports: [StoresModule, QueuesModule],
  controllers: [WebhooksController],
  providers: [WebhookUrlPolicy, WebhookSender, WebhookFanout, WebhooksService, DeliveryRunner],
  exports: [DeliveryRunner],
})
export class WebhooksModule {}
