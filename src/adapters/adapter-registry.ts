import { Injectable } from '@nestjs/common';
import type { Product } from '../clusters/cluster';
import { ConsulAdapter } from './consul/consul.adapter';
import { OntapAdapter } from './ontap/ontap.adapter';
import type { PeeringAdapter } from './port';

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
