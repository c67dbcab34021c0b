import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureDebianPackage } from '../src/sandbox/debian-package';
import { startTestRedis } from './support/redis-server';

/**
 * `npm test`: compiled suites under Node's own test runner (NestJS 12 is ESM-only, which Node 20
 * loads through require(esm) but Jest's module loader does not), against one real Redis for the
 * whole run. Suites keep apart by key prefix. Arguments filter the files by substring.
 */
const root = join(__dirname, '..');

function findSuites(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'support' ? [] : findSuites(path);
    return /\.(spec|e2e)\.js$/.test(name) ? [path] : [];
  });
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const suites = ['src', 'sim', 'test']
    .flatMap((dir) => findSuites(join(root, dir)))
    .filter((file) => filters.length === 0 || filters.some((f) => relative(root, file).includes(f)));
  if (suites.length === 0) throw new Error(`no test files match ${filters.join(' ')}`);
  // Real parts: a Redis server for every suite, a browser for the documentation page.
  for (const [command, pkg] of [['redis-server', 'redis-server'], ['chromium', 'chromium']]) {
    if (!ensureDebianPackage(command, pkg, (message) => console.log(message))) {
      throw new Error(`the tests need ${command}: install Debian's package (apt-get install ${pkg}), as .ci/run does`);
    }
  }
  const redis = await startTestRedis();
  const child = spawn(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...suites], {
    stdio: 'inherit',
    env: { ...process.env, TEST_REDIS_URL: redis.url },
  });
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  await redis.stop();
  process.exit(code);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
