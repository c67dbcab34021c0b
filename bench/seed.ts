import { type Redis } from 'ioredis';
import { newId } from '../src/common/ids.js';
import { type Peering } from '../src/domain/peering.js';

/**
 * A settled Consul peering (consul-dc1 to consul-dc2) as the gateway stores it. Its operation id
 * names no stored operation: the drift sweep counts such a peering as settled
 * (src/reconciler/reconciler.service.ts, `settled`).
 */
export function settledPeering(name: string, now = new Date().toISOString()): Peering {
  return {
    id: newId('pr'),
    name,
    product: 'consul',
    local: { cluster: 'consul-dc1' },
    remote: { cluster: 'consul-dc2' },
    labels: { team: 'bench' },
    state: 'ACTIVE',
    stateReason: null,
    sides: { local: { nativeId: null, nativeState: 'ACTIVE' }, remote: { nativeId: null, nativeState: 'ACTIVE' } },
    lastError: null,
    operationId: newId('op'),
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Writes peerings straight into Redis the way the store's create script does
 * (src/redis/scripts.ts, CREATE_PEERING): the versioned hash `<prefix>:peering:<id>` {v, json}
 * and the id in the sorted set `<prefix>:peerings`, pipelined in batches. Returns the ids.
 */
export async function seedPeerings(redis: Redis, prefix: string, names: string[]): Promise<string[]> {
  const ids: string[] = [];
  const now = new Date().toISOString();
  for (let i = 0; i < names.length; i += 5000) {
    const pipeline = redis.pipeline();
    for (const name of names.slice(i, i + 5000)) {
      const peering = settledPeering(name, now);
      ids.push(peering.id);
      pipeline.hset(`${prefix}:peering:${peering.id}`, 'v', 1, 'json', JSON.stringify(peering));
      pipeline.zadd(`${prefix}:peerings`, 0, peering.id);
    }
    await pipeline.exec();
  }
  return ids;
}

export const names = (prefix: string, from: number, count: number): string[] => Array.from({ length: count }, (_, i) => `${prefix}-${from + i}`);
