import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
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
