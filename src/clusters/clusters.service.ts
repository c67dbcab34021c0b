import { Injectable } from '@nestjs/common';
import { RefusedUrlError } from '../common/address-policy.js';
import { type FieldError, GatewayError } from '../common/problem.js';
import { nowIso } from '../common/time.js';
import { type Cluster, toClusterView, type ClusterView } from '../domain/cluster.js';
import { CreateClusterDto } from './cluster.dto.js';
import { ClusterStore } from '../stores/cluster.store.js';
import { productIds, productPlugin } from '../products/index.js';
import { ClusterEndpointPolicy } from '../transport/endpoint-policy.js';

/** The product's rules for a registration, and its facts with defaults; another product's block is refused. */
export function productFacts(input: CreateClusterDto): { errors: FieldError[]; facts?: unknown } {
  const plugin = productPlugin(input.product)!;
  const body = input as unknown as Record<string, unknown>;
  const options = Object.fromEntries(productIds().flatMap((id) => (body[id] !== undefined ? [[id, body[id]]] : [])));
  const foreign = productIds()
    .filter((id) => id !== plugin.id && options[id] !== undefined)
    .map((id) => ({ field: id, message: `is only for ${productPlugin(id)!.title} clusters` }));
  const own = plugin.registerCluster({ auth: input.auth, options });
  return { errors: [...own.errors, ...foreign], facts: own.facts };
}

@Injectable()
export class ClustersService {
  constructor(
    private readonly store: ClusterStore,
    private readonly policy: ClusterEndpointPolicy,
  ) {}

  toCluster(input: CreateClusterDto, source: Cluster['source'], existing?: Cluster | null): Cluster {
    const { errors, facts } = productFacts(input);
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
      ...(input.allowedTeams ? { allowedTeams: [...input.allowedTeams] } : {}),
      ...(input.approval ? { approval: { required: input.approval.required, approverTeams: [...input.approval.approverTeams] } } : {}),
      ...(facts !== undefined ? { [input.product]: facts } : {}),
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
