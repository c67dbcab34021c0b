import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { OntapClusterSim } from '../../sim/ontap/index.js';
import { defaultSecuritySettings } from '../../sim/ontap/security/state.js';
import { SANDBOX_ONTAP_CREDENTIALS } from '../../sim/topology.js';
import { type ApiAnswer, type Harness, startHarness } from '../support/harness.js';

const PASSPHRASE = 'a-cluster-wide-passphrase-of-40-characters';
const IPSEC = { svm: 'svm1', localSubnet: '10.1.10.0/24', remoteSubnet: '10.2.10.0/24', protocol: 'tcp', localPort: 11104 };

describe('ONTAP security: key managers, IPsec policies and posture', () => {
  let h: Harness;
  /** Every answer the gateway gave in this suite, to prove no secret ever left it. */
  const answers: string[] = [];
  /** Every pre-shared key a simulated cluster received. */
  const keys = new Set<string>();

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    const { body } = await api('GET', '/v1/peerings?limit=500');
    for (const p of body.items.filter((x: { state: string }) => !['DELETED', 'DELETING'].includes(x.state))) {
      await api('DELETE', `/v1/peerings/${p.id}`);
      await h.waitForState(p.id, 'DELETED');
    }
    for (const sim of h.topology.ontap) {
      collectKeys(sim);
      sim.faults.reset();
      for (const record of sim.peers()) await ontap(sim, 'DELETE', `/api/cluster/peers/${record.uuid}`);
      sim.security.keyManagers.clear();
      sim.security.ipsecPolicies.clear();
      Object.assign(sim.security.settings, defaultSecuritySettings());
      for (const svm of sim.security.svms) svm.migrating = false;
    }
  });

  const east = () => h.topology.ontap[0];
  const west = () => h.topology.ontap[1];

  async function api(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const answer = await h.api(method, path, body);
    answers.push(JSON.stringify(answer));
    return answer;
  }

  const auth = `Basic ${Buffer.from(`${SANDBOX_ONTAP_CREDENTIALS.username}:${SANDBOX_ONTAP_CREDENTIALS.password}`).toString('base64')}`;
  async function ontap(sim: OntapClusterSim, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${sim.url}${path}`, {
      method,
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  const control = (sim: OntapClusterSim, method: string, path: string, body?: unknown) =>
    fetch(`${sim.url}${path}`, { method, body: body ? JSON.stringify(body) : undefined });

  function collectKeys(sim: OntapClusterSim): void {
    for (const policy of sim.security.ipsecPolicies.values()) if (policy.secretKey) keys.add(policy.secretKey);
    for (const call of sim.faults.journal) {
      const key = (call.body as { secret_key?: string } | undefined)?.secret_key;
      if (key) keys.add(key);
    }
  }

  async function onboardManager(sim: OntapClusterSim): Promise<string> {
    const answer = await ontap(sim, 'POST', '/api/security/key-managers?return_records=true', { onboard: { passphrase: PASSPHRASE } });
    expect(answer.status).toBe(201);
    return answer.body.records[0].uuid;
  }

  async function externalManager(sim: OntapClusterSim, servers = ['10.9.0.5']): Promise<string> {
    const certificates = (await ontap(sim, 'GET', '/api/security/certificates?scope=cluster&fields=type')).body.records as { uuid: string; type: string }[];
    const uuid = (type: string) => certificates.find((c) => c.type === type)!.uuid;
    const answer = await ontap(sim, 'POST', '/api/security/key-managers?return_records=true', {
      external: {
        client_certificate: { uuid: uuid('client') },
        server_ca_certificates: [{ uuid: uuid('server_ca') }],
        servers: servers.map((server) => ({ server })),
      },
    });
    expect(answer.status).toBe(201);
    return answer.body.records[0].uuid;
  }

  const twoSided = (name: string, options: Record<string, unknown>) =>
    api('POST', '/v1/peerings', { name, local: { cluster: 'ontap-east' }, remote: { cluster: 'ontap-west' }, ontap: options });
  const policies = (sim: OntapClusterSim) => [...sim.security.ipsecPolicies.values()];
  const stepNames = async (operationId: string): Promise<string[]> =>
    (await api('GET', `/v1/operations/${operationId}`)).body.steps.map((s: { name: string }) => s.name);

  describe('GET /v1/clusters/{id}/posture', () => {
    it('shows an onboard key manager, an external one, and the lack of one', async () => {
      await onboardManager(east());
      await externalManager(west(), ['10.9.0.5', '10.9.0.6:5697']);

      const eastPosture = await api('GET', '/v1/clusters/ontap-east/posture');
      expect(eastPosture.status).toBe(200);
      expect(eastPosture.body).toMatchObject({
        cluster: 'ontap-east',
        product: 'ontap',
        dataAtRest: { working: true, reason: null },
        keyManagers: [{ type: 'onboard', scope: 'cluster', svm: null, enabled: true, status: { code: 65537200, message: 'No action needed at this time.' } }],
        ipsecPolicies: [],
      });
      expect(JSON.stringify(eastPosture.body)).not.toContain(PASSPHRASE);

      const westPosture = await api('GET', '/v1/clusters/ontap-west/posture');
      expect(westPosture.body).toMatchObject({
        dataAtRest: { working: true },
        keyManagers: [
          {
            type: 'external',
            scope: 'cluster',
            enabled: true,
            status: { code: 65537200 },
            keyServers: [
              { server: '10.9.0.5:5696', reachable: true },
              { server: '10.9.0.6:5697', reachable: true },
            ],
          },
        ],
      });

      // The key servers go out of reach: ONTAP reports the manager's status and each server's connectivity.
      await control(west(), 'PUT', '/_sim/security', { unreachableKeyServers: ['10.9.0.5', '10.9.0.6:5697'] });
      const broken = await api('GET', '/v1/clusters/ontap-west/posture');
      expect(broken.body.keyManagers[0]).toMatchObject({ status: { code: 66060341 }, keyServers: [{ reachable: false }, { reachable: false }] });
      expect(broken.body.dataAtRest).toEqual({ working: false, reason: expect.stringMatching(/external key manager is not working.*66060341/) });

      east().security.keyManagers.clear();
      const none = await api('GET', '/v1/clusters/ontap-east/posture');
      expect(none.body).toMatchObject({ keyManagers: [], dataAtRest: { working: false, reason: 'no key manager is configured at cluster scope' } });
    });

    it('shows SVM-scoped managers and the IPsec policies, never their keys', async () => {
      const secret = `0x${'5a'.repeat(24)}`;
      keys.add(secret);
      const certificates = (await ontap(east(), 'GET', '/api/security/certificates?svm.name=svm1&fields=type')).body.records as {
        uuid: string;
        type: string;
      }[];
      const uuid = (type: string) => certificates.find((c) => c.type === type)!.uuid;
      expect(
        (
          await ontap(east(), 'POST', '/api/security/key-managers', {
            svm: { name: 'svm1' },
            external: {
              client_certificate: { uuid: uuid('client') },
              server_ca_certificates: [{ uuid: uuid('server_ca') }],
              servers: [{ server: 'kms.example:5696' }],
            },
          })
        ).status,
      ).toBe(201);
      const body = {
        name: 'by-hand',
        svm: { name: 'svm-data' },
        local_endpoint: { address: '10.1.20.0', netmask: '24' },
        remote_endpoint: { address: '10.2.20.0', netmask: '255.255.255.0', port: '443' },
        secret_key: secret,
      };
      expect((await ontap(east(), 'POST', '/api/security/ipsec/policies', body)).status).toBe(201);

      const posture = await api('GET', '/v1/clusters/ontap-east/posture');
      expect(posture.body.keyManagers).toEqual([expect.objectContaining({ type: 'external', scope: 'svm', svm: 'svm1' })]);
      expect(posture.body.dataAtRest.reason).toMatch(/only SVM-scoped ones: svm1/);
      expect(posture.body.ipsecPolicies).toEqual([
        {
          uuid: expect.any(String),
          name: 'by-hand',
          svm: 'svm-data',
          scope: 'svm',
          enabled: true,
          action: 'esp_transport',
          authenticationMethod: 'psk',
          localEndpoint: { address: '10.1.20.0', netmask: '24' },
          remoteEndpoint: { address: '10.2.20.0', netmask: '24', port: '443' },
          protocol: 'any',
        },
      ]);
      expect(JSON.stringify(posture.body)).not.toContain(secret);
    });

    it('for Consul: mTLS by design, ACLs as the registration tells', async () => {
      const posture = await api('GET', '/v1/clusters/consul-dc1/posture');
      expect(posture.status).toBe(200);
      expect(posture.body).toMatchObject({
        cluster: 'consul-dc1',
        product: 'consul',
        peeringTraffic: { encryption: 'mtls' },
        acls: { enforced: 'presumed', tokenConfigured: true },
        peering: { enabled: true },
      });
      expect(JSON.stringify(posture.body)).not.toContain('sandbox-consul-token');
    });

    it('for Consul: says when peering is switched off on the datacenter, and what to do', async () => {
      const dc1 = h.topology.consul[0];
      dc1.settings.peeringEnabled = false;
      try {
        const posture = await api('GET', '/v1/clusters/consul-dc1/posture');
        expect(posture.status).toBe(200);
        expect(posture.body.peering).toEqual({ enabled: false, detail: expect.stringContaining('peering { enabled = true }') });
      } finally {
        dc1.settings.peeringEnabled = true;
      }
    });

    it('answers 404 for an unknown cluster and 503 when the cluster does not answer', async () => {
      expect((await api('GET', '/v1/clusters/nowhere/posture')).body).toMatchObject({ status: 404, code: 'not_found' });
      east().faults.failNext(1, 503, undefined, undefined, { method: 'GET', pathPrefix: '/api/security/key-managers' });
      const away = await api('GET', '/v1/clusters/ontap-east/posture');
      expect(away.status).toBe(503);
      expect(away.body).toMatchObject({ code: 'upstream_unavailable', upstream: { product: 'ontap', cluster: 'ontap-east', status: 503 } });
    });
  });

  describe('requireKeyManager', () => {
    it('is accepted when both clusters have a working key manager, and the peering shows its security', async () => {
      await onboardManager(east());
      await externalManager(west());
      const res = await twoSided('km-ok', { requireKeyManager: true });
      expect(res.status).toBe(202);
      expect(res.body.security.keyManagers).toMatchObject({
        required: true,
        local: { cluster: 'ontap-east', working: true, type: 'onboard', status: { code: 65537200 } },
        remote: { cluster: 'ontap-west', working: true, type: 'external' },
      });
      const active = await h.waitForState(res.body.id, 'ACTIVE');
      const peering = await h.waitForPeering(res.body.id, (p) => p.security?.encryption);
      expect(peering.security.encryption).toMatchObject({
        local: { cluster: 'ontap-east', proposed: 'tls_psk', state: 'tls_psk' },
        remote: { cluster: 'ontap-west', proposed: 'tls_psk', state: 'tls_psk' },
      });
      expect(peering.security.keyManagers.local.working).toBe(true);
      expect(peering.security.ipsec).toBeUndefined();
      expect(await stepNames(active.operationId)).not.toContain('ipsec-policies');
    });

    it('is refused with 422 naming each cluster and why, before anything is written', async () => {
      await externalManager(west());
      await control(west(), 'PUT', '/_sim/security', { unreachableKeyServers: ['10.9.0.5'] });
      const callsBefore = [east(), west()].map((sim) => sim.faults.journal.filter((c) => c.method !== 'GET').length);

      const res = await twoSided('km-missing', { requireKeyManager: true });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'precondition_failed', status: 422 });
      expect(res.body.errors).toEqual([
        { field: 'local.cluster', message: 'ontap-east: no key manager is configured at cluster scope' },
        {
          field: 'remote.cluster',
          message: expect.stringMatching(/^ontap-west: the external key manager is not working: .*network configuration issues.*\(ONTAP status 66060341\)/),
        },
      ]);
      expect(res.body.detail).toContain('ontap-east');

      expect((await api('GET', '/v1/peerings?limit=500')).body.items.filter((p: { name: string }) => p.name === 'km-missing')).toEqual([]);
      expect([east(), west()].map((sim) => sim.faults.journal.filter((c) => c.method !== 'GET').length)).toEqual(callsBefore);
      expect(east().peers()).toHaveLength(0);
      expect(west().peers()).toHaveLength(0);
    });

    it("reads ONTAP's status: an onboard manager waiting for its MetroCluster partner does not count", async () => {
      await onboardManager(east());
      await control(east(), 'PUT', '/_sim/security', { metroCluster: { partnerKeyManager: 'none' } });
      await onboardManager(west());
      const res = await twoSided('km-metro', { requireKeyManager: true });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([
        {
          field: 'local.cluster',
          message: expect.stringMatching(/^ontap-east: the onboard key manager is not working: This cluster is part of a MetroCluster configuration.*346758/),
        },
      ]);
    });

    it('answers 503 and writes nothing when a cluster cannot be read', async () => {
      await onboardManager(east());
      await onboardManager(west());
      west().faults.failNext(1, 503, undefined, undefined, { method: 'GET', pathPrefix: '/api/security/key-managers' });
      const res = await twoSided('km-away', { requireKeyManager: true });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'upstream_unavailable', upstream: { cluster: 'ontap-west' } });
      expect((await api('GET', '/v1/peerings?limit=500')).body.items.filter((p: { name: string }) => p.name === 'km-away')).toEqual([]);
      expect(east().peers()).toHaveLength(0);
    });
  });

  describe('ipsec', () => {
    it('creates one policy on each data SVM with one generated key, and removes both with the peering', async () => {
      const res = await twoSided('secure', { ipsec: IPSEC });
      expect(res.status).toBe(202);
      const active = await h.waitForState(res.body.id, 'ACTIVE');
      const [eastPolicy] = policies(east());
      const [westPolicy] = policies(west());
      expect(eastPolicy).toMatchObject({
        name: 'gw-secure',
        action: 'esp_transport',
        authenticationMethod: 'psk',
        local: { address: '10.1.10.0', netmask: 24, port: '11104' },
        remote: { address: '10.2.10.0', netmask: 24 },
        protocol: '6',
      });
      expect(westPolicy).toMatchObject({
        name: 'gw-secure',
        local: { address: '10.2.10.0', netmask: 24 },
        remote: { address: '10.1.10.0', netmask: 24, port: '11104' },
        protocol: '6',
      });
      expect(eastPolicy.remote.port).toBeUndefined();
      expect([eastPolicy.svmUuid, westPolicy.svmUuid]).toEqual([east().security.svmByName('svm1')!.uuid, west().security.svmByName('svm1')!.uuid]);
      const key = eastPolicy.secretKey!;
      keys.add(key);
      expect(key).toMatch(/^0x[0-9a-f]{64}$/);
      expect(westPolicy.secretKey).toBe(key);

      expect(active.security.ipsec).toEqual({
        state: 'active',
        name: 'gw-secure',
        updatedAt: expect.any(String),
        policies: [
          { cluster: 'ontap-east', svm: 'svm1', name: 'gw-secure', uuid: eastPolicy.uuid, adopted: false },
          { cluster: 'ontap-west', svm: 'svm1', name: 'gw-secure', uuid: westPolicy.uuid, adopted: false },
        ],
      });
      expect(await stepNames(active.operationId)).toContain('ipsec-policies');
      const operation = await api('GET', `/v1/operations/${active.operationId}`);
      for (const answer of [res, operation, await api('GET', `/v1/peerings/${res.body.id}`), await api('GET', '/v1/peerings?limit=500')])
        expect(JSON.stringify(answer.body)).not.toContain(key);
      expect(h.logs.text()).not.toContain(key);
      expect(h.logs.text()).not.toContain(key.slice(2));

      const removal = await api('DELETE', `/v1/peerings/${res.body.id}`);
      const deleted = await h.waitForState(res.body.id, 'DELETED');
      expect(policies(east())).toEqual([]);
      expect(policies(west())).toEqual([]);
      expect(deleted.security.ipsec).toMatchObject({ state: 'removed', policies: [] });
      expect(await stepNames(removal.body.operationId)).toContain('ipsec-remove');
    });

    it('adopts identical policies that already exist on both clusters', async () => {
      const secret = `0x${'c3'.repeat(32)}`;
      keys.add(secret);
      const byHand = async (sim: OntapClusterSim, local: string, remote: string, localPort?: string, remotePort?: string) => {
        const answer = await ontap(sim, 'POST', '/api/security/ipsec/policies?return_records=true', {
          name: 'gw-adopted',
          svm: { name: 'svm1' },
          local_endpoint: { address: local, netmask: '255.255.255.0', ...(localPort ? { port: localPort } : {}) },
          remote_endpoint: { address: remote, netmask: '24', ...(remotePort ? { port: remotePort } : {}) },
          protocol: 'tcp',
          secret_key: secret,
        });
        expect(answer.status).toBe(201);
        return answer.body.records[0].uuid as string;
      };
      const uuids = [await byHand(east(), '10.1.10.0', '10.2.10.0', '11104'), await byHand(west(), '10.2.10.0', '10.1.10.0', undefined, '11104')];

      const res = await twoSided('adopted', { ipsec: IPSEC });
      const active = await h.waitForState(res.body.id, 'ACTIVE');
      expect([policies(east()), policies(west())].map((list) => list.map((p) => p.uuid))).toEqual([[uuids[0]], [uuids[1]]]);
      expect(policies(east())[0].secretKey).toBe(secret);
      expect(active.security.ipsec.policies.map((p: { uuid: string; adopted: boolean }) => [p.uuid, p.adopted])).toEqual([
        [uuids[0], true],
        [uuids[1], true],
      ]);
      expect(
        [east(), west()].flatMap((sim) =>
          sim.faults.journal.filter((c) => c.method === 'POST' && c.path === '/api/security/ipsec/policies' && (c.body as any)?.name === 'gw-adopted'),
        ).length,
      ).toBe(2);
    });

    it('replaces a policy found on one side only: its key cannot be read back, so both get a new one', async () => {
      const stale = `0x${'d4'.repeat(32)}`;
      keys.add(stale);
      const answer = await ontap(east(), 'POST', '/api/security/ipsec/policies?return_records=true', {
        name: 'gw-half',
        svm: { name: 'svm1' },
        local_endpoint: { address: '10.1.10.0', netmask: '24', port: '11104' },
        remote_endpoint: { address: '10.2.10.0', netmask: '24' },
        protocol: '6',
        secret_key: stale,
      });
      const staleUuid = answer.body.records[0].uuid;

      const res = await twoSided('half', { ipsec: IPSEC });
      await h.waitForState(res.body.id, 'ACTIVE');
      const [eastPolicy] = policies(east());
      const [westPolicy] = policies(west());
      keys.add(eastPolicy.secretKey!);
      expect(eastPolicy.uuid).not.toBe(staleUuid);
      expect(eastPolicy.secretKey).not.toBe(stale);
      expect(westPolicy.secretKey).toBe(eastPolicy.secretKey);
      expect(east().faults.journal.some((c) => c.method === 'DELETE' && c.path === `/api/security/ipsec/policies/${staleUuid}`)).toBe(true);
    });

    it("removes the first policy when the second cluster refuses, and fails with ONTAP's code", async () => {
      // A real refusal of the simulator: the remote SVM is full (66257121).
      await control(west(), 'PUT', '/_sim/security', { maxPoliciesPerSvm: 0 });
      const res = await twoSided('refused', { ipsec: IPSEC });
      const failed = await h.waitForState(res.body.id, 'FAILED');
      expect(failed.lastError).toMatchObject({
        code: 'precondition_failed',
        upstream: { product: 'ontap', cluster: 'ontap-west', status: 409, code: '66257121' },
      });
      expect(failed.lastError.detail).toMatch(/maximum number of IPsec policies/);
      expect(policies(east())).toEqual([]);
      expect(policies(west())).toEqual([]);
      const created = east().faults.journal.find((c) => c.method === 'POST' && c.path === '/api/security/ipsec/policies');
      expect(created).toBeDefined();
      expect(east().faults.journal.some((c) => c.method === 'DELETE' && c.path.startsWith('/api/security/ipsec/policies/'))).toBe(true);
      collectKeys(east());

      // Deleting the failed peering leaves the clusters clean.
      await api('DELETE', `/v1/peerings/${res.body.id}`);
      await h.waitForState(res.body.id, 'DELETED');
      expect(east().peers()).toHaveLength(0);
    });

    it('retries a passing refusal (an SVM migration, 66257142) and then creates both with one key', async () => {
      await control(west(), 'POST', '/_sim/svms', { name: 'svm1', migrating: true });
      const res = await twoSided('migrating', { ipsec: IPSEC });
      const retrying = await h.waitForPeering(res.body.id, (p) => p.lastError?.upstream?.code === '66257142');
      expect(retrying.lastError).toMatchObject({ code: 'conflict', upstream: { cluster: 'ontap-west' } });
      expect(policies(east())).toEqual([]);
      await control(west(), 'POST', '/_sim/svms', { name: 'svm1', migrating: false });
      await h.waitForState(res.body.id, 'ACTIVE', 20_000);
      expect(policies(east())[0].secretKey).toBe(policies(west())[0].secretKey);
      keys.add(policies(east())[0].secretKey!);
    });

    it("maps documented codes met on the second cluster to the gateway's problems", async () => {
      const cases: [string, number, string][] = [
        ['66257117', 400, 'precondition_failed'],
        ['66257104', 409, 'conflict'],
        ['66257202', 400, 'precondition_failed'],
        ['66257200', 400, 'upstream_rejected'],
      ];
      for (const [i, [code, status, gatewayCode]] of cases.entries()) {
        west().faults.failNext(1, status, { error: { code, message: `ONTAP says ${code}.` } }, undefined, {
          method: 'POST',
          pathPrefix: '/api/security/ipsec/policies',
        });
        const res = await twoSided(`mapped-${i}`, { ipsec: IPSEC });
        const failed = await h.waitForState(res.body.id, 'FAILED');
        expect(failed.lastError).toMatchObject({ code: gatewayCode, upstream: { code, cluster: 'ontap-west' } });
        expect(policies(east())).toEqual([]);
        collectKeys(east());
        await api('DELETE', `/v1/peerings/${res.body.id}`);
        await h.waitForState(res.body.id, 'DELETED');
      }
    });

    it('refuses, before any call, options ONTAP would refuse', async () => {
      const base = { name: 'bad-ipsec', local: { cluster: 'ontap-east' } };
      const cases: [unknown, string, RegExp][] = [
        [{ ...base, remote: { cluster: 'ontap-west' }, ontap: { ipsec: { ...IPSEC, localSubnet: '10.1.10.0' } } }, 'ontap.ipsec.localSubnet', /66257125/],
        [
          { ...base, remote: { cluster: 'ontap-west' }, ontap: { ipsec: { ...IPSEC, remoteSubnet: '10.2.10.0/24,10.3.10.0/24' } } },
          'ontap.ipsec.remoteSubnet',
          /66257114/,
        ],
        [{ ...base, remote: { cluster: 'ontap-west' }, ontap: { ipsec: { ...IPSEC, localSubnet: '0.0.0.0/0' } } }, 'ontap.ipsec.localSubnet', /66257127/],
        [{ ...base, remote: { cluster: 'ontap-west' }, ontap: { ipsec: { ...IPSEC, remoteSubnet: '0.0.0.0/8' } } }, 'ontap.ipsec.remoteSubnet', /66257128/],
        [
          { ...base, remote: { cluster: 'ontap-west' }, ontap: { ipsec: { ...IPSEC, localPort: undefined, remoteSubnet: '0.0.0.0/0' } } },
          'ontap.ipsec.remotePort',
          /66257129/,
        ],
        [{ ...base, remote: { cluster: 'ontap-west' }, ontap: { ipsec: { ...IPSEC, localPort: 70000 } } }, 'ontap.ipsec.localPort', /66257132/],
        [{ ...base, remote: { cluster: 'ontap-west' }, ontap: { ipsec: { ...IPSEC, protocol: 'tcp,udp' } } }, 'ontap.ipsec.protocol', /66257099/],
        [
          { ...base, remote: { cluster: 'ontap-west' }, ontap: { ipsec: { ...IPSEC, remoteSubnet: 'fd00::/64' } } },
          'ontap.ipsec.remoteSubnet',
          /same address family/,
        ],
        [{ ...base, remote: { external: { addresses: ['10.2.0.11'] } }, ontap: { ipsec: IPSEC } }, 'ontap.ipsec', /needs remote.cluster/],
        [{ ...base, remote: { cluster: 'ontap-west' }, ontap: { requireKeyManager: 'yes' } }, 'ontap.requireKeyManager', /boolean/],
      ];
      const callsBefore = east().faults.calls + west().faults.calls;
      for (const [body, field, rule] of cases) {
        const res = await api('POST', '/v1/peerings', body);
        expect(res.status).toBe(400);
        const error = res.body.errors.find((e: { field: string }) => e.field === field);
        expect(error?.message).toMatch(rule);
      }
      expect(east().faults.calls + west().faults.calls).toBe(callsBefore);
    });

    it("refuses with 422 a missing data SVM and a different policy under the peering's name", async () => {
      const missing = await twoSided('no-svm', { ipsec: { ...IPSEC, remoteSvm: 'ontap-west' } });
      expect(missing.status).toBe(422);
      expect(missing.body.errors).toEqual([
        { field: 'ontap.ipsec.remoteSvm', message: "ontap-west has no data SVM named 'ontap-west' (IPsec is for data SVMs only: ONTAP 66257117)" },
      ]);

      const other = `0x${'e5'.repeat(32)}`;
      keys.add(other);
      await ontap(east(), 'POST', '/api/security/ipsec/policies', {
        name: 'gw-taken',
        svm: { name: 'svm1' },
        local_endpoint: { address: '10.1.99.0', netmask: '24' },
        remote_endpoint: { address: '10.2.99.0', netmask: '24' },
        secret_key: other,
      });
      const taken = await twoSided('taken', { ipsec: IPSEC });
      expect(taken.status).toBe(422);
      expect(taken.body.errors).toEqual([
        { field: 'name', message: expect.stringContaining("ontap-east already has an IPsec policy named 'gw-taken' on SVM 'svm1'") },
      ]);
      expect(policies(east())).toHaveLength(1);
      expect(west().peers()).toHaveLength(0);
    });

    it('takes the remote SVM by its own name where names differ', async () => {
      await control(west(), 'POST', '/_sim/svms', { name: 'svm-dr' });
      const res = await twoSided('dr', { ipsec: { ...IPSEC, remoteSvm: 'svm-dr' } });
      const active = await h.waitForState(res.body.id, 'ACTIVE');
      expect(active.security.ipsec.policies.map((p: { cluster: string; svm: string }) => `${p.cluster}/${p.svm}`)).toEqual([
        'ontap-east/svm1',
        'ontap-west/svm-dr',
      ]);
      expect(policies(west())[0].svmUuid).toBe(west().security.svmByName('svm-dr')!.uuid);
      keys.add(policies(west())[0].secretKey!);
    });
  });

  it('never shows or logs a pre-shared key', () => {
    for (const sim of h.topology.ontap) collectKeys(sim);
    expect(keys.size).toBeGreaterThan(5);
    const logs = h.logs.text();
    for (const key of keys) {
      expect(logs).not.toContain(key);
      for (const answer of answers) expect(answer).not.toContain(key);
    }
  });
});
