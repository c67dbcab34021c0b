import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { PeeringStore } from '../stores/peering.store.js';
import { StoresModule } from '../stores/stores.module.js';
import { productPlugins } from './index.js';
import { PeeringRecords } from './port.js';
import { ProductRegistry } from './product-registry.js';

/**
 * The registered products' providers (adapters, hooks, posture readers), the registry that hands
 * them out, and the one port of the stores their extensions get (PeeringRecords).
 */
@Module({})
export class ProductsModule {
  static forRoot(): DynamicModule {
    const providers = new Set<Provider>();
    for (const plugin of productPlugins()) {
      for (const type of [plugin.adapter, ...(plugin.providers ?? []), ...(plugin.extensions ?? []), plugin.posture]) providers.add(type);
      if (plugin.planChecks) providers.add(plugin.planChecks);
    }
    // Global: the use cases, the handshake and the drift sweep all ask the registry.
    return {
      module: ProductsModule,
      global: true,
      imports: [StoresModule],
      providers: [...providers, ProductRegistry, { provide: PeeringRecords, useExisting: PeeringStore }],
      exports: [ProductRegistry],
    };
  }
}
