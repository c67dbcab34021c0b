import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, type RedisServerProcess, spawnRedisServer } from '../src/sandbox/private-redis.js';

/** A master, its replica and three sentinels on loopback ports: what the soak fails over. */
export interface SoakSentinel {
  env: Record<string, string>;
  master: RedisServerProcess;
  /** SIGKILLs the master and resolves once the sentinels name the replica as the new master. */
  failOver(): Promise<void>;
  stop(): Promise<void>;
}

const MASTER_NAME = 'soakmaster';

async function info(port: number, command: (r: Redis) => Promise<unknown>): Promise<unknown> {
  const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await command(redis);
  } finally {
    redis.disconnect();
  }
}

async function waitFor(what: string, timeoutMs: number, ok: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ok().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Debian's redis-server and redis-sentinel (quorum 2 of 3, master down after 1 s), the same shape
 * the Redis topology tests use, so that the soak's failover is the one those tests check.
 */
export async function startSoakSentinel(): Promise<SoakSentinel> {
  const dir = (name: string) => mkdtempSync(join(tmpdir(), `gw-soak-${name}-`));
  const master = await spawnRedisServer({ dir: dir('master'), appendonly: false });
  const replica = await spawnRedisServer({ dir: dir('replica'), appendonly: false, args: ['--replicaof', '127.0.0.1', String(master.port)] });
  const sentinels: { port: number; process: ChildProcess }[] = [];
  const stop = async () => {
    for (const s of sentinels) s.process.kill('SIGKILL');
    await Promise.all([master.stop('SIGKILL'), replica.stop('SIGKILL')]);
  };
  try {
    await waitFor('the replica in sync', 15_000, async () => String(await info(master.port, (r) => r.info('replication'))).includes('connected_slaves:1'));
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const home = dir('sentinel');
      const config = join(home, 'sentinel.conf');
      writeFileSync(
        config,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${home}`,
          `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${master.port} 2`,
          `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
          `sentinel failover-timeout ${MASTER_NAME} 5000`,
          '',
        ].join('\n'),
      );
      sentinels.push({ port, process: spawn('redis-sentinel', [config], { stdio: 'ignore' }) });
    }
    for (const s of sentinels) {
      await waitFor(`sentinel ${s.port} to know the others and the replica`, 30_000, async () => {
        const [others, replicas] = (await info(s.port, async (r) => [
          await r.call('SENTINEL', 'SENTINELS', MASTER_NAME),
          await r.call('SENTINEL', 'REPLICAS', MASTER_NAME),
        ])) as unknown[][];
        return others.length === 2 && replicas.length === 1;
      });
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    env: { REDIS_SENTINELS: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','), REDIS_SENTINEL_NAME: MASTER_NAME },
    master,
    failOver: async () => {
      await master.stop('SIGKILL');
      await waitFor('the sentinels to promote the replica', 30_000, async () => {
        const [, port] = (await info(sentinels[0].port, (r) => r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME))) as string[];
        return Number(port) === replica.port;
      });
    },
    stop,
  };
}
