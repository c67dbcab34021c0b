import type { NativeSide } from '../products/port.js';
import type { Cluster } from '../clusters/cluster.js';
import type { Peering } from '../peerings/peering.js';
import type { OperationRun } from './operation-run.js';

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
  /**
   * In the worker, once both sides are healthy, before the peering is marked ACTIVE; `sides` are
   * the records just read (local first), so an extension need not read them again.
   */
  afterEstablished?(run: OperationRun, peering: Peering, clusters: PeeringClusters, sides: NativeSide[]): Promise<void>;
  /** In the worker, before the sides are removed. */
  beforeTeardown?(run: OperationRun, peering: Peering, clusters: PeeringClusters): Promise<void>;
}

/** Nest injection token for the list of extensions (a factory provider collects them). */
export const HANDSHAKE_EXTENSIONS = Symbol('HANDSHAKE_EXTENSIONS');
