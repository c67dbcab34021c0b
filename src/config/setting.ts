import { ConfigError } from './gateway-config.js';

/**
 * A setting read from the environment that is declared outside the gateway's own list
 * (src/config/gateway-config.ts): a product plugin's (src/products/product-plugin.ts), so that
 * the core reads it without naming the product. `GatewayConfig.setting` gives its value.
 */
export interface Setting<T> {
  /** The environment variable, as documented (`GATEWAY_...`). */
  readonly name: string;
  /** The value when the variable is unset or empty. */
  readonly default: T;
  /** The value of a set variable; throws a ConfigError naming the variable and the rule. */
  parse(raw: string, name: string): T;
  /** What it does, for people (the settings table). */
  readonly description: string;
}

/** A parser of integers no smaller than `min`, with the message of the gateway's own integer settings. */
export function integerAtLeast(min: number): (raw: string, name: string) => number {
  return (raw, name) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new ConfigError(`${name} must be an integer >= ${min}, got '${raw}'`);
    return value;
  };
}
