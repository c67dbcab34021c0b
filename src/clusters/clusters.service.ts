import { Injectable } from '@nestjs/common';
import { RefusedUrlError } from '../common/address-policy.js';
import { type FieldError, GatewayError } from '../common/problem.js';
import { nowIso } from '../common/time.js';
import { type Cluster, toClusterView, type ClusterView } from './cluster.js';
import { CreateClusterDto } from './cluster.dto.js';
import { ClusterStore } from './cluster.store.js';
import { ClusterEndpointPolicy } from './endpoint-policy.js';

/** The rules that depend on the product, beyond what the DTO can say. */
export function productRules(input: CreateClusterDto): FieldError[] {
  const errors: FieldError[] = [];
  if (input.product === 'ontap') {
    if (!input.auth.username) errors.push({ field: 'auth.username', message: 'is required for ONTAP (HTTP basic auth)' });
    if (!input.auth.password) errors.push({ field: 'auth.password', message: 'is required for ONTAP (HTTP basic auth)' });
    if (!input.ontap) errors.push({ field: 'ontap', message: 'is required for ONTAP: interclusterAddresses' });
    if (input.consul) errors.push({ field: 'consul', message: 'is only for Consul clusters' });
  } else {
    if (input.ontap) errors.push({ field: 'ontap', message: 'is only for ONTAP clusters' });
    if (input.auth.password) errors.push({ field: 'auth.password', message: 'is not used by Consul; send auth.token' });
  }
  return errors;
}

@Injectable()
export class ClustersService {
  constructor(
    private readonly store: ClusterStore,
    private readonly policy: ClusterEndpointPolicy,
  ) {}

  toCluster(input: CreateClusterDto, source: Cluster['source'], existing?: Cluster | null): Cluster {
    const errors = productRules(input);
    const endpointError = this.endpointRule(() => this.policy.parse(input.endpoint));
    if (endpointError) errors.unshift(endpointError);
    if (errors.length) throw new GatewayError('validation_failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
    const now = nowIso();
    return {
      id: input.id,
      product: input.product,
      endpoint: input.endpoint.replace(/\/$/, ''),
      auth: { username: input.auth.username, password: input.auth.password, token: input.auth.token },
      tls: input.tls?.caPem ? { caPem: input.tls.caPem } : undefined,
      ontap: input.ontap ? { interclusterAddresses: input.ontap.interclusterAddresses, ipspace: input.ontap.ipspace ?? 'Default' } : undefined,
      consul:
        input.product === 'consul'
          ? {
              partition: input.consul?.partition ?? 'default',
              datacenter: input.consul?.datacenter,
              serverExternalAddresses: input.consul?.serverExternalAddresses ?? [],
            }
          : undefined,
      source,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
  }

  /** The endpoint policy's refusal as a field error (never echoing the URL: it may hold credentials). */
  private endpointRule(check: () => unknown): FieldError | null {
    try {
      check();
      return null;
    } catch (err) {
      if (err instanceof RefusedUrlError) return { field: 'endpoint', message: err.message };
      throw err;
    }
  }

  async create(input: CreateClusterDto): Promise<ClusterView> {
    const cluster = this.toCluster(input, 'api');
    // The name's addresses now as well (every connection checks them again).
    try {
      await this.policy.vet(cluster.endpoint, 'allow');
    } catch (err) {
      if (err instanceof RefusedUrlError) throw GatewayError.validation('endpoint', err.message);
      throw err;
    }
    if (await this.store.get(cluster.id)) throw new GatewayError('conflict', `cluster '${cluster.id}' is already registered`);
    await this.store.save(cluster);
    return toClusterView(cluster);
  }

  /** Registers or refreshes a cluster from the start-up file or the sandbox. */
  async upsert(input: CreateClusterDto, source: Cluster['source']): Promise<Cluster> {
    const cluster = this.toCluster(input, source, await this.store.get(input.id));
    await this.store.save(cluster);
    return cluster;
  }

  async get(id: string): Promise<ClusterView> {
    const cluster = await this.store.get(id);
    if (!cluster) throw GatewayError.notFound('cluster', id);
    return toClusterView(cluster);
  }

  async list(): Promise<ClusterView[]> {
    return (await this.store.list()).map(toClusterView);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.store.get(id))) throw GatewayError.notFound('cluster', id);
    if (!(await this.store.removeIfUnused(id))) {
      const users = await this.store.usage(id);
      throw new GatewayError('conflict', `cluster '${id}' is used by ${users.length} peering(s): ${users.slice(0, 5).join(', ')}; delete them first`);
    }
  }
}
