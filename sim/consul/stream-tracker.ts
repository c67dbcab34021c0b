import { type ConsulPeering, type PeeringState } from './peering-store.js';

/** api.PeeringStreamStatus: empty lists are null (Go nil slices), times are RFC 3339 or null. */
export interface StreamStatus {
  ImportedServices: string[] | null;
  ExportedServices: string[] | null;
  LastHeartbeat: string | null;
  LastReceive: string | null;
  LastSend: string | null;
}

interface Stream {
  /** When the replication stream opened (may lie ahead: the dialer connects shortly after establishing). */
  openedAt: number;
  endedAt?: number;
  /** A disconnect error: the record reads FAILING. */
  failingSince?: number;
  /** The peer stopped sending: LastHeartbeat and LastReceive stay at this time (or null). */
  quiet?: { lastHeard: number | null };
}

/**
 * The replication streams between peers, kept outside the store like Consul's stream tracker.
 * Consul derives ACTIVE and FAILING from the stream at read time and never writes them, so they
 * bump no index and wake no blocking query; the same holds here. Both sides send a heartbeat every
 * `heartbeatIntervalMs` (Consul: 15 s), the first one an interval after the stream opened.
 */
export class StreamTracker {
  private readonly streams = new Map<string, Stream>();

  constructor(private readonly heartbeatIntervalMs: () => number) {}

  connect(peeringId: string, openedAt: number): void {
    this.streams.set(peeringId, { openedAt });
  }

  end(peeringId: string, at: number): void {
    const stream = this.streams.get(peeringId);
    if (stream && stream.endedAt === undefined) stream.endedAt = at;
  }

  forget(peeringId: string): void {
    this.streams.delete(peeringId);
  }

  has(peeringId: string): boolean {
    return this.streams.has(peeringId);
  }

  setFailing(peeringId: string, failing: boolean, at: number): void {
    const stream = this.streams.get(peeringId);
    if (!stream) return;
    if (failing) stream.failingSince ??= at;
    else delete stream.failingSince;
  }

  /**
   * A quiet stream stays connected (the record keeps reading ACTIVE) but nothing arrives from the
   * peer. `lastHeardAgoMs` backdates the last thing heard; without it the values freeze as they are.
   */
  setQuiet(peeringId: string, quiet: boolean, now: number, lastHeardAgoMs?: number): void {
    const stream = this.streams.get(peeringId);
    if (!stream) return;
    if (!quiet) {
      delete stream.quiet;
      return;
    }
    const lastHeard = lastHeardAgoMs === undefined ? this.lastReceive(stream, now) : now - lastHeardAgoMs;
    stream.quiet = { lastHeard };
  }

  /** The state a read reports: a stored PENDING or ESTABLISHING record with an open stream reads ACTIVE (or FAILING). */
  stateOf(peering: ConsulPeering, now: number): PeeringState {
    if (peering.State !== 'PENDING' && peering.State !== 'ESTABLISHING') return peering.State;
    const stream = this.streams.get(peering.ID);
    if (!stream || stream.endedAt !== undefined || now < stream.openedAt) return peering.State;
    return stream.failingSince !== undefined ? 'FAILING' : 'ACTIVE';
  }

  statusOf(peeringId: string, now: number): StreamStatus {
    const stream = this.streams.get(peeringId);
    const empty: StreamStatus = { ImportedServices: null, ExportedServices: null, LastHeartbeat: null, LastReceive: null, LastSend: null };
    if (!stream || now < stream.openedAt) return empty;
    const heard = stream.quiet ? stream.quiet.lastHeard : this.lastHeartbeat(stream, now);
    const received = stream.quiet ? stream.quiet.lastHeard : this.lastReceive(stream, now);
    return {
      ...empty,
      LastHeartbeat: heard === null ? null : goTime(heard),
      LastReceive: received === null ? null : goTime(received),
      // We keep sending heartbeats to a quiet peer.
      LastSend: goTime(this.lastReceive(stream, now) ?? stream.openedAt),
    };
  }

  /** The last heartbeat tick before the stream stopped (or now); null before the first. */
  private lastHeartbeat(stream: Stream, now: number): number | null {
    const until = Math.min(now, stream.endedAt ?? Infinity, stream.failingSince ?? Infinity);
    const interval = Math.max(1, this.heartbeatIntervalMs());
    const beats = Math.floor((until - stream.openedAt) / interval);
    return beats >= 1 ? stream.openedAt + beats * interval : null;
  }

  /** The peer's first messages come with the stream's opening, then one per heartbeat. */
  private lastReceive(stream: Stream, now: number): number | null {
    if (now < stream.openedAt) return null;
    return this.lastHeartbeat(stream, now) ?? stream.openedAt;
  }
}

/** Go's time.Time JSON (RFC 3339 with the fraction's trailing zeros trimmed), in UTC. */
export function goTime(epochMs: number): string {
  let text = formatted.get(epochMs);
  if (text === undefined) {
    text = new Date(epochMs).toISOString().replace(/\.(\d*?)0*Z$/, (_, digits: string) => (digits ? `.${digits}Z` : 'Z'));
    // Streams opened in the same millisecond share their times: a bulk list formats each once.
    if (formatted.size >= 100_000) formatted.clear();
    formatted.set(epochMs, text);
  }
  return text;
}

const formatted = new Map<number, string>();
