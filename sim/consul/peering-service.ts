import { randomUUID } from 'node:crypto';
import { type ConsulNetwork, type DialerInfo, type NetworkMember } from './consul-network.js';
import { forbidden, internalError, texts } from './errors.js';
import { type ConsulPeering, isDialer, type PeeringState, PeeringStore, type PeeringWrite } from './peering-store.js';
import { type StreamStatus, StreamTracker } from './stream-tracker.js';
import { decodeToken, encodeToken, type PeeringToken } from './token.js';

/** Timings a test can change while the simulator runs. */
export interface ConsulSimSettings {
  /** How long a deleted peering reads DELETING before it is gone. */
  deleteDurationMs: number;
  /** How long after establishment both sides start reading ACTIVE. */
  activateAfterMs: number;
}

/** A peering as GET /v1/peering/:name answers it: the stored record plus the read-time stream view. */
export interface PeeringView extends Omit<ConsulPeering, 'State'> {
  State: PeeringState;
  StreamStatus: StreamStatus;
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
}

const VALID_PEER_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * One datacenter's peering logic, following Consul's agent/rpc/peering/service.go (GenerateToken,
 * Establish, PeeringDelete) and the state store's write rules. Failures are ConsulHttpErrors
 * carrying Consul's status and text. Names are lower-cased before anything else.
 */
export class PeeringService implements NetworkMember {
  readonly serverName: string;
  private readonly store = new PeeringStore();
  private readonly streams = new StreamTracker();
  private readonly pendingRemovals = new Set<NodeJS.Timeout>();

  constructor(private readonly config: PeeringServiceConfig) {
    this.serverName = `server.${config.datacenter}.consul`;
  }

  get datacenter(): string {
    return this.config.datacenter;
  }

  /** Creates the acceptor record (or reuses it) and issues a token with a fresh one-time secret. */
  generateToken(input: GenerateTokenInput): string {
    const name = validPeerName(input.peerName);
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
   * leaves a PENDING dialer behind; only a successful one moves both sides to ESTABLISHING.
   */
  establish(input: EstablishInput): void {
    const name = validPeerName(input.peerName);
    const token = decodeToken(input.peeringToken);
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
      PeerServerAddresses: token.ServerAddresses,
      Remote: { ...token.Remote },
      Meta: input.meta ?? {},
    });
    this.exchangeSecret(token, { peeringId: dialer.ID, remote: { Partition: dialer.Partition, Datacenter: this.datacenter } });
    this.store.write({ ...dialer, State: 'ESTABLISHING' });
    this.streams.connect(dialer.ID, Date.now());
  }

  /** Marks the peering DELETING, terminates the peer's side, and removes the record later. No-op when missing or already deleting. */
  delete(partition: string, peerName: string): void {
    const peering = this.store.get(partition, peerName.toLowerCase());
    if (!peering || peering.State === 'DELETING') return;
    const now = Date.now();
    this.store.clearEstablishmentSecret(peering.ID);
    this.store.write({ ...peering, State: 'DELETING', DeletedAt: new Date(now).toISOString() });
    this.streams.end(peering.ID, now);
    if (peering.PeerID) this.config.network.holderOf(peering.PeerID)?.terminate(peering.PeerID, peering.ID);
    this.scheduleRemoval(peering.ID);
  }

  read(partition: string, peerName: string): PeeringView | undefined {
    const peering = this.store.get(partition, peerName.toLowerCase());
    return peering && this.present(peering);
  }

  list(partition: string): PeeringView[] {
    return this.store.list(partition).map((peering) => this.present(peering));
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
    const peering = this.store.get(partition, peerName.toLowerCase());
    if (!peering) throw new Error(`no peering "${peerName}" in partition "${partition}" of ${this.datacenter}`);
    this.streams.setFailing(peering.ID, failing, Date.now());
  }

  hasPeering(peeringId: string): boolean {
    return this.store.getById(peeringId) !== undefined;
  }

  acceptSecret(peeringId: string, secret: string, dialer: DialerInfo): void {
    const peering = this.store.getById(peeringId);
    // Deleted, deleting, used or replaced secrets all look the same to Consul: no matching secret.
    if (!peering || this.store.establishmentSecret(peeringId) !== secret) throw forbidden(texts.invalidSecret);
    this.store.clearEstablishmentSecret(peeringId);
    this.store.write({ ...peering, State: 'ESTABLISHING', PeerID: dialer.peeringId, Remote: dialer.remote });
    this.streams.connect(peeringId, Date.now());
  }

  terminate(peeringId: string, peerPeeringId: string): void {
    const peering = this.store.getById(peeringId);
    if (!peering || peering.PeerID !== peerPeeringId) return;
    if (peering.State === 'DELETING' || peering.State === 'TERMINATED') return;
    this.store.write({ ...peering, State: 'TERMINATED' });
    this.streams.end(peeringId, Date.now());
  }

  /** Stops pending removals and releases blocking queries. */
  close(): void {
    for (const timer of this.pendingRemovals) clearTimeout(timer);
    this.pendingRemovals.clear();
    this.store.close();
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
      ServerAddresses: external ?? [this.config.serverAddress],
      ServerName: this.serverName,
      PeerID: peering.ID,
      EstablishmentSecret: secret,
      Remote: { Partition: input.partition, Datacenter: this.datacenter },
    };
  }

  private exchangeSecret(token: PeeringToken, dialer: DialerInfo): void {
    const acceptor = this.config.network.holderOf(token.PeerID);
    if (acceptor) return acceptor.acceptSecret(token.PeerID, token.EstablishmentSecret, dialer);
    // The acceptor's servers answer but no longer hold the peering (deleted meanwhile): no secret to match.
    if (this.config.network.datacenter(token.Remote.Datacenter)) throw forbidden(texts.invalidSecret);
    throw internalError(texts.dialFailed(token.ServerAddresses));
  }

  /** Consul's leader routine first deletes the data imported from the peer (rate-limited), then the record. */
  private scheduleRemoval(peeringId: string): void {
    const timer = setTimeout(() => {
      this.pendingRemovals.delete(timer);
      this.store.remove(peeringId);
      this.streams.forget(peeringId);
    }, this.config.settings.deleteDurationMs);
    this.pendingRemovals.add(timer);
  }

  private present(peering: ConsulPeering): PeeringView {
    const now = Date.now();
    return {
      ...peering,
      State: this.streams.stateOf(peering, this.config.settings.activateAfterMs, now),
      StreamStatus: this.streams.statusOf(peering.ID, now),
    };
  }
}

/** Lower-cases, then applies Consul's peer name rule; the error quotes the name as given. */
function validPeerName(raw: string): string {
  const name = raw.toLowerCase();
  if (!VALID_PEER_NAME.test(name)) throw internalError(texts.invalidPeerName(raw));
  return name;
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
