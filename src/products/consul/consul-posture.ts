import { Injectable } from '@nestjs/common';
import type { Cluster } from '../../domain/cluster.js';
import { nowIso } from '../../common/time.js';
import type { PostureReader } from '../product-plugin.js';
import { PEERING_DISABLED_SUMMARY } from './consul-errors.js';
import { ConsulAdapter } from './consul.adapter.js';
import { EXPORT_PERMISSION, ExportedServicesClient } from './exports/exported-services.client.js';

export interface ConsulClusterPosture {
  cluster: string;
  product: 'consul';
  checkedAt: string;
  peeringTraffic: { encryption: 'mtls'; detail: string };
  acls: { enforced: 'presumed' | 'unknown'; tokenConfigured: boolean; detail: string };
  /** Whether cluster peering is switched on in the datacenter (null: its answer said neither). */
  peering: { enabled: boolean | null; detail: string };
  /** Whether the token may write exported services (mesh:write), for `consul.exports`. */
  exports: { canWrite: boolean | null; detail: string };
}

@Injectable()
export class ConsulPosture implements PostureReader {
  constructor(
    private readonly consul: ConsulAdapter,
    private readonly entries: ExportedServicesClient,
  ) {}

  async read(cluster: Cluster): Promise<ConsulClusterPosture> {
    const [enabled, canWrite] = await Promise.all([this.consul.peeringEnabled(cluster), this.entries.canWrite(cluster)]);
    return { ...consulPosture(cluster), peering: { enabled, detail: peeringDetail(enabled) }, exports: { canWrite, detail: exportsDetail(canWrite) } };
  }
}

function exportsDetail(canWrite: boolean | null): string {
  if (canWrite === true) return `The token may write the exported-services entry (${EXPORT_PERMISSION}): consul.exports can be used.`;
  if (canWrite === false)
    return `The token may not write the exported-services entry: consul.exports needs ${EXPORT_PERMISSION} (or operator:write); give the token a policy with mesh = "write".`;
  return 'The datacenter did not say whether the token may write exported services (its answer was an error of another kind).';
}

function peeringDetail(enabled: boolean | null): string {
  if (enabled === true) return 'Cluster peering is enabled: the datacenter answers the peering endpoints.';
  if (enabled === false) return PEERING_DISABLED_SUMMARY;
  return 'The datacenter did not say whether peering is enabled (its answer to GET /v1/peerings was an error of another kind).';
}

/**
 * Consul: peering traffic between servers is mutual TLS by design, nothing to switch on. ACL
 * enforcement is not read from the datacenter; it is presumed where the registration carries a
 * token (a datacenter without ACLs needs none).
 */
function consulPosture(cluster: Cluster): Omit<ConsulClusterPosture, 'peering' | 'exports'> {
  const tokenConfigured = Boolean(cluster.auth.token);
  return {
    cluster: cluster.id,
    product: 'consul',
    checkedAt: nowIso(),
    peeringTraffic: {
      encryption: 'mtls',
      detail:
        'Cluster peering traffic between Consul servers is mutual TLS by design (the peering token carries the CA and server name); there is nothing to turn on.',
    },
    acls: tokenConfigured
      ? {
          enforced: 'presumed',
          tokenConfigured,
          detail: 'The cluster is registered with an ACL token, so ACLs are presumed enforced; peering needs peering:write / peering:read.',
        }
      : {
          enforced: 'unknown',
          tokenConfigured,
          detail: 'The cluster is registered without an ACL token: ACLs are either disabled or the gateway could not pass them.',
        },
  };
}
