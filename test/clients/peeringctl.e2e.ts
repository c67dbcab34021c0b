import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { consulErrorTexts } from '../../sim/consul/index.js';
import { type Harness, startHarness } from '../support/harness.js';

/** The built command (bin/peeringctl.js runs dist/clients/typescript/cli/peeringctl.js): `npm run build` first. */
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'peeringctl.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('peeringctl against a gateway with simulated clusters', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.deleteAllPeerings();
    await h.close();
  });
  beforeEach(() => {
    for (const sim of h.topology.consul) sim.faults.reset();
  });

  /** Runs the command as a user would, in a child process (the gateway keeps serving in this one). */
  const peeringctl = (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [BIN, ...args, '--interval', '50', '--timeout', '60'],
        { env: { ...process.env, GATEWAY_URL: h.url, GATEWAY_TOKEN: h.token }, timeout: 90_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });

  it('creates with --wait: shows the steps as they happen and exits 0 once ACTIVE', async () => {
    const run = await peeringctl(
      'peerings',
      'create',
      '--name',
      'ctl-wait',
      '--local',
      'consul-dc1',
      '--remote',
      'consul-dc2',
      '--label',
      'team=mesh',
      '--wait',
    );
    expect(run).toMatchObject({ code: 0 });
    expect(run.stderr).toMatch(/peering pr_\S+ \(ctl-wait\): PENDING/);
    expect(run.stderr).toMatch(/operation op_\S+ \(create\): /);
    expect(run.stderr).toMatch(/\[ok \] \S+/);
    expect(run.stderr).toMatch(/: ACTIVE/);
    expect(run.stdout).toMatch(/^pr_\S+ {2}ctl-wait {2}consul {2}consul-dc1 -> consul-dc2 {2}ACTIVE$/m);
    const id = /^(pr_\S+)/m.exec(run.stdout)![1];
    expect((await h.api('GET', `/v1/peerings/${id}`)).body).toMatchObject({ state: 'ACTIVE', labels: { team: 'mesh' } });

    const list = await peeringctl('peerings', 'list', '--state', 'ACTIVE');
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(id);
    const deleted = await peeringctl('peerings', 'delete', id, '--wait');
    expect(deleted.code).toBe(0);
    expect(deleted.stderr).toMatch(/\(delete\)/);
    expect(deleted.stdout).toMatch(/DELETED$/m);
  });

  it('prints the final resource as JSON with --output json', async () => {
    const run = await peeringctl('peerings', 'create', '--name', 'ctl-json', '--local', 'consul-dc2', '--remote', 'consul-dc1', '--wait', '--output', 'json');
    expect(run.code).toBe(0);
    const peering = JSON.parse(run.stdout);
    expect(peering).toMatchObject({ name: 'ctl-json', product: 'consul', state: 'ACTIVE', local: { cluster: 'consul-dc2' } });

    const got = await peeringctl('peerings', 'get', peering.id, '-o', 'json');
    expect(JSON.parse(got.stdout)).toMatchObject({ id: peering.id, state: 'ACTIVE' });
    // In text, the conditions say why it is ready, one line each.
    const text = await peeringctl('peerings', 'get', peering.id);
    expect(text.stdout).toMatch(/^ {2}Ready=True {2}\w+/m);
    expect(text.stdout).toMatch(/^ {2}Established=True/m);
    const op = await peeringctl('operations', 'get', peering.operationId, '--output', 'json');
    expect(JSON.parse(op.stdout)).toMatchObject({ id: peering.operationId, status: 'succeeded' });
    const clusters = await peeringctl('clusters', 'list', '--output', 'json');
    expect(JSON.parse(clusters.stdout).map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['consul-dc1', 'ontap-east']));

    const deleted = await peeringctl('peerings', 'delete', peering.id, '--wait', '--output', 'json');
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout)).toMatchObject({ id: peering.id, state: 'DELETED' });
    // watch follows until the peering settles for good; a DELETED one ends at once.
    const watched = await peeringctl('peerings', 'watch', peering.id);
    expect(watched.code).toBe(0);
    expect(watched.stderr).toContain('DELETED');
  });

  it('exits non-zero with the problem when the peering FAILED', async () => {
    // Consul refuses the token twice as already used: the gateway gives up (test/consul/consul-failures.e2e.ts).
    h.topology.consul[1].faults.failNext(2, 403, consulErrorTexts.invalidSecret, undefined, { method: 'POST', pathPrefix: '/v1/peering/establish' });
    const run = await peeringctl('peerings', 'create', '--name', 'ctl-fails', '--local', 'consul-dc1', '--remote', 'consul-dc2', '--wait');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/: FAILED/);
    expect(run.stderr).toMatch(/peeringctl: FAILED: .+/);
  });

  it('reports refusals and bad usage with distinct exit codes', async () => {
    const refused = await peeringctl('peerings', 'create', '--name', 'ctl-bad', '--local', 'consul-dc1', '--remote', 'consul-dc9');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/validation_failed, HTTP 400/);
    const missing = await peeringctl('peerings', 'get', 'pr_missing');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not_found, HTTP 404/);
    const usage = await peeringctl('peerings', 'create', '--local', 'consul-dc1');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--name is required');
  });

  it('has help: peeringctl help, and each command its own --help', async () => {
    const all = await peeringctl('help');
    expect([all.code, all.stdout]).toEqual([0, expect.stringContaining('peeringctl peerings watch ID')]);
    const watch = await peeringctl('peerings', 'watch', '--help');
    expect(watch.code).toBe(0);
    expect(watch.stdout).toMatch(/^Usage:\n {2}peeringctl peerings watch ID /);
    expect(watch.stdout).not.toContain('peerings create');
    const create = await peeringctl('help', 'peerings', 'create');
    expect([create.code, create.stdout]).toEqual([0, expect.stringContaining('--encryption MODE')]);
    const unknown = await peeringctl('peerings', 'frobnicate', '--help');
    expect(unknown.code).toBe(2);
  });

  it('names the URL and the cause when the gateway cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise((resolve) => server.close(resolve));
    const run = await peeringctl('peerings', 'list', '--url', `http://127.0.0.1:${port}`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot reach the gateway at http://127.0.0.1:${port}: ECONNREFUSED`);
  });

  it('watch follows the event stream: every event once, updates too, until DELETED', async () => {
    const created = await h.api('POST', '/v1/peerings', { name: 'ctl-watch', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } });
    expect(created.status).toBe(202);
    await h.waitForState(created.body.id, 'ACTIVE');
    const watching = peeringctl('peerings', 'watch', created.body.id);
    // The child process starts and opens its stream (its snapshot comes first, whenever it connects).
    await new Promise((r) => setTimeout(r, 2_000));
    const rotated = await h.api('PATCH', `/v1/peerings/${created.body.id}`, { consul: { rotateToken: true } });
    await h.waitForOperation(rotated.body.operationId);
    expect((await h.api('DELETE', `/v1/peerings/${created.body.id}`)).status).toBe(202);
    const run = await watching;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('DELETED');
    const events = run.stderr.split('\n').map((line) => line.split(':')[0]);
    expect(events[0]).toBe('peering.snapshot');
    expect(events.filter((e) => e === 'peering.secret_rotated')).toHaveLength(1);
    expect(run.stderr.split('\n').filter((line) => line.endsWith(' DELETED'))).toHaveLength(1);
  });
});
