import { integerAtLeast, type Setting } from '../../config/setting.js';

/**
 * A Consul peering whose stream has heard nothing from the peer for this long reads DEGRADED,
 * even when Consul says ACTIVE (Consul heartbeats about every 15 s: default, four of them).
 */
export const STREAM_STALE_MS: Setting<number> = {
  name: 'GATEWAY_CONSUL_STREAM_STALE_MS',
  default: 60_000,
  parse: integerAtLeast(1_000),
  description: 'a Consul peering whose stream has heard nothing from the peer for this long reads DEGRADED even when Consul says ACTIVE',
};

export const CONSUL_SETTINGS: Setting<unknown>[] = [STREAM_STALE_MS];
