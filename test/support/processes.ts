import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterRegistration } from '../../sim/topology.js';

/** A gateway as its own OS process (`node dist/src/main.js`), for crash, shutdown and scale-out tests. */
export interface GatewayProcess {
  role: 'all' | 'api' | 'worker';
  url?: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): void;
}

export interface ProcessOptions {
  role: 'all' | 'api' | 'worker';
  /** One Redis by URL, or the settings of a Sentinel set or a Cluster (test/support/redis-topologies.ts). */
  redisUrl?: string;
  redisEnv?: Record<string, string>;
  prefix: string;
  token: string;
  clusters: ClusterRegistration[];
  env?: Record<string, string>;
}

/**
 * The encryption key of the gateway processes a suite starts: one per suite (module), so an API
 * and a worker, or a process and its restart, on the same key prefix open each other's secrets.
 */
export const TEST_ENCRYPTION_KEY = randomBytes(32).toString('base64');

export function writeClustersFile(clusters: ClusterRegistration[]): string {
  const path = join(tmpdir(), `gw-clusters-${randomBytes(4).toString('hex')}.json`);
  writeFileSync(path, JSON.stringify({ clusters }));
  return path;
}

export async function startGatewayProcess(options: ProcessOptions): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'dist', 'src', 'main.js')], {
    env: {
      ...process.env,
      // Port 0: the process takes a free port itself (no race with other suites); the banner names it.
      PORT: '0',
      HOST: '127.0.0.1',
      REDIS_URL: options.redisUrl ?? '',
      REDIS_SENTINELS: '',
      REDIS_SENTINEL_NAME: '',
      REDIS_CLUSTER_NODES: '',
      ...options.redisEnv,
      GATEWAY_REDIS_PREFIX: options.prefix,
      GATEWAY_ADMIN_TOKEN: options.token,
      GATEWAY_ROLE: options.role,
      GATEWAY_SANDBOX: 'false',
      GATEWAY_CLUSTERS_FILE: writeClustersFile(options.clusters),
      GATEWAY_RETRY_BASE_MS: '100',
      GATEWAY_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  // Ready when the banner is printed (after Redis, clusters, workers and HTTP are up).
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway ${options.role} did not start:\n${output}`)), 20_000);
    const check = setInterval(() => {
      if (output.includes('Peering gateway is up')) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 20);
    void exited.then((code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`gateway ${options.role} exited (${code}):\n${output}`));
    });
  });
  return {
    role: options.role,
    url: options.role === 'worker' ? undefined : /API:\s+(http:\/\/\S+)/.exec(output)?.[1],
    child,
    output: () => output,
    exited,
    kill: (signal) => child.kill(signal),
  };
}
