import { Injectable } from '@nestjs/common';
import { RedisService } from '../redis/redis.service.js';
import { type ApiKey } from '../domain/api-key.js';

/** lastUsedAt is written at most this often per key and process: a write per request is not worth it. */
const LAST_USED_EVERY_MS = 60_000;

/**
 * API keys in Redis: the record (`apikey:<id>`, a hash with the JSON and the last use), the
 * lookup from the key's SHA-256 to the id (`apikey-hash:<sha256>`), and the ids in order, all
 * and per team. Nothing here can give the key back. Every request reads the record again, so a
 * revocation holds at once on every replica.
 */
@Injectable()
export class ApiKeyStore {
  private readonly lastWritten = new Map<string, number>();

  constructor(private readonly redis: RedisService) {}

  private recordKey(id: string): string {
    return this.redis.key('apikey', id);
  }

  private hashKey(hash: string): string {
    return this.redis.key('apikey-hash', hash);
  }

  private indexKey(team?: string): string {
    return team === undefined ? this.redis.key('apikeys') : this.redis.key('apikeys', 'team', team);
  }

  async create(key: ApiKey, hash: string): Promise<void> {
    await this.redis.client
      .multi()
      .hset(this.recordKey(key.id), 'json', JSON.stringify(key), 'hash', hash)
      .set(this.hashKey(hash), key.id)
      .zadd(this.indexKey(), 0, key.id)
      .zadd(this.indexKey(key.team), 0, key.id)
      .exec();
  }

  async get(id: string): Promise<ApiKey | null> {
    const [raw, lastUsedAt] = await this.redis.client.hmget(this.recordKey(id), 'json', 'lastUsedAt');
    if (!raw) return null;
    const key = JSON.parse(raw) as ApiKey;
    return lastUsedAt ? { ...key, lastUsedAt } : key;
  }

  /** The key whose SHA-256 this is, revoked and expired ones included (the caller decides). */
  async byHash(hash: string): Promise<ApiKey | null> {
    const id = await this.redis.client.get(this.hashKey(hash));
    return id ? this.get(id) : null;
  }

  /** One page in id order (creation order), of a team or of all. */
  async page(limit: number, cursor: string | undefined, team: string | undefined): Promise<{ items: ApiKey[]; nextCursor: string | null }> {
    const ids = await this.redis.client.zrangebylex(this.indexKey(team), cursor ? `(${cursor}` : '-', '+', 'LIMIT', 0, limit + 1);
    const pageIds = ids.slice(0, limit);
    const items = (await Promise.all(pageIds.map((id) => this.get(id)))).filter((k): k is ApiKey => k !== null);
    return { items, nextCursor: ids.length > limit ? pageIds[pageIds.length - 1] : null };
  }

  /** Revokes: the lookup goes at once (the key stops working), the record stays, marked. */
  async revoke(key: ApiKey, at: string): Promise<void> {
    const hash = await this.redis.client.hget(this.recordKey(key.id), 'hash');
    const multi = this.redis.client.multi().hset(this.recordKey(key.id), 'json', JSON.stringify({ ...key, revokedAt: at }));
    if (hash) multi.del(this.hashKey(hash));
    await multi.exec();
  }

  /** Notes a use, at most once a minute per key from this process. */
  async touch(id: string, now = Date.now()): Promise<void> {
    const last = this.lastWritten.get(id) ?? 0;
    if (now - last < LAST_USED_EVERY_MS) return;
    this.lastWritten.set(id, now);
    if (this.lastWritten.size > 10_000) this.lastWritten.clear();
    await this.redis.client.hset(this.recordKey(id), 'lastUsedAt', new Date(now).toISOString());
  }
}
