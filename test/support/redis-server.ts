import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type RedisServerProcess, spawnRedisServer } from '../../src/sandbox/private-redis.js';

export { freePort };
export type TestRedis = RedisServerProcess;

/** A throw-away redis-server for tests: real Redis, private port and directory. */
export async function startTestRedis(options: { port?: number; dir?: string; appendonly?: boolean } = {}): Promise<TestRedis> {
  return spawnRedisServer({ port: options.port, dir: options.dir ?? mkdtempSync(join(tmpdir(), 'gw-redis-')), appendonly: options.appendonly ?? false });
}
