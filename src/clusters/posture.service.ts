import { Injectable } from '@nestjs/common';
import type { Cluster } from './cluster.js';
import { ClusterStore } from './cluster.store.js';
import { GatewayError } from '../common/problem.js';
import { nowIso } from '../common/time.js';
import type { IpsecPolicyRecord } from '../products/ontap/security/ipsec-plan.js';
import { assessKeyManagers } from '../products/ontap/security/key-manager-check.js';
import { type KeyManagerRecord, OntapSecurityClient } from '../products/ontap/security/ontap-security.client.js';
import type { KeyManagerFinding } from '../products/ontap/security/peering-security.js';
import { asGatewayError } from '../products/ontap/security/security-errors.js';

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

export interface OntapPosture {
  cluster: string;
  product: 'ontap';
  checkedAt: string;
  /** The cluster-scope verdict the `requireKeyManager` option uses. */
  dataAtRest: { working: boolean; reason: string | null };
  keyManagers: KeyManagerPosture[];
  ipsecPolicies: IpsecPolicyPosture[];
}

export interface ConsulPosture {
  cluster: string;
  product: 'consul';
  checkedAt: string;
  peeringTraffic: { encryption: 'mtls'; detail: string };
  acls: { enforced: 'presumed' | 'unknown'; tokenConfigured: boolean; detail: string };
}

export type ClusterPosture = OntapPosture | ConsulPosture;

/** What protects a cluster's peering traffic and replicated data, read from the cluster now. */
@Injectable()
export class PostureService {
  constructor(
    private readonly clusters: ClusterStore,
    private readonly security: OntapSecurityClient,
  ) {}

  async posture(id: string): Promise<ClusterPosture> {
    const cluster = await this.clusters.get(id);
    if (!cluster) throw GatewayError.notFound('cluster', id);
    return cluster.product === 'ontap' ? this.ontap(cluster) : consul(cluster);
  }

  private async ontap(cluster: Cluster): Promise<OntapPosture> {
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

/**
 * Consul: peering traffic between servers is mutual TLS by design, nothing to switch on. ACL
 * enforcement is not read from the datacenter; it is presumed where the registration carries a
 * token (a datacenter without ACLs needs none).
 */
function consul(cluster: Cluster): ConsulPosture {
  const tokenConfigured = Boolean(cluster.auth.token);
  return {
    cluster: cluster.id,
    product: 'consul',
    checkedAt: nowIso(),
    peeringTraffic: {
      encryption: 'mtls',
      detail:
        'Cluster peering traffic between Consul servers is mutual TLS by design (the peering token carries the CA and server name); there is nothing to turn on.',
    },
    acls: tokenConfigured
      ? {
          enforced: 'presumed',
          tokenConfigured,
          detail: 'The cluster is registered with an ACL token, so ACLs are presumed enforced; peering needs peering:write / peering:read.',
        }
      : {
          enforced: 'unknown',
          tokenConfigured,
          detail: 'The cluster is registered without an ACL token: ACLs are either disabled or the gateway could not pass them.',
        },
  };
}
