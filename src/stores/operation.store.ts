import { Injectable } from '@nestjs/common';
import { GatewayError } from '../common/problem.js';
import { SecretCipher } from './secret-cipher.js';
import { nowIso } from '../common/time.js';
import { RedisService } from '../redis/redis.service.js';
import { SAVE_OPERATION } from '../redis/scripts.js';
import { type Operation } from '../domain/operation.js';

const FINISHED_OPERATION_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Operation records. Each is written by the API once and then only by the one job that carries
 * it out (jobs of a peering never run at the same time), so plain writes are enough.
 */
@Injectable()
export class OperationStore {
  constructor(
    private readonly redis: RedisService,
    private readonly cipher: SecretCipher,
  ) {}

  private key(id: string): string {
    return this.redis.key('operation', id);
  }

  private secretKey(id: string): string {
    return this.redis.key('operation-secret', id);
  }

  get outboxKey(): string {
    return this.redis.key('outbox');
  }

  /** Every operation id, in id order (ids sort by creation time); entries of expired records are dropped on read. */
  get indexKey(): string {
    return this.redis.key('operations');
  }

  /**
   * One page, newest first, of the operations that `keep` accepts. A page may be short when many
   * records do not match; the cursor still moves on.
   */
  async list(
    limit: number,
    cursor: string | undefined,
    keep: (op: Operation) => boolean | Promise<boolean>,
  ): Promise<{ items: Operation[]; nextCursor: string | null }> {
    const items: Operation[] = [];
    let from = cursor ? `(${cursor}` : '+';
    let scanned = 0;
    while (items.length < limit && scanned < limit * 20 + 1000) {
      const ids = await this.redis.client.zrevrangebylex(this.indexKey, from, '-', 'LIMIT', 0, Math.max(limit, 50));
      if (ids.length === 0) return { items, nextCursor: null };
      scanned += ids.length;
      const ops = await this.getMany(ids);
      const gone = ids.filter((_id, i) => ops[i] === null);
      if (gone.length) await this.redis.client.zrem(this.indexKey, ...gone);
      for (let i = 0; i < ids.length; i++) {
        from = `(${ids[i]}`;
        const op = ops[i];
        if (op && (await keep(op))) items.push(op);
        if (items.length === limit) {
          const more = await this.redis.client.zrevrangebylex(this.indexKey, from, '-', 'LIMIT', 0, 1);
          return { items, nextCursor: more.length ? ids[i] : null };
        }
      }
    }
    return { items, nextCursor: from === '+' ? null : from.slice(1) };
  }

  async get(id: string): Promise<Operation | null> {
    const raw = await this.redis.client.get(this.key(id));
    return raw ? (JSON.parse(raw) as Operation) : null;
  }

  async getMany(ids: string[]): Promise<(Operation | null)[]> {
    if (ids.length === 0) return [];
    const raws = await this.redis.client.mget(ids.map((id) => this.key(id)));
    return raws.map((raw) => (raw ? (JSON.parse(raw) as Operation) : null));
  }

  async require(id: string): Promise<Operation> {
    const op = await this.get(id);
    if (!op) throw GatewayError.notFound('operation', id);
    return op;
  }

  async save(op: Operation): Promise<Operation> {
    op.updatedAt = nowIso();
    const finished = op.status === 'succeeded' || op.status === 'failed';
    // A finished operation stays readable for a week, then goes: Redis does not grow for ever.
    await this.redis.runScript(SAVE_OPERATION, [this.key(op.id), this.indexKey], [JSON.stringify(op), op.id, finished ? FINISHED_OPERATION_TTL_SECONDS : 0]);
    return op;
  }

  /** Records an operation that a job will carry out; the outbox entry is cleared once queued. */
  async createQueued(op: Operation): Promise<void> {
    await this.redis.client.multi().set(this.key(op.id), JSON.stringify(op)).zadd(this.outboxKey, Date.now(), op.id).zadd(this.indexKey, 0, op.id).exec();
  }

  async update(id: string, change: (op: Operation) => void): Promise<Operation> {
    const op = await this.require(id);
    change(op);
    return this.save(op);
  }

  /** Operations recorded before `olderThanMs` whose job may not have reached the queue. */
  async outboxBefore(olderThanMs: number): Promise<string[]> {
    return this.redis.client.zrangebyscore(this.outboxKey, '-inf', Date.now() - olderThanMs);
  }

  async clearOutbox(id: string): Promise<void> {
    await this.redis.client.zrem(this.outboxKey, id);
  }

  /**
   * A one-sided offer's secret, kept (sealed) until its first read, which deletes it. It is the
   * only secret the gateway ever hands back, and only once.
   */
  async keepSecretOnce(id: string, secret: { value: string; expiresAt?: string }, ttlSeconds: number): Promise<void> {
    await this.redis.client.set(this.secretKey(id), this.cipher.seal(JSON.stringify(secret), `operation-secret:${id}`), 'EX', ttlSeconds);
  }

  async takeSecret(id: string): Promise<{ value: string; expiresAt?: string } | null> {
    const raw = await this.redis.client.getdel(this.secretKey(id));
    return raw ? JSON.parse(this.cipher.openStored(raw, `operation-secret:${id}`)) : null;
  }
}
