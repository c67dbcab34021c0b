import 'reflect-metadata';
import type { Logger } from 'pino';
import { startTopology } from '../sim/topology.js';
import { type CreateClusterDto } from './clusters/cluster.dto.js';
import { createLogger } from './common/logger.js';
import { loadClustersFile, validateClusterInputs } from './config/clusters-file.js';
import { ConfigError, type GatewayConfig, loadConfig } from './config/gateway-config.js';
import { type RunningGateway, startGateway } from './gateway.js';
import { sandboxEncryptionKey } from './sandbox/encryption-key.js';
import { RedisUnavailableError, startPrivateRedis } from './sandbox/private-redis.js';

type Cleanup = () => Promise<void>;

function banner(config: GatewayConfig, gateway: RunningGateway, sandboxClusters: string[]): string {
  const lines = [
    '',
    '  Peering gateway is up',
    `  role:      ${config.role}`,
    gateway.url ? `  API:       ${gateway.url}` : '  API:       (worker role: no HTTP)',
    gateway.url ? `  docs:      ${gateway.url}/docs   (OpenAPI: ${gateway.url}/openapi.json)` : '',
    config.adminTokenGenerated ? `  token:     ${config.adminToken}` : '  token:     GATEWAY_ADMIN_TOKEN',
    sandboxClusters.length ? `  sandbox:   simulated clusters ${sandboxClusters.join(', ')}` : '',
    '',
  ];
  return lines.filter((l) => l !== '').join('\n') + '\n';
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger: Logger = createLogger(config.logLevel);
  const cleanups: Cleanup[] = [];

  // loadConfig requires the key outside the sandbox; the sandbox keeps its own under dataDir.
  if (!config.encryptionKey) {
    const { key, path, generated } = sandboxEncryptionKey(config.dataDir);
    config.encryptionKey = key;
    logger.info({ path }, generated ? 'sandbox encryption key generated' : 'sandbox encryption key read');
  }

  if (!config.redisUrl) {
    const redis = await startPrivateRedis(config.dataDir, logger);
    config.redisUrl = redis.url;
    cleanups.push(redis.stop);
  }
  const clusters: { input: CreateClusterDto; source: 'file' | 'sandbox' }[] = [];
  if (config.clustersFile) {
    for (const input of await loadClustersFile(config.clustersFile)) clusters.push({ input, source: 'file' });
  }
  const sandboxIds: string[] = [];
  if (config.sandbox && config.role !== 'worker') {
    const topology = await startTopology({ host: '127.0.0.1' });
    cleanups.push(topology.close);
    for (const input of await validateClusterInputs(topology.clusters, 'sandbox')) {
      clusters.push({ input, source: 'sandbox' });
      sandboxIds.push(input.id);
    }
  }

  const gateway = await startGateway(config, { logger, clusters });
  cleanups.unshift(gateway.close);
  process.stdout.write(banner(config, gateway, sandboxIds));

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

main().catch((err) => {
  const known = err instanceof ConfigError || err instanceof RedisUnavailableError;
  process.stderr.write(`${known ? err.message : (err as Error).stack}\n`);
  process.exit(1);
});
