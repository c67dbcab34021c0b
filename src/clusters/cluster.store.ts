import { Injectable } from '@nestjs/common';
import { RedisService } from '../redis/redis.service.js';
import { REMOVE_UNUSED_CLUSTER } from '../redis/scripts.js';
import { type Cluster } from './cluster.js';

/** Thin wrapper around Redis for cluster records. */
@Injectable()
export class ClusterStore {
  constructor(private readonly redis: RedisService) {}

  clusterKey(id: string): string {
    return this.redis.key('cluster', id);
  }

  usageKey(id: string): string {
    return this.redis.key('cluster-peerings', id);
  }

  async get(id: string): Promise<Cluster | null> {
    const raw = await this.redis.client.get(this.clusterKey(id));
    return raw ? (JSON.parse(raw) as Cluster) : null;
  }

  async list(): Promise<Cluster[]> {
    const ids = (await this.redis.client.smembers(this.redis.key('clusters'))).sort();
    if (ids.length === 0) return [];
    const raws = await this.redis.client.mget(ids.map((id) => this.clusterKey(id)));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as Cluster);
  }

  async save(cluster: Cluster): Promise<void> {
    await this.redis.client.multi().set(this.clusterKey(cluster.id), JSON.stringify(cluster)).sadd(this.redis.key('clusters'), cluster.id).exec();
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
}
