import type { NativeSide } from './port.js';
import type { Cluster } from '../domain/cluster.js';
import type { Peering } from '../domain/peering.js';

/** The steps of the running operation: each hook's work is recorded as a named step. */
export interface StepRunner {
  step<T>(name: string, work: () => Promise<T>, describe?: (result: T) => string | undefined): Promise<T>;
}

/** The clusters of a peering, resolved: the remote one is absent for external peers. */
export interface PeeringClusters {
  local: Cluster;
  remote?: Cluster;
}

/**
 * Work that belongs to a peering beyond the peer relationship itself (ONTAP key-manager checks,
 * IPsec policies), plugged around the handshake so the handshake stays about the pair.
 * Every hook must be safe to run again (operations are retried and may be cut off).
 */
export interface HandshakeExtension {
  /** In the API, before anything is written or sent: throw a GatewayError to refuse the request. */
  precheck?(peering: Peering, clusters: PeeringClusters): Promise<void>;
  /** In the API, before an update that changes the peering's parts is written: `next` is the peering as it will be. */
  precheckUpdate?(next: Peering, clusters: PeeringClusters): Promise<void>;
  /**
   * In the worker, once both sides are healthy, before the peering is marked ACTIVE; `sides` are
   * the records just read (local first), so an extension need not read them again.
   */
  afterEstablished?(run: StepRunner, peering: Peering, clusters: PeeringClusters, sides: NativeSide[]): Promise<void>;
  /** In the worker, before the sides are removed. */
  beforeTeardown?(run: StepRunner, peering: Peering, clusters: PeeringClusters): Promise<void>;
}

export { PART_STATES, type PartState, type PeeringPartChange } from '../domain/domain-events.js';
