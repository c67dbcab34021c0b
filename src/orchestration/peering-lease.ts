import { type RedisService } from '../redis/redis.service.js';
import { RELEASE_IF_HELD, RENEW_IF_HELD } from '../redis/scripts.js';

const LEASE_MS = 15_000;

/**
 * One operation at a time per peering, across every worker process: a lease in Redis that the
 * holder renews while it works and that lapses by itself if the holder dies.
 */
export class PeeringLease {
  private timer?: NodeJS.Timeout;

  private constructor(
    private readonly redis: RedisService,
    private readonly key: string,
    private readonly owner: string,
  ) {}

  static async acquire(redis: RedisService, peeringId: string, owner: string): Promise<PeeringLease | null> {
    const key = redis.key('lease', 'peering', peeringId);
    const taken = await redis.client.set(key, owner, 'PX', LEASE_MS, 'NX');
    const held = taken === 'OK' || (await redis.client.get(key)) === owner;
    if (!held) return null;
    const lease = new PeeringLease(redis, key, owner);
    lease.timer = setInterval(() => {
      redis.runScript(RENEW_IF_HELD, [key], [owner, LEASE_MS]).catch(() => undefined);
    }, LEASE_MS / 3);
    lease.timer.unref();
    return lease;
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.runScript(RELEASE_IF_HELD, [this.key], [this.owner]).catch(() => undefined);
  }
}
