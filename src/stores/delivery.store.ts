import { Injectable } from '@nestjs/common';
import { newId } from '../common/ids.js';
import { RedisService } from '../redis/redis.service.js';
import { type DeliveryStatus, type StoredDelivery } from '../domain/webhook.js';

/** How long a delivered or failed delivery stays in the log. */
export const DELIVERY_RETENTION_MS = 7 * 24 * 3_600_000;
/** The log of one subscription keeps at most this many entries (the newest). */
export const DELIVERY_LOG_MAX = 10_000;

/**
 * The messages of one peering to one subscriber, in order. Its FIFO holds delivery ids; while it
 * is not empty, exactly one drain session (named in the session key, and the BullMQ job id of the
 * job that works through it) owns it.
 */
export interface Stream {
  subscriptionId: string;
  peeringId: string;
}

export interface DrainSession extends Stream {
  session: string;
}

/** Stores the record and drops it from the FIFO head if it is there. KEYS: record, fifo. ARGV: id, json, ttlMs. */
const COMPLETE = `
redis.call('SET', KEYS[1], ARGV[2])
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
if redis.call('LINDEX', KEYS[2], 0) == ARGV[1] then redis.call('LPOP', KEYS[2]) end
return 1
`;

/** Drops the FIFO head if it is ARGV[1]. KEYS: fifo. */
const DROP_HEAD = `
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then redis.call('LPOP', KEYS[1]) end
return 1
`;

/** The FIFO head for the session owning the stream; -1 when another session owns it. KEYS: session, fifo. ARGV: session. */
const HEAD = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
return redis.call('LINDEX', KEYS[2], 0) or ''
`;

/**
 * Ends the session if the FIFO is empty: 0 ended, 1 not empty, -1 not the owner. Atomic with the
 * producer's MULTI (push, then claim the session if free), so a message is never left unowned.
 * KEYS: fifo, session, streams. ARGV: session, stream member.
 */
const FINISH_IF_EMPTY = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return -1 end
if redis.call('LLEN', KEYS[1]) > 0 then return 1 end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[2])
return 0
`;

/** Delivery records, each subscription's delivery log, and the per-(subscription, peering) FIFOs. */
@Injectable()
export class DeliveryStore {
  constructor(private readonly redis: RedisService) {}

  private recordKey(id: string): string {
    return this.redis.key('webhook-delivery', id);
  }

  private logKey(subscriptionId: string): string {
    return this.redis.key('webhook-deliveries', subscriptionId);
  }

  private fifoKey(s: Stream): string {
    return this.redis.key('webhook-fifo', s.subscriptionId, s.peeringId);
  }

  private sessionKey(s: Stream): string {
    return this.redis.key('webhook-drain', s.subscriptionId, s.peeringId);
  }

  private get streamsKey(): string {
    return this.redis.key('webhook-streams');
  }

  private member(s: Stream): string {
    return `${s.subscriptionId}/${s.peeringId}`;
  }

  /**
   * Records the deliveries (in order) at the tails of their FIFOs in one transaction, and claims a
   * drain session for every FIFO that had none. Returns the new sessions: their jobs must be added.
   */
  async enqueue(deliveries: StoredDelivery[]): Promise<DrainSession[]> {
    const multi = this.redis.client.multi();
    const streams = new Map<string, Stream>();
    for (const d of deliveries) {
      const stream = { subscriptionId: d.subscriptionId, peeringId: d.peeringId };
      streams.set(this.member(stream), stream);
      multi.set(this.recordKey(d.id), JSON.stringify(d));
      multi.zadd(this.logKey(d.subscriptionId), 0, d.id);
      multi.zremrangebyrank(this.logKey(d.subscriptionId), 0, -(DELIVERY_LOG_MAX + 1));
      multi.rpush(this.fifoKey(stream), d.id);
    }
    const claims: DrainSession[] = [];
    for (const [member, stream] of streams) {
      const claim = { ...stream, session: newId('drain') };
      claims.push(claim);
      multi.set(this.sessionKey(stream), claim.session, 'NX');
      multi.sadd(this.streamsKey, member);
    }
    const results = (await multi.exec()) ?? [];
    const claimResults = results.slice(deliveries.length * 4).filter((_, i) => i % 2 === 0);
    for (const [err] of results) if (err) throw err;
    return claims.filter((_, i) => claimResults[i][1] === 'OK');
  }

  async get(id: string): Promise<StoredDelivery | null> {
    const raw = await this.redis.client.get(this.recordKey(id));
    return raw ? (JSON.parse(raw) as StoredDelivery) : null;
  }

  /** Records progress of the FIFO head (it stays at the head: later messages wait behind it). */
  async save(delivery: StoredDelivery): Promise<void> {
    await this.redis.client.set(this.recordKey(delivery.id), JSON.stringify(delivery));
  }

  /** Records the final outcome and lets the next message of the stream go. */
  async complete(delivery: StoredDelivery): Promise<void> {
    const stream = { subscriptionId: delivery.subscriptionId, peeringId: delivery.peeringId };
    const terminal = delivery.status === 'delivered' || delivery.status === 'failed';
    await this.redis.client.eval(
      COMPLETE,
      2,
      this.recordKey(delivery.id),
      this.fifoKey(stream),
      delivery.id,
      JSON.stringify(delivery),
      String(terminal ? DELIVERY_RETENTION_MS : 0),
    );
  }

  /** Lets the stream move past a head whose record is gone (it expired or was never written). */
  async dropHead(s: Stream, id: string): Promise<void> {
    await this.redis.client.eval(DROP_HEAD, 1, this.fifoKey(s), id);
  }

  /** The delivery id at the head, '' when the FIFO is empty, null when `session` no longer owns the stream. */
  async head(s: DrainSession): Promise<string | null> {
    const head = (await this.redis.client.eval(HEAD, 2, this.sessionKey(s), this.fifoKey(s), s.session)) as string | number;
    return head === -1 ? null : String(head);
  }

  /** True when the session ended (FIFO empty); false when there is more to do. */
  async finishIfEmpty(s: DrainSession): Promise<boolean> {
    const outcome = await this.redis.client.eval(FINISH_IF_EMPTY, 3, this.fifoKey(s), this.sessionKey(s), this.streamsKey, s.session, this.member(s));
    return outcome !== 1;
  }

  /** Streams with a live session, for the sweep that re-adds jobs lost between the two writes. */
  async *sessions(): AsyncGenerator<DrainSession> {
    let cursor = '0';
    do {
      const [next, members] = await this.redis.client.sscan(this.streamsKey, cursor, 'COUNT', 500);
      cursor = next;
      for (const member of members) {
        const [subscriptionId, peeringId] = member.split('/');
        const stream = { subscriptionId, peeringId };
        const session = await this.redis.client.get(this.sessionKey(stream));
        if (session) yield { ...stream, session };
        else await this.redis.client.srem(this.streamsKey, member);
      }
    } while (cursor !== '0');
  }

  /** One page of a subscription's log, newest first. */
  async list(
    subscriptionId: string,
    limit: number,
    cursor: string | undefined,
    status: DeliveryStatus | undefined,
  ): Promise<{ items: StoredDelivery[]; nextCursor: string | null }> {
    const key = this.logKey(subscriptionId);
    const items: StoredDelivery[] = [];
    let from = cursor ? `(${cursor}` : '+';
    for (let scanned = 0; items.length < limit && scanned < limit * 20 + 1000;) {
      const ids = await this.redis.client.zrevrangebylex(key, from, '-', 'LIMIT', 0, Math.max(limit, 100));
      if (ids.length === 0) return { items, nextCursor: null };
      scanned += ids.length;
      const raws = await this.redis.client.mget(ids.map((id) => this.recordKey(id)));
      const gone = ids.filter((_, i) => !raws[i]);
      if (gone.length) await this.redis.client.zrem(key, ...gone);
      for (let i = 0; i < ids.length && items.length < limit; i++) {
        from = `(${ids[i]}`;
        const delivery = raws[i] ? (JSON.parse(raws[i]!) as StoredDelivery) : null;
        if (delivery && (!status || delivery.status === status)) items.push(delivery);
      }
    }
    const more = await this.redis.client.zrevrangebylex(key, from, '-', 'LIMIT', 0, 1);
    return { items, nextCursor: more.length ? from.slice(1) : null };
  }

  /** Forgets a removed subscription's log (records expire on their own once final). */
  async forget(subscriptionId: string): Promise<void> {
    await this.redis.client.del(this.logKey(subscriptionId));
  }
}
