import { Injectable } from '@nestjs/common';
import type { Cluster } from '../../../domain/cluster.js';
import { OntapAdapter } from '../ontap.adapter.js';
import { OntapRestClient } from '../ontap-rest-client.js';

/** The fields of an SVM peer record the gateway reads. */
export interface SvmPeerRecord {
  uuid: string;
  svm: { name: string };
  peer: { svm: { name: string }; cluster: { name: string } };
  applications?: string[];
  state: string;
}

const FIELDS = 'uuid,svm.name,peer.svm.name,peer.cluster.name,applications,state';

/**
 * ONTAP's `/api/svm/peers` over the plugin's REST client (basic auth, the per-cluster bound,
 * collections read by pages, jobs followed); the cluster-peer records through the adapter.
 */
@Injectable()
export class SvmPeersClient {
  constructor(
    private readonly rest: OntapRestClient,
    private readonly ontap: OntapAdapter,
  ) {}

  /** The relationship of `svm` with `peerSvm` on `peerCluster`, as this cluster holds it; null when there is none. */
  async find(cluster: Cluster, svm: string, peerSvm: string, peerCluster?: string): Promise<SvmPeerRecord | null> {
    const records = await this.rest.collection<SvmPeerRecord>(cluster, '/svm/peers', {
      'svm.name': svm,
      'peer.svm.name': peerSvm,
      ...(peerCluster ? { 'peer.cluster.name': peerCluster } : {}),
      fields: FIELDS,
    });
    return records.find((r) => r.svm.name === svm && r.peer.svm.name === peerSvm && (!peerCluster || r.peer.cluster.name === peerCluster)) ?? null;
  }

  /** A data SVM by name; false when the cluster has none of that name. */
  async svmExists(cluster: Cluster, name: string): Promise<boolean> {
    const records = await this.rest.collection<{ name: string }>(cluster, '/svm/svms', { name, fields: 'name' });
    return records.some((svm) => svm.name === name);
  }

  /** The name the cluster knows its peer by (from its cluster-peer record), for `peer.cluster.name`. */
  async peerClusterName(cluster: Cluster, clusterPeerUuid: string): Promise<string | null> {
    const record = (await this.ontap.list(cluster)).find((r) => r.uuid === clusterPeerUuid);
    return record?.remote?.name ?? null;
  }

  async create(cluster: Cluster, svm: string, peerSvm: string, peerCluster: string, applications: string[]): Promise<void> {
    await this.rest.call(cluster, {
      method: 'POST',
      path: '/svm/peers',
      query: { return_timeout: '10' },
      json: { svm: { name: svm }, peer: { svm: { name: peerSvm }, cluster: { name: peerCluster } }, applications },
    });
  }

  async patch(cluster: Cluster, uuid: string, body: { state?: string; applications?: string[] }): Promise<void> {
    await this.rest.call(cluster, { method: 'PATCH', path: `/svm/peers/${uuid}`, query: { return_timeout: '10' }, json: body });
  }

  /** A relationship already gone counts as deleted. */
  async remove(cluster: Cluster, uuid: string): Promise<void> {
    await this.rest.call(cluster, { method: 'DELETE', path: `/svm/peers/${uuid}`, query: { return_timeout: '10' } }, { allowNotFound: true });
  }
}
