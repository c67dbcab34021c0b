import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { GatewayError } from '../common/problem.js';
import { nowIso } from '../common/time.js';
import { EventFeed } from '../stores/event-feed.js';
import { EventHistory, type HistoryItem } from '../stores/event-history.js';
import type { GatewayEvent, GatewayEventData, GatewayEventType } from '../domain/gateway-event.js';
import type { Peering } from '../domain/peering.js';
import type { Caller } from '../domain/access.js';
import { PeeringsService } from '../peerings/peerings.service.js';
import { matchesEvent, type WebhookFilters } from '../domain/webhook.js';
import type { SseMessage, SseStream } from './sse-stream.js';
import { loadWatchSettings, type WatchSettings } from './watch-settings.js';

/** The event name of the first message of a peering's stream: the peering as it stands. */
export const SNAPSHOT_EVENT = 'peering.snapshot' as const;

/**
 * What a stream sends as `data:`: an entry of the peering's history (`GET /v1/peerings/{id}/events`)
 * with the id of the peering it is about; the snapshot has the id of the latest event it includes
 * (null when the peering has none yet).
 */
export interface WatchEvent {
  id: string | null;
  type: GatewayEventType | typeof SNAPSHOT_EVENT;
  peeringId: string;
  timestamp: string;
  data: GatewayEventData;
}

/** The filter of `GET /v1/events/watch`, in the shape of a webhook subscription's. */
export interface WatchFilter {
  events: (GatewayEventType | '*')[];
  filters: WebhookFilters;
}

/** Opens the stream (the answer's headers are sent): called once every check has passed. */
export type StreamOpener = () => SseStream;

/** One open (or opening) stream and what it wants. */
interface Watcher {
  wants(event: GatewayEvent): boolean;
  receive(event: GatewayEvent): void;
  end(): void;
}

function toMessage(event: WatchEvent): SseMessage {
  return { id: event.id, event: event.type, data: event };
}

function withPeeringId(peeringId: string, item: HistoryItem): WatchEvent {
  return { id: item.id, type: item.type, peeringId, timestamp: item.timestamp, data: item.data };
}

function fromGatewayEvent(event: GatewayEvent): WatchEvent {
  return { id: event.id, type: event.type, peeringId: event.peeringId, timestamp: event.timestamp, data: event.data };
}

/**
 * The event streams of this API process. Events come from EventFeed (one Redis subscription for
 * the process, whichever process recorded them) and are handed to the streams that want them; a
 * peering's stream starts from its history (EventHistory), so nothing between the history read and
 * the live events is lost or sent twice.
 */
@Injectable()
export class WatchService implements OnModuleInit, OnModuleDestroy {
  readonly settings: WatchSettings = loadWatchSettings();
  private readonly byPeering = new Map<string, Set<Watcher>>();
  private readonly everywhere = new Set<Watcher>();
  private open = 0;
  private closing = false;
  private unlisten?: () => void;

  constructor(
    private readonly feed: EventFeed,
    private readonly history: EventHistory,
    private readonly peerings: PeeringsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.unlisten = this.feed.listen({
      event: (event) => this.dispatch(event),
      // Events published while the subscription was down would be missing: end every stream so
      // that clients reconnect, and peering streams resume from the history with Last-Event-ID.
      interrupted: () => this.endAll(),
    });
  }

  /** Ends every stream at shutdown, before the HTTP server waits for its connections. */
  onModuleDestroy(): void {
    this.closing = true;
    this.unlisten?.();
    this.endAll();
  }

  /** Streams open (or opening) in this process. */
  get openStreams(): number {
    return this.open;
  }

  /**
   * `GET /v1/peerings/{id}/watch`: the peering as it stands (or, with Last-Event-ID, the events
   * missed since that one), then every event of the peering; the stream ends after
   * `peering.deleted`.
   */
  async watchPeering(caller: Caller, id: string, lastEventId: string | undefined, openStream: StreamOpener): Promise<void> {
    this.admit();
    // Set once the answer has started; live events are held until then (from before the history is read).
    const open: { stream?: SseStream } = {};
    const held: GatewayEvent[] = [];
    const inHistory = new Set<string>();
    let cancelled = false;
    const watcher: Watcher = {
      wants: (event) => event.peeringId === id && this.visibleTo(caller, event),
      receive: (event) => {
        if (!open.stream) held.push(event);
        else if (!inHistory.has(event.id)) this.deliverToPeeringStream(open.stream, fromGatewayEvent(event));
      },
      end: () => {
        cancelled = true;
        open.stream?.end();
      },
    };
    const release = this.register(watcher, id);
    let first: WatchEvent[];
    let peering: Peering;
    try {
      // The history before the peering: a change recorded in between then arrives live (the
      // peering read may already show it, which repeats a state, never loses one).
      const items = await this.history.list(id);
      peering = await this.peerings.get(id, caller);
      for (const item of items) inHistory.add(item.id);
      first = this.firstEvents(peering, items, lastEventId);
      // Shutdown, or the subscription lost, while the history was read.
      if (cancelled) throw new GatewayError('service_unavailable', 'the event stream was interrupted before it started; try again', { retryAfter: 1 });
    } catch (err) {
      release();
      throw err;
    }
    const stream = (open.stream = openStream());
    stream.onClose(release);
    for (const event of first) this.deliverToPeeringStream(stream, event);
    // Held events already in the history were read with it (and sent, if after Last-Event-ID).
    for (const event of held.splice(0)) if (!inHistory.has(event.id)) this.deliverToPeeringStream(stream, fromGatewayEvent(event));
    // A peering already deleted has nothing more to say (a client that saw peering.deleted and reconnects).
    if (peering.state === 'DELETED') stream.end();
  }

  /**
   * `GET /v1/events/watch`: every event, from now on, of the peerings that match the filter and
   * that the caller may see.
   */
  watchAll(caller: Caller, filter: WatchFilter, openStream: StreamOpener): void {
    this.admit();
    const stream = openStream();
    const watcher: Watcher = {
      wants: (event) => matchesEvent(filter.events, filter.filters, event) && this.visibleTo(caller, event),
      receive: (event) => stream.send(toMessage(fromGatewayEvent(event))),
      end: () => stream.end(),
    };
    stream.onClose(this.register(watcher));
  }

  /**
   * Which events a caller may receive. Every caller sees every peering today (one admin token);
   * team scoping narrows this to the caller's team's peerings.
   */
  private visibleTo(caller: Caller, event: GatewayEvent): boolean {
    return caller.sees(event.team);
  }

  /**
   * What a peering's stream sends first: after a Last-Event-ID found in the history, the events
   * since; otherwise (a new client, or an event no longer kept) the peering as it stands, with the
   * id of the latest event so that a reconnection resumes after it.
   */
  private firstEvents(peering: Peering, items: HistoryItem[], lastEventId: string | undefined): WatchEvent[] {
    const seen = lastEventId ? items.findIndex((item) => item.id === lastEventId) : -1;
    if (seen >= 0) return items.slice(seen + 1).map((item) => withPeeringId(peering.id, item));
    const latest = items.at(-1);
    const snapshot: WatchEvent = {
      id: latest?.id ?? null,
      type: SNAPSHOT_EVENT,
      peeringId: peering.id,
      timestamp: nowIso(),
      data: { peering, operationId: peering.operationId, actor: null },
    };
    return [snapshot];
  }

  private deliverToPeeringStream(stream: SseStream, event: WatchEvent): void {
    if (stream.closed) return;
    stream.send(toMessage(event));
    if (event.type === 'peering.deleted') stream.end();
  }

  /** 503 beyond the bound of streams, while shutting down, or while events cannot be received. */
  private admit(): void {
    if (this.closing) throw new GatewayError('service_unavailable', 'the gateway is shutting down; reconnect to another replica', { retryAfter: 1 });
    if (!this.feed.isLive()) {
      throw new GatewayError('service_unavailable', 'live events are not being received (the store is unreachable); try again shortly', { retryAfter: 1 });
    }
    if (this.open >= this.settings.maxStreams) {
      this.logger.warn({ open: this.open, max: this.settings.maxStreams }, 'event stream refused: too many open');
      throw new GatewayError('service_unavailable', `this replica has ${this.open} event streams open, its limit; try again shortly`, { retryAfter: 5 });
    }
  }

  /** Counts the stream and hands it matching events until the returned release is called (once). */
  private register(watcher: Watcher, peeringId?: string): () => void {
    this.open++;
    const set = peeringId === undefined ? this.everywhere : (this.byPeering.get(peeringId) ?? new Set<Watcher>());
    if (peeringId !== undefined) this.byPeering.set(peeringId, set);
    set.add(watcher);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open--;
      set.delete(watcher);
      if (peeringId !== undefined && set.size === 0) this.byPeering.delete(peeringId);
    };
  }

  private dispatch(event: GatewayEvent): void {
    for (const watcher of [...(this.byPeering.get(event.peeringId) ?? []), ...this.everywhere]) {
      if (watcher.wants(event)) watcher.receive(event);
    }
  }

  private endAll(): void {
    for (const watcher of [...this.everywhere, ...[...this.byPeering.values()].flatMap((set) => [...set])]) watcher.end();
  }
}
