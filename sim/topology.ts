import { ConsulNetwork, type ConsulSim, startConsulSim } from './consul/index.js';
import { type OntapClusterSim, OntapNetwork, type RouteFailureShape, startOntapCluster } from './ontap/index.js';

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
  /** Further Consul tokens with only the listed permissions (e.g. a token without `mesh:write`). */
  consulAclTokens?: Record<string, string[]>;
  /** Stream heartbeat interval of the Consul simulators (default 15000, Consul's). */
  consulHeartbeatIntervalMs?: number;
  ontapRouteWindowMs?: number;
  /** How an ONTAP create fails inside the route window (sim/ontap/errors.ts, ROUTE_FAILURE_SHAPES); default `contact`. */
  ontapRouteFailure?: RouteFailureShape;
  ontapAsyncJobs?: boolean;
  /** Pairs of ONTAP clusters: the first is ontap-east/ontap-west; more are for benchmarks. */
  ontapPairs?: number;
}

/** The simulated ONTAP clusters and their intercluster LIFs (simulated addresses, never dialled). */
export const SANDBOX_ONTAP = [
  { name: 'ontap-east', interclusterAddresses: ['10.1.0.11', '10.1.0.12'] },
  { name: 'ontap-west', interclusterAddresses: ['10.2.0.11', '10.2.0.12'] },
];
export const SANDBOX_ONTAP_CREDENTIALS = { username: 'admin', password: 'netapp123' };

function ontapSpecs(pairs: number): { name: string; interclusterAddresses: string[] }[] {
  const extra = Array.from({ length: Math.max(0, pairs - 1) }, (_, i) => [
    { name: `ontap-east-${i + 2}`, interclusterAddresses: [`10.${20 + 2 * i}.0.11`, `10.${20 + 2 * i}.0.12`] },
    { name: `ontap-west-${i + 2}`, interclusterAddresses: [`10.${21 + 2 * i}.0.11`, `10.${21 + 2 * i}.0.12`] },
  ]).flat();
  return [...SANDBOX_ONTAP, ...extra];
}

export interface SimTopology {
  consul: ConsulSim[];
  ontap: OntapClusterSim[];
  clusters: ClusterRegistration[];
  close(): Promise<void>;
}

/**
 * The sandbox's simulated estate: two Consul datacenters (consul-dc1, consul-dc2) and two ONTAP
 * clusters (ontap-east, ontap-west). It serves
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
        aclTokens: options.consulAclTokens,
        deleteDurationMs: options.consulDeleteDurationMs,
        activateAfterMs: options.consulActivateAfterMs,
        heartbeatIntervalMs: options.consulHeartbeatIntervalMs,
      }),
    ),
  );
  const ontapNetwork = new OntapNetwork();
  const specs = ontapSpecs(options.ontapPairs ?? 1);
  const ontap = await Promise.all(
    specs.map((spec, i) =>
      startOntapCluster({ ...spec, ...SANDBOX_ONTAP_CREDENTIALS, host: options.host, port: port(consul.length + i) }, ontapNetwork, {
        routeWindowMs: options.ontapRouteWindowMs,
        routeFailure: options.ontapRouteFailure,
        asyncJobs: options.ontapAsyncJobs,
      }),
    ),
  );
  const clusters: ClusterRegistration[] = [
    ...consul.map((sim) => ({
      id: `consul-${sim.datacenter}`,
      product: 'consul' as const,
      endpoint: sim.url,
      auth: { token: aclToken },
      consul: { partition: 'default', datacenter: sim.datacenter },
    })),
    ...ontap.map((sim, i) => ({
      id: sim.name,
      product: 'ontap' as const,
      endpoint: sim.url,
      auth: { ...SANDBOX_ONTAP_CREDENTIALS },
      ontap: { interclusterAddresses: specs[i].interclusterAddresses, ipspace: 'Default' },
    })),
  ];
  return {
    consul,
    ontap,
    clusters,
    close: async () => {
      await Promise.all([...consul, ...ontap].map((s) => s.close()));
    },
  };
}
