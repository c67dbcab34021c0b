import { Injectable } from '@nestjs/common';
import type { Cluster } from '../../domain/cluster.js';
import type { PlanCheck, PlanChecks, PlanRequest, PlanStep } from '../product-plugin.js';
import { UpstreamError } from '../port.js';
import { OntapAdapter } from './ontap.adapter.js';
import { OntapRestClient } from './ontap-rest-client.js';
import { SvmPeersClient } from './svm-peers/svm-peers.client.js';

interface LifRecord {
  ip?: { address?: string };
  ipspace?: { name?: string };
  state?: string;
}

type Side = 'local' | 'remote';

/**
 * ONTAP's checks of a dry run, all reads: intercluster LIFs in the IPspace, a cluster peer already
 * there (adopted, or in the way), the SVMs named in `svmPeers`, and the key manager when asked for.
 */
@Injectable()
export class OntapPlanChecks implements PlanChecks {
  constructor(
    private readonly adapter: OntapAdapter,
    private readonly rest: OntapRestClient,
    private readonly svmPeers: SvmPeersClient,
  ) {}

  async checks(request: PlanRequest): Promise<PlanCheck[]> {
    if (request.action === 'delete') return [];
    const sides: [Side, Cluster, Cluster | null][] = [['local', request.local, request.remote]];
    if (request.remote) sides.push(['remote', request.remote, request.local]);
    const checks: PlanCheck[] = [];
    for (const [side, cluster, other] of sides) {
      checks.push(await this.interclusterLifs(request, side, cluster));
      if (request.action === 'create') checks.push(await this.existingPeer(request, side, cluster, other));
      checks.push(...(await this.svms(request, side, cluster)));
      if (request.peering.ontap?.requireKeyManager) checks.push(await this.keyManager(side, cluster));
    }
    return checks;
  }

  partSteps(request: PlanRequest): PlanStep[] {
    const remote = request.remote?.id ?? 'the remote cluster';
    return (request.peering.ontap?.svmPeers ?? []).flatMap((pair): PlanStep[] => [
      {
        side: 'local',
        action: 'create-svm-peer',
        description: `once the cluster peer is available, peer SVM ${pair.local} on ${request.local.id} with ${pair.remote} on ${remote} (${pair.applications.join(', ')})`,
      },
      ...(request.remote
        ? [{ side: 'remote' as const, action: 'accept-svm-peer', description: `accept the SVM peer ${pair.remote} <- ${pair.local} on ${remote}` }]
        : []),
    ]);
  }

  private async interclusterLifs(request: PlanRequest, side: Side, cluster: Cluster): Promise<PlanCheck> {
    const ipspace = request.peering.ontap?.ipspace ?? cluster.ontap?.ipspace ?? 'Default';
    const name = 'intercluster-lifs';
    if (side === 'local' && request.peering.ontap?.localNetwork?.interfaces.length)
      return { name, side, status: 'pass', message: `the create makes intercluster LIFs on ${cluster.id} (localNetwork)` };
    const read = await this.read<LifRecord>(cluster, '/network/ip/interfaces', {
      services: 'intercluster-core',
      'ipspace.name': ipspace,
      fields: 'ip.address,ipspace.name,state',
    });
    if ('error' in read)
      return {
        name,
        side,
        status: 'warn',
        message: `could not list the intercluster LIFs of ${cluster.id}: ${read.error}`,
        fix: 'check that the registered user may read /api/network/ip/interfaces',
      };
    const addresses = read.records
      .filter((r) => r.state !== 'down')
      .map((r) => r.ip?.address)
      .filter((a): a is string => Boolean(a));
    if (addresses.length === 0)
      return {
        name,
        side,
        status: 'fail',
        message: `no intercluster LIF in IPspace ${ipspace} on ${cluster.id}`,
        fix: `create an intercluster LIF on each node of ${cluster.id} (network interface create -service-policy default-intercluster -ipspace ${ipspace})`,
      };
    const registered = cluster.ontap?.interclusterAddresses ?? [];
    const unknown = registered.filter((a) => !addresses.includes(a));
    if (unknown.length)
      return {
        name,
        side,
        status: 'warn',
        message: `${cluster.id} registers ${unknown.join(', ')}, which are not its intercluster LIFs in ${ipspace} (it has ${addresses.join(', ')})`,
        fix: `register ${cluster.id} again with ontap.interclusterAddresses: ${JSON.stringify(addresses)}`,
      };
    return { name, side, status: 'pass', message: `${cluster.id} has intercluster LIFs ${addresses.join(', ')} in IPspace ${ipspace}` };
  }

  private async existingPeer(request: PlanRequest, side: Side, cluster: Cluster, other: Cluster | null): Promise<PlanCheck> {
    const name = 'existing-peer';
    let records;
    try {
      records = await this.adapter.list(cluster);
    } catch (err) {
      return { name, side, status: 'warn', message: `could not list the cluster peers of ${cluster.id}: ${(err as Error).message}` };
    }
    const otherAddresses = new Set(other?.ontap?.interclusterAddresses ?? request.peering.remote.external?.addresses ?? []);
    const mine = records.find((r) => r.name === request.peering.name);
    if (mine)
      return {
        name,
        side,
        status: 'pass',
        message: `${cluster.id} already has a cluster peer named ${mine.name} (${mine.status?.state ?? 'unknown'}): it is adopted`,
      };
    const towards = records.find((r) => (r.remote?.ip_addresses ?? []).some((ip) => otherAddresses.has(ip)));
    if (towards)
      return {
        name,
        side,
        status: 'warn',
        message: `${cluster.id} already peers with ${other?.id ?? 'the remote cluster'} as '${towards.name}' (${towards.status?.state ?? 'unknown'}): ONTAP peers two clusters once, so the create adopts that record`,
        fix: `name the peering '${towards.name}', or delete that cluster peer first if it belongs to someone else`,
      };
    return { name, side, status: 'pass', message: `${cluster.id} has no cluster peer with ${other?.id ?? 'the remote cluster'} yet` };
  }

  /** The same lookup as the SVM peers' precheck (SvmPeersClient.svmExists), one read per named SVM. */
  private async svms(request: PlanRequest, side: Side, cluster: Cluster): Promise<PlanCheck[]> {
    const asked = (request.peering.ontap?.svmPeers ?? []).map((p, i) => ({ i, svm: side === 'local' ? p.local : p.remote }));
    if (asked.length === 0) return [];
    const existing = new Set<string>();
    try {
      for (const name of new Set(asked.map((a) => a.svm))) if (await this.svmPeers.svmExists(cluster, name)) existing.add(name);
    } catch (err) {
      const why = err instanceof UpstreamError ? err.upstream.message : (err as Error).message;
      return [{ name: 'svms', side, status: 'warn', message: `could not list the SVMs of ${cluster.id}: ${why}` }];
    }
    return svmChecks(side, cluster.id, asked, existing);
  }

  private async keyManager(side: Side, cluster: Cluster): Promise<PlanCheck> {
    const read = await this.read<unknown>(cluster, '/security/key-managers', { scope: 'cluster', fields: 'uuid' });
    if ('error' in read) return { name: 'key-manager', side, status: 'warn', message: `could not read the key managers of ${cluster.id}: ${read.error}` };
    return read.records.length
      ? { name: 'key-manager', side, status: 'pass', message: `${cluster.id} has a key manager at cluster scope` }
      : {
          name: 'key-manager',
          side,
          status: 'fail',
          message: `${cluster.id} has no key manager at cluster scope (requireKeyManager)`,
          fix: `configure onboard or external key management on ${cluster.id} (security key-manager onboard enable)`,
        };
  }

  /** Every record of a collection (all pages), or why it could not be read. */
  private async read<T>(cluster: Cluster, path: string, query: Record<string, string>): Promise<{ records: T[] } | { error: string }> {
    try {
      return { records: await this.rest.collection<T>(cluster, path, query) };
    } catch (err) {
      return { error: err instanceof UpstreamError ? err.upstream.message : (err as Error).message };
    }
  }
}

/** One check per SVM named in `svmPeers` on this side: it must exist as a data SVM. */
export function svmChecks(side: Side, cluster: string, asked: { i: number; svm: string }[], existing: Set<string>): PlanCheck[] {
  return asked.map(({ i, svm }) =>
    existing.has(svm)
      ? { name: 'svms', side, status: 'pass' as const, message: `data SVM ${svm} exists on ${cluster}` }
      : {
          name: 'svms',
          side,
          status: 'fail' as const,
          message: `no data SVM named ${svm} on ${cluster} (svmPeers[${i}].${side})`,
          fix: `create the SVM ${svm} on ${cluster}, or correct svmPeers[${i}].${side}`,
        },
  );
}
