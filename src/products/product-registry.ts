import { Injectable } from '@nestjs/common';
import type { Product } from '../clusters/cluster.js';
import { ConsulAdapter } from './consul/consul.adapter.js';
import { OntapAdapter } from './ontap/ontap.adapter.js';
import type { PeeringAdapter } from './port.js';

@Injectable()
export class AdapterRegistry {
  private readonly adapters: Record<Product, PeeringAdapter>;

  constructor(consul: ConsulAdapter, ontap: OntapAdapter) {
    this.adapters = { consul, ontap };
  }

  for(product: Product): PeeringAdapter {
    return this.adapters[product];
  }
}
