import { ConsulNetwork, ConsulSim, startConsulSim } from './consul';

/** A cluster registration for the gateway, in the shape of POST /v1/clusters. */
export interface ClusterRegistration {
  id: string;
  product: 'ontap' | 'consul';
  endpoint: string;
  auth: { username?: string; password?: string; token?: string };
  ontap?: { interclusterAddresses: string[]; ipspace?: string };
  consul?: { partition?: string; datacenter?: string };
}

export interface TopologyOptions {
  host?: string;
  /** First port; each simulated cluster takes the next one. 0: random ports. */
  basePort?: number;
  consulDeleteDurationMs?: number;
  consulActivateAfterMs?: number;
  consulAclToken?: string;
}

export interface SimTopology {
  consul: ConsulSim[];
  clusters: ClusterRegistration[];
  close(): Promise<void>;
}

/**
 * The sandbox's simulated estate: two Consul datacenters (consul-dc1, consul-dc2). It serves
 * `npm start` with nothing configured, the tests, the benchmarks and `npm run sim`.
 */
export async function startTopology(options: TopologyOptions = {}): Promise<SimTopology> {
  const port = (offset: number) => (options.basePort ? options.basePort + offset : 0);
  const aclToken = options.consulAclToken ?? 'sandbox-consul-token';
  const network = new ConsulNetwork();
  const consul = await Promise.all(
    ['dc1', 'dc2'].map((datacenter, i) =>
      startConsulSim({
        datacenter,
        network,
        host: options.host,
        port: port(i),
        aclToken,
        deleteDurationMs: options.consulDeleteDurationMs,
        activateAfterMs: options.consulActivateAfterMs,
      }),
    ),
  );
  const clusters: ClusterRegistration[] = consul.map((sim) => ({
    id: `consul-${sim.datacenter}`,
    product: 'consul',
    endpoint: sim.url,
    auth: { token: aclToken },
    consul: { partition: 'default', datacenter: sim.datacenter },
  }));
  return {
    consul,
    clusters,
    close: async () => {
      await Promise.all(consul.map((s) => s.close()));
    },
  };
}
