/** States a peering record is stored in. ACTIVE and FAILING are never stored: see StreamTracker. */
export type StoredPeeringState = 'PENDING' | 'ESTABLISHING' | 'DELETING' | 'TERMINATED';
export type PeeringState = StoredPeeringState | 'ACTIVE' | 'FAILING';

export interface PeeringRemote {
  Partition: string;
  Datacenter: string;
}

/** A peering as the simulated state store holds it (the parts of Consul's pbpeering.Peering the sim models). */
export interface ConsulPeering {
  ID: string;
  /** Always lower-case: Consul stores and looks up peer names lower-cased. */
  Name: string;
  Partition: string;
  State: StoredPeeringState;
  /** ID of the acceptor's record, on the dialer only ("" on an acceptor: Consul never stores it there). */
  PeerID: string;
  PeerServerName: string;
  /** Non-empty exactly for the dialing side (Consul's Peering.ShouldDial). */
  PeerServerAddresses: string[];
  Remote: PeeringRemote;
  Meta: Record<string, string>;
  /** RFC 3339 (Go's time.Time JSON), set when the peering is marked for deletion. */
  DeletedAt?: string;
  CreateIndex: number;
  ModifyIndex: number;
}

export type PeeringWrite = Omit<ConsulPeering, 'CreateIndex' | 'ModifyIndex'>;

export function isDialer(peering: ConsulPeering): boolean {
  return peering.PeerServerAddresses.length > 0;
}

/**
 * One datacenter's peering table: records keyed by (partition, name), the raft-like index every
 * stored change bumps, the acceptors' unused establishment secrets, and the blocking queries
 * waiting for the index to move.
 */
export class PeeringStore {
  /** A fresh cluster has applied raft entries before any peering, so no read reports index 0. */
  private lastIndex = 1;
  /** Stored records are frozen: a read hands them out without a copy, a write replaces them. */
  private readonly records = new Map<string, Readonly<ConsulPeering>>();
  /** Record ID -> its (partition, name) key, like the ID index of Consul's peering table. */
  private readonly keysById = new Map<string, string>();
  /** The keys in byte order, kept until a record is added or removed (a rewrite keeps the order). */
  private sortedKeys: string[] | undefined;
  /** The records in that order, kept until any write. */
  private sorted: Readonly<ConsulPeering>[] | undefined;
  /** Index of the last change per partition: what a list, or a read of a missing name, reports. */
  private readonly partitionIndexes = new Map<string, number>();
  private readonly establishmentSecrets = new Map<string, string>();
  private readonly watchers = new Set<() => void>();
  private closed = false;

  get(partition: string, name: string): ConsulPeering | undefined {
    return copy(this.records.get(keyOf(partition, name)));
  }

  getById(id: string): ConsulPeering | undefined {
    return copy(this.peekById(id));
  }

  /** The stored record itself (frozen), for reads that change nothing. */
  peekById(id: string): Readonly<ConsulPeering> | undefined {
    const key = this.keysById.get(id);
    return key === undefined ? undefined : this.records.get(key);
  }

  /** Records in the byte order of their (partition, name) key, like Consul's name index; all partitions when none is given. */
  list(partition?: string): ConsulPeering[] {
    return this.view(partition).map((peering) => structuredClone(peering));
  }

  /** What `list` returns, as the stored (frozen) records themselves: for reads that change nothing. */
  view(partition?: string): readonly Readonly<ConsulPeering>[] {
    this.sortedKeys ??= [...this.records.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.sorted ??= this.sortedKeys.map((key) => this.records.get(key)!);
    return partition === undefined ? this.sorted : this.sorted.filter((peering) => peering.Partition === partition);
  }

  /** Index a read of one name reports: the record's ModifyIndex, or the partition's if it is missing. */
  readIndex(partition: string, name: string): number {
    return this.records.get(keyOf(partition, name))?.ModifyIndex ?? this.listIndex(partition);
  }

  listIndex(partition: string): number {
    return this.partitionIndexes.get(partition) ?? 1;
  }

  /** Creates or replaces the record under (Partition, Name); keeps CreateIndex, bumps ModifyIndex. */
  write(peering: PeeringWrite): ConsulPeering {
    const key = keyOf(peering.Partition, peering.Name);
    const index = ++this.lastIndex;
    const previous = this.records.get(key);
    const stored: ConsulPeering = {
      ...structuredClone(peering),
      CreateIndex: previous?.CreateIndex ?? index,
      ModifyIndex: index,
    };
    this.sorted = undefined;
    if (!previous) this.sortedKeys = undefined;
    else if (previous.ID !== stored.ID) this.keysById.delete(previous.ID);
    this.records.set(key, deepFreeze(stored));
    this.keysById.set(stored.ID, key);
    this.changed(peering.Partition, index);
    return structuredClone(stored);
  }

  remove(id: string): void {
    const key = this.keysById.get(id);
    const peering = key === undefined ? undefined : this.records.get(key);
    if (key === undefined || !peering) return;
    this.records.delete(key);
    this.keysById.delete(id);
    this.sortedKeys = undefined;
    this.sorted = undefined;
    this.establishmentSecrets.delete(id);
    this.changed(peering.Partition, ++this.lastIndex);
  }

  /** Secrets live beside the records, as in Consul's peering-secrets table; they bump no index. */
  setEstablishmentSecret(peeringId: string, secret: string): void {
    this.establishmentSecrets.set(peeringId, secret);
  }

  establishmentSecret(peeringId: string): string | undefined {
    return this.establishmentSecrets.get(peeringId);
  }

  clearEstablishmentSecret(peeringId: string): void {
    this.establishmentSecrets.delete(peeringId);
  }

  /**
   * Resolves once `currentIndex()` exceeds `minIndex` after a stored change, when `waitMs` has
   * passed, or when the store closes, whichever comes first. The caller then reads normally.
   */
  waitForIndex(currentIndex: () => number, minIndex: number, waitMs: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        this.watchers.delete(check);
        resolve();
      };
      const check = () => {
        if (this.closed || currentIndex() > minIndex) release();
      };
      const timer = setTimeout(release, waitMs);
      this.watchers.add(check);
    });
  }

  /** Releases every waiting blocking query so no request and no timer outlives the simulator. */
  close(): void {
    this.closed = true;
    this.notifyWatchers();
  }

  private changed(partition: string, index: number): void {
    this.partitionIndexes.set(partition, index);
    this.notifyWatchers();
  }

  private notifyWatchers(): void {
    for (const check of [...this.watchers]) check();
  }
}

function keyOf(partition: string, name: string): string {
  return `${partition}\u0000${name}`;
}

function copy(peering: Readonly<ConsulPeering> | undefined): ConsulPeering | undefined {
  return peering && structuredClone(peering);
}

function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) if (inner && typeof inner === 'object') deepFreeze(inner as object);
  return Object.freeze(value);
}
