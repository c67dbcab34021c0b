import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OntapClusterSim, OntapNetwork, startOntapCluster } from '../../sim/ontap/index.js';
import { type Harness, startHarness } from '../support/harness.js';

/** A self-signed certificate for 127.0.0.1, as ONTAP management interfaces usually have. */
function selfSigned(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gw-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
}

describe('clusters: registration, secrets, and a CA bundle per cluster', () => {
  let h: Harness;
  let sims: OntapClusterSim[];
  const tls = selfSigned();
  const password = 'tls-cluster-password-1';
  beforeAll(async () => {
    h = await startHarness();
    const network = new OntapNetwork();
    sims = await Promise.all(
      [
        { name: 'tls-east', interclusterAddresses: ['10.50.0.11'] },
        { name: 'tls-west', interclusterAddresses: ['10.51.0.11'] },
        { name: 'tls-south', interclusterAddresses: ['10.52.0.11'] },
      ].map((spec) => startOntapCluster({ ...spec, password, tls }, network)),
    );
  });
  afterAll(async () => {
    await h.close();
    await Promise.all(sims.map((s) => s.close()));
  });

  const register = (sim: OntapClusterSim, caPem?: string) =>
    h.api('POST', '/v1/clusters', {
      id: sim.name,
      product: 'ontap',
      endpoint: sim.url,
      auth: { username: 'admin', password },
      tls: caPem ? { caPem } : undefined,
      ontap: { interclusterAddresses: sim.interclusterAddresses() },
    });

  it('registers clusters without ever showing their secrets', async () => {
    const created = await register(sims[0], tls.cert);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'tls-east', auth: { username: 'admin', passwordSet: true, tokenSet: false }, tls: { caConfigured: true } });
    expect((await register(sims[1], tls.cert)).status).toBe(201);
    for (const res of [created, await h.api('GET', '/v1/clusters/tls-east'), await h.api('GET', '/v1/clusters')])
      expect(JSON.stringify(res.body)).not.toContain(password);
    expect((await register(sims[0], tls.cert)).status).toBe(409);
    const invalid = await h.api('POST', '/v1/clusters', { id: 'Bad Id', product: 'ontap', endpoint: 'ftp://x', auth: {} });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['endpoint', 'id']);
    const noLifs = await h.api('POST', '/v1/clusters', {
      id: 'no-lifs',
      product: 'ontap',
      endpoint: 'https://10.9.9.9',
      auth: { username: 'a', password: 'b' },
    });
    expect(noLifs.body.errors).toContainEqual({ field: 'ontap', message: 'is required for ONTAP: interclusterAddresses' });
  });

  it('peers two clusters with self-signed certificates through their registered CA bundle', async () => {
    const res = await h.api('POST', '/v1/peerings', { name: 'over-tls', local: { cluster: 'tls-east' }, remote: { cluster: 'tls-west' } });
    await h.waitForState(res.body.id, 'ACTIVE');
    expect(sims[0].peers()).toHaveLength(1);
    expect((await h.api('DELETE', '/v1/clusters/tls-east')).status).toBe(409);
  });

  it('fails at once, saying what to do, when a certificate is not trusted', async () => {
    expect((await register(sims[2])).status).toBe(201);
    const res = await h.api('POST', '/v1/peerings', { name: 'untrusted', local: { cluster: 'tls-south' }, remote: { cluster: 'tls-west' } });
    const failed = await h.waitForState(res.body.id, 'FAILED');
    expect(failed.lastError).toMatchObject({ code: 'upstream_rejected', upstream: { cluster: 'tls-south', code: 'tls_untrusted' } });
    expect(failed.lastError.detail).toMatch(/register the CA bundle .* as tls.caPem/);
    expect((await h.waitForOperation(failed.operationId)).attempts).toBe(1);
  });
});
