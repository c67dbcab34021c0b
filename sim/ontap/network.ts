import type { OntapCluster } from './cluster.js';

/** An intercluster LIF: the address other clusters peer with, and when it appeared. */
export interface InterclusterLif {
  address: string;
  ipspace: string;
  /** Epoch ms; the route-propagation window of its cluster starts here. */
  createdAt: number;
  cluster: OntapCluster;
}

/**
 * The in-process stand-in for the network between simulated ONTAP clusters: which cluster owns
 * which intercluster address, and since when. Nothing is ever dialled; a create "reaches" the
 * remote addresses by looking them up here.
 */
export class OntapNetwork {
  private readonly clusters = new Map<string, OntapCluster>();
  private readonly lifs = new Map<string, InterclusterLif>();

  attach(cluster: OntapCluster): void {
    this.clusters.set(cluster.uuid, cluster);
  }

  /** A stopped cluster and its addresses disappear: its peers then read it as unavailable. */
  detach(cluster: OntapCluster): void {
    this.clusters.delete(cluster.uuid);
    for (const lif of this.lifsOf(cluster)) this.lifs.delete(lif.address);
  }

  cluster(uuid: string): OntapCluster | undefined {
    return this.clusters.get(uuid);
  }

  owner(address: string): OntapCluster | undefined {
    return this.lifs.get(address)?.cluster;
  }

  lif(address: string): InterclusterLif | undefined {
    return this.lifs.get(address);
  }

  lifsOf(cluster: OntapCluster): InterclusterLif[] {
    return [...this.lifs.values()].filter((lif) => lif.cluster === cluster);
  }

  /**
   * Adds a LIF the caller checked is not another cluster's. One the cluster already has keeps its
   * age, so a retried create is not held back again.
   */
  addLif(cluster: OntapCluster, address: string, ipspace: string, createdAt: number): void {
    if (!this.lifs.has(address)) this.lifs.set(address, { address, ipspace, createdAt, cluster });
  }

  /** True while the LIF's routes are not yet visible outside its cluster (NetApp's cluster-peers reference: 1-5 s in reality). */
  routesPropagating(lif: InterclusterLif, now: number): boolean {
    return now - lif.createdAt < lif.cluster.settings.routeWindowMs;
  }
}
