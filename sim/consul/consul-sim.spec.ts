import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConsulNetwork, type ConsulSim, type ConsulSimOptions, consulErrorTexts, type PeeringState, type PeeringView, startConsulSim } from './index.js';

interface Reply {
  status: number;
  text: string;
  headers: Headers;
}

const INVALID_SECRET = 'rpc error: code = PermissionDenied desc = a new peering token must be generated: invalid peering establishment secret';
const MARKED_FOR_DELETION = 'rpc error: code = Unknown desc = failed to write peering: cannot write to peering that is marked for deletion';
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

let network: ConsulNetwork;
let dc1: ConsulSim;
let dc2: ConsulSim;
const extraSims: ConsulSim[] = [];

async function startSim(options: Partial<ConsulSimOptions> & { datacenter: string }): Promise<ConsulSim> {
  const sim = await startConsulSim({ network, deleteDurationMs: 300, activateAfterMs: 50, ...options });
  extraSims.push(sim);
  return sim;
}

beforeEach(async () => {
  network = new ConsulNetwork();
  dc1 = await startConsulSim({ datacenter: 'dc1', network, deleteDurationMs: 300, activateAfterMs: 50 });
  dc2 = await startConsulSim({ datacenter: 'dc2', network, deleteDurationMs: 300, activateAfterMs: 50 });
});

afterEach(async () => {
  await Promise.all([dc1.close(), dc2.close(), ...extraSims.splice(0).map((sim) => sim.close())]);
});

async function call(sim: ConsulSim, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> {
  const payload = body === undefined || typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(sim.url + path, { method, body: payload, headers });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

async function generateToken(sim: ConsulSim, peerName: string, extra: Record<string, unknown> = {}): Promise<string> {
  const reply = await call(sim, 'POST', '/v1/peering/token', { PeerName: peerName, ...extra });
  expect(reply.status).toBe(200);
  return (JSON.parse(reply.text) as { PeeringToken: string }).PeeringToken;
}

function establish(sim: ConsulSim, peerName: string, token: string, extra: Record<string, unknown> = {}): Promise<Reply> {
  return call(sim, 'POST', '/v1/peering/establish', { PeerName: peerName, PeeringToken: token, ...extra });
}

async function read(sim: ConsulSim, name: string, query = ''): Promise<{ reply: Reply; peering: PeeringView; index: number }> {
  const reply = await call(sim, 'GET', `/v1/peering/${name}${query}`);
  return {
    reply,
    peering: reply.status === 200 ? (JSON.parse(reply.text) as PeeringView) : (undefined as unknown as PeeringView),
    index: Number(reply.headers.get('x-consul-index')),
  };
}

async function waitForState(sim: ConsulSim, name: string, state: PeeringState): Promise<PeeringView> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const { peering } = await read(sim, name);
    if (peering?.State === state) return peering;
    if (Date.now() > deadline) throw new Error(`${sim.datacenter}/${name} never reached ${state} (last: ${peering?.State})`);
    await sleep(20);
  }
}

async function peer(): Promise<{ acceptor: PeeringView; dialer: PeeringView }> {
  const token = await generateToken(dc1, 'dc2');
  expect((await establish(dc2, 'dc1', token)).status).toBe(200);
  return { acceptor: await waitForState(dc1, 'dc2', 'ACTIVE'), dialer: await waitForState(dc2, 'dc1', 'ACTIVE') };
}

function decode(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Consul peering simulator', () => {
  describe('token and establish', () => {
    it('peers two datacenters: both sides read ACTIVE and point at each other', async () => {
      const token = await generateToken(dc1, 'dc2');
      const pending = await read(dc1, 'dc2');
      // CE leaves Partition out, and every other empty omitempty field; empty stream lists are null.
      expect(JSON.parse(pending.reply.text)).toEqual({
        ID: expect.any(String),
        Name: 'dc2',
        State: 'PENDING',
        StreamStatus: { ImportedServices: null, ExportedServices: null, LastHeartbeat: null, LastReceive: null, LastSend: null },
        CreateIndex: pending.index,
        ModifyIndex: pending.index,
        Remote: { Partition: '', Datacenter: '' },
      });
      expect(decode(token)).toEqual({
        CA: null,
        ManualServerAddresses: null,
        ServerAddresses: [dc1.serverAddress],
        ServerName: 'server.dc1.consul',
        PeerID: pending.peering.ID,
        EstablishmentSecret: expect.any(String),
        Remote: { Partition: '', Datacenter: 'dc1' },
      });

      const reply = await establish(dc2, 'dc1', token);
      expect(reply).toMatchObject({ status: 200, text: '{}' });

      const acceptor = await waitForState(dc1, 'dc2', 'ACTIVE');
      const dialer = await waitForState(dc2, 'dc1', 'ACTIVE');
      expect(acceptor.ID).toBe(pending.peering.ID);
      // The acceptor never stores a PeerID; it learned Remote from the dialer's stream.
      expect(acceptor).not.toHaveProperty('PeerID');
      expect(acceptor).not.toHaveProperty('PeerServerName');
      expect(dialer.PeerID).toBe(acceptor.ID);
      expect(acceptor.Remote).toEqual({ Partition: '', Datacenter: 'dc2' });
      expect(dialer).toMatchObject({
        PeerServerName: 'server.dc1.consul',
        PeerServerAddresses: [dc1.serverAddress],
        Remote: { Partition: '', Datacenter: 'dc1' },
      });
      // No heartbeat yet (the first comes an interval after the stream opened); the opening was heard and sent.
      expect(dialer.StreamStatus).toEqual({
        ImportedServices: null,
        ExportedServices: null,
        LastHeartbeat: null,
        LastReceive: expect.stringMatching(RFC3339),
        LastSend: expect.stringMatching(RFC3339),
      });
      expect(dc1.peerings()[0]).toMatchObject({ State: 'PENDING', PeerID: '' });
      expect(dc1.peerings()).toHaveLength(1);
      expect(dc2.peerings()).toHaveLength(1);
    });

    it("carries ServerExternalAddresses in the token's ManualServerAddresses, which the dialer uses", async () => {
      const token = await generateToken(dc1, 'dc2', { ServerExternalAddresses: ['203.0.113.7:8502'] });
      expect(decode(token)).toMatchObject({ ServerAddresses: [dc1.serverAddress], ManualServerAddresses: ['203.0.113.7:8502'] });
      expect((await establish(dc2, 'dc1', token)).status).toBe(200);
      expect((await read(dc2, 'dc1')).peering.PeerServerAddresses).toEqual(['203.0.113.7:8502']);
    });

    it('computes ACTIVE at read time: no index bump, no wake-up of blocking queries', async () => {
      dc2.settings.activateAfterMs = 200;
      const token = await generateToken(dc1, 'dc2');
      await establish(dc2, 'dc1', token);
      const establishing = await read(dc2, 'dc1');
      expect(establishing.peering.State).toBe('ESTABLISHING');
      const started = Date.now();
      const held = await read(dc2, 'dc1', `?index=${establishing.index}&wait=500ms`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(450);
      expect(held.peering.State).toBe('ACTIVE');
      expect(held.index).toBe(establishing.index);
      expect(held.peering.ModifyIndex).toBe(establishing.peering.ModifyIndex);
      expect(dc2.peerings()[0].State).toBe('ESTABLISHING');
    });

    it('refuses a used token with 403 and leaves the failed dialer PENDING', async () => {
      const token = await generateToken(dc1, 'dc2');
      await establish(dc2, 'dc1', token);

      expect(await establish(dc2, 'dc1', token)).toMatchObject({ status: 403, text: INVALID_SECRET });
      expect(await establish(dc2, 'other', token)).toMatchObject({ status: 403, text: INVALID_SECRET });
      expect((await read(dc2, 'other')).peering.State).toBe('PENDING');
      expect((await waitForState(dc2, 'dc1', 'ACTIVE')).Name).toBe('dc1');
    });

    it('invalidates the unused old token when a new one is generated for the same name', async () => {
      const first = await generateToken(dc1, 'dc2');
      const second = await generateToken(dc1, 'dc2');
      expect(decode(second).PeerID).toBe(decode(first).PeerID);
      expect(decode(second).EstablishmentSecret).not.toBe(decode(first).EstablishmentSecret);

      expect(await establish(dc2, 'dc1', first)).toMatchObject({ status: 403, text: INVALID_SECRET });
      expect((await establish(dc2, 'dc1', second)).status).toBe(200);
      await waitForState(dc2, 'dc1', 'ACTIVE');
      expect(dc1.peerings()).toHaveLength(1);
    });

    it('refuses to replace an established peering or to swap roles for a name', async () => {
      await peer();
      const tokenForOtherName = await generateToken(dc1, 'second');
      expect(await establish(dc2, 'dc1', tokenForOtherName)).toMatchObject({
        status: 500,
        text: 'rpc error: code = Unknown desc = cannot create peering with name: "dc1"; there is already an established peering',
      });
      expect(await call(dc2, 'POST', '/v1/peering/token', { PeerName: 'dc1' })).toMatchObject({
        status: 500,
        text: 'rpc error: code = Unknown desc = cannot create peering with name: "dc1"; there is already an established peering',
      });
      const tokenFromDc2 = await generateToken(dc2, 'x');
      expect(await establish(dc1, 'dc2', tokenFromDc2)).toMatchObject({
        status: 500,
        text: 'rpc error: code = Unknown desc = cannot create peering with name: "dc2"; there is an existing peering expecting to be dialed',
      });
    });

    it('refuses a token generated by the same datacenter', async () => {
      const token = await generateToken(dc1, 'self');
      expect(await establish(dc1, 'loop', token)).toMatchObject({
        status: 500,
        text: 'rpc error: code = Unknown desc = cannot create a peering within the same cluster "server.dc1.consul". Refer to the `exported-services` documentation if you want to export between partitions without peering',
      });
    });

    it('fails like an unreachable peer when the acceptor datacenter is gone', async () => {
      const token = await generateToken(dc1, 'dc2');
      await dc1.close();
      const reply = await establish(dc2, 'dc1', token);
      expect(reply.status).toBe(500);
      expect(reply.text).toBe(
        'rpc error: code = Unknown desc = 1 error occurred:\n\t* failed to exchange peering secret through address ' +
          `"${dc1.serverAddress}": rpc error: code = Unavailable desc = connection error: desc = ` +
          `"transport: Error while dialing: dial tcp ${dc1.serverAddress}: connect: connection refused"\n\n`,
      );
      expect((await read(dc2, 'dc1')).peering.State).toBe('PENDING');
    });
  });

  describe('delete', () => {
    it('reads DELETING with DeletedAt, terminates the peer, then is gone', async () => {
      await peer();
      const deleted = await call(dc2, 'DELETE', '/v1/peering/dc1');
      expect(deleted).toMatchObject({ status: 200, text: '' });

      const deleting = (await read(dc2, 'dc1')).peering;
      expect(deleting.State).toBe('DELETING');
      expect(deleting.DeletedAt).toMatch(RFC3339);
      expect((await read(dc1, 'dc2')).peering.State).toBe('TERMINATED');
      expect((await call(dc2, 'DELETE', '/v1/peering/dc1')).status).toBe(200);

      await sleep(400);
      expect(await call(dc2, 'GET', '/v1/peering/dc1')).toMatchObject({ status: 404, text: 'Peering not found for "dc1"' });
      expect((await read(dc1, 'dc2')).peering.State).toBe('TERMINATED');

      expect((await call(dc1, 'DELETE', '/v1/peering/dc2')).status).toBe(200);
      await sleep(400);
      expect(dc1.peerings()).toEqual([]);
    });

    it('answers 200 for an unknown name and removes a PENDING acceptor after the delete duration', async () => {
      expect((await call(dc1, 'DELETE', '/v1/peering/never-existed')).status).toBe(200);
      await generateToken(dc1, 'lonely');
      await call(dc1, 'DELETE', '/v1/peering/lonely');
      expect((await read(dc1, 'lonely')).peering.State).toBe('DELETING');
      await sleep(400);
      expect((await read(dc1, 'lonely')).reply.status).toBe(404);
    });

    it('refuses token and establish on a DELETING name until the delete finishes', async () => {
      await peer();
      await call(dc1, 'DELETE', '/v1/peering/dc2');
      await call(dc2, 'DELETE', '/v1/peering/dc1');

      expect(await call(dc1, 'POST', '/v1/peering/token', { PeerName: 'dc2' })).toMatchObject({ status: 500, text: MARKED_FOR_DELETION });
      const otherToken = await generateToken(dc1, 'other');
      expect(await establish(dc2, 'dc1', otherToken)).toMatchObject({ status: 500, text: MARKED_FOR_DELETION });

      await sleep(400);
      const token = await generateToken(dc1, 'dc2');
      expect((await establish(dc2, 'dc1', token)).status).toBe(200);
      await waitForState(dc2, 'dc1', 'ACTIVE');
    });
  });

  describe('validation', () => {
    it('answers Consul texts for bad requests', async () => {
      expect(await call(dc1, 'POST', '/v1/peering/token', {})).toMatchObject({
        status: 400,
        text: 'PeerName is required in the payload when generating a new peering token.',
      });
      expect(await call(dc1, 'POST', '/v1/peering/establish', { PeeringToken: 'x' })).toMatchObject({
        status: 400,
        text: 'PeerName is required in the payload when establishing a peering.',
      });
      expect(await call(dc1, 'POST', '/v1/peering/establish', { PeerName: 'x' })).toMatchObject({
        status: 400,
        text: 'PeeringToken is required in the payload when establishing a peering.',
      });
      expect(await call(dc1, 'POST', '/v1/peering/token')).toMatchObject({ status: 400, text: 'Body decoding failed: EOF' });
      expect(await call(dc1, 'POST', '/v1/peering/token', 'abc')).toMatchObject({
        status: 400,
        text: "Body decoding failed: invalid character 'a' looking for beginning of value",
      });
      expect(await call(dc1, 'POST', '/v1/peering/token', { PeerName: 7 })).toMatchObject({
        status: 400,
        text: 'Body decoding failed: json: cannot unmarshal number into Go struct field PeeringGenerateTokenRequest.PeerName of type string',
      });
    });

    it('answers 500 for an invalid peer name', async () => {
      for (const name of ['bad_name', '-dash', 'a'.repeat(64)]) {
        expect(await call(dc1, 'POST', '/v1/peering/token', { PeerName: name })).toMatchObject({
          status: 500,
          text: `rpc error: code = Unknown desc = ${name} is not a valid peer name: a valid peering name must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`,
        });
      }
    });

    it('answers 500 for a token it cannot decode', async () => {
      expect(await establish(dc2, 'dc1', '%%%')).toMatchObject({
        status: 500,
        text: 'rpc error: code = Unknown desc = failed to decode token: illegal base64 data at input byte 0',
      });
      expect(await establish(dc2, 'dc1', Buffer.from('{}').toString('base64'))).toMatchObject({
        status: 500,
        text: 'rpc error: code = Unknown desc = peering token server addresses value is empty',
      });
    });

    it('refuses upper-case names on token and establish; GET and DELETE lower-case them', async () => {
      const invalid = (name: string) => ({ status: 500, text: consulErrorTexts.invalidPeerName(name) });
      expect(await call(dc1, 'POST', '/v1/peering/token', { PeerName: 'Cluster-B' })).toMatchObject(invalid('Cluster-B'));
      const token = await generateToken(dc1, 'cluster-b');
      expect(await establish(dc2, 'DC1', token)).toMatchObject(invalid('DC1'));
      expect(dc2.peerings()).toEqual([]);
      expect((await read(dc1, 'CLUSTER-B')).peering.Name).toBe('cluster-b');
      const missing = await call(dc1, 'GET', '/v1/peering/Nope');
      expect(missing).toMatchObject({ status: 404, text: 'Peering not found for "Nope"' });
      expect(missing.headers.get('x-consul-index')).toBeNull();
      expect((await call(dc1, 'DELETE', '/v1/peering/Cluster-B')).status).toBe(200);
      expect((await read(dc1, 'cluster-b')).peering.State).toBe('DELETING');
    });

    it('answers 405 for a wrong method, 404 for an unknown path', async () => {
      expect(await call(dc1, 'PUT', '/v1/peering/x')).toMatchObject({ status: 405, text: 'method PUT not allowed' });
      expect(await call(dc1, 'GET', '/v1/peering/token')).toMatchObject({ status: 405, text: 'method GET not allowed' });
      expect(await call(dc1, 'DELETE', '/v1/peerings')).toMatchObject({ status: 405, text: 'method DELETE not allowed' });
      expect(await call(dc1, 'GET', '/v1/peering/')).toMatchObject({ status: 400, text: 'Must specify a name to fetch.' });
      expect(await call(dc1, 'GET', '/v1/nothing')).toMatchObject({
        status: 404,
        text: 'Invalid URL path: not a recognized HTTP API endpoint\n',
      });
    });
  });

  describe('reads and blocking queries', () => {
    it('lists peerings with X-Consul-Index', async () => {
      await generateToken(dc1, 'b');
      await generateToken(dc1, 'a');
      const reply = await call(dc1, 'GET', '/v1/peerings');
      expect(reply.status).toBe(200);
      expect((JSON.parse(reply.text) as PeeringView[]).map((peering) => peering.Name)).toEqual(['a', 'b']);
      expect(Number(reply.headers.get('x-consul-index'))).toBe(Math.max(...dc1.peerings().map((p) => p.ModifyIndex)));
    });

    it('times out with the same index when nothing changes, ignoring other records', async () => {
      await generateToken(dc1, 'watched');
      const { index } = await read(dc1, 'watched');
      const started = Date.now();
      const held = read(dc1, 'watched', `?index=${index}&wait=300ms`);
      await generateToken(dc1, 'unrelated');
      const result = await held;
      expect(Date.now() - started).toBeGreaterThanOrEqual(280);
      expect(result.reply.status).toBe(200);
      expect(result.index).toBe(index);
    });

    it('returns early on DELETING, then with 404 and a new index on removal', async () => {
      await generateToken(dc1, 'watched');
      const pending = await read(dc1, 'watched');

      const started = Date.now();
      const held = read(dc1, 'watched', `?index=${pending.index}&wait=5s`);
      await sleep(50);
      await call(dc1, 'DELETE', '/v1/peering/watched');
      const deleting = await held;
      expect(Date.now() - started).toBeLessThan(2000);
      expect(deleting.peering.State).toBe('DELETING');
      expect(deleting.index).toBeGreaterThan(pending.index);

      const removed = await read(dc1, 'watched', `?index=${deleting.index}&wait=5s`);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(removed.reply).toMatchObject({ status: 404, text: 'Peering not found for "watched"' });
      expect(removed.reply.headers.get('x-consul-index')).toBeNull();
    });

    it('wakes a blocking list on any stored change', async () => {
      const first = await call(dc1, 'GET', '/v1/peerings');
      const index = Number(first.headers.get('x-consul-index'));
      const held = call(dc1, 'GET', `/v1/peerings?index=${index}&wait=5s`);
      await sleep(50);
      await generateToken(dc1, 'new-one');
      const reply = await held;
      expect(Number(reply.headers.get('x-consul-index'))).toBeGreaterThan(index);
      expect(JSON.parse(reply.text)).toHaveLength(1);
    });

    it('rejects malformed wait and index', async () => {
      expect(await call(dc1, 'GET', '/v1/peerings?wait=soon')).toMatchObject({ status: 400, text: 'Invalid wait time' });
      expect(await call(dc1, 'GET', '/v1/peerings?index=-1')).toMatchObject({ status: 400, text: 'Invalid index' });
    });

    it('answers held requests when the simulator closes', async () => {
      const dc3 = await startSim({ datacenter: 'dc3' });
      // A 404 carries no index: take the partition's from a list.
      const index = Number((await call(dc3, 'GET', '/v1/peerings')).headers.get('x-consul-index'));
      expect(index).toBeGreaterThan(0);
      const started = Date.now();
      const held = read(dc3, 'missing', `?index=${index}&wait=60s`);
      await sleep(50);
      await dc3.close();
      const result = await held;
      expect(Date.now() - started).toBeLessThan(2000);
      expect(result.reply.status).toBe(404);
    });

    it('reads FAILING while the stream fails, without an index bump', async () => {
      const { acceptor } = await peer();
      dc1.setStreamFailing('dc2', true);
      const failing = (await read(dc1, 'dc2')).peering;
      expect(failing.State).toBe('FAILING');
      expect(failing.ModifyIndex).toBe(acceptor.ModifyIndex);
      dc1.setStreamFailing('dc2', false);
      expect((await read(dc1, 'dc2')).peering.State).toBe('ACTIVE');
    });
  });

  describe('partitions', () => {
    it('keys records by partition from the body and from ?partition=', async () => {
      const token = await generateToken(dc1, 'dc2', { Partition: 'team-a' });
      expect(decode(token).Remote).toEqual({ Partition: 'team-a', Datacenter: 'dc1' });
      expect((await read(dc1, 'dc2')).reply.status).toBe(404);

      expect((await establish(dc2, 'dc1', token, { Partition: 'team-b' })).status).toBe(200);
      const acceptor = await waitForState(dc1, 'dc2?partition=team-a', 'ACTIVE');
      const dialer = await waitForState(dc2, 'dc1?partition=team-b', 'ACTIVE');
      expect(acceptor).toMatchObject({ Partition: 'team-a', Remote: { Partition: 'team-b', Datacenter: 'dc2' } });
      expect(dialer).toMatchObject({ Partition: 'team-b', Remote: { Partition: 'team-a', Datacenter: 'dc1' } });
      expect(JSON.parse((await call(dc1, 'GET', '/v1/peerings')).text)).toEqual([]);
      expect(JSON.parse((await call(dc1, 'GET', '/v1/peerings?partition=team-a')).text)).toHaveLength(1);

      await call(dc2, 'DELETE', '/v1/peering/dc1?partition=team-b');
      expect((await read(dc1, 'dc2', '?partition=team-a')).peering.State).toBe('TERMINATED');
    });
  });

  describe('ACL', () => {
    it('requires the token on every /v1 call, in either header', async () => {
      const secured = await startSim({ datacenter: 'dc3', aclToken: 'root-secret' });
      expect(await call(secured, 'GET', '/v1/peerings')).toMatchObject({
        status: 403,
        text: "Permission denied: anonymous token lacks permission 'peering:read'. The anonymous token is used implicitly when a request does not specify a token.",
      });
      const wrong = await call(secured, 'POST', '/v1/peering/token', { PeerName: 'x' }, { 'X-Consul-Token': 'nope' });
      expect(wrong.status).toBe(403);
      expect(wrong.text).toMatch(/^Permission denied: token with AccessorID '[0-9a-f-]{36}' lacks permission 'peering:write'$/);

      expect((await call(secured, 'POST', '/v1/peering/token', { PeerName: 'x' }, { 'X-Consul-Token': 'root-secret' })).status).toBe(200);
      expect((await call(secured, 'GET', '/v1/peering/x', undefined, { Authorization: 'Bearer root-secret' })).status).toBe(200);
      expect((await call(secured, 'GET', '/_sim/faults')).status).toBe(200);
    });
  });

  describe('control surface', () => {
    it('injects the next failure in Consul style, then recovers', async () => {
      expect((await call(dc1, 'POST', '/_sim/fail-next', { count: 1, status: 503 })).status).toBe(204);
      const failed = await call(dc1, 'GET', '/v1/peerings');
      expect(failed).toMatchObject({ status: 503, text: 'rpc error: code = Unknown desc = No cluster leader' });
      expect(failed.headers.get('content-type')).toContain('text/plain');
      expect((await call(dc1, 'GET', '/v1/peerings')).status).toBe(200);

      dc1.faults.failNext(1, 429);
      const limited = await call(dc1, 'POST', '/v1/peering/token', { PeerName: 'x' });
      expect(limited).toMatchObject({ status: 429, text: '' });
      expect(limited.headers.get('content-type')).toBeNull();
      expect(dc1.peerings()).toEqual([]);
    });

    it('changes settings and shows raw stored records', async () => {
      const defaults = { deleteDurationMs: 300, activateAfterMs: 50, heartbeatIntervalMs: 15_000, peeringEnabled: true };
      expect(JSON.parse((await call(dc1, 'GET', '/_sim/settings')).text)).toEqual(defaults);
      expect((await call(dc1, 'PUT', '/_sim/settings', { deleteDurationMs: 100, heartbeatIntervalMs: 1000 })).status).toBe(200);
      expect(dc1.settings).toEqual({ ...defaults, deleteDurationMs: 100, heartbeatIntervalMs: 1000 });
      expect((await call(dc1, 'PUT', '/_sim/settings', { activateAfterMs: -1 })).status).toBe(400);
      expect((await call(dc1, 'PUT', '/_sim/settings', { peeringEnabled: 'no' })).status).toBe(400);
      expect((await call(dc1, 'PUT', '/_sim/settings', { speed: 1 })).status).toBe(400);

      await peer();
      const raw = JSON.parse((await call(dc1, 'GET', '/_sim/peerings')).text) as Array<{ Name: string; State: string }>;
      expect(raw).toEqual([expect.objectContaining({ Name: 'dc2', State: 'PENDING', PeerID: '' })]);
    });

    it('refuses a second simulator for the same datacenter on one network', async () => {
      await expect(startConsulSim({ datacenter: 'dc1', network })).rejects.toThrow('already running');
    });
  });
});
