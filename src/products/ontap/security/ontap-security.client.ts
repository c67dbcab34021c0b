import { Injectable } from '@nestjs/common';
import type { HttpAnswer, HttpCall } from '../../../transport/cluster-http.js';
import { OntapRestClient } from '../ontap-rest-client.js';
import type { Cluster } from '../../../domain/cluster.js';
import { IPSEC_RECORD_FIELDS, type IpsecPolicyRecord } from './ipsec-plan.js';
import { classifySecurityError } from './security-errors.js';

/** A key manager as the gateway reads it (NetApp's key-managers reference); `key_backup` is never asked for. */
export interface KeyManagerRecord {
  uuid: string;
  scope?: 'cluster' | 'svm';
  svm?: { name?: string; uuid?: string };
  onboard?: { enabled?: boolean };
  external?: { servers?: { server: string; connectivity?: { cluster_availability?: boolean } }[] };
  status?: { code?: number; message?: string };
}

/** The expensive `status` and `connectivity` come only when named (NetApp's key-managers reference, "Expensive properties"). */
const KEY_MANAGER_FIELDS = 'scope,svm,onboard.enabled,external.servers.server,external.servers.connectivity,status.code,status.message';

/**
 * ONTAP's security APIs over the plugin's REST client (basic auth, the per-cluster bound and
 * breaker, collections read by pages, jobs followed), with failures read by the security code table.
 */
@Injectable()
export class OntapSecurityClient {
  constructor(private readonly rest: OntapRestClient) {}

  keyManagers(cluster: Cluster): Promise<KeyManagerRecord[]> {
    return this.listAll<KeyManagerRecord>(cluster, '/security/key-managers', { fields: KEY_MANAGER_FIELDS });
  }

  ipsecPolicies(cluster: Cluster, filter: Record<string, string> = {}): Promise<IpsecPolicyRecord[]> {
    return this.listAll<IpsecPolicyRecord>(cluster, '/security/ipsec/policies', { ...filter, fields: IPSEC_RECORD_FIELDS });
  }

  /** A data SVM by name (/api/svm/svms lists data SVMs only); null when the cluster has none of that name. */
  async dataSvm(cluster: Cluster, name: string): Promise<{ uuid: string; name: string } | null> {
    const records = await this.listAll<{ uuid: string; name: string }>(cluster, '/svm/svms', { name, fields: 'name' });
    return records.find((svm) => svm.name === name) ?? null;
  }

  /** Creates a policy and returns its uuid. The body carries the pre-shared key: it is sent, never kept or logged. */
  async createIpsecPolicy(cluster: Cluster, body: Record<string, unknown>): Promise<string> {
    const answer = await this.call(cluster, { method: 'POST', path: '/security/ipsec/policies', query: { return_records: 'true' }, json: body });
    const records = (JSON.parse(answer.text || '{}') as { records?: { uuid?: string }[] }).records;
    const location = answer.headers.location;
    const uuid = records?.[0]?.uuid ?? (typeof location === 'string' ? location.split('/').pop() : undefined);
    if (uuid) return uuid;
    // An answer without the record: find it by its name in its SVM.
    const svm = (body.svm as { name: string }).name;
    const [found] = await this.ipsecPolicies(cluster, { name: String(body.name), 'svm.name': svm });
    if (!found) throw new Error(`the IPsec policy ${String(body.name)} was created on ${cluster.id} but cannot be found`);
    return found.uuid;
  }

  /** A policy already gone counts as deleted. */
  async deleteIpsecPolicy(cluster: Cluster, uuid: string): Promise<void> {
    await this.call(cluster, { method: 'DELETE', path: `/security/ipsec/policies/${uuid}` }, true);
  }

  private async listAll<T>(cluster: Cluster, path: string, query: Record<string, string>): Promise<T[]> {
    try {
      return await this.rest.collection<T>(cluster, path, query);
    } catch (err) {
      throw classifySecurityError(err);
    }
  }

  private async call(cluster: Cluster, call: HttpCall, allowNotFound = false): Promise<HttpAnswer> {
    try {
      return await this.rest.call(cluster, call, { allowNotFound });
    } catch (err) {
      throw classifySecurityError(err);
    }
  }
}
