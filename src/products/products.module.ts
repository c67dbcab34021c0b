import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { productPlugins } from './index.js';
import { ProductRegistry } from './product-registry.js';

/** The registered products' providers (adapters, hooks, posture readers) and the registry that hands them out. */
@Module({})
export class ProductsModule {
  static forRoot(): DynamicModule {
    const providers = new Set<Provider>();
    for (const plugin of productPlugins()) {
      for (const type of [plugin.adapter, ...(plugin.providers ?? []), ...(plugin.extensions ?? []), plugin.posture]) providers.add(type);
      if (plugin.planChecks) providers.add(plugin.planChecks);
    }
    // Global: the use cases, the handshake and the drift sweep all ask the registry.
    return { module: ProductsModule, global: true, providers: [...providers, ProductRegistry], exports: [ProductRegistry] };
  }
}
