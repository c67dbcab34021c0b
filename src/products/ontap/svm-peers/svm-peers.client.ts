import { Injectable } from '@nestjs/common';
import type { Cluster } from '../../../clusters/cluster.js';
import { OntapAdapter } from '../ontap.adapter.js';

/** The fields of an SVM peer record the gateway reads. */
export interface SvmPeerRecord {
  uuid: string;
  svm: { name: string };
  peer: { svm: { name: string }; cluster: { name: string } };
  applications?: string[];
  state: string;
}

const FIELDS = 'uuid,svm.name,peer.svm.name,peer.cluster.name,applications,state';

/** ONTAP's `/api/svm/peers` over the adapter's calls (basic auth, the per-cluster bound, jobs followed). */
@Injectable()
export class SvmPeersClient {
  constructor(private readonly ontap: OntapAdapter) {}

  /** The relationship of `svm` with `peerSvm` on `peerCluster`, as this cluster holds it; null when there is none. */
  async find(cluster: Cluster, svm: string, peerSvm: string, peerCluster?: string): Promise<SvmPeerRecord | null> {
    const answer = await this.ontap.call(cluster, {
      method: 'GET',
      path: '/svm/peers',
      query: { 'svm.name': svm, 'peer.svm.name': peerSvm, ...(peerCluster ? { 'peer.cluster.name': peerCluster } : {}), fields: FIELDS },
    });
    const records = (JSON.parse(answer.text) as { records?: SvmPeerRecord[] }).records ?? [];
    return records.find((r) => r.svm.name === svm && r.peer.svm.name === peerSvm && (!peerCluster || r.peer.cluster.name === peerCluster)) ?? null;
  }

  /** A data SVM by name; false when the cluster has none of that name. */
  async svmExists(cluster: Cluster, name: string): Promise<boolean> {
    const answer = await this.ontap.call(cluster, { method: 'GET', path: '/svm/svms', query: { name, fields: 'name' } });
    return ((JSON.parse(answer.text) as { records?: { name: string }[] }).records ?? []).some((svm) => svm.name === name);
  }

  /** The name the cluster knows its peer by (from its cluster-peer record), for `peer.cluster.name`. */
  async peerClusterName(cluster: Cluster, clusterPeerUuid: string): Promise<string | null> {
    const record = (await this.ontap.list(cluster)).find((r) => r.uuid === clusterPeerUuid);
    return record?.remote?.name ?? null;
  }

  async create(cluster: Cluster, svm: string, peerSvm: string, peerCluster: string, applications: string[]): Promise<void> {
    await this.ontap.call(cluster, {
      method: 'POST',
      path: '/svm/peers',
      query: { return_timeout: '10' },
      json: { svm: { name: svm }, peer: { svm: { name: peerSvm }, cluster: { name: peerCluster } }, applications },
    });
  }

  async patch(cluster: Cluster, uuid: string, body: { state?: string; applications?: string[] }): Promise<void> {
    await this.ontap.call(cluster, { method: 'PATCH', path: `/svm/peers/${uuid}`, query: { return_timeout: '10' }, json: body });
  }

  /** A relationship already gone counts as deleted. */
  async remove(cluster: Cluster, uuid: string): Promise<void> {
    await this.ontap.call(cluster, { method: 'DELETE', path: `/svm/peers/${uuid}`, query: { return_timeout: '10' } }, true);
  }
}
