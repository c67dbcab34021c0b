import { Inject, Injectable } from '@nestjs/common';
import { idFloor, newId } from '../common/ids.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { RedisService } from '../redis/redis.service.js';
import { type AuditEntry, type AuditFilter, matchesAudit } from '../domain/audit.js';

const ID_PREFIX = 'au';

/**
 * The audit log: each entry under its own key, expiring after the retention period, and its id
 * in sorted sets by time (ids are time-ordered; one set for all, one per team concerned) that
 * are trimmed to the retention period on every write.
 */
@Injectable()
export class AuditStore {
  constructor(
    private readonly redis: RedisService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  private entryKey(id: string): string {
    return this.redis.key('audit', 'entry', id);
  }

  private indexKey(team?: string): string {
    return team === undefined ? this.redis.key('audit', 'all') : this.redis.key('audit', 'team', team);
  }

  /** Records an entry, shown to admins and to each of `teams`. */
  async record(entry: Omit<AuditEntry, 'id' | 'at'>, teams: (string | null | undefined)[]): Promise<AuditEntry> {
    const now = Date.now();
    const full: AuditEntry = { id: newId(ID_PREFIX), at: new Date(now).toISOString(), ...entry };
    const expired = `(${idFloor(ID_PREFIX, now - this.config.auditRetentionMs)}`;
    const indexes = [this.indexKey(), ...[...new Set(teams.filter((t): t is string => typeof t === 'string'))].map((t) => this.indexKey(t))];
    const multi = this.redis.client.multi().set(this.entryKey(full.id), JSON.stringify(full), 'PX', this.config.auditRetentionMs);
    for (const index of indexes) multi.zadd(index, 0, full.id).zremrangebylex(index, '-', expired).pexpire(index, this.config.auditRetentionMs);
    await multi.exec();
    return full;
  }

  /**
   * Newest first, from the cursor (the last id of the previous page) back to `sinceMs`; filters
   * apply while reading, and a page may be short when many entries do not match.
   */
  async page(
    limit: number,
    cursor: string | undefined,
    team: string | undefined,
    filter: AuditFilter,
  ): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
    const index = this.indexKey(team);
    const floor = filter.sinceMs !== undefined ? `[${idFloor(ID_PREFIX, filter.sinceMs)}` : '-';
    let from = cursor ? `(${cursor}` : '+';
    const items: AuditEntry[] = [];
    let scanned = 0;
    const batch = Math.max(limit, 100);
    while (items.length < limit && scanned < limit * 20 + 2000) {
      const ids = await this.redis.client.zrevrangebylex(index, from, floor, 'LIMIT', 0, batch);
      if (ids.length === 0) return { items, nextCursor: null };
      scanned += ids.length;
      const raws = await this.redis.client.mget(ids.map((id) => this.entryKey(id)));
      for (let i = 0; i < ids.length; i++) {
        from = `(${ids[i]}`;
        const raw = raws[i];
        if (!raw) continue;
        const entry = JSON.parse(raw) as AuditEntry;
        if (!matchesAudit(entry, filter)) continue;
        items.push(entry);
        if (items.length === limit) {
          const more = await this.redis.client.zrevrangebylex(index, from, floor, 'LIMIT', 0, 1);
          return { items, nextCursor: more.length ? ids[i] : null };
        }
      }
    }
    return { items, nextCursor: from === '+' ? null : from.slice(1) };
  }
}
