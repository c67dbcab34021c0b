import type { Logger } from 'pino';
import type { CreateClusterDto } from './clusters/cluster.dto.js';
import type { GatewayConfig } from './config/gateway-config.js';
import { loadClustersFile } from './clusters/clusters-file.js';
import { type RunningGateway, startGateway } from './gateway.js';

export type Cleanup = () => Promise<void>;

export interface RunOptions {
  logger: Logger;
  /** Clusters to register besides the clusters file's (the sandbox's simulators). */
  clusters?: { input: CreateClusterDto; source: 'sandbox' }[];
  /** What to stop after the gateway, in order (the sandbox's simulators and Redis). */
  cleanups?: Cleanup[];
  /** Lines for the start-up banner (the sandbox names its clusters). */
  banner?: string[];
}

/** How to make a team's API key with the admin token (the key is shown once, in the answer). */
function teamKeyHint(config: GatewayConfig, url: string): string[] {
  const token = config.adminTokenGenerated ? config.adminToken : '$GATEWAY_ADMIN_TOKEN';
  const body = JSON.stringify({ name: 'my-key', team: 'my-team', scopes: ['peerings:read', 'peerings:write'] });
  return [
    '  team key:  (the answer holds the key gwk_..., once)',
    `    curl -s -X POST ${url}/v1/api-keys -H "Authorization: Bearer ${token}" -H 'Content-Type: application/json' -d '${body}'`,
  ];
}

function banner(config: GatewayConfig, gateway: RunningGateway, extra: string[]): string {
  const lines = [
    '',
    '  Peering gateway is up',
    `  role:      ${config.role}`,
    gateway.url ? `  API:       ${gateway.url}` : '  API:       (worker role: no HTTP)',
    gateway.url ? `  docs:      ${gateway.url}/docs   (OpenAPI: ${gateway.url}/openapi.json)` : '',
    gateway.url ? `  console:   ${gateway.url}/console   (sign in with a team key)` : '',
    config.adminTokenGenerated ? `  token:     ${config.adminToken}` : '  token:     GATEWAY_ADMIN_TOKEN',
    ...(gateway.url ? teamKeyHint(config, gateway.url) : []),
    ...extra,
    '',
  ];
  return lines.filter((l) => l !== '').join('\n') + '\n';
}

/**
 * Starts the gateway with the clusters file's clusters, prints the banner and stops everything in
 * order on SIGTERM/SIGINT (workers hand their cut-off jobs over, then connections close).
 */
export async function runGateway(config: GatewayConfig, options: RunOptions): Promise<void> {
  const { logger } = options;
  const cleanups: Cleanup[] = [...(options.cleanups ?? [])];
  const clusters: { input: CreateClusterDto; source: 'file' | 'sandbox' }[] = [...(options.clusters ?? [])];
  if (config.clustersFile) {
    for (const input of await loadClustersFile(config.clustersFile)) clusters.push({ input, source: 'file' });
  }
  const gateway = await startGateway(config, { logger, clusters });
  cleanups.unshift(gateway.close);
  process.stdout.write(banner(config, gateway, options.banner ?? []));

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    for (const cleanup of cleanups) await cleanup().catch((err) => logger.warn({ err: (err as Error).message }, 'cleanup failed'));
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** Prints a known start-up failure as its message alone; anything else with its stack. */
export function exitOnStartFailure(known: (err: unknown) => boolean): (err: unknown) => void {
  return (err) => {
    process.stderr.write(`${known(err) ? (err as Error).message : (err as Error).stack}\n`);
    process.exit(1);
  };
}
