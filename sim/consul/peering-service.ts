import { randomUUID } from 'node:crypto';
import { type ConsulNetwork, type DialerInfo, type NetworkMember } from './consul-network.js';
import { ConsulHttpError, forbidden, internalError, texts } from './errors.js';
import { type ConsulPeering, isDialer, type PeeringRemote, type PeeringState, PeeringStore, type PeeringWrite } from './peering-store.js';
import type { ConfigEntryStore } from './config-entries.js';
import { goTime, type StreamStatus, StreamTracker } from './stream-tracker.js';
import { decodeToken, encodeToken, type PeeringToken } from './token.js';

/** Behaviour a test can change while the simulator runs (`PUT /_sim/settings`). */
export interface ConsulSimSettings {
  /** How long a deleted peering reads DELETING before it is gone. */
  deleteDurationMs: number;
  /** How long after establishment the replication stream opens (both sides then read ACTIVE). */
  activateAfterMs: number;
  /** Interval of stream heartbeats (Consul: 15 s); LastHeartbeat/LastReceive advance by it. */
  heartbeatIntervalMs: number;
  /** When false, every peering endpoint answers 500 FailedPrecondition (peering.enabled = false). */
  peeringEnabled: boolean;
}

/**
 * A peering as GET /v1/peering/:name answers it (api.Peering): the stored record plus the
 * read-time stream view, with Go's `omitempty` fields left out when empty.
 */
export interface PeeringView {
  ID: string;
  Name: string;
  Partition?: string;
  DeletedAt?: string;
  Meta?: Record<string, string>;
  State: PeeringState;
  PeerID?: string;
  PeerServerName?: string;
  PeerServerAddresses?: string[];
  StreamStatus: StreamStatus;
  CreateIndex: number;
  ModifyIndex: number;
  Remote: PeeringRemote;
}

export interface GenerateTokenInput {
  peerName: string;
  partition: string;
  meta?: Record<string, string>;
  serverExternalAddresses?: string[];
}

export interface EstablishInput {
  peerName: string;
  partition: string;
  peeringToken: string;
  meta?: Record<string, string>;
}

export interface PeeringServiceConfig {
  datacenter: string;
  /** host:port put in tokens as this datacenter's (fake) gRPC server address. */
  serverAddress: string;
  settings: ConsulSimSettings;
  network: ConsulNetwork;
  /** Enterprise shows the partition ("default" too); CE leaves it out (PartitionOrEmpty). */
  enterprise: boolean;
  /** The exported-services entries: what the stream carries to each peer (sim/consul/config-entries.ts). */
  configEntries?: ConfigEntryStore;
}

/** The ACL check, made by the service after it validated the request (as Consul's does). */
export type Authorize = () => void;

const VALID_PEER_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * One datacenter's peering logic, following Consul's agent/rpc/peering/service.go (GenerateToken,
 * Establish, PeeringRead, PeeringList, PeeringDelete) and the state store's write rules. Failures
 * are ConsulHttpErrors carrying Consul's status and wire text (gRPC-prefixed: this is the RPC side).
 */
export class PeeringService implements NetworkMember {
  readonly serverName: string;
  private readonly store = new PeeringStore();
  private readonly streams: StreamTracker;
  private readonly timers = new Set<NodeJS.Timeout>();
  /**
   * Acceptor record ID -> the dialer's record ID. Consul's acceptor never stores a PeerID: it
   * knows its peer through the stream, which this map stands for.
   */
  private readonly dialerOf = new Map<string, string>();
  /** Each stored record's serialized unchanging parts (`listJson`); a write stores a new record object. */
  private readonly fragments = new WeakMap<Readonly<ConsulPeering>, ListFragments>();

  constructor(private readonly config: PeeringServiceConfig) {
    this.serverName = `server.${config.datacenter}.consul`;
    this.streams = new StreamTracker(() => config.settings.heartbeatIntervalMs);
  }

  get datacenter(): string {
    return this.config.datacenter;
  }

  /** Creates the acceptor record (or reuses it) and issues a token with a fresh one-time secret. */
  generateToken(input: GenerateTokenInput, authorize: Authorize): string {
    this.requireEnabled();
    validPeerName(input.peerName);
    validateMeta(input.meta);
    authorize();
    const name = input.peerName;
    const existing = this.store.get(input.partition, name);
    if (existing?.State === 'DELETING') throw internalError(texts.markedForDeletion);
    if (existing && isDialer(existing)) throw internalError(texts.alreadyEstablished(name));
    // An existing record keeps its ID and state: a new token rotates the secret of a live peering without breaking it.
    const peering = this.store.write(existing ?? this.newAcceptor(name, input));
    // Replacing the secret is what invalidates the previous, unused token.
    const secret = randomUUID();
    this.store.setEstablishmentSecret(peering.ID, secret);
    return encodeToken(this.tokenFor(peering, secret, input));
  }

  /**
   * Like Consul, writes the dialer record before the secret exchange, so a failed exchange
   * leaves a PENDING dialer behind; only a successful one moves it to ESTABLISHING.
   */
  establish(input: EstablishInput, authorize: Authorize): void {
    this.requireEnabled();
    validPeerName(input.peerName);
    const token = decodeToken(input.peeringToken);
    validateMeta(input.meta);
    authorize();
    const name = input.peerName;
    if (token.ServerName === this.serverName) throw internalError(texts.sameCluster(this.serverName));
    const existing = this.store.get(input.partition, name);
    if (existing) assertCanDial(existing, token);
    const dialer = this.store.write({
      ID: existing?.ID ?? randomUUID(),
      Name: name,
      Partition: input.partition,
      State: existing?.State ?? 'PENDING',
      PeerID: token.PeerID,
      PeerServerName: token.ServerName,
      PeerServerAddresses: dialAddresses(token),
      Remote: { ...token.Remote },
      Meta: input.meta ?? {},
    });
    this.exchangeSecret(token, { peeringId: dialer.ID, remote: { Partition: this.partitionOrEmpty(dialer.Partition), Datacenter: this.datacenter } });
    this.store.write({ ...dialer, State: 'ESTABLISHING' });
    this.streams.connect(dialer.ID, Date.now() + this.config.settings.activateAfterMs);
  }

  /**
   * Marks the peering DELETING (keeping only what Consul's PeeringDelete keeps), terminates the
   * peer's side, and removes the record later. No-op when missing or already deleting.
   */
  delete(partition: string, peerName: string, authorize: Authorize): void {
    this.requireEnabled();
    authorize();
    const peering = this.store.get(partition, peerName.toLowerCase());
    if (!peering || peering.State === 'DELETING') return;
    const now = Date.now();
    const peerPeeringId = peering.PeerID || this.dialerOf.get(peering.ID);
    this.store.clearEstablishmentSecret(peering.ID);
    this.store.write({
      ID: peering.ID,
      Name: peering.Name,
      Partition: peering.Partition,
      State: 'DELETING',
      DeletedAt: goTime(now),
      PeerServerAddresses: peering.PeerServerAddresses,
      PeerID: '',
      PeerServerName: '',
      Remote: { Partition: '', Datacenter: '' },
      Meta: {},
    });
    this.streams.end(peering.ID, now);
    if (peerPeeringId) this.config.network.holderOf(peerPeeringId)?.terminate(peerPeeringId, peering.ID);
    this.scheduleRemoval(peering.ID);
  }

  read(partition: string, peerName: string, authorize: Authorize): PeeringView | undefined {
    this.requireEnabled();
    authorize();
    const peering = this.store.get(partition, peerName.toLowerCase());
    return peering && this.present(peering);
  }

  /** `now`: the moment the read-time parts (state, stream status) are taken at. */
  list(partition: string, authorize: Authorize, now = Date.now()): PeeringView[] {
    this.authorizeList(authorize);
    return this.store.view(partition).map((peering) => this.present(peering, now));
  }

  /**
   * `list` as the JSON text Consul answers, byte for byte what JSON.stringify(list(...)) writes:
   * each record's unchanging parts are serialized once per stored version (a write replaces the
   * record, and with it the entry in `fragments`), the state and stream status at every read.
   * At 100,000 records this is what a drift sweep reads (bench/reconcile.bench.ts).
   */
  listJson(partition: string, authorize: Authorize, now = Date.now()): string {
    this.authorizeList(authorize);
    const parts: string[] = [];
    for (const peering of this.store.view(partition)) {
      const f = this.fragments.get(peering) ?? this.fragmentsOf(peering);
      const status = this.withServices(peering, this.streams.statusOf(peering.ID, now), now);
      parts.push(`${f.head}${JSON.stringify(this.streams.stateOf(peering, now))}${f.middle}${JSON.stringify(status)}${f.tail}`);
    }
    return `[${parts.join(',')}]`;
  }

  /** The checks of a list, made before a blocking list waits (as Consul's handler does). */
  authorizeList(authorize: Authorize): void {
    this.requireEnabled();
    authorize();
  }

  readIndex(partition: string, peerName: string): number {
    return this.store.readIndex(partition, peerName.toLowerCase());
  }

  listIndex(partition: string): number {
    return this.store.listIndex(partition);
  }

  waitForIndex(currentIndex: () => number, minIndex: number, waitMs: number): Promise<void> {
    return this.store.waitForIndex(currentIndex, minIndex, waitMs);
  }

  /** Raw stored records; all partitions when none is given. */
  storedPeerings(partition?: string): ConsulPeering[] {
    return this.store.list(partition);
  }

  setStreamFailing(peerName: string, failing: boolean, partition: string): void {
    this.streams.setFailing(this.requireStored(peerName, partition).ID, failing, Date.now());
  }

  setStreamQuiet(peerName: string, quiet: boolean, partition: string, lastHeardAgoMs?: number): void {
    this.streams.setQuiet(this.requireStored(peerName, partition).ID, quiet, Date.now(), lastHeardAgoMs);
  }

  hasPeering(peeringId: string): boolean {
    return this.store.peekById(peeringId) !== undefined;
  }

  /**
   * Consul's ExchangeSecret on the acceptor. The record stays PENDING with no PeerID; it learns
   * `Remote` when the dialer's stream opens, and reads ACTIVE from then on.
   */
  acceptSecret(peeringId: string, secret: string, dialer: DialerInfo): void {
    this.requireEnabled();
    const peering = this.store.peekById(peeringId);
    // Deleted, deleting, used or replaced secrets all look the same to Consul: no matching secret.
    if (!peering || this.store.establishmentSecret(peeringId) !== secret) throw forbidden(texts.invalidSecret);
    this.store.clearEstablishmentSecret(peeringId);
    this.dialerOf.set(peeringId, dialer.peeringId);
    // The stream opens when the dialer connects; Remote and ACTIVE appear together then.
    this.after(this.config.settings.activateAfterMs, () => {
      const current = this.store.peekById(peeringId);
      if (current && current.State !== 'DELETING' && current.State !== 'TERMINATED' && this.dialerOf.get(peeringId) === dialer.peeringId) {
        this.store.write({ ...current, Remote: { ...dialer.remote } });
        this.streams.connect(peeringId, Date.now());
      }
    });
  }

  terminate(peeringId: string, peerPeeringId: string): void {
    const peering = this.store.peekById(peeringId);
    if (!peering || (peering.PeerID !== peerPeeringId && this.dialerOf.get(peeringId) !== peerPeeringId)) return;
    if (peering.State === 'DELETING' || peering.State === 'TERMINATED') return;
    this.store.write({ ...peering, State: 'TERMINATED' });
    this.streams.end(peeringId, Date.now());
  }

  /** Stops pending timers and releases blocking queries. */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.store.close();
  }

  private requireEnabled(): void {
    if (!this.config.settings.peeringEnabled) throw internalError(texts.peeringDisabled);
  }

  private requireStored(peerName: string, partition: string): ConsulPeering {
    const peering = this.store.get(partition, peerName.toLowerCase());
    if (!peering) throw new Error(`no peering "${peerName}" in partition "${partition}" of ${this.datacenter}`);
    return peering;
  }

  /** CE writes "" where Enterprise writes the partition name (acl.EnterpriseMeta.PartitionOrEmpty). */
  private partitionOrEmpty(partition: string): string {
    return this.config.enterprise || partition !== 'default' ? partition : '';
  }

  private newAcceptor(name: string, input: GenerateTokenInput): PeeringWrite {
    return {
      ID: randomUUID(),
      Name: name,
      Partition: input.partition,
      State: 'PENDING',
      PeerID: '',
      PeerServerName: '',
      PeerServerAddresses: [],
      Remote: { Partition: '', Datacenter: '' },
      Meta: input.meta ?? {},
    };
  }

  private tokenFor(peering: ConsulPeering, secret: string, input: GenerateTokenInput): PeeringToken {
    const external = input.serverExternalAddresses?.length ? input.serverExternalAddresses : undefined;
    return {
      CA: null,
      ManualServerAddresses: external ?? null,
      ServerAddresses: [this.config.serverAddress],
      ServerName: this.serverName,
      PeerID: peering.ID,
      EstablishmentSecret: secret,
      Remote: { Partition: this.partitionOrEmpty(input.partition), Datacenter: this.datacenter },
    };
  }

  private exchangeSecret(token: PeeringToken, dialer: DialerInfo): void {
    const addresses = dialAddresses(token);
    const acceptor = this.config.network.holderOf(token.PeerID);
    if (acceptor) {
      try {
        return acceptor.acceptSecret(token.PeerID, token.EstablishmentSecret, dialer);
      } catch (err) {
        // Establish passes PermissionDenied on as is; any other answer is a failed exchange per address.
        if (err instanceof ConsulHttpError && err.status !== 403) {
          throw internalError(texts.exchangeFailed(addresses[0], err.message));
        }
        throw err;
      }
    }
    // The acceptor's servers answer but no longer hold the peering (deleted meanwhile): no secret to match.
    if (this.config.network.datacenter(token.Remote.Datacenter)) throw forbidden(texts.invalidSecret);
    throw internalError(texts.dialFailed(addresses));
  }

  /** Consul's leader routine first deletes the data imported from the peer (rate-limited), then the record. */
  private scheduleRemoval(peeringId: string): void {
    this.after(this.config.settings.deleteDurationMs, () => {
      this.store.remove(peeringId);
      this.streams.forget(peeringId);
      this.dialerOf.delete(peeringId);
    });
  }

  private after(ms: number, fn: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        fn();
      },
      Math.max(0, ms),
    );
    this.timers.add(timer);
  }

  exportedOver(peeringId: string, now: number): string[] {
    if (!this.config.configEntries?.hasEntries()) return [];
    const peering = this.store.peekById(peeringId);
    if (!peering) return [];
    return this.config.configEntries.exportedTo(peering.Partition, peering.Name, now);
  }

  /** While the stream is up it carries the exports both ways: ours to the peer, and the peer's to us. */
  private withServices(peering: Readonly<ConsulPeering>, status: StreamStatus, now: number): StreamStatus {
    const state = this.streams.stateOf(peering, now);
    if (state !== 'ACTIVE' && state !== 'FAILING') return status;
    const peerId = peering.PeerID || this.dialerOf.get(peering.ID);
    const imported = peerId ? (this.config.network.holderOf(peerId)?.exportedOver?.(peerId, now) ?? []) : [];
    const exported = this.exportedOver(peering.ID, now);
    return { ...status, ImportedServices: imported.length ? imported : null, ExportedServices: exported.length ? exported : null };
  }

  /**
   * The JSON of `present` around its State and StreamStatus, which change with time, not with the
   * record. Both keys are found from the end: every string value before them is escaped, so
   * `"State":` or `"StreamStatus":` cannot occur unescaped later, only a Meta key named State earlier.
   */
  private fragmentsOf(peering: Readonly<ConsulPeering>): ListFragments {
    const view = this.present(peering);
    const whole = JSON.stringify(view);
    const stateAt = whole.lastIndexOf('"State":') + '"State":'.length;
    const statusAt = whole.lastIndexOf('"StreamStatus":') + '"StreamStatus":'.length;
    const fragments = {
      head: whole.slice(0, stateAt),
      middle: whole.slice(stateAt + JSON.stringify(view.State).length, statusAt),
      tail: whole.slice(statusAt + JSON.stringify(view.StreamStatus).length),
    };
    this.fragments.set(peering, fragments);
    return fragments;
  }

  /** api.Peering in Go's field order, `omitempty` fields left out when empty. */
  private present(peering: Readonly<ConsulPeering>, now = Date.now()): PeeringView {
    const partition = this.partitionOrEmpty(peering.Partition);
    return {
      ID: peering.ID,
      Name: peering.Name,
      ...(partition ? { Partition: partition } : {}),
      ...(peering.DeletedAt ? { DeletedAt: peering.DeletedAt } : {}),
      ...(Object.keys(peering.Meta).length ? { Meta: { ...peering.Meta } } : {}),
      State: this.streams.stateOf(peering, now),
      ...(peering.PeerID ? { PeerID: peering.PeerID } : {}),
      ...(peering.PeerServerName ? { PeerServerName: peering.PeerServerName } : {}),
      ...(peering.PeerServerAddresses.length ? { PeerServerAddresses: [...peering.PeerServerAddresses] } : {}),
      StreamStatus: this.withServices(peering, this.streams.statusOf(peering.ID, now), now),
      CreateIndex: peering.CreateIndex,
      ModifyIndex: peering.ModifyIndex,
      Remote: { ...peering.Remote },
    };
  }
}

interface ListFragments {
  /** From `{` up to `"State":`. */
  head: string;
  /** After the state, up to `"StreamStatus":`. */
  middle: string;
  /** After the stream status, to the closing `}`. */
  tail: string;
}

/** The addresses a dialer uses: the token's manual (external) addresses when it has them. */
function dialAddresses(token: PeeringToken): string[] {
  return token.ManualServerAddresses?.length ? token.ManualServerAddresses : token.ServerAddresses;
}

/** Consul's peer name rule, applied to the name as given: token generation and establish do not lower-case. */
function validPeerName(name: string): void {
  if (!VALID_PEER_NAME.test(name)) throw internalError(texts.invalidPeerName(name));
}

const META_MAX_PAIRS = 64;
const META_KEY_MAX = 128;
const META_VALUE_MAX = 512;
const META_KEY = /^[a-zA-Z0-9_-]+$/;
const RESERVED_META_PREFIX = 'consul-';

/** structs.ValidateMetadata(meta, false), wrapped as the peering service wraps it. */
function validateMeta(meta: Record<string, string> | undefined): void {
  if (!meta) return;
  const fail = (detail: string): never => {
    throw internalError(texts.metaInvalid(detail));
  };
  const entries = Object.entries(meta);
  if (entries.length > META_MAX_PAIRS) fail(`Node metadata cannot contain more than ${META_MAX_PAIRS} key/value pairs`);
  for (const [key, value] of entries) {
    if (key === '') fail('Key cannot be blank');
    if (!META_KEY.test(key)) fail(`Key contains invalid characters`);
    if (key.length > META_KEY_MAX) fail(`Key is too long (limit: ${META_KEY_MAX} characters)`);
    if (key.startsWith(RESERVED_META_PREFIX)) fail(`Key prefix '${RESERVED_META_PREFIX}' is reserved for internal use`);
    if (value.length > META_VALUE_MAX) fail(`Value is too long (limit: ${META_VALUE_MAX} characters)`);
  }
}

/**
 * Which existing record a dialer may (re)write. DELETING blocks every write; a name used as an
 * acceptor cannot dial; a live peering with another peer is not silently replaced.
 */
function assertCanDial(existing: ConsulPeering, token: PeeringToken): void {
  if (existing.State === 'DELETING') throw internalError(texts.markedForDeletion);
  if (!isDialer(existing)) throw internalError(texts.expectingToBeDialed(existing.Name));
  if (existing.State === 'ESTABLISHING' && existing.PeerID !== token.PeerID) {
    throw internalError(texts.alreadyEstablished(existing.Name));
  }
}
