import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { contractProblems } from './contract/contract.js';
import { ONTAP_SIM_ERRORS, ONTAP_SIMULATOR_ONLY_CODES, type OntapClusterSim, OntapNetwork, type OntapSimOptions, startOntapCluster } from './index.js';

/** Behaviour of the real product that clients must cope with (see /work/shared/docs/products.md, ONTAP section). */

const AUTH = `Basic ${Buffer.from('admin:netapp123').toString('base64')}`;
const EAST = ['10.1.0.11', '10.1.0.12'];
const WEST = ['10.2.0.21', '10.2.0.22'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  body: any;
}

async function call(sim: OntapClusterSim, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const control = (sim: OntapClusterSim, method: string, path: string, body: unknown) =>
  fetch(`${sim.url}${path}`, { method, body: JSON.stringify(body) }).then(async (res) => ({ status: res.status, body: await res.json() }));

let network: OntapNetwork;
let sims: OntapClusterSim[];
let east: OntapClusterSim;
let west: OntapClusterSim;

async function start(name: string, addresses: string[], options?: OntapSimOptions): Promise<OntapClusterSim> {
  const sim = await startOntapCluster({ name, interclusterAddresses: addresses }, network, options);
  sims.push(sim);
  return sim;
}

beforeEach(async () => {
  network = new OntapNetwork();
  sims = [];
  east = await start('ontap-east', EAST);
  west = await start('ontap-west', WEST);
});

afterEach(async () => {
  await Promise.all(sims.map((sim) => sim.close()));
});

const offer = { remote: { ip_addresses: WEST }, authentication: { generate_passphrase: true } };
const unreachable = { remote: { ip_addresses: ['10.99.0.1', '10.99.0.2'] }, authentication: { generate_passphrase: true } };

describe('route-propagation failure shapes', () => {
  it('answers code 262224 without a target by default', async () => {
    const answer = await call(east, 'POST', '/api/cluster/peers', unreachable);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: '262224',
      message: 'Failed to contact peer cluster with address(es) 10.99.0.1, 10.99.0.2. RPC: Remote system error',
    });
    expect(answer.body.error).not.toHaveProperty('target');
    expect(contractProblems(answer.body, 'error_response')).toEqual([]);
  });

  it('names the addresses with target remote.ip_addresses in the `target` shape', async () => {
    await control(east, 'PUT', '/_sim/settings', { routeFailure: 'target' });
    const answer = await call(east, 'POST', '/api/cluster/peers', unreachable);
    expect(answer).toMatchObject({
      status: 400,
      body: {
        error: {
          code: '262224',
          target: 'remote.ip_addresses',
          message: 'Cannot connect to the remote intercluster addresses 10.99.0.1, 10.99.0.2 from IPspace "Default": no route to host.',
        },
      },
    });
  });

  it('keeps the former made-up 4656104 reachable as the `legacy` shape', async () => {
    east.settings.routeFailure = 'legacy';
    const answer = await call(east, 'POST', '/api/cluster/peers', unreachable);
    expect(answer).toMatchObject({
      status: 400,
      body: {
        error: {
          code: '4656104',
          target: 'remote.ip_addresses',
          message: 'Cannot reach any of the remote intercluster addresses 10.99.0.1, 10.99.0.2 from IPspace "Default".',
        },
      },
    });
  });

  it('overrides status, code and message, and clears the overrides with null', async () => {
    const put = await control(east, 'PUT', '/_sim/settings', {
      routeWindowMs: 300,
      routeFailure: 'target',
      routeFailureStatus: 500,
      routeFailureCode: '1',
      routeFailureMessage: 'No route to {addresses}.',
    });
    expect(put.status).toBe(200);
    const first = await call(east, 'POST', '/api/cluster/peers', {
      ...offer,
      local_network: { interfaces: [{ ip_address: '10.1.0.31' }], netmask: '24', broadcast_domain: 'Default', gateway: '10.1.0.1' },
    });
    expect(first).toEqual({
      status: 500,
      body: { error: { code: '1', message: 'No route to 10.2.0.21, 10.2.0.22.', target: 'remote.ip_addresses', arguments: expect.any(Array) } },
    });
    await control(east, 'PUT', '/_sim/settings', { routeFailureStatus: null, routeFailureCode: null, routeFailureMessage: null, routeFailure: 'contact' });
    expect((await call(east, 'POST', '/api/cluster/peers', unreachable)).body.error.code).toBe('262224');
    expect((await control(east, 'PUT', '/_sim/settings', { routeFailure: 'other' })).status).toBe(400);
    expect((await control(east, 'PUT', '/_sim/settings', { routeFailureCode: 'E12' })).status).toBe(400);
    expect((await control(east, 'PUT', '/_sim/settings', { routeFailureStatus: 200 })).status).toBe(400);
  });

  it('resets the connection without an HTTP answer in the `reset` shape, and succeeds after the window', async () => {
    const sim = await start('ontap-north', ['10.3.0.11'], { routeWindowMs: 300, routeFailure: 'reset' });
    sim.addInterclusterLifs(['10.3.0.12']);
    await expect(call(sim, 'POST', '/api/cluster/peers', offer)).rejects.toThrow();
    expect(sim.peers()).toEqual([]);
    await sleep(350);
    expect((await call(sim, 'POST', '/api/cluster/peers', offer)).status).toBe(201);
  });

  it('fails the job like `contact` in job mode with the `reset` shape', async () => {
    Object.assign(east.settings, { asyncJobs: true, jobDurationMs: 20, routeFailure: 'reset' });
    const answer = await call(east, 'POST', '/api/cluster/peers?return_timeout=5', unreachable);
    expect(answer).toMatchObject({ status: 400, body: { error: { code: '262224' } } });
  });
});

describe("the simulator's own codes", () => {
  it('marks every made-up code, and the route failure no longer uses one by default', () => {
    expect([...ONTAP_SIMULATOR_ONLY_CODES].sort()).toEqual(['4656104', '4656105', '4656106', '4656107']);
    expect(ONTAP_SIMULATOR_ONLY_CODES.has(ONTAP_SIM_ERRORS.remoteUnreachable.code)).toBe(true);
    expect(east.settings.routeFailure).toBe('contact');
  });
});

describe('authentication state', () => {
  it('can read available while authentication is forced to problem or pending, and back', async () => {
    const created = await call(east, 'POST', '/api/cluster/peers', offer);
    const secret = created.body.authentication.passphrase as string;
    await call(west, 'POST', '/api/cluster/peers', { remote: { ip_addresses: EAST }, authentication: { passphrase: secret } });
    const uuid = east.peers()[0].uuid;
    expect((await call(east, 'GET', `/api/cluster/peers/${uuid}`)).body).toMatchObject({ status: { state: 'available' }, authentication: { state: 'ok' } });

    for (const state of ['problem', 'pending', 'absent']) {
      const forced = await control(east, 'PUT', `/_sim/peers/${uuid}/authentication`, { state });
      expect(forced.status).toBe(200);
      expect(forced.body).toMatchObject({ status: { state: 'available' }, authentication: { state } });
      expect((await call(east, 'GET', `/api/cluster/peers/${uuid}`)).body).toMatchObject({ status: { state: 'available' }, authentication: { state } });
    }
    expect((await control(east, 'PUT', `/_sim/peers/${uuid}/authentication`, { state: 'broken' })).status).toBe(400);
    expect((await control(east, 'PUT', '/_sim/peers/00000000-0000-0000-0000-000000000000/authentication', { state: 'ok' })).status).toBe(404);
    await control(east, 'PUT', `/_sim/peers/${uuid}/authentication`, { state: null });
    expect((await call(east, 'GET', `/api/cluster/peers/${uuid}`)).body.authentication.state).toBe('ok');

    // Rotation still reads pending on the rotating side until the other side is given the passphrase.
    await call(east, 'PATCH', `/api/cluster/peers/${uuid}`, { authentication: { passphrase: 'rotated-secret' } });
    expect((await call(east, 'GET', `/api/cluster/peers/${uuid}`)).body).toMatchObject({
      status: { state: 'available' },
      authentication: { state: 'pending' },
    });
    await call(west, 'PATCH', `/api/cluster/peers/${west.peers()[0].uuid}`, { authentication: { passphrase: 'rotated-secret' } });
    expect((await call(east, 'GET', `/api/cluster/peers/${uuid}`)).body.authentication.state).toBe('ok');
  });
});

describe('POST answers', () => {
  it('carries only name, ip_address, authentication and _links without return_records', async () => {
    const answer = await call(east, 'POST', '/api/cluster/peers', offer);
    expect(answer.status).toBe(201);
    expect(Object.keys(answer.body).sort()).toEqual(['_links', 'authentication', 'ip_address', 'name']);
    expect(answer.body._links.self.href).toBe(`/api/cluster/peers/${east.peers()[0].uuid}`);
  });

  it('puts the new record with its uuid in records[0] with return_records=true', async () => {
    const answer = await call(east, 'POST', '/api/cluster/peers?return_records=true', offer);
    expect(answer.status).toBe(201);
    const uuid = east.peers()[0].uuid;
    expect(answer.body).toEqual({
      num_records: 1,
      records: [
        {
          uuid,
          name: 'ontap-west',
          ip_address: EAST[0],
          authentication: { passphrase: expect.any(String), expiry_time: expect.any(String) },
          _links: { self: { href: `/api/cluster/peers/${uuid}` } },
        },
      ],
    });
  });

  it('answers a job with the record in records[0] (uuid included) only when return_records=true', async () => {
    Object.assign(east.settings, { asyncJobs: true, jobDurationMs: 50 });
    const plain = await call(east, 'POST', '/api/cluster/peers', { authentication: { generate_passphrase: true }, name: 'anon-a' });
    expect(plain.status).toBe(202);
    expect(Object.keys(plain.body)).toEqual(['job']);
    const withRecords = await call(east, 'POST', '/api/cluster/peers?return_records=true', offer);
    expect(withRecords.status).toBe(202);
    expect(withRecords.body).toMatchObject({ job: { uuid: expect.any(String) }, num_records: 1, records: [{ uuid: expect.any(String) }] });
    await sleep(150);
    expect(east.peers().map((record) => record.uuid)).toContain(withRecords.body.records[0].uuid);
  });
});
