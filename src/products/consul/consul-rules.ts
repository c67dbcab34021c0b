import type { ConsulClusterFacts, ConsulPeeringOptions } from './consul-model.js';
import type { ConsulExports } from './exports/export-model.js';
import type { FieldError } from '../../common/problem.js';
import type { ClusterRegistration, CreateRequest, UpdatePlan, UpdateRequest } from '../product-plugin.js';

/** Consul takes an ACL token, never a password; its facts default to the `default` partition. */
export function registerConsulCluster({ auth, options }: ClusterRegistration): { errors: FieldError[]; facts?: ConsulClusterFacts } {
  if (auth.password) return { errors: [{ field: 'auth.password', message: 'is not used by Consul; send auth.token' }] };
  const input = options.consul as Partial<ConsulClusterFacts> | undefined;
  return {
    errors: [],
    facts: { partition: input?.partition ?? 'default', datacenter: input?.datacenter, serverExternalAddresses: input?.serverExternalAddresses ?? [] },
  };
}

/** Remote exports are made on the remote datacenter: only when the gateway drives it. */
function exportRules(exports: Partial<ConsulExports> | undefined, twoSided: boolean): FieldError[] {
  return exports?.remote?.length && !twoSided
    ? [{ field: 'consul.exports.remote', message: 'needs a managed remote datacenter (remote.cluster): the gateway cannot export from an external peer' }]
    : [];
}

/** A Consul peering token carries the server addresses: an external peer gives none. */
export function consulCreateRules({ external, remote, options }: CreateRequest): FieldError[] {
  const errors = external?.addresses ? [{ field: 'remote.external.addresses', message: 'is only for ONTAP: a Consul token carries the server addresses' }] : [];
  return [...errors, ...exportRules((options.consul as ConsulPeeringOptions | undefined)?.exports, remote !== null)];
}

export function consulPeeringOptions({ options }: CreateRequest): ConsulPeeringOptions | undefined {
  const consul = options.consul as (Omit<ConsulPeeringOptions, 'exports'> & { exports?: Partial<ConsulExports> }) | undefined;
  if (!consul) return undefined;
  const { exports, ...rest } = consul;
  return { ...rest, ...(exports && (exports.local?.length || exports.remote?.length) ? { exports: withBothSides(exports) } : {}) };
}

function withBothSides(exports: Partial<ConsulExports>): ConsulExports {
  return { local: exports.local ?? [], remote: exports.remote ?? [] };
}

/** A new token (the dialer re-establishes with it), and the exports replaced as a whole. */
export function planConsulUpdate({ peering, options }: UpdateRequest): UpdatePlan {
  const input = options.consul as { rotateToken?: boolean; exports?: Partial<ConsulExports> } | undefined;
  if (!input?.exports) return { errors: [], rotateSecret: Boolean(input?.rotateToken) };
  return {
    errors: exportRules(input.exports, Boolean(peering.remote.cluster)),
    rotateSecret: Boolean(input.rotateToken),
    reconcileParts: true,
    options: { ...peering.consul, exports: withBothSides(input.exports) },
  };
}
