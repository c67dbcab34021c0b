import { Faults } from '../shared/faults.js';
import { SimRouter, startSimServer } from '../shared/http-server.js';
import { DEFAULT_IPSPACE, OntapCluster, type OntapSimSettings } from './cluster.js';
import { ERRORS, type RouteFailureShape, injectedFailureBody, ontapError } from './errors.js';
import { registerControl } from './control.js';
import { JobRunner } from './jobs.js';
import type { OntapNetwork } from './network.js';
import { type OntapPeerRecord, observeStatus } from './peer-record.js';
import { registerApi } from './routes.js';
import { registerSvmPeerApi } from './svm-peers.js';
import { registerInterfacesApi } from './interfaces.js';
import { registerSecurityApi, registerSecurityControl, type SecuritySpec, type SecurityState } from './security/index.js';

export interface OntapClusterSpec {
  /** Cluster name, e.g. "ontap-east". */
  name: string;
  /** Default: a random free port on 127.0.0.1. */
  port?: number;
  host?: string;
  /** Basic auth; default admin / netapp123. */
  username?: string;
  password?: string;
  /** Intercluster LIF addresses, e.g. ["10.1.0.11", "10.1.0.12"]: simulated, never dialled. */
  interclusterAddresses: string[];
  /** Default ["Default"]; the Default and Cluster IPspaces always exist. */
  ipspaces?: string[];
  /** Default 2: caps the LIFs of `local_network` (4656087); 0 gives 4656079 and 4656074. */
  nodes?: number;
  /** Serve HTTPS with this key and certificate (PEM); default plain HTTP. */
  tls?: { key: string; cert: string };
  /** Effective cluster version "generation.major.minor"; default "9.6.0". Below 9.6 encryption fails (4656075). */
  version?: string;
  /** Data SVMs (default svm1 and svm-data) and security settings (sim/ontap/security). */
  security?: SecuritySpec;
}

export interface OntapSimOptions {
  /** Route-propagation window after LIFs appear; default 0. */
  routeWindowMs?: number;
  /** How a create fails in that window (errors.ts, ROUTE_FAILURE_SHAPES); default `contact`. */
  routeFailure?: RouteFailureShape;
  /** Overrides of the route failure's HTTP status, code and message (`{addresses}`, `{ipspace}` filled in). */
  routeFailureStatus?: number;
  routeFailureCode?: string;
  routeFailureMessage?: string;
  /** POST/PATCH/DELETE on peers answer 202 with a job that ends `jobDurationMs` later. */
  asyncJobs?: boolean;
  /** Default 200. */
  jobDurationMs?: number;
}

export interface OntapClusterSim {
  name: string;
  uuid: string;
  url: string;
  port: number;
  interclusterAddresses(): string[];
  /** When an intercluster LIF of this cluster appeared (epoch ms): its route window starts then. */
  lifCreatedAt(address: string): number | undefined;
  faults: Faults;
  /** Live settings: changing them (here or by PUT /_sim/settings) takes effect at once. */
  settings: OntapSimSettings;
  /** The raw records, for tests. */
  peers(): OntapPeerRecord[];
  /** Intercluster LIFs appearing now, in the Default IPspace: their route window starts. */
  addInterclusterLifs(addresses: string[]): void;
  /** SVMs, key managers and IPsec policies as stored (pre-shared keys included: in-process only). */
  security: SecurityState;
  close(): Promise<void>;
}

/** Starts one simulated ONTAP cluster; clusters started on the same network can peer. */
export async function startOntapCluster(spec: OntapClusterSpec, network: OntapNetwork, options: OntapSimOptions = {}): Promise<OntapClusterSim> {
  const settings: OntapSimSettings = {
    routeWindowMs: options.routeWindowMs ?? 0,
    routeFailure: options.routeFailure ?? 'contact',
    routeFailureStatus: options.routeFailureStatus ?? null,
    routeFailureCode: options.routeFailureCode ?? null,
    routeFailureMessage: options.routeFailureMessage ?? null,
    asyncJobs: options.asyncJobs ?? false,
    jobDurationMs: options.jobDurationMs ?? 200,
    vserverMigrationInProgress: false,
  };
  const cluster = new OntapCluster(
    { name: spec.name, nodes: spec.nodes ?? 2, ipspaces: spec.ipspaces ?? [DEFAULT_IPSPACE], version: spec.version ?? '9.6.0' },
    settings,
    network,
  );
  // The configured LIFs have been there for long: no route window for them.
  cluster.addLifs(spec.interclusterAddresses, DEFAULT_IPSPACE, 0);
  if (spec.security) cluster.security.configure(spec.security);
  network.attach(cluster);

  const faults = new Faults(injectedFailureBody);
  const jobs = new JobRunner();
  const addInterclusterLifs = (addresses: string[]): void => cluster.addLifs(addresses, DEFAULT_IPSPACE, Date.now());
  // Copies, with the status as it reads now: a test cannot change the cluster through them.
  const peers = (): OntapPeerRecord[] => {
    const now = Date.now();
    return [...cluster.records.values()].map((record) => {
      observeStatus(cluster, record, now);
      return structuredClone(record);
    });
  };

  const router = new SimRouter();
  registerApi(router, { cluster, jobs, credentials: { username: spec.username ?? 'admin', password: spec.password ?? 'netapp123' } });
  registerControl(router, { cluster, faults, addInterclusterLifs, peers });
  registerSecurityApi(router, { cluster, credentials: { username: spec.username ?? 'admin', password: spec.password ?? 'netapp123' } });
  registerSecurityControl(router, cluster);
  registerSvmPeerApi(router, { cluster, jobs, credentials: { username: spec.username ?? 'admin', password: spec.password ?? 'netapp123' } });
  registerInterfacesApi(router, cluster, { username: spec.username ?? 'admin', password: spec.password ?? 'netapp123' });

  const server = await startSimServer({
    port: spec.port,
    host: spec.host,
    tls: spec.tls,
    router,
    faults,
    notFound: () => ontapError(ERRORS.apiNotFound).toResponse(),
    methodNotAllowed: (req) => ontapError(ERRORS.methodNotAllowed, { detail: `${req.method} ${req.path}` }).toResponse(),
  }).catch((err: unknown) => {
    network.detach(cluster);
    throw err;
  });
  return {
    name: cluster.name,
    uuid: cluster.uuid,
    url: server.url,
    port: server.port,
    interclusterAddresses: () => cluster.lifs().map((lif) => lif.address),
    lifCreatedAt: (address) => cluster.lifs().find((lif) => lif.address === address)?.createdAt,
    faults,
    settings,
    peers,
    addInterclusterLifs,
    security: cluster.security,
    close: async () => {
      jobs.close();
      network.detach(cluster);
      await server.close();
    },
  };
}
