import { randomInt, randomUUID } from 'node:crypto';
import { ERRORS, type RouteFailureSettings, ontapError } from './errors.js';
import type { InterclusterLif, OntapNetwork } from './network.js';
import type { OntapPeerRecord } from './peer-record.js';
import { SecurityState } from './security/state.js';
import { defaultSvmPeerSettings, type SvmPeerRecord, type SvmPeerSettings } from './svm-peers.js';

/** Run-time behaviour of one simulated cluster, changeable through `PUT /_sim/settings`. */
export interface OntapSimSettings extends RouteFailureSettings {
  /** How long after intercluster LIFs appear a peer create that needs them still fails. */
  routeWindowMs: number;
  /** POST/PATCH/DELETE on peers answer 202 with a job instead of finishing at once. */
  asyncJobs: boolean;
  jobDurationMs: number;
  /** While true, DELETE of a cluster peer fails with 4663070 (ongoing vserver migration). */
  vserverMigrationInProgress: boolean;
}

export interface ClusterVersion {
  full: string;
  generation: number;
  major: number;
  minor: number;
}

/** What a cluster tells its peers about itself. */
export interface ClusterIdentity {
  uuid: string;
  name: string;
  serialNumber: string;
  version: ClusterVersion;
}

/** An IPspace and the broadcast domains in use in it (each IPspace has one of its own name). */
export interface Ipspace {
  name: string;
  uuid: string;
  broadcastDomains: string[];
}

/** The IPspace of cluster ports: always there, and never usable for peering. */
export const CLUSTER_IPSPACE = 'Cluster';
export const DEFAULT_IPSPACE = 'Default';

export interface ClusterConfig {
  name: string;
  nodes: number;
  ipspaces: string[];
  /** "generation.major.minor", e.g. "9.6.0": the effective cluster version (ECV). */
  version: string;
}

/** The state of one simulated ONTAP cluster: identity, configuration, LIFs and peer records. */
export class OntapCluster implements ClusterIdentity {
  readonly uuid = randomUUID();
  readonly serialNumber = `1-80-${String(randomInt(1_000_000)).padStart(6, '0')}`;
  readonly name: string;
  readonly nodes: number;
  readonly version: ClusterVersion;
  readonly ipspaces: Ipspace[];
  /** Peer records by uuid. */
  readonly records = new Map<string, OntapPeerRecord>();
  /** SVMs, certificates, key managers and IPsec policies (sim/ontap/security). */
  readonly security: SecurityState;
  /** SVM peer records by uuid, and how this cluster answers proposals (sim/ontap/svm-peers.ts). */
  readonly svmPeers = new Map<string, SvmPeerRecord>();
  readonly svmPeerSettings: SvmPeerSettings = defaultSvmPeerSettings();

  constructor(
    config: ClusterConfig,
    readonly settings: OntapSimSettings,
    readonly network: OntapNetwork,
  ) {
    this.name = config.name;
    this.nodes = config.nodes;
    this.version = parseVersion(config.version);
    const names = new Set([DEFAULT_IPSPACE, CLUSTER_IPSPACE, ...config.ipspaces]);
    this.ipspaces = [...names].map((name) => ({ name, uuid: randomUUID(), broadcastDomains: [name] }));
    this.security = new SecurityState(this);
  }

  identity(): ClusterIdentity {
    return { uuid: this.uuid, name: this.name, serialNumber: this.serialNumber, version: this.version };
  }

  /** Encryption of peer traffic needs an ECV of 9.6.0 or later. */
  get supportsEncryption(): boolean {
    return this.version.generation > 9 || (this.version.generation === 9 && this.version.major >= 6);
  }

  ipspaceByName(name: string): Ipspace | undefined {
    return this.ipspaces.find((ipspace) => ipspace.name === name);
  }

  ipspaceByUuid(uuid: string): Ipspace | undefined {
    return this.ipspaces.find((ipspace) => ipspace.uuid === uuid);
  }

  /** Intercluster LIFs, all or those of one IPspace. */
  lifs(ipspace?: string): InterclusterLif[] {
    return this.network.lifsOf(this).filter((lif) => ipspace === undefined || lif.ipspace === ipspace);
  }

  /** Creates intercluster LIFs (those it has already are kept as they are); another cluster's address is refused. */
  addLifs(addresses: string[], ipspace: string, createdAt: number): void {
    const taken = addresses.find((address) => (this.network.owner(address) ?? this) !== this);
    if (taken) throw ontapError(ERRORS.addressInUse, { target: 'local_network.interfaces', detail: `${taken} is in use on another cluster.` });
    for (const address of addresses) this.network.addLif(this, address, ipspace, createdAt);
  }

  /** The record of the relationship with the given cluster; there is at most one. */
  recordTowards(clusterUuid: string): OntapPeerRecord | undefined {
    return [...this.records.values()].find((record) => record.remoteCluster?.uuid === clusterUuid);
  }
}

function parseVersion(text: string): ClusterVersion {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (!m) throw new Error(`cluster version must look like 9.6.0, got "${text}"`);
  return { full: `NetApp Release ${text}: simulated`, generation: Number(m[1]), major: Number(m[2]), minor: Number(m[3]) };
}
