import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The README's walk-through: its shell blocks, between the walk-through markers, in order. */
function walkthroughBlocks(readme: string): string[] {
  const begin = readme.indexOf('<!-- walk-through:begin -->');
  const end = readme.indexOf('<!-- walk-through:end -->');
  if (begin < 0 || end < begin) throw new Error('README.md has no walk-through markers');
  return [...readme.slice(begin, end).matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The sandbox as `npm start` runs it (the built entry), on a data dir, a port and a token of the test's own. */
describe('the README walk-through', () => {
  const token = 'gw_readme_walkthrough_token';
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-readme-'));
  let sandbox: ChildProcess;
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    sandbox = spawn(process.execPath, ['dist/src/sandbox/main.js'], {
      env: { ...process.env, PORT: String(port), GATEWAY_DATA_DIR: dataDir, GATEWAY_ADMIN_TOKEN: token, LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ready = await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline || sandbox.exitCode !== null) throw new Error('the sandbox did not become ready in 30 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 40_000);

  afterAll(async () => {
    if (sandbox && sandbox.exitCode === null) {
      const exited = new Promise((resolve) => sandbox.once('exit', resolve));
      sandbox.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs top to bottom in one shell, with the status codes and states it promises', () => {
    const blocks = walkthroughBlocks(readFileSync('README.md', 'utf8'));
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    const run = spawnSync('bash', ['-c', `set -euo pipefail\n${blocks.join('\n')}`], {
      env: { ...process.env, GW: url, TOKEN: token },
      encoding: 'utf8',
      timeout: 90_000,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    if (run.status !== 0) throw new Error(`the walk-through failed (exit ${run.status}):\n${output.slice(-4000)}`);
    const statuses = run.stdout.split('\n').filter((line) => /^\d{3}$/.test(line));
    // Consul: create, list, operation, delete; ONTAP: create, rotate, delete; the failure: the two
    // simulator switches, create, read, retry, the refused retry, delete.
    expect(statuses).toEqual(['202', '200', '200', '202', '202', '202', '202', '200', '200', '200', '202', '409', '202']);
    const states = [...run.stdout.matchAll(/^pr_\w+ is (\w+)$/gm)].map((m) => m[1]);
    expect(states).toEqual(['ACTIVE', 'DELETED', 'ACTIVE', 'ACTIVE', 'DELETED', 'FAILED', 'ACTIVE', 'DELETED']);
    expect(run.stderr).toMatch(/east-west-cli\): ACTIVE/);
    expect(run.stdout).toMatch(/peering must be enabled|peering.*enabled/i);
  }, 100_000);
});
