import { Injectable } from '@nestjs/common';
import { SecretCipher } from './secret-cipher.js';
import { RedisService } from '../redis/redis.service.js';
import { REMOVE_UNUSED_CLUSTER } from '../redis/scripts.js';
import { type Cluster, type ClusterAuth } from '../domain/cluster.js';

/** The credentials of a cluster, sealed in the stored record (src/stores/secret-cipher.ts). */
const SECRET_FIELDS = ['password', 'token'] as const satisfies (keyof ClusterAuth)[];

/** Thin wrapper around Redis for cluster records; passwords and tokens are stored sealed. */
@Injectable()
export class ClusterStore {
  constructor(
    private readonly redis: RedisService,
    private readonly cipher: SecretCipher,
  ) {}

  clusterKey(id: string): string {
    return this.redis.key('cluster', id);
  }

  usageKey(id: string): string {
    return this.redis.key('cluster-peerings', id);
  }

  async get(id: string): Promise<Cluster | null> {
    const raw = await this.redis.client.get(this.clusterKey(id));
    return raw ? this.decode(raw) : null;
  }

  async list(): Promise<Cluster[]> {
    const ids = (await this.redis.client.smembers(this.redis.key('clusters'))).sort();
    if (ids.length === 0) return [];
    const raws = await this.redis.client.mget(ids.map((id) => this.clusterKey(id)));
    return raws.filter((r): r is string => r !== null).map((r) => this.decode(r));
  }

  async save(cluster: Cluster): Promise<void> {
    await this.redis.client.multi().set(this.clusterKey(cluster.id), this.encode(cluster)).sadd(this.redis.key('clusters'), cluster.id).exec();
  }

  /**
   * Seals the record's credentials again with the current key when they are not (after a key
   * rotation, or a record from before sealing). Only an existing record is rewritten.
   */
  async reseal(id: string): Promise<boolean> {
    const raw = await this.redis.client.get(this.clusterKey(id));
    if (!raw) return false;
    const stored = JSON.parse(raw) as Cluster;
    if (SECRET_FIELDS.every((f) => stored.auth?.[f] === undefined || this.cipher.isCurrent(stored.auth[f]))) return false;
    return (await this.redis.client.set(this.clusterKey(id), this.encode(this.decode(raw)), 'XX')) === 'OK';
  }

  /** Ids of the peerings (live or being deleted) that use this cluster. */
  async usage(id: string): Promise<string[]> {
    return this.redis.client.smembers(this.usageKey(id));
  }

  /** False when a peering still uses the cluster (checked atomically with the removal). */
  async removeIfUnused(id: string): Promise<boolean> {
    const removed = await this.redis.runScript(REMOVE_UNUSED_CLUSTER, [this.clusterKey(id), this.redis.key('clusters'), this.usageKey(id)], [id]);
    return removed === 1;
  }

  private encode(cluster: Cluster): string {
    const auth: ClusterAuth = { ...cluster.auth };
    for (const field of SECRET_FIELDS) if (auth[field] !== undefined) auth[field] = this.cipher.seal(auth[field], `cluster:${cluster.id}:${field}`);
    return JSON.stringify({ ...cluster, auth });
  }

  private decode(raw: string): Cluster {
    const cluster = JSON.parse(raw) as Cluster;
    const auth: ClusterAuth = { ...cluster.auth };
    for (const field of SECRET_FIELDS) if (auth[field] !== undefined) auth[field] = this.cipher.openStored(auth[field], `cluster:${cluster.id}:${field}`);
    return { ...cluster, auth };
  }
}
