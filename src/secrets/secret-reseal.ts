import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { ClusterStore } from '../stores/cluster.store.js';
import { LOGGER } from '../common/logger.js';
import { SecretCipher } from '../stores/secret-cipher.js';
import { WebhookStore } from '../stores/webhook.store.js';

/**
 * After a key rotation, the long-lived secrets (cluster credentials, webhook signing secrets)
 * are sealed again with the current key at start, so GATEWAY_ENCRYPTION_KEY_PREVIOUS can be
 * dropped once every process runs the new key. Short-lived ones (an offer's secret, at most 7
 * days; an idempotent answer, 24 h; an external peer's secret, until its accept ends) are opened
 * with the previous key until they go. Records written before secrets were sealed are sealed too.
 */
@Injectable()
export class SecretReseal implements OnApplicationBootstrap {
  constructor(
    private readonly clusters: ClusterStore,
    private readonly webhooks: WebhookStore,
    private readonly cipher: SecretCipher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    // In the background: a start does not wait on it, and a failure is retried at the next start.
    void this.run().catch((err: Error) => this.logger.warn({ err: err.message }, 're-sealing stored secrets failed; the next start tries again'));
  }

  async run(): Promise<number> {
    let resealed = 0;
    for (const cluster of await this.clusters.list()) if (await this.clusters.reseal(cluster.id)) resealed++;
    resealed += await this.webhooks.resealSecrets();
    if (resealed > 0) this.logger.info({ resealed, keyId: this.cipher.currentKeyId }, 'stored secrets sealed with the current key');
    return resealed;
  }
}
