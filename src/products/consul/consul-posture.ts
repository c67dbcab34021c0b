import { Injectable } from '@nestjs/common';
import type { Cluster } from '../../clusters/cluster.js';
import { nowIso } from '../../common/time.js';
import type { PostureReader } from '../product-plugin.js';

export interface ConsulClusterPosture {
  cluster: string;
  product: 'consul';
  checkedAt: string;
  peeringTraffic: { encryption: 'mtls'; detail: string };
  acls: { enforced: 'presumed' | 'unknown'; tokenConfigured: boolean; detail: string };
}

@Injectable()
export class ConsulPosture implements PostureReader {
  async read(cluster: Cluster): Promise<ConsulClusterPosture> {
    return consulPosture(cluster);
  }
}

/**
 * Consul: peering traffic between servers is mutual TLS by design, nothing to switch on. ACL
 * enforcement is not read from the datacenter; it is presumed where the registration carries a
 * token (a datacenter without ACLs needs none).
 */
function consulPosture(cluster: Cluster): ConsulClusterPosture {
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
