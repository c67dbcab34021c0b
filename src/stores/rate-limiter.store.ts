import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { RedisService } from '../redis/redis.service.js';

/**
 * Sliding-window counter: the count of the current minute plus the previous minute's count
 * weighted by how much of it still lies inside the last 60 s. Counts only what it lets through.
 * KEYS: current window, previous window. ARGV: limit, elapsed ms in the window, window ms.
 * Returns {1, 0} when allowed, {0, retryAfterMs} when not.
 */
const SLIDING_WINDOW = `
local limit = tonumber(ARGV[1])
local elapsed = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
local weighted = previous * (window - elapsed) / window
if current + weighted + 1 > limit then
  local wait = window - elapsed
  if previous > 0 and current < limit then
    wait = math.ceil((1 - (limit - current - 1) / previous) * window) - elapsed
    if wait < 1 then wait = 1 end
  end
  return {0, wait}
end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], window * 2)
return {1, 0}
`;

const WINDOW_MS = 60_000;

/**
 * Writes per minute per key or token subject, counted in Redis so that every replica shares the
 * count; each actor has counters of its own, so one team's burst never slows another's.
 */
@Injectable()
export class RateLimiter {
  constructor(
    private readonly redis: RedisService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** Null when the write may go ahead; otherwise the seconds to wait. */
  async takeWrite(actorKey: string, now = Date.now()): Promise<number | null> {
    const window = Math.floor(now / WINDOW_MS);
    // Both windows of an actor share a hash tag: one Redis Cluster slot, as a script needs.
    const tag = `{${actorKey}}`;
    const keys = [this.redis.key('ratelimit', tag, String(window)), this.redis.key('ratelimit', tag, String(window - 1))];
    const [allowed, waitMs] = (await this.redis.runScript(SLIDING_WINDOW, keys, [this.config.rateLimitWrites, now - window * WINDOW_MS, WINDOW_MS])) as [
      number,
      number,
    ];
    return allowed === 1 ? null : Math.max(1, Math.ceil(waitMs / 1000));
  }
}
