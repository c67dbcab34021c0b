import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ensureDebianPackage } from './debian-package.js';

export class RedisUnavailableError extends Error {}

const WAYS_OUT = [
  'set REDIS_URL to a Redis you run (redis://host:6379)',
  "install Debian's package: apt-get install redis-server",
  'or run one with Docker: docker compose up redis, then REDIS_URL=redis://localhost:6379',
].join('\n  - ');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServerProcess {
  url: string;
  port: number;
  dir: string;
  process: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * A redis-server child on a loopback port, resolved once it accepts connections. `args`: more
 * settings (`--cluster-enabled yes`, `--replicaof host port`), as the tests' topologies need.
 */
export async function spawnRedisServer(options: { port?: number; dir: string; appendonly: boolean; args?: string[] }): Promise<RedisServerProcess> {
  const port = options.port ?? (await freePort());
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    options.dir,
    '--appendonly',
    options.appendonly ? 'yes' : 'no',
    '--save',
    '',
    ...(options.args ?? []),
  ];
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new RedisUnavailableError(`redis-server did not start:\n${output}`)), 15_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new RedisUnavailableError(`cannot run redis-server: ${err.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new RedisUnavailableError(`redis-server exited (${code}):\n${output}`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.removeAllListeners('exit');
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir: options.dir,
    process: child,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

export interface PrivateRedis {
  url: string;
  stop(): Promise<void>;
}

/**
 * The sandbox's own Redis: a redis-server child on a free loopback port, AOF on, data under
 * `<dataDir>/redis` so that accepted work survives a restart of the gateway. If the child dies
 * (killed, out of memory), it is started again on the same port and data, with a growing pause
 * between attempts; the connections reconnect by themselves and /readyz reports the gap.
 */
export async function startPrivateRedis(dataDir: string, logger: Logger): Promise<PrivateRedis> {
  let installed = false;
  try {
    installed = ensureDebianPackage('redis-server', 'redis-server', (message) => logger.warn(message));
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'installing redis-server failed');
  }
  if (!installed) throw new RedisUnavailableError(`REDIS_URL is not set and this machine has no redis-server. Ways out:\n  - ${WAYS_OUT}`);
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  let current = await spawnRedisServer({ dir, appendonly: true });
  const port = current.port;
  logger.info({ port, dir }, 'private redis-server started (AOF on)');

  let stopping = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  const watch = (server: RedisServerProcess): void => {
    const startedAt = Date.now();
    server.process.once('exit', (code, signal) => {
      if (stopping) return;
      // A server that ran for a while starts again at once; one that keeps dying waits longer each time (up to 10 s).
      failures = Date.now() - startedAt > 30_000 ? 0 : failures + 1;
      const delay = Math.min(10_000, failures === 0 ? 0 : 250 * 2 ** (failures - 1));
      logger.warn({ code, signal, port, restartInMs: delay }, 'private redis-server exited; starting it again');
      timer = setTimeout(() => void restart(), delay);
    });
  };
  const restart = async (): Promise<void> => {
    if (stopping) return;
    try {
      current = await spawnRedisServer({ port, dir, appendonly: true });
      logger.info({ port }, 'private redis-server started again');
      if (stopping) await current.stop();
      else watch(current);
    } catch (err) {
      failures += 1;
      const delay = Math.min(10_000, 250 * 2 ** (failures - 1));
      logger.error({ err: (err as Error).message, retryInMs: delay }, 'private redis-server did not start again');
      timer = setTimeout(() => void restart(), delay);
    }
  };
  watch(current);
  return {
    url: current.url,
    stop: async () => {
      stopping = true;
      clearTimeout(timer);
      await current.stop();
    },
  };
}
