import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { sleep } from '../common/time.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { RedisService } from '../redis/redis.service.js';
import { TAKE_SLOT } from '../redis/scripts.js';

/**
 * A slot's lease is short and renewed while its call runs, so the slots of a process that died
 * (SIGKILL, a lost machine) are free again within seconds.
 */
const LEASE_MS = 6_000;
const RENEW_EVERY_MS = 2_000;

/**
 * The bound on calls in flight towards one cluster across every process of the deployment
 * (a product may refuse connections when its REST queue is full, whatever the number of our workers).
 * A counting semaphore in Redis, taken by a script (TAKE_SLOT); a call that finds it full asks
 * again after 2, 4, 8 ... up to 50 ms.
 */
@Injectable()
export class ClusterSlots {
  private readonly owner = randomBytes(6).toString('hex');
  private counter = 0;
  /** Held tokens by semaphore key, renewed together. */
  private readonly held = new Map<string, Set<string>>();
  private readonly renewal: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.renewal = setInterval(() => void this.renew(), RENEW_EVERY_MS);
    this.renewal.unref();
  }

  private async renew(): Promise<void> {
    const until = Date.now() + LEASE_MS;
    const pipeline = this.redis.client.pipeline();
    for (const [key, tokens] of this.held) for (const token of tokens) pipeline.zadd(key, 'XX', until, token);
    if (pipeline.length) await pipeline.exec().catch(() => undefined);
  }

  async run<T>(clusterId: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const key = this.redis.key('cluster-slots', clusterId);
    const token = `${this.owner}:${++this.counter}`;
    for (let wait = 2; ; wait = Math.min(50, wait * 2)) {
      const taken = await this.redis.runScript(TAKE_SLOT, [key], [this.config.clusterConcurrency, Date.now(), LEASE_MS, token]);
      if (taken === 1) break;
      if (signal?.aborted) throw new Error('aborted while waiting for a call slot');
      await sleep(wait, signal);
    }
    const tokens = this.held.get(key) ?? new Set<string>();
    this.held.set(key, tokens.add(token));
    try {
      return await work();
    } finally {
      tokens.delete(token);
      // Not awaited: the call's answer need not wait a round trip for the slot to be given back.
      // This process's next take goes on the same connection after it, so it sees the slot free;
      // a release that is lost expires with its lease.
      void this.redis.client.zrem(key, token).catch(() => undefined);
    }
  }
}
