import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RedisServerProcess } from '../../src/sandbox/private-redis.js';

declare global {
  var testRedis: RedisServerProcess | undefined;
}

/**
 * Jest loads this file outside its module system (no module mapping), so it uses the compiled
 * build, which `npm test` makes first (the suites' spawned gateways run it too).
 */
async function fromBuild<T>(path: string): Promise<T> {
  return (await import(join(process.cwd(), 'dist', path))) as T;
}

/** Real parts for every suite: a Redis server (and Sentinel), and a browser for the documentation page. */
export default async function globalSetup(): Promise<void> {
  const { ensureDebianPackage } = await fromBuild<typeof import('../../src/sandbox/debian-package.js')>('src/sandbox/debian-package.js');
  const { spawnRedisServer } = await fromBuild<typeof import('../../src/sandbox/private-redis.js')>('src/sandbox/private-redis.js');
  for (const [command, pkg] of [
    ['redis-server', 'redis-server'],
    // The Sentinel topology of test/faults/redis-topologies.e2e.ts.
    ['redis-sentinel', 'redis-sentinel'],
    ['chromium', 'chromium'],
  ]) {
    if (!ensureDebianPackage(command, pkg, (message) => console.log(message))) {
      throw new Error(`the tests need ${command}: install Debian's package (apt-get install ${pkg}), as .ci/run does`);
    }
  }
  const redis = await spawnRedisServer({ dir: mkdtempSync(join(tmpdir(), 'gw-redis-')), appendonly: false });
  globalThis.testRedis = redis;
  process.env.TEST_REDIS_URL = redis.url;
}
