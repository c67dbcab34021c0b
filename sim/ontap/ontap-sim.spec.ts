import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CONTRACT, contractProblems } from './contract/contract.js';
import { ONTAP_ERROR_CODES } from '../../src/products/ontap/error-codes.js';
import {
  ONTAP_SIM_ERRORS,
  ONTAP_SIMULATOR_ONLY_CODES,
  PEER_CONTACT_FAILURE_CODE,
  type OntapClusterSim,
  type OntapClusterSpec,
  OntapNetwork,
  type OntapSimOptions,
  startOntapCluster,
} from './index.js';
import { expiryFrom, parseDuration } from './passphrase.js';

// ---- The contract: NetApp's ONTAP 9.6 Swagger definition (a copy of shared/contracts/).

/** `version` and `peer_applications` are in ONTAP 9.8's cluster_peer, not yet in 9.6's. */
const PEER_EXTRAS = ['$.version', '$.peer_applications'];

/** The error codes a path's documented error table lists. */
function documentedCodes(path: string, method: string): string[] {
  const description = CONTRACT.paths[path][method].responses.default.description ?? '';
  return [...description.matchAll(/\|\s*(\d+)\s*\|/g)].map((m) => m[1]);
}

// ---- Clusters and calls.

const AUTH = `Basic ${Buffer.from('admin:netapp123').toString('base64')}`;
const EAST = ['10.1.0.11', '10.1.0.12'];
const WEST = ['10.2.0.21', '10.2.0.22'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

async function call(sim: OntapClusterSim, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: AUTH, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const uuidOf = (answer: Answer): string => (answer.body._links.self.href as string).split('/').pop() as string;
const remote = (addresses: string[]) => ({ remote: { ip_addresses: addresses } });
const generated = { authentication: { generate_passphrase: true } };
const passphrase = (value: string) => ({ authentication: { passphrase: value } });
const localNetwork = (addresses: string[], overrides: Record<string, unknown> = {}) => ({
  local_network: {
    interfaces: addresses.map((ip_address) => ({ ip_address })),
    netmask: '255.255.0.0',
    broadcast_domain: 'Default',
    gateway: '10.1.0.1',
    ...overrides,
  },
});

function expectError(answer: Answer, status: number, code: string): void {
  expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status, code });
  expect(contractProblems(answer.body, 'error_response')).toEqual([]);
}

let network: OntapNetwork;
let started: OntapClusterSim[];
let east: OntapClusterSim;
let west: OntapClusterSim;

async function start(spec: Partial<OntapClusterSpec> & { name: string; interclusterAddresses: string[] }, options?: OntapSimOptions): Promise<OntapClusterSim> {
  const sim = await startOntapCluster(spec, network, options);
  started.push(sim);
  return sim;
}

beforeEach(async () => {
  network = new OntapNetwork();
  started = [];
  east = await start({ name: 'ontap-east', interclusterAddresses: EAST, ipspaces: ['Default', 'ips1'] });
  west = await start({ name: 'ontap-west', interclusterAddresses: WEST });
});

afterEach(async () => {
  await Promise.all(started.map((sim) => sim.close()));
});

/** East offers, west accepts: the usual two-sided create. Returns both record uuids and the passphrase. */
async function peer(): Promise<{ eastUuid: string; westUuid: string; secret: string }> {
  const offer = await call(east, 'POST', '/api/cluster/peers', { ...remote(WEST), ...generated });
  const secret = offer.body.authentication.passphrase as string;
  const accept = await call(west, 'POST', '/api/cluster/peers', { ...remote(EAST), ...passphrase(secret) });
  expect(accept.status).toBe(201);
  return { eastUuid: uuidOf(offer), westUuid: uuidOf(accept), secret };
}

async function record(sim: OntapClusterSim, uuid: string): Promise<any> {
  const answer = await call(sim, 'GET', `/api/cluster/peers/${uuid}`);
  expect(answer.status).toBe(200);
  return answer.body;
}

/** The uuid of an IPspace, read from an offer made in it. */
async function ipspaceUuid(sim: OntapClusterSim, name: string): Promise<string> {
  const offer = await call(sim, 'POST', '/api/cluster/peers', { ...generated, ipspace: { name } });
  const uuid = (await record(sim, uuidOf(offer))).ipspace.uuid as string;
  await call(sim, 'DELETE', `/api/cluster/peers/${uuidOf(offer)}`);
  return uuid;
}

async function untilJobEnds(sim: OntapClusterSim, href: string): Promise<any> {
  for (;;) {
    const job = await call(sim, 'GET', href);
    if (job.body.state === 'success' || job.body.state === 'failure') return job.body;
    await sleep(25);
  }
}

// ---- Behaviour.

describe('GET /api/cluster', () => {
  it('describes the cluster in the contract shape', async () => {
    const answer = await call(east, 'GET', '/api/cluster');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ name: 'ontap-east', uuid: east.uuid, version: { generation: 9, major: 6, minor: 0 } });
    expect(contractProblems(answer.body, 'cluster')).toEqual([]);
  });
});

describe('two-sided create', () => {
  it('keeps the offer pending until the other cluster creates its side with the passphrase, then both are available', async () => {
    const offer = await call(east, 'POST', '/api/cluster/peers', { ...remote(WEST), ...generated });
    expect(offer.status).toBe(201);
    expect(Object.keys(offer.body).sort()).toEqual(['_links', 'authentication', 'ip_address', 'name']);
    expect(offer.body).toMatchObject({
      name: 'ontap-west',
      ip_address: EAST[0],
      authentication: { passphrase: expect.any(String), expiry_time: expect.any(String) },
    });
    expect(contractProblems(offer.body, 'cluster_peer_setup_response')).toEqual([]);

    const pending = await record(east, uuidOf(offer));
    expect(pending).toMatchObject({ status: { state: 'pending' }, authentication: { state: 'pending', in_use: 'ok' } });
    expect(pending.authentication.passphrase).toBeUndefined();

    const accept = await call(west, 'POST', '/api/cluster/peers', { ...remote(EAST), ...passphrase(offer.body.authentication.passphrase) });
    expect(accept.status).toBe(201);
    expect(accept.body.authentication.passphrase).toBeUndefined();
    expect(accept.body.name).toBe('ontap-east');

    for (const [sim, uuid, other, addresses] of [
      [east, uuidOf(offer), west, WEST],
      [west, uuidOf(accept), east, EAST],
    ] as const) {
      const peered = await record(sim, uuid);
      expect(peered).toMatchObject({
        uuid,
        status: { state: 'available' },
        authentication: { state: 'ok', in_use: 'ok' },
        encryption: { proposed: 'tls_psk', state: 'tls_psk' },
        remote: { ip_addresses: addresses, name: other.name },
        ipspace: { name: 'Default' },
        version: { generation: 9, major: 6, minor: 0 },
      });
      expect(peered.authentication.passphrase).toBeUndefined();
      expect(contractProblems(peered, 'cluster_peer', PEER_EXTRAS)).toEqual([]);
    }
  });

  it('answers the offer from the accepting side too (the accepting create made first is the offer)', async () => {
    const offer = await call(west, 'POST', '/api/cluster/peers', { ...remote(EAST), ...passphrase('shared-secret-1') });
    expect(offer.status).toBe(201);
    expect(offer.body.authentication).toEqual({ expiry_time: expect.any(String) });
    await call(east, 'POST', '/api/cluster/peers', { ...remote(WEST), ...passphrase('shared-secret-1') });
    expect((await record(west, uuidOf(offer))).status.state).toBe('available');
  });

  it('accepts an anonymous offer: the offer gets a new uuid and loses its temporary name', async () => {
    const offer = await call(east, 'POST', '/api/cluster/peers', generated);
    expect(offer.status).toBe(201);
    expect(offer.body.name).toMatch(/^Clus_/);
    const tempUuid = uuidOf(offer);
    expect((await record(east, tempUuid)).status.state).toBe('pending');

    const accept = await call(west, 'POST', '/api/cluster/peers', { ...remote(EAST), ...passphrase(offer.body.authentication.passphrase) });
    expect(accept.status).toBe(201);

    expectError(await call(east, 'GET', `/api/cluster/peers/${tempUuid}`), 404, '4');
    const list = await call(east, 'GET', '/api/cluster/peers?fields=*');
    expect(list.body.num_records).toBe(1);
    const [accepted] = list.body.records;
    expect(accepted.uuid).not.toBe(tempUuid);
    expect(accepted).toMatchObject({ name: 'ontap-west', status: { state: 'available' }, remote: { ip_addresses: WEST, name: 'ontap-west' } });
  });

  it('refuses a wrong passphrase on the accepting create and keeps nothing there', async () => {
    await call(east, 'POST', '/api/cluster/peers', { ...remote(WEST), ...generated });
    const accept = await call(west, 'POST', '/api/cluster/peers', { ...remote(EAST), ...passphrase('not-the-passphrase') });
    expectError(accept, 400, '4656106');
    expect(west.peers()).toEqual([]);
  });

  it('refuses an accept after the passphrase expired', async () => {
    const expiry = new Date(Date.now() + 300).toISOString();
    const offer = await call(east, 'POST', '/api/cluster/peers', { ...remote(WEST), authentication: { generate_passphrase: true, expiry_time: expiry } });
    expect(offer.status).toBe(201);
    await sleep(400);
    const accept = await call(west, 'POST', '/api/cluster/peers', { ...remote(EAST), ...passphrase(offer.body.authentication.passphrase) });
    expectError(accept, 400, '4656107');
  });

  it('peers two clusters once: a second create towards a peered or offered cluster is refused', async () => {
    const offer = await call(east, 'POST', '/api/cluster/peers', { ...remote(WEST), ...generated });
    expectError(await call(east, 'POST', '/api/cluster/peers', { ...remote([WEST[1]]), ...generated }), 409, '4656105');
    await call(west, 'POST', '/api/cluster/peers', { ...remote(EAST), ...passphrase(offer.body.authentication.passphrase) });
    expectError(await call(east, 'POST', '/api/cluster/peers', { ...remote(WEST), ...passphrase('another-secret') }), 409, '4656105');
    expectError(await call(west, 'POST', '/api/cluster/peers', { ...remote(EAST), ...generated }), 409, '4656105');
    expect(east.peers()).toHaveLength(1);
    expect(west.peers()).toHaveLength(1);
  });
});

describe('POST combinations (seed 000, "Additional information")', () => {
  interface Row {
    title: string;
    body: (ctx: { ipspaceUuid: () => Promise<string> }) => Promise<object> | object;
    status: number;
    code?: string;
  }
  const rows: Row[] = [
    { title: 'a passphrase only (fail)', body: () => passphrase('xyz12345'), status: 400, code: '4656069' },
    { title: 'a peer IP address (fail)', body: () => remote(WEST), status: 400, code: '4656077' },
    {
      title: 'a passphrase with an expiration time > 7 days (fail)',
      body: () => ({ ...remote(WEST), authentication: { passphrase: 'xyz12345', expiry_time: 'P8D' } }),
      status: 400,
      code: '4655058',
    },
    { title: 'peer IP address and a passphrase (OK)', body: () => ({ ...remote(WEST), ...passphrase('xyz12345') }), status: 201 },
    { title: 'generate_passphrase=true (OK)', body: () => generated, status: 201 },
    { title: 'any proposed encryption protocol: none (OK)', body: () => ({ ...generated, encryption: { proposed: 'none' } }), status: 201 },
    { title: 'any proposed encryption protocol: tls-psk (OK)', body: () => ({ ...generated, encryption: { proposed: 'tls-psk' } }), status: 201 },
    { title: 'any proposed encryption protocol: tls_psk (OK)', body: () => ({ ...generated, encryption: { proposed: 'tls_psk' } }), status: 201 },
    { title: 'an IPspace name (OK)', body: () => ({ ...generated, ipspace: { name: 'ips1' } }), status: 201 },
    { title: 'an IPspace UUID (OK)', body: async ({ ipspaceUuid }) => ({ ...generated, ipspace: { uuid: await ipspaceUuid() } }), status: 201 },
    {
      title: 'a passphrase, peer IP address, and any proposed encryption protocol (OK)',
      body: () => ({ ...remote(WEST), ...passphrase('xyz12345'), encryption: { proposed: 'tls-psk' } }),
      status: 201,
    },
    {
      title: 'a non empty list of initial allowed SVM names or UUIDs (OK)',
      body: () => ({ ...generated, initial_allowed_svms: [{ name: 'svm1' }, { uuid: '02c9e252-41be-11e9-81d5-00a0986138f7' }] }),
      status: 201,
    },
    { title: 'encryption with no authentication (fail)', body: () => ({ encryption: { proposed: 'tls-psk' } }), status: 400, code: '4656070' },
    { title: 'no parameters (fail)', body: () => ({}), status: 400, code: '4656077' },
    { title: "the seed's dotted keys (OK)", body: () => ({ 'remote.ip_addresses': WEST, 'authentication.passphrase': 'xyz12345' }), status: 201 },
  ];

  for (const { title, body, status, code } of rows)
    it(title, async () => {
      const answer = await call(east, 'POST', '/api/cluster/peers', await body({ ipspaceUuid: () => ipspaceUuid(east, 'ips1') }));
      if (code) return expectError(answer, status, code);
      expect(answer.status).toBe(status);
      const created = await record(east, uuidOf(answer));
      expect(created.encryption.proposed).toMatch(/^(none|tls_psk)$/);
      expect(contractProblems(created, 'cluster_peer', PEER_EXTRAS)).toEqual([]);
    });

  it('stores the proposal as tls_psk whichever spelling came in, and keeps the IPspace and SVMs', async () => {
    const answer = await call(east, 'POST', '/api/cluster/peers', {
      ...generated,
      encryption: { proposed: 'tls-psk' },
      ipspace: { name: 'ips1' },
      initial_allowed_svms: [{ name: 'svm1' }],
    });
    expect(await record(east, uuidOf(answer))).toMatchObject({
      encryption: { proposed: 'tls_psk' },
      ipspace: { name: 'ips1' },
      initial_allowed_svms: [{ name: 'svm1' }],
    });
  });
});

describe('POST error codes (seed 000)', () => {
  type Row = [string, Partial<OntapClusterSpec>, object, number, string];
  const rows: Row[] = [
    ['4656071: the local cluster name as peer name', {}, { ...generated, name: 'ontap-local' }, 400, '4656071'],
    ['4656072: a name breaking cluster-name rules', {}, { ...generated, name: '1-not valid' }, 400, '4656072'],
    ['4656074: encryption on a cluster whose nodes cannot be checked', { nodes: 0 }, generated, 400, '4656074'],
    ['4656075: encryption below ECV 9.6.0', { version: '9.5.0' }, { ...generated, encryption: { proposed: 'tls_psk' } }, 400, '4656075'],
    [
      '4656079: local LIFs on a cluster without nodes',
      { nodes: 0 },
      { ...generated, encryption: { proposed: 'none' }, ...localNetwork(['10.9.0.1']) },
      400,
      '4656079',
    ],
    [
      '4656081: local_network without interfaces',
      {},
      { ...generated, local_network: { netmask: '16', broadcast_domain: 'Default', gateway: '10.9.0.254' } },
      400,
      '4656081',
    ],
    ['4656085: an empty list of local addresses', {}, { ...generated, ...localNetwork([]) }, 400, '4656085'],
    ['4656087: more local addresses than nodes', {}, { ...generated, ...localNetwork(['10.9.0.1', '10.9.0.2', '10.9.0.3']) }, 400, '4656087'],
    ['4656091: no netmask', {}, { ...generated, ...localNetwork(['10.9.0.1'], { netmask: undefined }) }, 400, '4656091'],
    ['4656086: no broadcast domain', {}, { ...generated, ...localNetwork(['10.9.0.1'], { broadcast_domain: undefined }) }, 400, '4656086'],
    ['4656096: no gateway', {}, { ...generated, ...localNetwork(['10.9.0.1'], { gateway: undefined }) }, 400, '4656096'],
    ['4656088: a broadcast domain not in the IPspace', {}, { ...generated, ...localNetwork(['10.9.0.1'], { broadcast_domain: 'bd-x' }) }, 400, '4656088'],
    ['4656089: an unknown IPspace', {}, { ...generated, ipspace: { name: 'nope' } }, 400, '4656089'],
    ['4653365: the Cluster IPspace', {}, { ...generated, ipspace: { name: 'Cluster' } }, 400, '4653365'],
    ['1966366: local LIFs in the Cluster IPspace', {}, { ...generated, ipspace: { name: 'Cluster' }, ...localNetwork(['10.9.0.1']) }, 400, '1966366'],
    ['262179: a field POST does not take', {}, { ...generated, uuid: 'x' }, 400, '262179'],
    ['262185: an expiry that is not ISO 8601', {}, { authentication: { generate_passphrase: true, expiry_time: 'tomorrow' } }, 400, '262185'],
    ['262185: a passphrase shorter than 8 characters', {}, { ...remote(WEST), ...passphrase('short') }, 400, '262185'],
  ];

  for (const [title, spec, body, status, code] of rows)
    it(title, async () => {
      const sim = await start({ name: 'ontap-local', interclusterAddresses: ['10.5.0.1'], ...spec });
      expectError(await call(sim, 'POST', '/api/cluster/peers', body), status, code);
      expect(sim.peers()).toEqual([]);
    });

  it('4656090: an IPspace name and uuid that disagree', async () => {
    const answer = await call(east, 'POST', '/api/cluster/peers', { ...generated, ipspace: { name: 'Default', uuid: await ipspaceUuid(east, 'ips1') } });
    expectError(answer, 400, '4656090');
  });

  it("4656071: a remote cluster bearing the local cluster's name", async () => {
    await start({ name: 'ontap-east', interclusterAddresses: ['10.3.0.1'] });
    expectError(await call(east, 'POST', '/api/cluster/peers', { ...remote(['10.3.0.1']), ...generated }), 400, '4656071');
  });

  it('creates the local intercluster LIFs of local_network, then peers', async () => {
    const answer = await call(east, 'POST', '/api/cluster/peers', { ...remote(WEST), ...generated, ...localNetwork(['10.1.0.31', '10.1.0.32']) });
    expect(answer.status).toBe(201);
    expect(east.interclusterAddresses()).toEqual([...EAST, '10.1.0.31', '10.1.0.32']);
  });
});

describe('route propagation', () => {
  it('fails a create needing new local LIFs with the route code, and the same request succeeds after the window', async () => {
    await call(east, 'PUT', '/_sim/settings', { routeWindowMs: 300 });
    const body = { ...remote(WEST), ...passphrase('route-secret'), ...localNetwork(['10.1.0.31', '10.1.0.32']) };
    const first = await call(east, 'POST', '/api/cluster/peers', body);
    expectError(first, 400, PEER_CONTACT_FAILURE_CODE);
    expect(first.body.error).toEqual({
      code: '262224',
      message: 'Failed to contact peer cluster with address(es) 10.2.0.21, 10.2.0.22. RPC: Remote system error',
      arguments: [
        { code: 'addresses', message: '10.2.0.21, 10.2.0.22' },
        { code: 'ipspace', message: 'Default' },
      ],
    });
    expect(east.interclusterAddresses()).toContain('10.1.0.31');

    await sleep(350);
    expect((await call(east, 'POST', '/api/cluster/peers', body)).status).toBe(201);
    expect(east.peers()).toHaveLength(1);
  });

  it("also holds while the remote cluster's new LIFs propagate", async () => {
    west.settings.routeWindowMs = 300;
    expect((await fetch(`${west.url}/_sim/lifs`, { method: 'POST', body: JSON.stringify({ addresses: ['10.2.0.23'] }) })).status).toBe(200);
    const body = { ...remote(['10.2.0.23']), ...generated };
    expectError(await call(east, 'POST', '/api/cluster/peers', body), 400, PEER_CONTACT_FAILURE_CODE);
    await sleep(350);
    expect((await call(east, 'POST', '/api/cluster/peers', body)).status).toBe(201);
  });

  it('answers addresses no cluster owns as unreachable, for good', async () => {
    const body = { ...remote(['10.99.0.1']), ...generated };
    expectError(await call(east, 'POST', '/api/cluster/peers', body), 400, PEER_CONTACT_FAILURE_CODE);
    await sleep(50);
    expectError(await call(east, 'POST', '/api/cluster/peers', body), 400, PEER_CONTACT_FAILURE_CODE);
  });
});

describe('passphrase expiry', () => {
  it('reads ISO 8601 durations and dates', () => {
    expect(parseDuration('P1W')).toBe(7 * 86_400_000);
    expect(parseDuration('P1DT2H3M4S')).toBe(86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4000);
    expect(parseDuration('PT30M')).toBe(1_800_000);
    for (const bad of ['P', 'PT', 'P1H', '1D', 'P1DT']) expect(parseDuration(bad)).toBeUndefined();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(expiryFrom(undefined, now)).toBe(now + 3_600_000);
    expect(expiryFrom('2026-01-03T00:00:00Z', now)).toBe(Date.parse('2026-01-03T00:00:00Z'));
    expect(expiryFrom('P7D', now)).toBe(now + 7 * 86_400_000);
    expect(() => expiryFrom('P7DT1S', now)).toThrow('Expiration time cannot be more than 7 days in the future.');
    expect(() => expiryFrom('2026-01-09T00:00:00Z', now)).toThrow('more than 7 days');
  });

  it('refuses more than 7 days on POST and PATCH with 4655058', async () => {
    expectError(await call(east, 'POST', '/api/cluster/peers', { authentication: { generate_passphrase: true, expiry_time: 'P8D' } }), 400, '4655058');
    const inEightDays = new Date(Date.now() + 8 * 86_400_000).toISOString();
    expectError(await call(east, 'POST', '/api/cluster/peers', { authentication: { generate_passphrase: true, expiry_time: inEightDays } }), 400, '4655058');
    const offer = await call(east, 'POST', '/api/cluster/peers', { authentication: { generate_passphrase: true, expiry_time: 'P1W' } });
    expect(offer.status).toBe(201);
    const patch = await call(east, 'PATCH', `/api/cluster/peers/${uuidOf(offer)}`, { authentication: { generate_passphrase: true, expiry_time: 'P2W' } });
    expectError(patch, 400, '4655058');
  });
});

describe('PATCH', () => {
  it('rotates the passphrase: the rotating side reads authentication pending until the other side is given the same one', async () => {
    const { eastUuid, westUuid } = await peer();
    const rotated = await call(east, 'PATCH', `/api/cluster/peers/${eastUuid}`, { authentication: { generate_passphrase: true, in_use: 'ok' } });
    expect(rotated.status).toBe(200);
    expect(contractProblems(rotated.body, 'cluster_peer_setup_response')).toEqual([]);
    const secret = rotated.body.authentication.passphrase as string;
    expect(secret).toEqual(expect.any(String));

    expect(await record(east, eastUuid)).toMatchObject({ status: { state: 'available' }, authentication: { state: 'pending' } });
    expect((await record(west, westUuid)).authentication.state).toBe('ok');

    const answered = await call(west, 'PATCH', `/api/cluster/peers/${westUuid}`, { authentication: { passphrase: secret, in_use: 'ok' } });
    expect(answered.status).toBe(200);
    expect(answered.body.authentication.passphrase).toBeUndefined();
    expect((await record(east, eastUuid)).authentication.state).toBe('ok');
    expect((await record(west, westUuid)).authentication.state).toBe('ok');
  });

  it('changes encryption only with a passphrase refresh, and both sides encrypt only when both propose it', async () => {
    const { eastUuid, westUuid } = await peer();
    const path = `/api/cluster/peers/${eastUuid}`;
    expectError(await call(east, 'PATCH', path, { encryption: { proposed: 'none' } }), 400, '4656073');
    expect((await call(east, 'PATCH', path, { encryption: { proposed: 'tls_psk' } })).status).toBe(200);

    expect((await call(east, 'PATCH', path, { authentication: { passphrase: 'new-secret-1', in_use: 'ok' }, encryption: { proposed: 'none' } })).status).toBe(
      200,
    );
    expect((await record(east, eastUuid)).encryption).toEqual({ proposed: 'none', state: 'tls_psk' });
    await call(west, 'PATCH', `/api/cluster/peers/${westUuid}`, { authentication: { passphrase: 'new-secret-1' } });
    expect((await record(east, eastUuid)).encryption).toEqual({ proposed: 'none', state: 'none' });
    expect((await record(west, westUuid)).encryption).toEqual({ proposed: 'tls_psk', state: 'none' });
  });

  it('reads partial when the peer owns only some of the new remote addresses', async () => {
    const { eastUuid } = await peer();
    expect((await call(east, 'PATCH', `/api/cluster/peers/${eastUuid}`, remote([WEST[0], '10.2.0.99']))).status).toBe(200);
    expect((await record(east, eastUuid)).status.state).toBe('partial');
  });

  it('renames and changes the IPspace', async () => {
    const { eastUuid } = await peer();
    expect((await call(east, 'PATCH', `/api/cluster/peers/${eastUuid}`, { name: 'west_dr', ipspace: { name: 'ips1' } })).status).toBe(200);
    expect(await record(east, eastUuid)).toMatchObject({ name: 'west_dr', ipspace: { name: 'ips1' } });
  });

  type Row = [string, object, string];
  const rows: Row[] = [
    ['4656072: a name breaking cluster-name rules', { name: 'bad name!' }, '4656072'],
    ['4656081: an empty remote address list', remote([]), '4656081'],
    ['4656092: a host name that does not resolve', remote(['west.example.com']), '4656092'],
    ['4656076: mixed IPv4 and IPv6', remote([WEST[0], 'fd00::21']), '4656076'],
    ['4656095: an address family with no LIFs in the IPspace', remote(['fd00::21']), '4656095'],
    ['4653261: an unknown IPspace', { ipspace: { name: 'nope' } }, '4653261'],
    ['4656082: a passphrase and generate_passphrase', { authentication: { passphrase: 'xyz12345', generate_passphrase: true } }, '4656082'],
    ['4656082: an expiry without a new passphrase', { authentication: { expiry_time: 'PT1H' } }, '4656082'],
    ['4656083: generate_passphrase false without a passphrase', { authentication: { generate_passphrase: false } }, '4656083'],
    ['4656084: a passphrase on an unauthenticated relationship', { authentication: { passphrase: 'xyz12345', in_use: 'absent' } }, '4656084'],
    ['4656070: encryption on an unauthenticated relationship', { authentication: { in_use: 'absent' }, encryption: { proposed: 'none' } }, '4656070'],
    ['4656073: an encryption change without a new passphrase', { encryption: { proposed: 'none' } }, '4656073'],
    ['4655058: an expiry more than 7 days ahead', { authentication: { generate_passphrase: true, expiry_time: 'P8D' } }, '4655058'],
  ];

  for (const [title, body, code] of rows)
    it(title, async () => {
      const { eastUuid } = await peer();
      expectError(await call(east, 'PATCH', `/api/cluster/peers/${eastUuid}`, body), 400, code);
    });

  it('4656075: encryption on a cluster below ECV 9.6.0', async () => {
    const old = await start({ name: 'ontap-old', interclusterAddresses: ['10.4.0.1'], version: '9.5.0' });
    const offer = await call(old, 'POST', '/api/cluster/peers', generated);
    expect((await record(old, uuidOf(offer))).encryption.proposed).toBe('none');
    const patch = await call(old, 'PATCH', `/api/cluster/peers/${uuidOf(offer)}`, {
      authentication: { generate_passphrase: true },
      encryption: { proposed: 'tls_psk' },
    });
    expectError(patch, 400, '4656075');
  });

  it('answers 404 for an unknown uuid', async () => {
    expectError(await call(east, 'PATCH', '/api/cluster/peers/00000000-0000-0000-0000-000000000000', { name: 'x1' }), 404, '4');
  });
});

describe('DELETE', () => {
  it('removes one side only: the other reads unavailable, and re-peers after a rotation there', async () => {
    const { eastUuid, westUuid } = await peer();
    const deleted = await call(east, 'DELETE', `/api/cluster/peers/${eastUuid}`);
    expect(deleted.status).toBe(200);
    expect(east.peers()).toEqual([]);
    expect((await record(west, westUuid)).status.state).toBe('unavailable');
    expectError(await call(east, 'DELETE', `/api/cluster/peers/${eastUuid}`), 404, '4');

    const rotated = await call(west, 'PATCH', `/api/cluster/peers/${westUuid}`, generated);
    const again = await call(east, 'POST', '/api/cluster/peers', { ...remote(WEST), ...passphrase(rotated.body.authentication.passphrase) });
    expect(again.status).toBe(201);
    expect((await record(west, westUuid)).status.state).toBe('available');
    expect((await record(east, uuidOf(again))).status.state).toBe('available');
  });

  it("can be done behind the gateway's back through /_sim/peers", async () => {
    const { eastUuid, westUuid } = await peer();
    expect((await fetch(`${west.url}/_sim/peers/${westUuid}`, { method: 'DELETE' })).status).toBe(200);
    expect((await record(east, eastUuid)).status.state).toBe('unavailable');
    const raw = (await (await fetch(`${east.url}/_sim/peers`)).json()) as Array<{ uuid: string; status: { state: string } }>;
    expect(raw).toEqual([expect.objectContaining({ uuid: eastUuid, status: expect.objectContaining({ state: 'unavailable' }) })]);
  });

  it('4663070: refuses while a vserver migration runs', async () => {
    const { eastUuid } = await peer();
    await call(east, 'PUT', '/_sim/settings', { vserverMigrationInProgress: true });
    expectError(await call(east, 'DELETE', `/api/cluster/peers/${eastUuid}`), 409, '4663070');
  });

  it('marks the peers of a stopped cluster unavailable', async () => {
    const { westUuid } = await peer();
    await east.close();
    expect((await record(west, westUuid)).status.state).toBe('unavailable');
  });
});

describe('jobs', () => {
  beforeEach(() => {
    Object.assign(east.settings, { asyncJobs: true, jobDurationMs: 200 });
  });

  it('answers 202 with a job that goes queued, running, success, and shows the record only then', async () => {
    const answer = await call(east, 'POST', '/api/cluster/peers?return_records=true', { ...remote(WEST), ...generated });
    expect(answer.status).toBe(202);
    expect(answer.body.job).toEqual({ uuid: expect.any(String), _links: { self: { href: `/api/cluster/jobs/${answer.body.job.uuid}` } } });
    expect(answer.body.records[0].authentication.passphrase).toEqual(expect.any(String));
    expect(contractProblems({ job: answer.body.job }, 'job_link_response')).toEqual([]);

    const href = answer.body.job._links.self.href as string;
    expect((await call(east, 'GET', href)).body.state).toBe('queued');
    expect(east.peers()).toEqual([]);
    await sleep(130);
    expect((await call(east, 'GET', href)).body.state).toBe('running');
    const done = await untilJobEnds(east, href);
    expect(done).toMatchObject({ state: 'success', code: 0, message: 'Complete: Successful' });
    expect(contractProblems(done, 'job')).toEqual([]);
    expect(east.peers()).toHaveLength(1);
    expect(answer.body.records[0]._links.self.href).toBe(`/api/cluster/peers/${east.peers()[0].uuid}`);
  });

  it('ends a failing change as a job failure carrying the ONTAP code', async () => {
    const answer = await call(east, 'POST', '/api/cluster/peers', { ...remote(['10.99.0.1']), ...generated });
    expect(answer.status).toBe(202);
    const done = await untilJobEnds(east, answer.body.job._links.self.href);
    expect(done).toMatchObject({ state: 'failure', code: Number(PEER_CONTACT_FAILURE_CODE), error: { code: PEER_CONTACT_FAILURE_CODE } });
    expect(done.message).toBe('Failed to contact peer cluster with address(es) 10.99.0.1. RPC: Remote system error');
    expect(contractProblems(done, 'job', ['$.error'])).toEqual([]);
  });

  it('waits up to return_timeout for the job and then answers as a synchronous call would', async () => {
    const offer = await call(east, 'POST', '/api/cluster/peers?return_timeout=5', { ...remote(WEST), ...generated });
    expect(offer.status).toBe(201);
    expect(offer.body.authentication.passphrase).toEqual(expect.any(String));
    expectError(await call(east, 'POST', '/api/cluster/peers?return_timeout=5', { ...remote(WEST), ...generated }), 409, '4656105');
    expectError(await call(east, 'POST', '/api/cluster/peers?return_timeout=121', generated), 400, '262185');
  });

  it('still refuses an invalid body at once, and runs PATCH and DELETE as jobs', async () => {
    expectError(await call(east, 'POST', '/api/cluster/peers', passphrase('xyz12345')), 400, '4656069');
    east.settings.asyncJobs = false;
    const { eastUuid } = await peer();
    east.settings.asyncJobs = true;
    const patch = await call(east, 'PATCH', `/api/cluster/peers/${eastUuid}`, { name: 'renamed' });
    expect(patch.status).toBe(202);
    await untilJobEnds(east, patch.body.job._links.self.href);
    expect((await record(east, eastUuid)).name).toBe('renamed');
    const deletion = await call(east, 'DELETE', `/api/cluster/peers/${eastUuid}`);
    expect(deletion.status).toBe(202);
    expect(east.peers()).toHaveLength(1);
    await untilJobEnds(east, deletion.body.job._links.self.href);
    expect(east.peers()).toEqual([]);
  });

  it('answers 404 for an unknown job', async () => {
    expectError(await call(east, 'GET', '/api/cluster/jobs/00000000-0000-0000-0000-000000000000'), 404, '4');
  });
});

describe('GET /api/cluster/peers', () => {
  beforeEach(async () => {
    for (const name of ['p3', 'p1', 'p5', 'p2', 'p4']) await call(east, 'POST', '/api/cluster/peers', { ...generated, name });
  });

  it('shows uuid, name and links by default, and pages with max_records and _links.next', async () => {
    const seen: string[] = [];
    let href: string | undefined = '/api/cluster/peers?max_records=2';
    const pages: number[] = [];
    while (href) {
      const page: Answer = await call(east, 'GET', href);
      expect(page.status).toBe(200);
      expect(contractProblems(page.body, 'cluster_peer_response')).toEqual([]);
      for (const r of page.body.records) expect(Object.keys(r).sort()).toEqual(['_links', 'name', 'uuid']);
      pages.push(page.body.num_records);
      seen.push(...page.body.records.map((r: { uuid: string }) => r.uuid));
      href = page.body._links.next?.href;
    }
    expect(pages).toEqual([2, 2, 1]);
    expect(new Set(seen).size).toBe(5);
  });

  it('orders by name and keeps the order across pages', async () => {
    const first = await call(east, 'GET', '/api/cluster/peers?order_by=name%20desc&max_records=3');
    const second = await call(east, 'GET', first.body._links.next.href);
    expect([...first.body.records, ...second.body.records].map((r: { name: string }) => r.name)).toEqual(['p5', 'p4', 'p3', 'p2', 'p1']);
    expect(second.body._links.next).toBeUndefined();
  });

  it('honours fields and filters', async () => {
    const all = await call(east, 'GET', '/api/cluster/peers?fields=*');
    expect(contractProblems(all.body, 'cluster_peer_response', ['$.records[].version', '$.records[].peer_applications'])).toEqual([]);
    expect(all.body.records[0].authentication).toMatchObject({ state: 'pending', in_use: 'ok', expiry_time: expect.any(String) });

    const some = await call(east, 'GET', '/api/cluster/peers?fields=status.state,encryption&name=p3');
    expect(some.body.records).toEqual([
      { uuid: expect.any(String), _links: expect.any(Object), status: { state: 'pending' }, encryption: { proposed: 'tls_psk', state: 'none' } },
    ]);
    expect((await call(east, 'GET', '/api/cluster/peers?name=p1|p2')).body.num_records).toBe(2);
    expect((await call(east, 'GET', '/api/cluster/peers?name=P*')).body.num_records).toBe(5);
    expect((await call(east, 'GET', '/api/cluster/peers?name=!p1')).body.num_records).toBe(4);
    expect(await call(east, 'GET', '/api/cluster/peers?return_records=false')).toMatchObject({ body: { num_records: 5 } });
  });

  it('filters on remote.ip_addresses', async () => {
    await peer();
    const found = await call(east, 'GET', `/api/cluster/peers?remote.ip_addresses=${WEST[1]}&fields=remote`);
    expect(found.body.records).toEqual([expect.objectContaining({ remote: { ip_addresses: WEST, name: 'ontap-west', serial_number: expect.any(String) } })]);
  });
});

describe('HTTP surface', () => {
  it('answers 401 with the ONTAP envelope without the right basic credentials', async () => {
    for (const authorization of [`Basic ${Buffer.from('admin:wrong').toString('base64')}`, '']) {
      const answer = await call(east, 'GET', '/api/cluster/peers', undefined, { authorization });
      expectError(answer, 401, '6');
      expect(answer.headers.get('www-authenticate')).toContain('Basic');
    }
    expect((await fetch(`${east.url}/_sim/settings`)).status).toBe(200);
  });

  it('fails the next calls on request through /_sim/fail-next, in the ONTAP envelope', async () => {
    await fetch(`${east.url}/_sim/fail-next`, { method: 'POST', body: JSON.stringify({ count: 1, status: 503 }) });
    expectError(await call(east, 'GET', '/api/cluster'), 503, '2');
    expect((await call(east, 'GET', '/api/cluster')).status).toBe(200);
    expect(east.faults.calls).toBe(2);
  });

  it('answers unknown paths and methods in the ONTAP envelope', async () => {
    expectError(await call(east, 'GET', '/api/nothing-here'), 404, '3');
    expectError(await call(east, 'PUT', '/api/cluster/peers'), 405, '3');
  });

  it('changes settings through /_sim/settings and refuses unknown ones', async () => {
    const put = await fetch(`${east.url}/_sim/settings`, { method: 'PUT', body: JSON.stringify({ routeWindowMs: 250, asyncJobs: true }) });
    expect(await put.json()).toEqual({
      routeWindowMs: 250,
      routeFailure: 'contact',
      routeFailureStatus: null,
      routeFailureCode: null,
      routeFailureMessage: null,
      asyncJobs: true,
      jobDurationMs: 200,
      vserverMigrationInProgress: false,
    });
    expect(east.settings.routeWindowMs).toBe(250);
    expect((await fetch(`${east.url}/_sim/settings`, { method: 'PUT', body: JSON.stringify({ speed: 1 }) })).status).toBe(400);
    expect((await fetch(`${east.url}/_sim/lifs`, { method: 'POST', body: JSON.stringify({ addresses: [WEST[0]] }) })).status).toBe(409);
  });
});

describe("the adapter's error table (src/adapters/ontap/error-codes.ts)", () => {
  it('covers every code documented for POST, PATCH and DELETE of cluster peers', () => {
    const documented = [
      ...documentedCodes('/cluster/peers', 'post'),
      ...documentedCodes('/cluster/peers/{uuid}', 'patch'),
      ...documentedCodes('/cluster/peers/{uuid}', 'delete'),
    ];
    expect(documented.length).toBeGreaterThanOrEqual(33);
    expect(documented.filter((code) => !ONTAP_ERROR_CODES[code])).toEqual([]);
  });

  it("covers every code the simulator answers that is not the simulator's own", () => {
    const answered = Object.values(ONTAP_SIM_ERRORS).filter(({ code }) => !ONTAP_SIMULATOR_ONLY_CODES.has(code));
    expect(answered.filter(({ code }) => !ONTAP_ERROR_CODES[code])).toEqual([]);
  });
});
