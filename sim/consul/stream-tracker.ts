import { type ConsulPeering, type PeeringState } from './peering-store.js';

export interface StreamStatus {
  ImportedServices: string[];
  ExportedServices: string[];
  LastHeartbeat: string | null;
  LastReceive: string | null;
  LastSend: string | null;
}

interface Stream {
  connectedAt: number;
  endedAt?: number;
}

/**
 * The replication streams between peers, kept outside the store like Consul's stream tracker.
 * Consul derives ACTIVE and FAILING from the stream at read time (reconcilePeering) and never
 * writes them, so they bump no index and wake no blocking query; the same holds here.
 */
export class StreamTracker {
  private readonly streams = new Map<string, Stream>();
  /** Peering ID -> when the stream started failing (a test switch, see setFailing). */
  private readonly failingSince = new Map<string, number>();

  connect(peeringId: string, at: number): void {
    this.streams.set(peeringId, { connectedAt: at });
  }

  end(peeringId: string, at: number): void {
    const stream = this.streams.get(peeringId);
    if (stream) stream.endedAt = at;
  }

  forget(peeringId: string): void {
    this.streams.delete(peeringId);
    this.failingSince.delete(peeringId);
  }

  setFailing(peeringId: string, failing: boolean, at: number): void {
    if (failing) this.failingSince.set(peeringId, this.failingSince.get(peeringId) ?? at);
    else this.failingSince.delete(peeringId);
  }

  /** The state a read reports: ESTABLISHING turns ACTIVE once the stream has been up `activateAfterMs`. */
  stateOf(peering: ConsulPeering, activateAfterMs: number, now: number): PeeringState {
    if (peering.State !== 'ESTABLISHING') return peering.State;
    if (this.failingSince.has(peering.ID)) return 'FAILING';
    const stream = this.streams.get(peering.ID);
    return stream && now - stream.connectedAt >= activateAfterMs ? 'ACTIVE' : 'ESTABLISHING';
  }

  /** A live stream hears from its peer all the time, so its timestamps are "now" until it fails or ends. */
  statusOf(peeringId: string, now: number): StreamStatus {
    const stream = this.streams.get(peeringId);
    const last = stream ? new Date(this.failingSince.get(peeringId) ?? stream.endedAt ?? now).toISOString() : null;
    return { ImportedServices: [], ExportedServices: [], LastHeartbeat: last, LastReceive: last, LastSend: last };
  }
}
