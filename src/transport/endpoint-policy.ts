import { Inject, Injectable } from '@nestjs/common';
import { AddressPolicy } from '../common/address-policy.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';

/**
 * Where cluster endpoints may point: the shared address policy (src/common/address-policy.ts)
 * with the operator's GATEWAY_CLUSTER_ALLOW. The gateway sends a cluster's credentials to its
 * endpoint, so an endpoint in a metadata or link-local range would hand them (and the answer) to
 * whatever listens there. Loopback and private addresses are where clusters live: allowed.
 * Checked at registration and on every connection (src/transport/cluster-http.ts).
 */
@Injectable()
export class ClusterEndpointPolicy extends AddressPolicy {
  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    super(config.clusterAllow, 'GATEWAY_CLUSTER_ALLOW');
  }
}
