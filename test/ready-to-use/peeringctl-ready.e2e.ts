import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { type Harness, startHarness } from '../support/harness.js';

/** The built command (bin/peeringctl.js runs dist/clients/typescript/cli/peeringctl.js): `npm run build` first. */
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'peeringctl.js');

describe('peeringctl: a ready-to-use peering in one command', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.deleteAllPeerings();
    await h.close();
  });

  const peeringctl = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [BIN, ...args, '--interval', '50', '--timeout', '60'],
        { env: { ...process.env, GATEWAY_URL: h.url, GATEWAY_TOKEN: h.token }, timeout: 90_000 },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });

  it('ONTAP: --svm-peer makes the SVM peers with the cluster peer', async () => {
    const run = await peeringctl(
      'peerings',
      'create',
      '--name',
      'ctl-dr',
      '--local',
      'ontap-east',
      '--remote',
      'ontap-west',
      '--svm-peer',
      'svm1:svm-data',
      '--svm-peer',
      'svm-data:svm1:snapmirror,flexcache',
      '--wait',
      '--output',
      'json',
    );
    expect(run.code).toBe(0);
    const peering = JSON.parse(run.stdout);
    expect(peering.state).toBe('ACTIVE');
    expect(peering.svmPeers.map((p: any) => [p.local, p.remote, p.applications, p.state])).toEqual([
      ['svm1', 'svm-data', ['snapmirror'], 'ready'],
      ['svm-data', 'svm1', ['snapmirror', 'flexcache'], 'ready'],
    ]);
  });

  it('Consul: --export and --export-remote export services both ways', async () => {
    const run = await peeringctl(
      'peerings',
      'create',
      '--name',
      'ctl-mesh',
      '--local',
      'consul-dc1',
      '--remote',
      'consul-dc2',
      '--export',
      'web',
      '--export',
      'api',
      '--export-remote',
      'db',
      '--wait',
      '--output',
      'json',
    );
    expect(run.code).toBe(0);
    const peering = JSON.parse(run.stdout);
    expect(peering.state).toBe('ACTIVE');
    expect(peering.exports.local.map((p: any) => [p.service, p.state])).toEqual([
      ['web', 'ready'],
      ['api', 'ready'],
    ]);
    expect(peering.exports.remote.map((p: any) => [p.service, p.state])).toEqual([['db', 'ready']]);
  });

  it('refuses a malformed --svm-peer before any request', async () => {
    const run = await peeringctl('peerings', 'create', '--name', 'ctl-bad', '--local', 'ontap-east', '--remote', 'ontap-west', '--svm-peer', 'svm1');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--svm-peer takes LOCAL:REMOTE/);
  });
});
