import type { ConsulClusterFacts, ConsulPeeringOptions } from './consul-model.js';
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

/** A Consul peering token carries the server addresses: an external peer gives none. */
export function consulCreateRules({ external }: CreateRequest): FieldError[] {
  return external?.addresses ? [{ field: 'remote.external.addresses', message: 'is only for ONTAP: a Consul token carries the server addresses' }] : [];
}

export function consulPeeringOptions({ options }: CreateRequest): ConsulPeeringOptions | undefined {
  const consul = options.consul as ConsulPeeringOptions | undefined;
  return consul ? { ...consul } : undefined;
}

/** The one change Consul peerings take on the clusters: a new token (the dialer re-establishes with it). */
export function planConsulUpdate({ options }: UpdateRequest): UpdatePlan {
  const input = options.consul as { rotateToken?: boolean } | undefined;
  return { errors: [], rotateSecret: Boolean(input?.rotateToken) };
}
