import { Inject, Injectable } from '@nestjs/common';
import { AddressPolicy } from '../common/address-policy.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';

export { RefusedUrlError } from '../common/address-policy.js';

/**
 * Where webhooks may go: the shared address policy (src/common/address-policy.ts) with the
 * operator's GATEWAY_WEBHOOK_ALLOW. Checked when a subscription is written and on every
 * delivery connection.
 */
@Injectable()
export class WebhookUrlPolicy extends AddressPolicy {
  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    super(config.webhookAllow, 'GATEWAY_WEBHOOK_ALLOW');
  }
}
