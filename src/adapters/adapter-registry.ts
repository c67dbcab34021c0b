import { Injectable } from '@nestjs/common';
import type { Product } from '../clusters/cluster';
import { GatewayError } from '../common/problem';
import { ConsulAdapter } from './consul/consul.adapter';
import type { PeeringAdapter } from './port';

@Injectable()
export class AdapterRegistry {
  private readonly adapters: Partial<Record<Product, PeeringAdapter>>;

  constructor(consul: ConsulAdapter) {
    this.adapters = { consul };
  }

  for(product: Product): PeeringAdapter {
    const adapter = this.adapters[product];
    if (!adapter) throw new GatewayError('validation_failed', `product '${product}' is not supported yet`);
    return adapter;
  }
}
