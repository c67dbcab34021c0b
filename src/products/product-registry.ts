import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { GatewayError } from '../common/problem.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import type { HandshakeExtension } from './handshake-extension.js';
import { productPlugins } from './index.js';
import type { PlanChecks, PostureReader, ProductPlugin } from './product-plugin.js';
import type { PeeringAdapter } from './port.js';

/** A product's plugin with its Nest providers resolved. */
export interface RegisteredProduct {
  plugin: ProductPlugin;
  adapter: PeeringAdapter;
  extensions: HandshakeExtension[];
  posture: PostureReader;
  planChecks?: PlanChecks;
}

/**
 * Hands the product-neutral code the plugin of a product: its adapter, rules, locks, hooks and
 * posture. The plugins are the ones registered in src/products/index.ts.
 */
@Injectable()
export class ProductRegistry implements OnModuleInit {
  private readonly products = new Map<string, RegisteredProduct>();

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onModuleInit(): void {
    for (const plugin of productPlugins()) {
      // Each setting once now, so that a bad value stops the start rather than the first call that reads it.
      for (const setting of plugin.settings ?? []) this.config.setting(setting);
      const get = <T>(type: new (...args: never[]) => T): T => this.moduleRef.get(type, { strict: false });
      this.products.set(plugin.id, {
        plugin,
        adapter: get(plugin.adapter),
        extensions: (plugin.extensions ?? []).map(get),
        posture: get(plugin.posture),
        ...(plugin.planChecks && { planChecks: get(plugin.planChecks) }),
      });
    }
  }

  /** The product of a stored cluster or peering: always registered (registration refuses unknown products). */
  for(product: string): RegisteredProduct {
    const registered = this.products.get(product);
    if (!registered) throw new GatewayError('internal_error', `product '${product}' is not registered in this gateway`);
    return registered;
  }

  adapter(product: string): PeeringAdapter {
    return this.for(product).adapter;
  }

  all(): RegisteredProduct[] {
    return [...this.products.values()];
  }
}
