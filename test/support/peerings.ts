import type { Peering } from '../../src/domain/peering.js';

/**
 * A settled peering between two Consul datacenters `dc1` and `dc2`, ACTIVE on both sides, as the
 * store keeps it: the fixture of specs that need a record, not a running gateway.
 */
export function activePeering(overrides: Partial<Peering> = {}): Peering {
  const at = overrides.updatedAt ?? '2026-12-01T00:00:00.000Z';
  return {
    id: 'pr_1',
    name: 'a-to-b',
    product: 'consul',
    local: { cluster: 'dc1' },
    remote: { cluster: 'dc2' },
    labels: {},
    state: 'ACTIVE',
    stateReason: null,
    sides: { local: { nativeId: null, nativeState: 'ACTIVE' }, remote: { nativeId: null, nativeState: 'ACTIVE' } },
    lastError: null,
    operationId: 'op_1',
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}
