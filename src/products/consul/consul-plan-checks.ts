import { Injectable } from '@nestjs/common';
import type { Cluster } from '../../domain/cluster.js';
import type { PlanCheck, PlanChecks, PlanRequest, PlanStep } from '../product-plugin.js';
import { UpstreamError } from '../port.js';
import { ConsulAdapter } from './consul.adapter.js';

type Side = 'local' | 'remote';

/**
 * Consul's checks of a dry run, all reads: peering switched on, the acceptor's server external
 * addresses, and the exported services in the catalog.
 */
@Injectable()
export class ConsulPlanChecks implements PlanChecks {
  constructor(private readonly adapter: ConsulAdapter) {}

  async checks(request: PlanRequest): Promise<PlanCheck[]> {
    if (request.action === 'delete') return [];
    const sides: [Side, Cluster][] = [['local', request.local]];
    if (request.remote) sides.push(['remote', request.remote]);
    const checks: PlanCheck[] = [];
    for (const [side, cluster] of sides) {
      checks.push(await this.peeringEnabled(side, cluster));
      // The acceptor's token carries the addresses the dialer uses: the local side generates it.
      if (side === 'local') checks.push(serverExternalAddresses(cluster));
      const exports = request.peering.consul?.exports;
      const asked = side === 'local' ? exports?.local : exports?.remote;
      if (asked?.length) checks.push(...(await this.services(side, cluster, asked)));
    }
    return checks;
  }

  partSteps(request: PlanRequest): PlanStep[] {
    const exports = request.peering.consul?.exports;
    const steps: PlanStep[] = [];
    const name = request.peering.name;
    if (exports?.local.length)
      steps.push({
        side: 'local',
        action: 'export-services',
        description: `add ${exports.local.join(', ')} for the peer '${name}' to the exported-services config entry of ${request.local.id}`,
      });
    if (exports?.remote.length && request.remote)
      steps.push({
        side: 'remote',
        action: 'export-services',
        description: `add ${exports.remote.join(', ')} for the peer '${name}' to the exported-services config entry of ${request.remote.id}`,
      });
    return steps;
  }

  private async peeringEnabled(side: Side, cluster: Cluster): Promise<PlanCheck> {
    const enabled = await this.adapter.peeringEnabled(cluster);
    if (enabled === true) return { name: 'peering-enabled', side, status: 'pass', message: `peering is enabled on ${cluster.id}` };
    if (enabled === false)
      return {
        name: 'peering-enabled',
        side,
        status: 'fail',
        message: `peering is switched off on ${cluster.id} (peering must be enabled to use this endpoint)`,
        fix: `set peering { enabled = true } in the server agents' configuration of ${cluster.id} and restart them`,
      };
    return {
      name: 'peering-enabled',
      side,
      status: 'warn',
      message: `could not tell whether peering is enabled on ${cluster.id}`,
      fix: 'check the ACL token has peering:read',
    };
  }

  private async services(side: Side, cluster: Cluster, asked: string[]): Promise<PlanCheck[]> {
    let catalog: Set<string>;
    try {
      catalog = await this.adapter.catalogServices(cluster);
    } catch (err) {
      const why = err instanceof UpstreamError ? err.upstream.message : (err as Error).message;
      return [
        { name: 'services', side, status: 'warn', message: `could not read the catalog of ${cluster.id}: ${why}`, fix: 'give the ACL token service:read' },
      ];
    }
    return serviceChecks(side, cluster.id, asked, catalog);
  }
}

function serverExternalAddresses(cluster: Cluster): PlanCheck {
  const addresses = cluster.consul?.serverExternalAddresses ?? [];
  return addresses.length
    ? { name: 'server-external-addresses', side: 'local', status: 'pass', message: `tokens of ${cluster.id} carry ${addresses.join(', ')}` }
    : {
        name: 'server-external-addresses',
        side: 'local',
        status: 'warn',
        message: `${cluster.id} has no serverExternalAddresses: its tokens carry only the servers' own addresses, which the peer may not reach`,
        fix: `register ${cluster.id} with consul.serverExternalAddresses (host:port of its servers or mesh gateways as the peer dials them)`,
      };
}

/**
 * One check per exported service: in the catalog, or not yet. Consul exports a service that is
 * not registered all the same (docs: products.md), so a missing one is a warning, not a failure.
 */
export function serviceChecks(side: Side, cluster: string, asked: string[], catalog: Set<string>): PlanCheck[] {
  return asked.map((service) =>
    catalog.has(service)
      ? { name: 'services', side, status: 'pass' as const, message: `service ${service} is in the catalog of ${cluster}` }
      : {
          name: 'services',
          side,
          status: 'warn' as const,
          message: `service ${service} is not in the catalog of ${cluster}: it is exported all the same, but the peer imports nothing until it is registered`,
          fix: `register ${service} on ${cluster}, or correct exports.${side}`,
        },
  );
}
