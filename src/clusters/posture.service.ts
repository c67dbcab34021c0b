import { Injectable } from '@nestjs/common';
import { GatewayError } from '../common/problem.js';
import type { ClusterPosture } from '../products/product-plugin.js';
import { ProductRegistry } from '../products/product-registry.js';
import { ClusterStore } from '../stores/cluster.store.js';

/** What protects a cluster's peering traffic and replicated data, read from the cluster now by its product. */
@Injectable()
export class PostureService {
  constructor(
    private readonly clusters: ClusterStore,
    private readonly products: ProductRegistry,
  ) {}

  async posture(id: string): Promise<ClusterPosture> {
    const cluster = await this.clusters.get(id);
    if (!cluster) throw GatewayError.notFound('cluster', id);
    return this.products.for(cluster.product).posture.read(cluster);
  }
}
