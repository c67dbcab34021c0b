import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CONTRACT, contractProblems } from '../contract/contract.js';
import { SECURITY_ERROR_CODES } from '../../../src/products/ontap/security/security-error-codes.js';
import { type OntapClusterSim, type OntapClusterSpec, OntapNetwork, startOntapCluster } from '../index.js';
import { IPSEC_ERRORS, KM_ERRORS } from './errors.js';

// ---- The 9.6 contract's key-manager definitions (kept in sim/ontap/contract/).

/** Seed 003 is ONTAP 9.7's page: these came after the 9.6 contract. */
const KM_97_EXTRAS = ['$.status', '$.volume_encryption', '$.is_default_data_at_rest_encryption_disabled', '$.onboard.key_backup'];

function documentedCodes(path: string, method: string): string[] {
  const description = CONTRACT.paths[path][method].responses.default.description ?? '';
  return [...description.matchAll(/\|\s*(\d+)\s*\|/g)].map((m) => m[1]);
}

// ---- Clusters and calls.

const AUTH = `Basic ${Buffer.from('admin:netapp123').toString('base64')}`;
const PASSPHRASE = 'an-onboard-passphrase-of-32-chars-or-more';
const KEY = `0x${'ab'.repeat(20)}`;

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

async function call(sim: OntapClusterSim, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

async function control(sim: OntapClusterSim, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${sim.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  expect(res.status).toBeLessThan(300);
  return res.json();
}

function expectCode(answer: Answer, code: string): void {
  expect({ code: answer.body?.error?.code, message: answer.body?.error?.message }).toEqual({ code, message: expect.any(String) });
  expect(answer.status).toBeGreaterThanOrEqual(400);
}

let network: OntapNetwork;
let started: OntapClusterSim[];
let sim: OntapClusterSim;

async function start(spec: Partial<OntapClusterSpec> & { name: string }): Promise<OntapClusterSim> {
  const cluster = await startOntapCluster({ interclusterAddresses: [], ...spec }, network);
  started.push(cluster);
  return cluster;
}

beforeEach(async () => {
  network = new OntapNetwork();
  started = [];
  sim = await start({ name: 'ontap-east', interclusterAddresses: ['10.1.0.11'], ipspaces: ['Default', 'ips1'] });
});

afterEach(async () => {
  await Promise.all(started.map((s) => s.close()));
});

/** The uuid of an installed certificate: of the cluster (admin SVM) or of a data SVM. */
async function certificate(type: string, svm?: string, on = sim): Promise<string> {
  const filter = svm ? `svm.name=${svm}` : 'scope=cluster';
  const answer = await call(on, 'GET', `/api/security/certificates?${filter}&type=${type}`);
  return answer.body.records[0].uuid;
}

async function externalBody(svm?: string, servers: string[] = ['10.9.0.1']): Promise<Record<string, unknown>> {
  return {
    ...(svm ? { svm: { name: svm } } : {}),
    external: {
      client_certificate: { uuid: await certificate('client', svm) },
      server_ca_certificates: [{ uuid: await certificate('server_ca', svm) }],
      servers: servers.map((server) => ({ server })),
    },
  };
}

const created = (answer: Answer): string => {
  expect(answer.status).toBe(201);
  return (answer.headers.get('location') as string).split('/').pop() as string;
};

describe('/api/security/key-managers', () => {
  it('creates an onboard manager at cluster scope; status only when fields names it', async () => {
    const post = await call(sim, 'POST', '/api/security/key-managers?return_records=true', { onboard: { passphrase: PASSPHRASE } });
    const uuid = created(post);
    expect(post.body.records[0]).toMatchObject({ uuid, scope: 'cluster', onboard: { enabled: true } });
    expect(JSON.stringify(post.body)).not.toContain(PASSPHRASE);

    const list = await call(sim, 'GET', '/api/security/key-managers');
    expect(list.body.records).toEqual([{ uuid, scope: 'cluster', _links: { self: { href: `/api/security/key-managers/${uuid}` } } }]);
    const all = await call(sim, 'GET', '/api/security/key-managers?fields=*');
    expect(all.body.records[0].status).toBeUndefined();
    expect(all.body.records[0].onboard.key_backup).toMatch(/^-----BEGIN BACKUP-----/);
    expect(
      contractProblems(
        all.body,
        'security_key_manager_response',
        KM_97_EXTRAS.map((p) => p.replace('$', '$.records[]')),
      ),
    ).toEqual([]);

    const status = await call(sim, 'GET', '/api/security/key-managers?fields=status.code,status.message');
    expect(status.body.records[0]).toMatchObject({ status: { code: 65537200, message: 'No action needed at this time.' } });
    expect((await call(sim, 'GET', `/api/security/key-managers/${uuid}?fields=status`)).body.status.code).toBe(65537200);
    const instance = await call(sim, 'GET', `/api/security/key-managers/${uuid}`);
    expect(instance.body.status).toBeUndefined();
    expect(contractProblems(instance.body, 'security_key_manager', KM_97_EXTRAS)).toEqual([]);
    expect(JSON.stringify(instance.body)).not.toContain(PASSPHRASE);
  });

  it('creates an external manager per SVM; connectivity only when asked for', async () => {
    const uuid = created(await call(sim, 'POST', '/api/security/key-managers', await externalBody('svm1', ['10.9.0.1', 'kms.example:5697'])));
    const view = (await call(sim, 'GET', `/api/security/key-managers/${uuid}?fields=*`)).body;
    expect(view).toMatchObject({
      scope: 'svm',
      svm: { name: 'svm1' },
      external: { servers: [{ server: '10.9.0.1:5696', timeout: 25, username: '' }, { server: 'kms.example:5697' }] },
    });
    expect(view.external.servers[0].connectivity).toBeUndefined();
    expect(contractProblems(view, 'security_key_manager', KM_97_EXTRAS)).toEqual([]);

    await control(sim, 'PUT', '/_sim/security', { unreachableKeyServers: ['10.9.0.1'] });
    const partial = (await call(sim, 'GET', `/api/security/key-managers/${uuid}?fields=external.servers.connectivity,status`)).body;
    expect(partial.external.servers.map((s: any) => s.connectivity.cluster_availability)).toEqual([false, true]);
    expect(partial.external.servers[0].connectivity.records).toEqual([
      { node: { name: 'ontap-east-01', uuid: expect.any(String) }, state: 'not_responding' },
      { node: { name: 'ontap-east-02', uuid: expect.any(String) }, state: 'not_responding' },
    ]);
    expect(partial.status.code).toBe(65537200);
    await control(sim, 'PUT', '/_sim/security', { unreachableKeyServers: ['10.9.0.1', 'kms.example:5697'] });
    expect((await call(sim, 'GET', `/api/security/key-managers/${uuid}?fields=**`)).body.status.code).toBe(66060341);
    expect((await call(sim, 'GET', '/api/security/key-managers?scope=svm&svm.name=svm1')).body.num_records).toBe(1);
    expect((await call(sim, 'GET', '/api/security/key-managers?scope=cluster')).body.num_records).toBe(0);
  });

  it('answers each documented POST code under its condition', async () => {
    const cases: [string, () => Promise<unknown>, string, (() => Promise<void>)?][] = [
      ['passphrase too short', async () => ({ onboard: { passphrase: 'short' } }), KM_ERRORS.onboardPassphraseLength.code],
      ['onboard on a data SVM', async () => ({ svm: { name: 'svm1' }, onboard: { passphrase: PASSPHRASE } }), KM_ERRORS.onboardAdminOnly.code],
      ['unknown SVM', async () => ({ svm: { name: 'nope' }, onboard: { passphrase: PASSPHRASE } }), KM_ERRORS.svmNotFound.code],
      [
        'external without servers',
        async () => ({
          external: { client_certificate: { uuid: await certificate('client') }, server_ca_certificates: [{ uuid: await certificate('server_ca') }] },
        }),
        KM_ERRORS.externalIncomplete.code,
      ],
      ['five key servers', () => externalBody(undefined, ['10.9.0.1', '10.9.0.2', '10.9.0.3', '10.9.0.4', '10.9.0.5']), KM_ERRORS.maxKeyServers.code],
      ['a key server twice', () => externalBody(undefined, ['10.9.0.1', '10.9.0.1:5696']), KM_ERRORS.duplicateServers.code],
      [
        'a certificate not installed on the SVM',
        async () => ({
          ...(await externalBody()),
          external: { ...((await externalBody()).external as object), client_certificate: { uuid: await certificate('client', 'svm1') } },
        }),
        KM_ERRORS.certificateNotInstalled.code,
      ],
      [
        'a server CA given as client certificate',
        async () => ({ external: { ...((await externalBody()).external as object), client_certificate: { uuid: await certificate('server_ca') } } }),
        KM_ERRORS.badClientCertificate.code,
      ],
      [
        'a client certificate given as server CA',
        async () => ({ external: { ...((await externalBody()).external as object), server_ca_certificates: [{ uuid: await certificate('root_ca') }] } }),
        KM_ERRORS.badServerCa.code,
      ],
      [
        'an unreachable key server',
        () => externalBody(undefined, ['10.9.9.9']),
        KM_ERRORS.keyServerNetwork.code,
        () => control(sim, 'PUT', '/_sim/security', { unreachableKeyServers: ['10.9.9.9'] }),
      ],
      [
        'no platform support',
        async () => ({ onboard: { passphrase: PASSPHRASE } }),
        KM_ERRORS.platformUnsupported.code,
        () => control(sim, 'PUT', '/_sim/security', { platformEncryption: false }),
      ],
    ];
    for (const [what, body, code, prepare] of cases) {
      await prepare?.();
      const answer = await call(sim, 'POST', '/api/security/key-managers', await body());
      expect({ what, code: answer.body?.error?.code }).toEqual({ what, code });
      await control(sim, 'PUT', '/_sim/security', { unreachableKeyServers: [], platformEncryption: true });
    }
    expect(sim.security.keyManagers.size).toBe(0);
    expectCode(await call(sim, 'POST', '/api/security/key-managers', { onboard: { passphrase: PASSPHRASE }, uuid: 'x' }), '262179');
  });

  it("allows one manager per SVM (65536823, 65536907) and keeps SVM keys apart from the cluster's (65536878)", async () => {
    created(await call(sim, 'POST', '/api/security/key-managers', { onboard: { passphrase: PASSPHRASE } }));
    expectCode(await call(sim, 'POST', '/api/security/key-managers', { onboard: { passphrase: PASSPHRASE } }), KM_ERRORS.onboardAlreadyConfigured.code);
    expectCode(await call(sim, 'POST', '/api/security/key-managers', await externalBody()), KM_ERRORS.alreadyConfigured.code);
    await control(sim, 'POST', '/_sim/svms', { name: 'svm-data', encryptedVolumes: 2 });
    expectCode(await call(sim, 'POST', '/api/security/key-managers', await externalBody('svm-data')), KM_ERRORS.keysInClusterKm.code);
    created(await call(sim, 'POST', '/api/security/key-managers', await externalBody('svm1')));
    expectCode(await call(sim, 'POST', '/api/security/key-managers', await externalBody('svm1')), KM_ERRORS.alreadyConfigured.code);
  });

  it('refuses per-SVM managers below ECV 9.6 (65536822)', async () => {
    const old = await start({ name: 'ontap-old', version: '9.5.0' });
    const body = {
      svm: { name: 'svm1' },
      external: {
        client_certificate: { uuid: await certificate('client', 'svm1', old) },
        server_ca_certificates: [{ uuid: await certificate('server_ca', 'svm1', old) }],
        servers: [{ server: '10.9.0.1' }],
      },
    };
    expectCode(await call(old, 'POST', '/api/security/key-managers', body), KM_ERRORS.multitenantUnsupported.code);
  });

  it('follows the MetroCluster rules of onboard synchronize and external managers', async () => {
    const sync = { onboard: { passphrase: PASSPHRASE, synchronize: true } };
    expectCode(await call(sim, 'POST', '/api/security/key-managers', sync), KM_ERRORS.syncNotMetroCluster.code);
    await control(sim, 'PUT', '/_sim/security', { metroCluster: { partnerKeyManager: 'none' } });
    expectCode(await call(sim, 'POST', '/api/security/key-managers', sync), KM_ERRORS.syncPartnerMissing.code);
    expectCode(await call(sim, 'POST', '/api/security/key-managers', { onboard: { synchronize: true } }), KM_ERRORS.syncNeedsPassphrase.code);
    expectCode(
      await call(sim, 'POST', '/api/security/key-managers', { onboard: { ...sync.onboard, existing_passphrase: PASSPHRASE } }),
      KM_ERRORS.syncNoExistingPassphrase.code,
    );
    expectCode(await call(sim, 'POST', '/api/security/key-managers', await externalBody('svm1')), KM_ERRORS.multitenantMetroCluster.code);

    // Onboard on this site while the partner has none: it works, and reads the MetroCluster status of NetApp's key-managers reference.
    const uuid = created(await call(sim, 'POST', '/api/security/key-managers', { onboard: { passphrase: PASSPHRASE } }));
    expect((await call(sim, 'GET', `/api/security/key-managers/${uuid}?fields=status`)).body.status.code).toBe(346758);
    await call(sim, 'DELETE', `/api/security/key-managers/${uuid}`);

    await control(sim, 'PUT', '/_sim/security', { metroCluster: { partnerKeyManager: 'onboard' } });
    expectCode(await call(sim, 'POST', '/api/security/key-managers', { onboard: { passphrase: PASSPHRASE } }), KM_ERRORS.onboardAtPartner.code);
    expectCode(await call(sim, 'POST', '/api/security/key-managers', await externalBody()), KM_ERRORS.externalPartnerOnboard.code);
    created(await call(sim, 'POST', '/api/security/key-managers', sync));
    expectCode(await call(sim, 'POST', '/api/security/key-managers', sync), KM_ERRORS.syncAlreadyConfigured.code);
    sim.security.keyManagers.clear();
    await control(sim, 'PUT', '/_sim/security', { metroCluster: { partnerKeyManager: 'external' } });
    expectCode(await call(sim, 'POST', '/api/security/key-managers', { onboard: { passphrase: PASSPHRASE } }), KM_ERRORS.onboardPartnerExternal.code);
  });

  it('changes and synchronizes the onboard passphrase by PATCH, with its codes', async () => {
    const uuid = created(await call(sim, 'POST', '/api/security/key-managers', { onboard: { passphrase: PASSPHRASE } }));
    const patch = (onboard: Record<string, unknown>) => call(sim, 'PATCH', `/api/security/key-managers/${uuid}`, { onboard });
    const next = `${PASSPHRASE}-next`;
    expectCode(await patch({ passphrase: next }), KM_ERRORS.updateNeedsBothPassphrases.code);
    expectCode(await patch({ passphrase: next, existing_passphrase: `${PASSPHRASE}-wrong` }), KM_ERRORS.existingPassphraseMismatch.code);
    expectCode(await patch({ passphrase: PASSPHRASE, existing_passphrase: PASSPHRASE }), KM_ERRORS.samePassphrase.code);
    expectCode(await patch({ passphrase: 'short', existing_passphrase: PASSPHRASE }), KM_ERRORS.passphraseLength.code);
    expectCode(await patch({ synchronize: true, passphrase: next }), KM_ERRORS.syncNoPassphrase.code);
    expectCode(await patch({ synchronize: true }), KM_ERRORS.syncNeedsExisting.code);
    expect((await patch({ synchronize: true, existing_passphrase: PASSPHRASE })).status).toBe(200);
    expect((await patch({ passphrase: next, existing_passphrase: PASSPHRASE })).status).toBe(200);
    expect(sim.security.keyManagers.get(uuid)!.passphrase).toBe(next);
    expectCode(await call(sim, 'PATCH', `/api/security/key-managers/${uuid}`, { external: { server_ca_certificates: [] } }), KM_ERRORS.externalNotEnabled.code);
    const raw = await control(sim, 'GET', '/_sim/key-managers');
    expect(raw).toEqual([expect.objectContaining({ uuid, passphraseSet: true })]);
    expect(JSON.stringify(raw)).not.toContain(PASSPHRASE);
  });

  it('replaces external certificates only with the same key pair (65536850)', async () => {
    const uuid = created(await call(sim, 'POST', '/api/security/key-managers', await externalBody()));
    const current = sim.security.certificate(sim.security.keyManagers.get(uuid)!.clientCertificate!)!;
    const other = await control(sim, 'POST', '/_sim/certificates', { type: 'client', name: 'other-client' });
    const renewed = await control(sim, 'POST', '/_sim/certificates', { type: 'client', name: 'renewed-client', publicKey: current.publicKey });
    const patch = (external: Record<string, unknown>) => call(sim, 'PATCH', `/api/security/key-managers/${uuid}`, { external });
    expectCode(await patch({ client_certificate: { uuid: other.uuid } }), KM_ERRORS.clientKeysDiffer.code);
    expectCode(await patch({ client_certificate: { uuid: await certificate('client', 'svm1') } }), KM_ERRORS.certificateNotInstalled.code);
    expectCode(await patch({ server_ca_certificates: [{ uuid: await certificate('client') }] }), KM_ERRORS.badServerCa.code);
    expect((await patch({ client_certificate: { uuid: renewed.uuid } })).status).toBe(200);
    expect(sim.security.keyManagers.get(uuid)!.clientCertificate).toBe(renewed.uuid);
  });

  it('serves key-servers: up to 4, no duplicates, credentials as a pair, never the last one removed', async () => {
    const uuid = created(await call(sim, 'POST', '/api/security/key-managers', await externalBody()));
    const servers = `/api/security/key-managers/${uuid}/key-servers`;
    const added = await call(sim, 'POST', `${servers}?return_records=true`, { records: [{ server: '10.9.0.2' }, { server: '10.9.0.3:5696' }] });
    expect(added.status).toBe(201);
    expect(added.body.records.map((r: any) => r.server)).toEqual(['10.9.0.2:5696', '10.9.0.3:5696']);
    expectCode(await call(sim, 'POST', servers, { server: '10.9.0.2' }), KM_ERRORS.duplicateServers.code);
    expect((await call(sim, 'POST', servers, { server: '10.9.0.4' })).status).toBe(201);
    expectCode(await call(sim, 'POST', servers, { server: '10.9.0.5' }), KM_ERRORS.maxKeyServers.code);
    expect((await call(sim, 'GET', `${servers}?fields=*`)).body).toMatchObject({
      num_records: 4,
      records: [{ uuid, server: '10.9.0.1:5696', timeout: 25, username: '' }, {}, {}, {}],
    });

    const one = `${servers}/${encodeURIComponent('10.9.0.2:5696')}`;
    expect((await call(sim, 'GET', one)).body).toMatchObject({ server: '10.9.0.2:5696' });
    expectCode(await call(sim, 'PATCH', one, { username: 'kmip' }), KM_ERRORS.missingPassword.code);
    expectCode(await call(sim, 'PATCH', one, { password: 'pw' }), KM_ERRORS.missingUsername.code);
    expectCode(await call(sim, 'PATCH', one, { timeout: 61 }), '262185');
    expect((await call(sim, 'PATCH', one, { username: 'kmip', password: 'pw', timeout: 45 })).status).toBe(200);
    const read = await call(sim, 'GET', one);
    expect(read.body).toMatchObject({ username: 'kmip', timeout: 45 });
    expect(JSON.stringify(read.body)).not.toContain('"pw"');
    expectCode(await call(sim, 'GET', `${servers}/10.9.9.9:5696`), KM_ERRORS.keyServerNotConfigured.code);

    for (const server of ['10.9.0.2:5696', '10.9.0.3:5696', '10.9.0.4:5696']) expect((await call(sim, 'DELETE', `${servers}/${server}`)).status).toBe(200);
    expectCode(await call(sim, 'DELETE', `${servers}/10.9.0.1`), KM_ERRORS.keyServerInUse.code);

    expect((await call(sim, 'DELETE', `/api/security/key-managers/${uuid}`)).status).toBe(200);
    const onboard = created(await call(sim, 'POST', '/api/security/key-managers', { onboard: { passphrase: PASSPHRASE } }));
    expectCode(await call(sim, 'GET', `/api/security/key-managers/${onboard}/key-servers`), KM_ERRORS.externalNotEnabled.code);
  });

  it('refuses to delete a manager whose keys protect encrypted volumes', async () => {
    const cluster = created(await call(sim, 'POST', '/api/security/key-managers', { onboard: { passphrase: PASSPHRASE } }));
    const svm = created(await call(sim, 'POST', '/api/security/key-managers', await externalBody('svm1')));
    await control(sim, 'POST', '/_sim/svms', { name: 'svm1', encryptedVolumes: 1 });
    expectCode(await call(sim, 'DELETE', `/api/security/key-managers/${svm}`), KM_ERRORS.encryptedVolumesExternal.code);
    await control(sim, 'POST', '/_sim/svms', { name: 'svm-data', encryptedVolumes: 3 });
    expectCode(await call(sim, 'DELETE', `/api/security/key-managers/${cluster}`), KM_ERRORS.encryptedVolumesOnboard.code);
    await control(sim, 'POST', '/_sim/svms', { name: 'svm-data', encryptedVolumes: 0 });
    expect((await call(sim, 'DELETE', `/api/security/key-managers/${cluster}`)).status).toBe(200);
    expectCode(await call(sim, 'GET', `/api/security/key-managers/${cluster}`), '4');
  });

  it('lets the control surface set a status and shows it', async () => {
    const uuid = created(await call(sim, 'POST', '/api/security/key-managers', { onboard: { passphrase: PASSPHRASE } }));
    await control(sim, 'PATCH', `/_sim/key-managers/${uuid}`, { status: { code: 65536903, message: KM_ERRORS.onboardSomeNodes.message } });
    expect((await call(sim, 'GET', `/api/security/key-managers/${uuid}?fields=status`)).body.status).toEqual({
      code: 65536903,
      message: KM_ERRORS.onboardSomeNodes.message,
    });
    await control(sim, 'PATCH', `/_sim/key-managers/${uuid}`, { status: null });
    expect((await call(sim, 'GET', `/api/security/key-managers/${uuid}?fields=status`)).body.status.code).toBe(65537200);
  });
});

const endpoints = { local_endpoint: { address: '10.1.10.0', netmask: '24' }, remote_endpoint: { address: '10.2.10.0', netmask: '24' } };
const policy = (overrides: Record<string, unknown> = {}) => ({ name: 'p1', svm: { name: 'svm1' }, ...endpoints, secret_key: KEY, ...overrides });

describe('/api/security/ipsec/policies', () => {
  it('creates, reads, filters, changes and deletes a policy; secret_key is never returned', async () => {
    const post = await call(
      sim,
      'POST',
      '/api/security/ipsec/policies?return_records=true',
      policy({ protocol: 'tcp', local_endpoint: { address: '10.1.10.0/24', port: '443' } }),
    );
    const uuid = created(post);
    const expected = {
      uuid,
      name: 'p1',
      scope: 'svm',
      svm: { name: 'svm1' },
      ipspace: { name: 'Default' },
      enabled: true,
      action: 'esp_transport',
      authentication_method: 'psk',
      local_endpoint: { address: '10.1.10.0', netmask: '24', family: 'ipv4', port: '443' },
      remote_endpoint: { address: '10.2.10.0', netmask: '24', family: 'ipv4' },
      protocol: '6',
    };
    expect(post.body.records[0]).toMatchObject(expected);
    for (const fields of ['', '?fields=*', '?fields=**', '?fields=secret_key']) {
      const read = await call(sim, 'GET', `/api/security/ipsec/policies/${uuid}${fields}`);
      expect(JSON.stringify(read.body)).not.toContain(KEY);
      expect(read.body.secret_key).toBeUndefined();
    }
    expect((await call(sim, 'GET', `/api/security/ipsec/policies/${uuid}`)).body).toMatchObject(expected);
    expect((await call(sim, 'GET', '/api/security/ipsec/policies')).body.records).toEqual([
      { uuid, name: 'p1', svm: expect.objectContaining({ name: 'svm1' }), _links: expect.any(Object) },
    ]);
    expect((await call(sim, 'GET', '/api/security/ipsec/policies?svm.name=svm-data')).body.num_records).toBe(0);
    expect((await call(sim, 'GET', '/api/security/ipsec/policies?local_endpoint.address=10.1.10.0&protocol=6')).body.num_records).toBe(1);
    expect((await call(sim, 'GET', `/api/security/ipsec/policies?secret_key=${KEY}`)).body.num_records).toBe(0);
    expect(await control(sim, 'GET', '/_sim/ipsec-policies')).toEqual([expect.objectContaining({ uuid, secretKeySet: true })]);
    expect(JSON.stringify(await control(sim, 'GET', '/_sim/ipsec-policies'))).not.toContain(KEY);

    const rotated = `0s${Buffer.from('a-new-pre-shared-key-value').toString('base64')}`;
    expect(
      (await call(sim, 'PATCH', `/api/security/ipsec/policies/${uuid}`, { secret_key: rotated, remote_endpoint: { port: '8443' }, enabled: false })).status,
    ).toBe(200);
    expect(sim.security.ipsecPolicies.get(uuid)).toMatchObject({
      secretKey: rotated,
      enabled: false,
      remote: { address: '10.2.10.0', netmask: 24, port: '8443' },
    });
    expect((await call(sim, 'DELETE', `/api/security/ipsec/policies/${uuid}`)).status).toBe(200);
    expectCode(await call(sim, 'DELETE', `/api/security/ipsec/policies/${uuid}`), '4');
  });

  it('answers each documented POST code under its condition', async () => {
    const certificate = (type: string, svm = 'svm1') =>
      sim.security.certificates.find((c) => c.type === type && sim.security.svmByUuid(c.svmUuid)!.name === svm)!;
    const withoutKey = { ...policy(), secret_key: undefined };
    const cases: [string, Record<string, unknown>, string][] = [
      ['the admin SVM', policy({ svm: undefined }), IPSEC_ERRORS.dataSvmOnly.code],
      ['the Cluster IPspace system SVM', policy({ svm: { name: 'Cluster' } }), IPSEC_ERRORS.dataSvmOnly.code],
      ['an unknown SVM name', policy({ svm: { name: 'nope' } }), IPSEC_ERRORS.svmNameInvalid.code],
      ['an unknown SVM uuid', policy({ svm: { uuid: '00000000-0000-0000-0000-000000000000' } }), IPSEC_ERRORS.svmUuidInvalid.code],
      ['an SVM outside the IPspace', policy({ ipspace: { name: 'ips1' } }), IPSEC_ERRORS.svmNotInIpspace.code],
      ['PSK without a key', { ...withoutKey, authentication_method: 'psk' }, IPSEC_ERRORS.pskNeedsKey.code],
      ['PKI without a certificate', { ...withoutKey, authentication_method: 'pki', remote_identity: 'CN=west' }, IPSEC_ERRORS.pkiNeedsCertificate.code],
      ['ESP without authentication', withoutKey, IPSEC_ERRORS.protectionNeedsAuth.code],
      ['PSK with a certificate', policy({ certificate: { uuid: certificate('server').uuid } }), IPSEC_ERRORS.pskNoCertificate.code],
      ['PKI with a key', policy({ authentication_method: 'pki', certificate: { uuid: certificate('server').uuid } }), IPSEC_ERRORS.pkiNoKey.code],
      ['PKI without remote identity', { ...withoutKey, certificate: { uuid: certificate('server').uuid } }, IPSEC_ERRORS.remoteIdentityNeeded.code],
      [
        'an unknown certificate',
        { ...withoutKey, certificate: { uuid: '00000000-0000-0000-0000-000000000000' }, remote_identity: 'CN=west' },
        IPSEC_ERRORS.certificateNotFound.code,
      ],
      [
        'a certificate of another SVM',
        { ...withoutKey, certificate: { uuid: certificate('server', 'svm-data').uuid }, remote_identity: 'CN=west' },
        IPSEC_ERRORS.certificateNotOnSvm.code,
      ],
      [
        'a CA certificate',
        { ...withoutKey, certificate: { uuid: certificate('root_ca').uuid }, remote_identity: 'CN=west' },
        IPSEC_ERRORS.certificateType.code,
      ],
      [
        'certificate uuid and name apart',
        { ...withoutKey, certificate: { uuid: certificate('server').uuid, name: 'other' }, remote_identity: 'CN=west' },
        IPSEC_ERRORS.certificateNameMismatch.code,
      ],
      ['bypass with authentication', { ...withoutKey, action: 'bypass', authentication_method: 'psk' }, IPSEC_ERRORS.authIgnored.code],
      ['local address without netmask', policy({ local_endpoint: { address: '10.1.10.0' } }), IPSEC_ERRORS.localNeedsNetmask.code],
      ['remote address without netmask', policy({ remote_endpoint: { address: '10.2.10.0' } }), IPSEC_ERRORS.remoteNeedsNetmask.code],
      ['two local subnets', policy({ local_endpoint: { address: '10.1.10.0,10.1.11.0', netmask: '24' } }), IPSEC_ERRORS.oneLocalSubnet.code],
      ['two remote subnets', policy({ remote_endpoint: { address: '10.2.10.0 10.2.11.0', netmask: '24' } }), IPSEC_ERRORS.oneRemoteSubnet.code],
      ['two local ports', policy({ local_endpoint: { ...endpoints.local_endpoint, port: '80,443' } }), IPSEC_ERRORS.oneLocalPort.code],
      ['two remote ports', policy({ remote_endpoint: { ...endpoints.remote_endpoint, port: '80,443' } }), IPSEC_ERRORS.oneRemotePort.code],
      ['a port range', policy({ local_endpoint: { ...endpoints.local_endpoint, port: '80-90' } }), IPSEC_ERRORS.portRange.code],
      ['a port out of range', policy({ remote_endpoint: { ...endpoints.remote_endpoint, port: '70000' } }), IPSEC_ERRORS.badPort.code],
      ['two protocols', policy({ protocol: 'tcp,udp' }), IPSEC_ERRORS.oneProtocol.code],
      ['the ANY wildcard as local subnet', policy({ local_endpoint: { address: '0.0.0.0', netmask: '0' } }), IPSEC_ERRORS.localNonZero.code],
      ['an invalid ANY wildcard', policy({ remote_endpoint: { address: '0.0.0.0', netmask: '8' } }), IPSEC_ERRORS.invalidAny.code],
      ['ANY remote without a port', policy({ remote_endpoint: { address: '0.0.0.0', netmask: '0' } }), IPSEC_ERRORS.anyNeedsPort.code],
      [
        'ESP in UDP over IPv6',
        policy({ action: 'esp_udp', local_endpoint: { address: 'fd00:1::1', netmask: '128' }, remote_endpoint: { address: 'fd00:2::1', netmask: '128' } }),
        IPSEC_ERRORS.espUdpV6.code,
      ],
      ['ESP in UDP on subnets', policy({ action: 'esp_udp' }), IPSEC_ERRORS.hostAddressOnly.code],
      ['an empty subnet', policy({ local_endpoint: { address: '', netmask: '24' } }), IPSEC_ERRORS.emptySubnet.code],
      ['a name too long', policy({ name: 'n'.repeat(65) }), IPSEC_ERRORS.nameLength.code],
      ['a key too short', policy({ secret_key: 'short-key' }), IPSEC_ERRORS.keyLength.code],
      ['a key that is not hex', policy({ secret_key: `0x${'zz'.repeat(10)}` }), IPSEC_ERRORS.pskNotHex.code],
      ['a key that is not Base64', policy({ secret_key: `0s${'%'.repeat(20)}` }), IPSEC_ERRORS.pskNotBase64.code],
      ['an unknown field', policy({ scope: 'svm' }), '262179'],
    ];
    for (const [what, body, code] of cases) {
      const answer = await call(sim, 'POST', '/api/security/ipsec/policies', body);
      expect({ what, code: answer.body?.error?.code }).toEqual({ what, code });
      expect(JSON.stringify(answer.body)).not.toContain(String(body.secret_key ?? KEY));
    }
    expect(sim.security.ipsecPolicies.size).toBe(0);
  });

  it("answers the codes of the cluster's state: feature support, MetroCluster, migration, limits, names", async () => {
    const settings = async (change: Record<string, unknown>, code: string, body = policy()) => {
      await control(sim, 'PUT', '/_sim/security', change);
      expectCode(await call(sim, 'POST', '/api/security/ipsec/policies', body), code);
    };
    await settings({ ipsecSupport: 'nodes-mixed' }, IPSEC_ERRORS.nodesUnsupported.code);
    await settings({ ipsecSupport: 'ecv-too-old' }, IPSEC_ERRORS.ecvUnsupported.code);
    await settings(
      { ipsecSupport: 'supported', metroCluster: { partnerKeyManager: 'none' } },
      IPSEC_ERRORS.adminSvmMetroCluster.code,
      policy({ svm: undefined }),
    );
    await settings({ metroCluster: null, maxPoliciesPerSvm: 0 }, IPSEC_ERRORS.svmLimit.code);
    await settings({ maxPoliciesPerSvm: 128, maxPoliciesPerCluster: 0 }, IPSEC_ERRORS.clusterLimit.code);
    await control(sim, 'PUT', '/_sim/security', { maxPoliciesPerCluster: 1024 });
    await control(sim, 'POST', '/_sim/svms', { name: 'svm1', migrating: true });
    expectCode(await call(sim, 'POST', '/api/security/ipsec/policies', policy()), IPSEC_ERRORS.svmMigrating.code);
    await control(sim, 'POST', '/_sim/svms', { name: 'svm1', migrating: false });

    created(await call(sim, 'POST', '/api/security/ipsec/policies', policy()));
    expectCode(await call(sim, 'POST', '/api/security/ipsec/policies', policy()), IPSEC_ERRORS.duplicateName.code);
    created(await call(sim, 'POST', '/api/security/ipsec/policies', policy({ svm: { name: 'svm-data' } })));
    const other = await start({ name: 'ontap-other', ipspaces: ['Default', 'ips1'] });
    expectCode(
      await call(
        other,
        'POST',
        '/api/security/ipsec/policies',
        policy({ ipspace: { name: 'Default', uuid: other.security.svms.find((s) => s.ipspace.name === 'Cluster')!.ipspace.uuid } }),
      ),
      IPSEC_ERRORS.ipspaceMismatch.code,
    );
  });

  it('takes PKI with a server certificate, bypass and discard without authentication, and IPv6 subnets', async () => {
    const server = sim.security.certificates.find((c) => c.type === 'server' && c.svmUuid === sim.security.svmByName('svm1')!.uuid)!;
    const pki = created(
      await call(sim, 'POST', '/api/security/ipsec/policies', {
        ...policy({ name: 'pki' }),
        secret_key: undefined,
        certificate: { name: server.name },
        remote_identity: 'CN=west',
      }),
    );
    expect((await call(sim, 'GET', `/api/security/ipsec/policies/${pki}`)).body).toMatchObject({
      authentication_method: 'pki',
      certificate: { uuid: server.uuid, name: server.name },
    });
    const bypass = created(await call(sim, 'POST', '/api/security/ipsec/policies', { ...policy({ name: 'bypass', action: 'bypass' }), secret_key: undefined }));
    expect((await call(sim, 'GET', `/api/security/ipsec/policies/${bypass}`)).body.authentication_method).toBeUndefined();
    const v6 = created(
      await call(
        sim,
        'POST',
        '/api/security/ipsec/policies',
        policy({ name: 'v6', local_endpoint: { address: 'fd00:1::' }, remote_endpoint: { address: 'fd00:2::', netmask: '48' } }),
      ),
    );
    expect((await call(sim, 'GET', `/api/security/ipsec/policies/${v6}`)).body).toMatchObject({
      local_endpoint: { netmask: '64', family: 'ipv6' },
      remote_endpoint: { netmask: '48' },
    });
    const mask = created(
      await call(sim, 'POST', '/api/security/ipsec/policies', policy({ name: 'mask', local_endpoint: { address: '10.1.0.0', netmask: '255.255.0.0' } })),
    );
    expect((await call(sim, 'GET', `/api/security/ipsec/policies/${mask}`)).body.local_endpoint.netmask).toBe('16');
  });

  it('checks a PATCH against the same rules, and refuses to move or rename a policy', async () => {
    const uuid = created(await call(sim, 'POST', '/api/security/ipsec/policies', policy()));
    const patch = (body: Record<string, unknown>) => call(sim, 'PATCH', `/api/security/ipsec/policies/${uuid}`, body);
    expectCode(await patch({ name: 'renamed' }), '262179');
    expectCode(await patch({ svm: { name: 'svm-data' } }), '262179');
    expectCode(await patch({ local_endpoint: { address: '10.1.20.0' } }), IPSEC_ERRORS.localNeedsNetmask.code);
    expectCode(await patch({ authentication_method: 'pki' }), IPSEC_ERRORS.pkiNeedsCertificate.code);
    const server = sim.security.certificates.find((c) => c.type === 'server' && c.svmUuid === sim.security.svmByName('svm1')!.uuid)!;
    expectCode(await patch({ certificate: { uuid: server.uuid }, authentication_method: 'psk' }), IPSEC_ERRORS.pskNoCertificate.code);
    expectCode(await patch({ secret_key: 'too-short' }), IPSEC_ERRORS.keyLength.code);
    expectCode(await patch({ local_endpoint: { port: '1-2' } }), IPSEC_ERRORS.portRange.code);
    expect((await patch({ authentication_method: 'pki', certificate: { uuid: server.uuid }, remote_identity: 'CN=west' })).status).toBe(200);
    expect(sim.security.ipsecPolicies.get(uuid)).toMatchObject({ authenticationMethod: 'pki', secretKey: undefined, certificateUuid: server.uuid });
    expect((await patch({ action: 'discard' })).status).toBe(200);
    expect(sim.security.ipsecPolicies.get(uuid)).toMatchObject({ action: 'discard', certificateUuid: undefined });
    expectCode(await call(sim, 'PATCH', '/api/security/ipsec/policies/00000000-0000-0000-0000-000000000000', { enabled: false }), '4');
  });
});

describe('/api/svm/svms and the cluster spec', () => {
  it('lists data SVMs only, from the spec', async () => {
    const custom = await start({ name: 'ontap-custom', security: { dataSvms: ['vs-a', { name: 'vs-b', ipspace: 'ips1' }] }, ipspaces: ['Default', 'ips1'] });
    const list = await call(custom, 'GET', '/api/svm/svms?fields=name,ipspace');
    expect(list.body.records.map((r: any) => `${r.name}@${r.ipspace.name}`)).toEqual(expect.arrayContaining(['vs-a@Default', 'vs-b@ips1']));
    expect(list.body.num_records).toBe(2);
    expect((await call(sim, 'GET', '/api/svm/svms?name=svm1')).body.num_records).toBe(1);
    expect((await call(sim, 'GET', '/api/svm/svms?name=ontap-east')).body.num_records).toBe(0);
  });
});

describe("the gateway's security error table (src/products/ontap/security/security-error-codes.ts)", () => {
  it('covers every code the simulator answers for key managers and IPsec policies', () => {
    expect([...Object.values(KM_ERRORS), ...Object.values(IPSEC_ERRORS)].filter(({ code }) => !SECURITY_ERROR_CODES[code]).map(({ code }) => code)).toEqual([]);
  });

  it('covers every code the 9.6 contract documents for key managers and key servers', () => {
    const documented = [
      ...documentedCodes('/security/key-managers', 'post'),
      ...documentedCodes('/security/key-managers/{uuid}', 'patch'),
      ...documentedCodes('/security/key-managers/{uuid}', 'delete'),
      ...documentedCodes('/security/key-managers/{uuid}/key-servers', 'post'),
      ...documentedCodes('/security/key-managers/{uuid}/key-servers/{server}', 'patch'),
      ...documentedCodes('/security/key-managers/{uuid}/key-servers/{server}', 'delete'),
    ];
    expect(documented.length).toBeGreaterThan(50);
    expect(documented.filter((code) => !SECURITY_ERROR_CODES[code] || !Object.values(KM_ERRORS).some((e) => e.code === code))).toEqual([]);
  });
});
