import '../common/heap-growth.js';
import 'reflect-metadata';
import { startTopology } from '../../sim/topology.js';
import { type Cleanup, exitOnStartFailure, runGateway } from '../bootstrap.js';
import type { CreateClusterDto } from '../clusters/cluster.dto.js';
import { createLogger } from '../common/logger.js';
import { validateClusterInputs } from '../clusters/clusters-file.js';
import { ConfigError, loadConfig, redisConfigured } from '../config/gateway-config.js';
import { sandboxEncryptionKey } from './encryption-key.js';
import { RedisUnavailableError, startPrivateRedis } from './private-redis.js';

/**
 * The embedded default (`npm start`): a private redis-server under .data/ when REDIS_URL is
 * unset (installed from Debian's packages if missing), and simulated ONTAP clusters and Consul
 * datacenters, registered at start. With GATEWAY_SANDBOX=false or a clusters file it runs like
 * the production entry, still with a private Redis when none is given.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  // Readable lines for a person at a terminal; JSON when the output goes to a file or a collector.
  const logger = createLogger(config.logLevel, undefined, { pretty: process.stdout.isTTY });
  const cleanups: Cleanup[] = [];
  // loadConfig requires the key outside the sandbox; the sandbox keeps its own under dataDir.
  if (!config.encryptionKey) {
    const { key, path, generated } = sandboxEncryptionKey(config.dataDir);
    config.encryptionKey = key;
    logger.info({ path }, generated ? 'sandbox encryption key generated' : 'sandbox encryption key read');
  }
  if (!redisConfigured(config)) {
    const redis = await startPrivateRedis(config.dataDir, logger);
    config.redisUrl = redis.url;
    cleanups.push(redis.stop);
  }
  const clusters: { input: CreateClusterDto; source: 'sandbox' }[] = [];
  if (config.sandbox && config.role !== 'worker') {
    const topology = await startTopology({ host: '127.0.0.1' });
    cleanups.unshift(topology.close);
    for (const input of await validateClusterInputs(topology.clusters, 'sandbox')) clusters.push({ input, source: 'sandbox' });
    // consul-dc2 once more as a cluster whose peerings need an approval by the platform-admins team (docs/self-service.md).
    const dc2 = topology.clusters.find((c) => c.id === 'consul-dc2');
    if (dc2) {
      const gated = { ...dc2, id: 'consul-dc2-approval', approval: { required: true, approverTeams: ['platform-admins'] } };
      for (const input of await validateClusterInputs([gated], 'sandbox')) clusters.push({ input, source: 'sandbox' });
    }
  }
  const banner = clusters.length ? [`  sandbox:   simulated clusters ${clusters.map((c) => c.input.id).join(', ')}`] : [];
  await runGateway(config, { logger, clusters, cleanups, banner });
}

main().catch(exitOnStartFailure((err) => err instanceof ConfigError || err instanceof RedisUnavailableError));
