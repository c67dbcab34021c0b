import { Injectable } from '@nestjs/common';
import { RedisService } from '../redis/redis.service.js';
import { MOVE_COUNT } from '../redis/scripts.js';
import { type PeeringState } from '../domain/peering-state.js';

/**
 * How many peerings are in each state, across the deployment: one small Redis hash, moved along
 * with every state change (PeeringTransitions), so a metrics scrape reads one key instead of
 * every peering. DELETED only grows: a tombstone expires without anyone being told. The counts
 * are best effort: a process that dies between a state change and its count leaves them one off.
 */
@Injectable()
export class PeeringCountsStore {
  constructor(private readonly redis: RedisService) {}

  private get key(): string {
    return this.redis.key('peering-counts');
  }

  /** One peering left `from` (null: it is new) for `to`. Never fails the change it follows. */
  async moved(from: PeeringState | null, to: PeeringState): Promise<void> {
    await this.redis.runScript(MOVE_COUNT, [this.key], [from ?? '', to]).catch(() => undefined);
  }

  async read(): Promise<Partial<Record<PeeringState, number>>> {
    const raw = await this.redis.client.hgetall(this.key);
    return Object.fromEntries(Object.entries(raw).map(([state, n]) => [state, Math.max(0, Number(n))]));
  }
}
