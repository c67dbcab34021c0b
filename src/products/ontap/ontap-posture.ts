import { Injectable } from '@nestjs/common';
import type { Cluster } from '../../domain/cluster.js';
import { GatewayError } from '../../common/problem.js';
import { nowIso } from '../../common/time.js';
import type { PostureReader } from '../product-plugin.js';
import type { IpsecPolicyRecord } from './security/ipsec-plan.js';
import { assessKeyManagers } from './security/key-manager-check.js';
import { type KeyManagerRecord, OntapSecurityClient } from './security/ontap-security.client.js';
import type { KeyManagerFinding } from './security/peering-security.js';
import { asGatewayError } from './security/security-errors.js';

export interface KeyManagerPosture {
  uuid: string;
  type: 'onboard' | 'external';
  scope: 'cluster' | 'svm';
  svm: string | null;
  enabled: boolean;
  /** ONTAP's status (code and message); null when the cluster does not report one. */
  status: { code: number; message: string } | null;
  keyServers?: { server: string; reachable: boolean | null }[];
}

export interface IpsecPolicyPosture {
  uuid: string;
  name: string;
  svm: string | null;
  scope: string | null;
  enabled: boolean;
  action: string | null;
  authenticationMethod: string | null;
  localEndpoint: { address?: string; netmask?: string; port?: string } | null;
  remoteEndpoint: { address?: string; netmask?: string; port?: string } | null;
  protocol: string | null;
}

export interface OntapClusterPosture {
  cluster: string;
  product: 'ontap';
  checkedAt: string;
  /** The cluster-scope verdict the `requireKeyManager` option uses. */
  dataAtRest: { working: boolean; reason: string | null };
  keyManagers: KeyManagerPosture[];
  ipsecPolicies: IpsecPolicyPosture[];
}

/** An ONTAP cluster's key managers and IPsec policies, read now, with the verdict `requireKeyManager` uses. */
@Injectable()
export class OntapPosture implements PostureReader {
  constructor(private readonly security: OntapSecurityClient) {}

  async read(cluster: Cluster): Promise<OntapClusterPosture> {
    let managers: KeyManagerRecord[];
    let policies: IpsecPolicyRecord[];
    try {
      [managers, policies] = await Promise.all([this.security.keyManagers(cluster), this.security.ipsecPolicies(cluster)]);
    } catch (err) {
      throw unreadable(cluster, err) ?? asGatewayError(err);
    }
    try {
      const verdict: KeyManagerFinding = assessKeyManagers(cluster.id, managers);
      return {
        cluster: cluster.id,
        product: 'ontap',
        checkedAt: nowIso(),
        dataAtRest: { working: verdict.working, reason: verdict.reason },
        keyManagers: managers.map(keyManagerPosture),
        ipsecPolicies: policies.map(ipsecPosture),
      };
    } catch (err) {
      throw unreadable(cluster, err) ?? err;
    }
  }
}

/**
 * A 2xx whose body is not the records asked for (empty, not JSON, records of another shape):
 * the cluster's fault, not the caller's, so 502 naming the cluster rather than a 500.
 */
function unreadable(cluster: Cluster, err: unknown): GatewayError | null {
  if (!(err instanceof SyntaxError) && !(err instanceof TypeError)) return null;
  const message = `the answer could not be read as ONTAP records: ${err.message}`;
  return new GatewayError('upstream_invalid', `cluster '${cluster.id}': ${message}`, {
    upstream: { product: 'ontap', cluster: cluster.id, status: null, code: null, message },
  });
}

function keyManagerPosture(km: KeyManagerRecord): KeyManagerPosture {
  const scope = km.scope ?? (km.svm ? 'svm' : 'cluster');
  const base = {
    uuid: km.uuid,
    scope,
    svm: scope === 'svm' ? (km.svm?.name ?? null) : null,
    status: km.status?.code !== undefined ? { code: km.status.code, message: km.status.message ?? '' } : null,
  };
  if (km.onboard) return { ...base, type: 'onboard', enabled: km.onboard.enabled !== false };
  const servers = km.external?.servers ?? [];
  return {
    ...base,
    type: 'external',
    enabled: servers.length > 0,
    keyServers: servers.map((s) => ({ server: s.server, reachable: s.connectivity?.cluster_availability ?? null })),
  };
}

function ipsecPosture(policy: IpsecPolicyRecord): IpsecPolicyPosture {
  const endpoint = (e: IpsecPolicyRecord['local_endpoint']) => (e ? { address: e.address, netmask: e.netmask, ...(e.port ? { port: e.port } : {}) } : null);
  return {
    uuid: policy.uuid,
    name: policy.name,
    svm: policy.svm?.name ?? null,
    scope: policy.scope ?? null,
    enabled: policy.enabled !== false,
    action: policy.action ?? null,
    authenticationMethod: policy.authentication_method ?? null,
    localEndpoint: endpoint(policy.local_endpoint),
    remoteEndpoint: endpoint(policy.remote_endpoint),
    protocol: policy.protocol ?? null,
  };
}
