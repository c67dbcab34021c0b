import { consulPlugin } from './consul/consul.plugin.js';
import { ontapPlugin } from './ontap/ontap.plugin.js';
import type { ProductPlugin } from './product-plugin.js';

/** The registration: every product the gateway speaks. A new product adds its plugin here. */
const registered: ProductPlugin[] = [ontapPlugin, consulPlugin];

const listeners: ((plugin: ProductPlugin) => void)[] = [];

export function productPlugins(): readonly ProductPlugin[] {
  return registered;
}

/** Applies `apply` to every registered product, now and to those registered later. */
export function forEachProduct(apply: (plugin: ProductPlugin) => void): void {
  for (const plugin of registered) apply(plugin);
  listeners.push(apply);
}

export function productIds(): string[] {
  return registered.map((p) => p.id);
}

export function productPlugin(id: string): ProductPlugin | undefined {
  return registered.find((p) => p.id === id);
}

/**
 * Registers a further product before the gateway starts (a test's product, an extension built
 * outside this repository): the same as a line in the list above.
 */
export function registerProduct(plugin: ProductPlugin): void {
  if (registered.some((p) => p.id === plugin.id)) return;
  registered.push(plugin);
  for (const apply of listeners) apply(plugin);
}

/** The registered products' clusters in words, for descriptions: 'A clusters, B datacenters and C clusters'. */
export function clustersInWords(): string {
  const names = registered.map((p) => p.clustersName ?? `${p.title} clusters`);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? 'clusters');
}

/** Every registered product's credential headers, for the logger's redaction. */
export function secretHeaders(): string[] {
  return [...new Set(registered.flatMap((p) => p.secretHeaders ?? []))];
}
