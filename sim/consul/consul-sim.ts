import { type Server, type ServerResponse } from 'node:http';
import { Faults } from '../shared/faults.js';
import { type RunningSimServer, SimRouter, startSimServer } from '../shared/http-server.js';
import { ConsulNetwork } from './consul-network.js';
import { consulFailurePresets, consulFailureText } from './errors.js';
import { type ConsulPeering } from './peering-store.js';
import { type ConsulSimSettings, PeeringService } from './peering-service.js';
import { registerCatalogRoutes } from './catalog.js';
import { methodNotAllowed, notFound, registerControlRoutes, registerPeeringRoutes } from './routes.js';

export { ConsulNetwork };

export interface ConsulSimOptions {
  /** e.g. "dc1"; unique on its network. */
  datacenter: string;
  /** 0/undefined = random. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** When set, every /v1 call needs it in X-Consul-Token or Authorization: Bearer, else 403. */
  aclToken?: string;
  /** How long a deleted peering reads DELETING before it is gone; default 2000. */
  deleteDurationMs?: number;
  /** After establish, how long until the stream opens and both sides read ACTIVE (computed at read time); default 50. */
  activateAfterMs?: number;
  /** Stream heartbeat interval; default 15000 (Consul's). */
  heartbeatIntervalMs?: number;
  /** Default true; false answers every peering endpoint with 500 FailedPrecondition. */
  peeringEnabled?: boolean;
  /** Enterprise shows `Partition` ("default" too); CE (the default) leaves it out. */
  enterprise?: boolean;
  /** Shared in-process registry so datacenters can find each other. */
  network: ConsulNetwork;
}

export interface ConsulSim {
  url: string;
  port: number;
  datacenter: string;
  /** "host:port" used as the fake gRPC server address in tokens. */
  serverAddress: string;
  faults: Faults;
  /** Live settings; changing them (or PUT /_sim/settings) affects the running simulator. */
  settings: ConsulSimSettings;
  /** Raw stored records (for asserting "no duplicates"); all partitions when none is given. */
  peerings(partition?: string): ConsulPeering[];
  /** Makes the established record read FAILING (computed at read time, no index bump). */
  setStreamFailing(name: string, failing: boolean, partition?: string): void;
  /**
   * A quiet stream: the record keeps reading ACTIVE but LastHeartbeat/LastReceive stop advancing
   * (at `lastHeardAgoMs` before now when given, else where they are). `false` brings it back.
   */
  setStreamQuiet(name: string, quiet: boolean, options?: { lastHeardAgoMs?: number; partition?: string }): void;
  /** Answers held blocking queries, stops timers, leaves the network and stops the server. */
  close(): Promise<void>;
}

/** Starts one simulated Consul datacenter serving /v1/peering* plus the /_sim control surface. */
export async function startConsulSim(options: ConsulSimOptions): Promise<ConsulSim> {
  const settings: ConsulSimSettings = {
    deleteDurationMs: options.deleteDurationMs ?? 2000,
    activateAfterMs: options.activateAfterMs ?? 50,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 15_000,
    peeringEnabled: options.peeringEnabled ?? true,
  };
  const faults = new Faults(consulFailureText, consulFailurePresets);
  const router = new SimRouter();
  faults.register(router);
  const running = await startSimServer({
    port: options.port,
    host: options.host,
    router,
    faults,
    notFound,
    methodNotAllowed,
  });
  const openResponses = trackOpenResponses(running.server);
  // Routes come after listening: the port is part of the server address every token carries.
  const host = options.host ?? '127.0.0.1';
  const serverAddress = `${host}:${running.port}`;
  const service = new PeeringService({
    datacenter: options.datacenter,
    serverAddress,
    settings,
    network: options.network,
    enterprise: options.enterprise ?? false,
  });
  registerPeeringRoutes(router, service, options.aclToken);
  registerControlRoutes(router, service, settings);
  registerCatalogRoutes(router, options.aclToken);
  await joinNetwork(options.network, service, running);

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    options.network.unregister(service);
    service.close();
    await openResponses.settled();
    await running.close();
  };
  return {
    url: running.url,
    port: running.port,
    datacenter: options.datacenter,
    serverAddress,
    faults,
    settings,
    peerings: (partition) => service.storedPeerings(partition),
    setStreamFailing: (name, failing, partition = 'default') => service.setStreamFailing(name, failing, partition),
    setStreamQuiet: (name, quiet, { lastHeardAgoMs, partition = 'default' } = {}) => service.setStreamQuiet(name, quiet, partition, lastHeardAgoMs),
    close: () => (closing ??= close()),
  };
}

async function joinNetwork(network: ConsulNetwork, service: PeeringService, running: RunningSimServer): Promise<void> {
  try {
    network.register(service);
  } catch (err) {
    await running.close();
    throw err;
  }
}

/** Longest close() waits for in-flight responses (e.g. ones held by injected latency). */
const CLOSE_GRACE_MS = 1000;

/**
 * Responses still being produced, so close() can let released blocking queries reach their
 * clients before the server drops all connections.
 */
function trackOpenResponses(server: Server): { settled(): Promise<void> } {
  const open = new Set<ServerResponse>();
  server.on('request', (_req, res: ServerResponse) => {
    open.add(res);
    res.on('close', () => open.delete(res));
  });
  return {
    settled: async () => {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
      const allClosed = Promise.all([...open].map((res) => new Promise((resolve) => res.once('close', resolve))));
      await Promise.race([allClosed, grace]);
      clearTimeout(timer);
    },
  };
}
