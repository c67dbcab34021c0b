import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort, type RedisServerProcess, spawnRedisServer } from '../../src/sandbox/private-redis.js';

const run = promisify(execFile);

/**
 * Real Redis topologies for the tests, from Debian's redis-server and redis-sentinel on loopback
 * ports, each node in a directory of its own. Each gives the environment a gateway needs.
 */
export interface RedisTopology {
  env: Record<string, string>;
  stop(): Promise<void>;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

async function ask<T>(port: number, command: (r: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await command(redis);
  } finally {
    redis.disconnect();
  }
}

function newDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `gw-${name}-`));
}

export interface RedisClusterTopology extends RedisTopology {
  nodes: RedisServerProcess[];
}

/** A Redis Cluster of three masters without replicas (`redis-cli --cluster create`). */
export async function startRedisCluster(): Promise<RedisClusterTopology> {
  const nodes = await Promise.all(
    [0, 1, 2].map(() =>
      spawnRedisServer({
        dir: newDir('cluster-node'),
        appendonly: false,
        args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'],
      }),
    ),
  );
  const stop = async () => void (await Promise.all(nodes.map((n) => n.stop('SIGKILL'))));
  try {
    const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    for (const node of nodes) {
      await until(`cluster_state:ok on ${node.port}`, 20_000, async () =>
        (await ask(node.port, (r) => r.cluster('INFO'))).includes('cluster_state:ok') ? true : undefined,
      );
    }
    return { nodes, env: { REDIS_CLUSTER_NODES: addresses.join(',') }, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface SentinelProcess {
  port: number;
  process: ChildProcess;
  output(): string;
}

export interface RedisSentinelTopology extends RedisTopology {
  masterName: string;
  master: RedisServerProcess;
  replica: RedisServerProcess;
  sentinels: SentinelProcess[];
  /** Port of the master as the sentinels see it now. */
  currentMasterPort(): Promise<number>;
}

async function startSentinel(masterName: string, masterPort: number): Promise<SentinelProcess> {
  const port = await freePort();
  const dir = newDir('sentinel');
  const config = join(dir, 'sentinel.conf');
  writeFileSync(
    config,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 2`,
      `sentinel down-after-milliseconds ${masterName} 1000`,
      `sentinel failover-timeout ${masterName} 5000`,
      `sentinel parallel-syncs ${masterName} 1`,
      '',
    ].join('\n'),
  );
  const child = spawn('redis-sentinel', [config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  await until(`redis-sentinel on ${port}`, 15_000, async () => (output.includes('+monitor master') ? true : undefined));
  return { port, process: child, output: () => output };
}

/**
 * A master, one replica and three sentinels (quorum 2, down after 1 s): a master killed with
 * SIGKILL is replaced by its replica within a few seconds.
 */
export async function startRedisSentinel(): Promise<RedisSentinelTopology> {
  const masterName = 'gwmaster';
  const master = await spawnRedisServer({ dir: newDir('sentinel-master'), appendonly: false });
  const replica = await spawnRedisServer({ dir: newDir('sentinel-replica'), appendonly: false, args: ['--replicaof', '127.0.0.1', String(master.port)] });
  const sentinels: SentinelProcess[] = [];
  const stop = async () => {
    for (const s of sentinels) if (s.process.exitCode === null) s.process.kill('SIGKILL');
    await Promise.all([master.stop('SIGKILL'), replica.stop('SIGKILL')]);
  };
  try {
    await until('the replica in sync', 15_000, async () =>
      (await ask(master.port, (r) => r.info('replication'))).includes('connected_slaves:1') ? true : undefined,
    );
    for (let i = 0; i < 3; i++) sentinels.push(await startSentinel(masterName, master.port));
    // Each sentinel must know the replica and the two others, or a failover cannot be agreed on.
    for (const s of sentinels) {
      await until(`sentinel ${s.port} to know the others`, 20_000, async () => {
        const [others, replicas] = await ask(s.port, async (r) => [
          (await r.call('SENTINEL', 'SENTINELS', masterName)) as unknown[],
          (await r.call('SENTINEL', 'REPLICAS', masterName)) as unknown[],
        ]);
        return others.length === 2 && replicas.length === 1 ? true : undefined;
      });
    }
    return {
      masterName,
      master,
      replica,
      sentinels,
      env: { REDIS_SENTINELS: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','), REDIS_SENTINEL_NAME: masterName },
      currentMasterPort: async () => {
        const [, port] = (await ask(sentinels[0].port, (r) => r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName))) as string[];
        return Number(port);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
