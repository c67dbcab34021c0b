import { Injectable } from '@nestjs/common';
import { type Caller } from '../domain/access.js';
import { GatewayError } from '../common/problem.js';
import { EventFeed } from '../stores/event-feed.js';
import { type Peering } from '../domain/peering.js';
import { type PeeringState } from '../domain/peering-state.js';
import { PeeringsService } from '../peerings/peerings.service.js';

/**
 * Waits for a peering to reach one of some states, on the live event feed (src/stores/event-feed.ts),
 * never by polling: it listens first, then reads the peering, so no change in between is missed.
 */
@Injectable()
export class PeeringWait {
  constructor(
    private readonly feed: EventFeed,
    private readonly peerings: PeeringsService,
  ) {}

  /** The peering once in one of `states` (`reached`), or as it stands when `timeoutMs` ran out. */
  async until(
    id: string,
    caller: Caller,
    states: readonly PeeringState[],
    timeoutMs: number,
    onChange?: (peering: Peering) => void,
  ): Promise<{ peering: Peering; reached: boolean }> {
    if (!this.feed.isLive()) {
      throw new GatewayError('service_unavailable', 'live events are not being received (the store is unreachable); try again shortly', { retryAfter: 1 });
    }
    let settle!: (peering: Peering | null) => void;
    const settled = new Promise<Peering | null>((resolve) => (settle = resolve));
    // Events that arrive before the first read are judged against it once it is there.
    let since: string | null = null;
    const early: Peering[] = [];
    const consider = (peering: Peering) => {
      if (since === null) return void early.push(peering);
      // An event published before the read but delivered after it is older than what was read.
      if (peering.updatedAt < since) return;
      onChange?.(peering);
      if (states.includes(peering.state)) settle(peering);
    };
    const unlisten = this.feed.listen({
      event: (event) => {
        if (event.peeringId === id && event.data.peering && caller.sees(event.team)) consider(event.data.peering);
      },
      interrupted: () => settle(null),
    });
    const timer = setTimeout(() => settle(null), timeoutMs);
    try {
      const current = await this.peerings.get(id, caller);
      if (states.includes(current.state)) return { peering: current, reached: true };
      since = current.updatedAt;
      for (const peering of early.splice(0)) consider(peering);
      const arrived = await settled;
      if (arrived) return { peering: arrived, reached: true };
      const now = await this.peerings.get(id, caller);
      return { peering: now, reached: states.includes(now.state) };
    } finally {
      clearTimeout(timer);
      unlisten();
    }
  }
}
