import { Injectable } from '@nestjs/common';
import { GatewayError } from '../common/problem.js';
import { SecretCipher } from '../common/secret-cipher.js';
import { RedisService } from '../redis/redis.service.js';
import { type Webhook, type WebhookSecrets } from './webhook.js';

/** Writes a hash field only if it still holds what was read (ARGV: field, expected, next). */
const COMPARE_AND_SET_FIELD = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`;

interface Codec<T> {
  encode(field: string, value: T): string;
  decode(field: string, raw: string): T;
}

/**
 * Subscriptions in one hash (the fan-out reads them all on every event: one small read, nothing
 * when there are none) and their signing secrets in another, so listing never touches a secret.
 * The secrets are stored sealed (src/common/secret-cipher.ts).
 */
@Injectable()
export class WebhookStore {
  private readonly plain: Codec<Webhook> = { encode: (_, value) => JSON.stringify(value), decode: (_, raw) => JSON.parse(raw) as Webhook };
  private readonly sealed: Codec<WebhookSecrets> = {
    encode: (id, value) => this.cipher.seal(JSON.stringify(value), secretsContext(id)),
    decode: (id, raw) => JSON.parse(this.cipher.openStored(raw, secretsContext(id))) as WebhookSecrets,
  };

  constructor(
    private readonly redis: RedisService,
    private readonly cipher: SecretCipher,
  ) {}

  private get webhooksKey(): string {
    return this.redis.key('webhooks');
  }

  private get secretsKey(): string {
    return this.redis.key('webhook-secrets');
  }

  async create(webhook: Webhook, secrets: WebhookSecrets): Promise<void> {
    await this.redis.client
      .multi()
      .hset(this.secretsKey, webhook.id, this.sealed.encode(webhook.id, secrets))
      .hset(this.webhooksKey, webhook.id, JSON.stringify(webhook))
      .exec();
  }

  async get(id: string): Promise<Webhook | null> {
    const raw = await this.redis.client.hget(this.webhooksKey, id);
    return raw ? (JSON.parse(raw) as Webhook) : null;
  }

  async require(id: string): Promise<Webhook> {
    const webhook = await this.get(id);
    if (!webhook) throw GatewayError.notFound('webhook', id);
    return webhook;
  }

  /** Every subscription, oldest first (ids sort by creation time). */
  async list(): Promise<Webhook[]> {
    const raws = await this.redis.client.hvals(this.webhooksKey);
    return raws.map((raw) => JSON.parse(raw) as Webhook).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** Read-modify-write; `change` returns the next record, or null to leave it. 404 once it is gone. */
  async update(id: string, change: (current: Webhook) => Webhook | null): Promise<Webhook> {
    return this.compareAndSet(this.webhooksKey, id, this.plain, change, () => GatewayError.notFound('webhook', id));
  }

  async secrets(id: string): Promise<WebhookSecrets | null> {
    const raw = await this.redis.client.hget(this.secretsKey, id);
    return raw ? this.sealed.decode(id, raw) : null;
  }

  async updateSecrets(id: string, change: (current: WebhookSecrets) => WebhookSecrets): Promise<WebhookSecrets> {
    return this.compareAndSet(this.secretsKey, id, this.sealed, change, () => GatewayError.notFound('webhook', id));
  }

  /** Seals again, with the current key, the secrets that are not (after a key rotation); returns how many. */
  async resealSecrets(): Promise<number> {
    const all = await this.redis.client.hgetall(this.secretsKey);
    let resealed = 0;
    for (const [id, raw] of Object.entries(all)) {
      if (this.cipher.isCurrent(raw)) continue;
      await this.updateSecrets(id, (current) => ({ ...current })).catch(() => undefined);
      resealed++;
    }
    return resealed;
  }

  /** Removes the subscription; its queued deliveries are closed as failed by the delivery worker. */
  async remove(id: string): Promise<boolean> {
    const [[, removed]] = (await this.redis.client.multi().hdel(this.webhooksKey, id).hdel(this.secretsKey, id).exec()) as [Error | null, number][];
    return removed === 1;
  }

  private async compareAndSet<T>(key: string, field: string, codec: Codec<T>, change: (current: T) => T | null, gone: () => Error): Promise<T> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const raw = await this.redis.client.hget(key, field);
      if (!raw) throw gone();
      const current = codec.decode(field, raw);
      const next = change(current);
      if (!next) return current;
      if ((await this.redis.client.eval(COMPARE_AND_SET_FIELD, 1, key, field, raw, codec.encode(field, next))) === 1) return next;
    }
    throw new Error(`${key} ${field}: too much write contention`);
  }
}

function secretsContext(id: string): string {
  return `webhook-secrets:${id}`;
}
