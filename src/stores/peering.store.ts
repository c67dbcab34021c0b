import { Injectable } from '@nestjs/common';
import { ClusterStore } from './cluster.store.js';
import { GatewayError } from '../common/problem.js';
import { SecretCipher } from './secret-cipher.js';
import { type Operation } from '../domain/operation.js';
import { RedisService } from '../redis/redis.service.js';
import { COMPARE_AND_SET, CREATE_PEERING, RELEASE_IF_HELD } from '../redis/scripts.js';
import { type Peering, teamOf } from '../domain/peering.js';
import { type PeeringState } from '../domain/peering-state.js';

export interface PeeringFilter {
  /** Read from the team's own index: the other teams' peerings are never scanned. */
  team?: string;
  product?: string;
  state?: PeeringState;
  cluster?: string;
}

/**
 * Redis records of peerings: versioned hashes, a lexicographic index, uniqueness locks. The one
 * secret a record may hold for a while, an external peer's secret until the accept is done, is
 * stored sealed (src/stores/secret-cipher.ts).
 */
/** 409: a live peering holds one of the locks a create needs; `holder` is its id. */
export class LockedError extends GatewayError {
  constructor(
    detail: string,
    readonly holder: string,
  ) {
    super('conflict', detail);
  }
}

/** A product's own uniqueness rule: a lock name, and what a conflict tells the caller. */
export interface ExtraLock {
  name: string;
  conflict: (holder: string) => string;
}

@Injectable()
export class PeeringStore {
  constructor(
    private readonly redis: RedisService,
    private readonly clusters: ClusterStore,
    private readonly cipher: SecretCipher,
  ) {}

  private encode(peering: Peering): string {
    const secret = peering.remote.external?.secret;
    if (secret === undefined) return JSON.stringify(peering);
    const sealed = this.cipher.seal(secret, secretContext(peering.id));
    return JSON.stringify({ ...peering, remote: { external: { ...peering.remote.external, secret: sealed } } });
  }

  private decode(raw: string): Peering {
    const peering = JSON.parse(raw) as Peering;
    const secret = peering.remote.external?.secret;
    if (secret === undefined) return peering;
    return { ...peering, remote: { external: { ...peering.remote.external, secret: this.cipher.openStored(secret, secretContext(peering.id)) } } };
  }

  private peeringKey(id: string): string {
    return this.redis.key('peering', id);
  }

  private get indexKey(): string {
    return this.redis.key('peerings');
  }

  /** The ids of one team's peerings, in id order, beside the index of all. */
  private teamIndexKey(team: string): string {
    return this.redis.key('peerings', 'team', team);
  }

  operationKey(id: string): string {
    return this.redis.key('operation', id);
  }

  get outboxKey(): string {
    return this.redis.key('outbox');
  }

  /**
   * The locks that make a peering unique while it is live: its name on each managed cluster
   * (peer names are unique per cluster), plus what its product adds (`extraLocks`).
   */
  lockKeys(peering: Peering, extraLocks: string[]): string[] {
    const keys = this.managedClusters(peering).map((c) => this.redis.key('lock', 'name', c, peering.name));
    return [...keys, ...extraLocks.map((name) => this.redis.key('lock', name))];
  }

  /** Who holds each of these locks (a peering id), or null: a read, for a dry run. */
  async lockHolders(peering: Peering, extraLocks: string[]): Promise<(string | null)[]> {
    const keys = this.lockKeys(peering, extraLocks);
    return keys.length ? this.redis.client.mget(...keys) : [];
  }

  managedClusters(peering: Peering): string[] {
    return peering.remote.cluster ? [peering.local.cluster, peering.remote.cluster] : [peering.local.cluster];
  }

  /** Writes peering, operation and outbox entry at once; 409 when a live peering holds a lock. */
  async create(peering: Peering, operation: Operation, extraLocks: ExtraLock[] = []): Promise<void> {
    const clusters = this.managedClusters(peering);
    const locks = this.lockKeys(
      peering,
      extraLocks.map((l) => l.name),
    );
    const keys = [
      this.peeringKey(peering.id),
      this.indexKey,
      this.operationKey(operation.id),
      this.outboxKey,
      ...clusters.map((c) => this.clusters.clusterKey(c)),
      ...locks,
      ...clusters.map((c) => this.clusters.usageKey(c)),
      this.teamIndexKey(teamOf(peering)),
      // The operations index (OperationStore.indexKey): the create's operation is listed at once.
      this.redis.key('operations'),
    ];
    const args = [peering.id, this.encode(peering), operation.id, JSON.stringify(operation), String(Date.now()), String(locks.length), String(clusters.length)];
    const [outcome, key, holder] = (await this.redis.runScript(CREATE_PEERING, keys, args)) as string[];
    if (outcome === 'missing_cluster') {
      const id = key.split(':').pop()!;
      const field = id === peering.local.cluster ? 'local.cluster' : 'remote.cluster';
      throw new GatewayError('validation_failed', `${field}: cluster '${id}' is not registered`, {
        errors: [{ field, message: `cluster '${id}' is not registered` }],
      });
    }
    if (outcome === 'locked') {
      const extra = extraLocks.find((l) => key.endsWith(`:lock:${l.name}`));
      const why = extra ? extra.conflict(holder) : `a live peering named '${peering.name}' already uses cluster '${key.split(':').at(-2)}': '${holder}'`;
      throw new LockedError(why, holder);
    }
  }

  async get(id: string): Promise<Peering | null> {
    const raw = await this.readStored(id);
    return raw ? this.decode(raw) : null;
  }

  /** The record's JSON text as stored (a one-sided offer's secret still sealed), or null. */
  async readStored(id: string): Promise<string | null> {
    return this.redis.client.hget(this.peeringKey(id), 'json');
  }

  async require(id: string): Promise<Peering> {
    const peering = await this.get(id);
    if (!peering) throw GatewayError.notFound('peering', id);
    return peering;
  }

  /**
   * Read-modify-write with optimistic concurrency: `change` sees the latest record and returns
   * the next one, or null to leave it as is. API and workers both write peerings.
   */
  async update(id: string, change: (current: Peering) => Peering | null): Promise<Peering> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const [version, raw] = await this.redis.client.hmget(this.peeringKey(id), 'v', 'json');
      if (!version || !raw) throw GatewayError.notFound('peering', id);
      const current = this.decode(raw);
      const next = change(current);
      if (!next) return current;
      const written = await this.redis.runScript(COMPARE_AND_SET, [this.peeringKey(id)], [version, this.encode(next)]);
      if (written === 1) return next;
      if (written === -1) throw GatewayError.notFound('peering', id);
    }
    throw new Error(`peering ${id}: too much write contention`);
  }

  /** Frees the name and the product's locks for a new peering: called when this one starts deleting. */
  async releaseLocks(peering: Peering, extraLocks: string[]): Promise<void> {
    const keys = this.lockKeys(peering, extraLocks);
    await this.redis.runScript(RELEASE_IF_HELD, keys, [peering.id]);
  }

  /** After DELETED: no longer uses its clusters, and the tombstone expires. */
  async retire(peering: Peering, tombstoneTtlSeconds: number): Promise<void> {
    const multi = this.redis.client.multi();
    for (const c of this.managedClusters(peering)) multi.srem(this.clusters.usageKey(c), peering.id);
    multi.expire(this.peeringKey(peering.id), tombstoneTtlSeconds);
    await multi.exec();
  }

  /**
   * One page in id order (ids sort by creation time). Filters are applied while scanning; a
   * page may be short when many records do not match, and the cursor still moves on.
   */
  async list(limit: number, cursor: string | undefined, filter: PeeringFilter): Promise<{ items: Peering[]; nextCursor: string | null }> {
    const index = filter.team !== undefined ? this.teamIndexKey(filter.team) : this.indexKey;
    const items: Peering[] = [];
    let from = cursor ? `(${cursor}` : '-';
    let scanned = 0;
    const batch = Math.max(limit, 50);
    while (items.length < limit && scanned < limit * 20 + 1000) {
      const ids = await this.redis.client.zrangebylex(index, from, '+', 'LIMIT', 0, batch);
      if (ids.length === 0) return { items, nextCursor: null };
      scanned += ids.length;
      const raws = await this.readMany(ids);
      const gone: string[] = [];
      for (let i = 0; i < ids.length; i++) {
        from = `(${ids[i]}`;
        const raw = raws[i];
        if (!raw) {
          gone.push(ids[i]);
          continue;
        }
        const peering = this.decode(raw);
        if (matches(peering, filter)) items.push(peering);
        if (items.length === limit) {
          await this.forget(gone, index);
          const more = await this.redis.client.zrangebylex(index, from, '+', 'LIMIT', 0, 1);
          return { items, nextCursor: more.length ? ids[i] : null };
        }
      }
      await this.forget(gone, index);
    }
    return { items, nextCursor: from === '-' ? null : from.slice(1) };
  }

  /** Records of these ids, in order; null for ids that are gone. */
  async getMany(ids: string[]): Promise<(Peering | null)[]> {
    return (await this.readMany(ids)).map((raw) => (raw ? this.decode(raw) : null));
  }

  private async readMany(ids: string[]): Promise<(string | null)[]> {
    const pipeline = this.redis.client.pipeline();
    for (const id of ids) pipeline.hget(this.peeringKey(id), 'json');
    const results = (await pipeline.exec()) ?? [];
    return results.map(([err, value]) => {
      if (err) throw err;
      return value as string | null;
    });
  }

  /** Ids of every peering in the index (for sweeps). */
  async allIds(): Promise<string[]> {
    return this.redis.client.zrangebylex(this.indexKey, '-', '+');
  }

  /** Drops index entries whose record expired (tombstones past their time). */
  async forget(ids: string[], index = this.indexKey): Promise<void> {
    if (ids.length) await this.redis.client.zrem(index, ...ids);
  }

  /**
   * Adds every peering whose record names no team (written before teams) to the `default`
   * team's index; returns how many were not there yet.
   */
  async indexPreTeamPeerings(): Promise<number> {
    const ids = await this.allIds();
    let added = 0;
    for (let at = 0; at < ids.length; at += 200) {
      const batch = ids.slice(at, at + 200);
      const raws = await this.readMany(batch);
      const preTeam = batch.filter((_id, i) => raws[i] !== null && (JSON.parse(raws[i]!) as Partial<Peering>).team === undefined);
      if (preTeam.length) added += await this.redis.client.zadd(this.teamIndexKey(teamOf({})), ...preTeam.flatMap((id) => [0, id]));
    }
    return added;
  }

  private migrationKey(name: string): string {
    return this.redis.key('migration', name);
  }

  async isMigrated(name: string): Promise<boolean> {
    return (await this.redis.client.exists(this.migrationKey(name))) === 1;
  }

  async markMigrated(name: string): Promise<void> {
    await this.redis.client.set(this.migrationKey(name), new Date().toISOString());
  }

  /** Moves a peering from one team's index to another's (its record already names the new team). */
  async moveTeam(id: string, from: string, to: string): Promise<void> {
    if (from !== to) await this.redis.client.multi().zrem(this.teamIndexKey(from), id).zadd(this.teamIndexKey(to), 0, id).exec();
  }
}

function secretContext(id: string): string {
  return `peering:${id}:external-secret`;
}

function matches(peering: Peering, filter: PeeringFilter): boolean {
  if (filter.team !== undefined && teamOf(peering) !== filter.team) return false;
  if (filter.product && peering.product !== filter.product) return false;
  if (filter.state && peering.state !== filter.state) return false;
  if (filter.cluster && peering.local.cluster !== filter.cluster && peering.remote.cluster !== filter.cluster) return false;
  return true;
}
