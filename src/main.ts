import './common/heap-growth.js';
import 'reflect-metadata';
import { exitOnStartFailure, runGateway } from './bootstrap.js';
import { createLogger } from './common/logger.js';
import { ConfigError, loadConfig, redisConfigured } from './config/gateway-config.js';

/**
 * The production entry: Redis and clusters come from the configuration; nothing is installed or
 * simulated here. `npm start` with nothing configured runs the sandbox entry instead
 * (src/sandbox/main.ts).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (config.sandbox) {
    throw new ConfigError(
      'this entry runs against real clusters: set GATEWAY_CLUSTERS_FILE (or GATEWAY_SANDBOX=false), or run the sandbox with npm start (node dist/src/sandbox/main.js)',
    );
  }
  if (!redisConfigured(config)) {
    throw new ConfigError(
      'Redis is required outside the sandbox: set REDIS_URL (redis://host:6379), REDIS_SENTINELS with REDIS_SENTINEL_NAME, or REDIS_CLUSTER_NODES',
    );
  }
  await runGateway(config, { logger: createLogger(config.logLevel) });
}

main().catch(exitOnStartFailure((err) => err instanceof ConfigError));
