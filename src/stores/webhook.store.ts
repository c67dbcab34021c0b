import { Injectable } from '@nestjs/common';
import { GatewayError } from '../common/problem.js';
import { SecretCipher } from './secret-cipher.js';
import { RedisService } from '../redis/redis.service.js';
import { type Webhook, type WebhookSecrets, webhookTeam } from '../domain/webhook.js';

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
 * The same for a subscription, keeping the index of enabled ones and the version in step
 * (KEYS: subscriptions, enabled ids, version; ARGV: id, expected, next, '1' when next is enabled).
 */
const COMPARE_AND_SET_WEBHOOK = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
if ARGV[4] == '1' then redis.call('SADD', KEYS[2], ARGV[1]) else redis.call('SREM', KEYS[2], ARGV[1]) end
redis.call('INCR', KEYS[3])
return 1
`;

/** What the fan-out keeps of the enabled subscriptions, until the version changes. */
interface EnabledCache {
  version: string;
  webhooks: Webhook[];
}

/**
 * Subscriptions in one hash and their signing secrets in another, so listing never touches a
 * secret. The ids of enabled subscriptions are indexed in a set, and every change bumps a
 * version: the fan-out runs on every event, and reads one small key (the version) as long as
 * nothing changed, then only the enabled subscriptions when something did. The secrets are
 * stored sealed (src/stores/secret-cipher.ts).
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

  private get enabledKey(): string {
    return this.redis.key('webhooks', 'enabled');
  }

  private get versionKey(): string {
    return this.redis.key('webhooks', 'version');
  }

  /** The ids of one team's subscriptions, in id order. */
  private teamKey(team: string): string {
    return this.redis.key('webhooks', 'team', team);
  }

  private cache: EnabledCache | null = null;

  async create(webhook: Webhook, secrets: WebhookSecrets): Promise<void> {
    const multi = this.redis.client
      .multi()
      .hset(this.secretsKey, webhook.id, this.sealed.encode(webhook.id, secrets))
      .hset(this.webhooksKey, webhook.id, JSON.stringify(webhook))
      .zadd(this.teamKey(webhookTeam(webhook)), 0, webhook.id);
    if (webhook.enabled) multi.sadd(this.enabledKey, webhook.id);
    await multi.incr(this.versionKey).exec();
  }

  /**
   * The enabled subscriptions, oldest first, for the fan-out: from this process's copy while
   * the version is the one it was read at.
   */
  async enabled(): Promise<Webhook[]> {
    let version = await this.redis.client.get(this.versionKey);
    if (version === null) version = await this.rebuildIndex();
    if (this.cache?.version === version) return this.cache.webhooks;
    const ids = await this.redis.client.smembers(this.enabledKey);
    const raws = ids.length ? await this.redis.client.hmget(this.webhooksKey, ...ids) : [];
    const webhooks = raws
      .filter((raw): raw is string => raw !== null)
      .map((raw) => JSON.parse(raw) as Webhook)
      .filter((w) => w.enabled)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    this.cache = { version, webhooks };
    return webhooks;
  }

  /**
   * Subscriptions stored before the index existed: index the enabled ones once. It only adds
   * ids, and the fan-out still checks `enabled` on each record, so a race with a change is harmless.
   */
  private async rebuildIndex(): Promise<string> {
    const ids = (await this.list()).filter((w) => w.enabled).map((w) => w.id);
    if (ids.length) await this.redis.client.sadd(this.enabledKey, ...ids);
    await this.redis.client.set(this.versionKey, '0', 'NX');
    return (await this.redis.client.get(this.versionKey)) ?? '0';
  }

  /** One page of subscriptions, oldest first (ids sort by creation time); the cursor is the last id of the previous page. */
  async page(limit: number, cursor?: string): Promise<{ items: Webhook[]; nextCursor: string | null }> {
    const ids = (await this.redis.client.hkeys(this.webhooksKey)).filter((id) => cursor === undefined || id > cursor).sort();
    const pageIds = ids.slice(0, limit);
    const raws = pageIds.length ? await this.redis.client.hmget(this.webhooksKey, ...pageIds) : [];
    const items = raws.filter((raw): raw is string => raw !== null).map((raw) => JSON.parse(raw) as Webhook);
    return { items, nextCursor: ids.length > limit ? pageIds[pageIds.length - 1] : null };
  }

  /** One page of a team's subscriptions, from the team's own index. */
  async teamPage(team: string, limit: number, cursor?: string): Promise<{ items: Webhook[]; nextCursor: string | null }> {
    const ids = await this.redis.client.zrangebylex(this.teamKey(team), cursor ? `(${cursor}` : '-', '+', 'LIMIT', 0, limit + 1);
    const pageIds = ids.slice(0, limit);
    const raws = pageIds.length ? await this.redis.client.hmget(this.webhooksKey, ...pageIds) : [];
    const items = raws.filter((raw): raw is string => raw !== null).map((raw) => JSON.parse(raw) as Webhook);
    return { items, nextCursor: ids.length > limit ? pageIds[pageIds.length - 1] : null };
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
    const keys = [this.webhooksKey, this.enabledKey, this.versionKey];
    return this.compareAndSet(
      keys,
      COMPARE_AND_SET_WEBHOOK,
      id,
      this.plain,
      change,
      () => GatewayError.notFound('webhook', id),
      (next) => [next.enabled ? '1' : '0'],
    );
  }

  async secrets(id: string): Promise<WebhookSecrets | null> {
    const raw = await this.redis.client.hget(this.secretsKey, id);
    return raw ? this.sealed.decode(id, raw) : null;
  }

  async updateSecrets(id: string, change: (current: WebhookSecrets) => WebhookSecrets): Promise<WebhookSecrets> {
    return this.compareAndSet([this.secretsKey], COMPARE_AND_SET_FIELD, id, this.sealed, change, () => GatewayError.notFound('webhook', id));
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
  async remove(id: string, team?: string): Promise<boolean> {
    const multi = this.redis.client.multi();
    if (team !== undefined) multi.zrem(this.teamKey(team), id);
    const results = (await multi.hdel(this.webhooksKey, id).hdel(this.secretsKey, id).srem(this.enabledKey, id).incr(this.versionKey).exec()) as [
      Error | null,
      number,
    ][];
    return results[team !== undefined ? 1 : 0][1] === 1;
  }

  /** Read-modify-write of a field of `keys[0]` by `script` (further keys and arguments by `extra`). */
  private async compareAndSet<T>(
    keys: string[],
    script: string,
    field: string,
    codec: Codec<T>,
    change: (current: T) => T | null,
    gone: () => Error,
    extra: (next: T) => string[] = () => [],
  ): Promise<T> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const raw = await this.redis.client.hget(keys[0], field);
      if (!raw) throw gone();
      const current = codec.decode(field, raw);
      const next = change(current);
      if (!next) return current;
      if ((await this.redis.client.eval(script, keys.length, ...keys, field, raw, codec.encode(field, next), ...extra(next))) === 1) return next;
    }
    throw new Error(`${keys[0]} ${field}: too much write contention`);
  }
}

function secretsContext(id: string): string {
  return `webhook-secrets:${id}`;
}
