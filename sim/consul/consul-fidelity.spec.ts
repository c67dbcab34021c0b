import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConsulNetwork, type ConsulSim, consulErrorTexts, consulRpcDescriptions, grpcErrorText, type PeeringView, startConsulSim } from './index.js';

/** Behaviour of the real products that clients must cope with (see /work/shared/docs/products.md, Consul section). */

interface Reply {
  status: number;
  text: string;
  headers: Headers;
}

let network: ConsulNetwork;
let dc1: ConsulSim;
let dc2: ConsulSim;
const extra: ConsulSim[] = [];

beforeEach(async () => {
  network = new ConsulNetwork();
  dc1 = await startConsulSim({ datacenter: 'dc1', network, deleteDurationMs: 300, activateAfterMs: 30, heartbeatIntervalMs: 100 });
  dc2 = await startConsulSim({ datacenter: 'dc2', network, deleteDurationMs: 300, activateAfterMs: 30, heartbeatIntervalMs: 100 });
});

afterEach(async () => {
  await Promise.all([dc1.close(), dc2.close(), ...extra.splice(0).map((sim) => sim.close())]);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function call(sim: ConsulSim, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> {
  const payload = body === undefined || typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(sim.url + path, { method, body: payload, headers });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

async function token(sim: ConsulSim, name: string, extraBody: Record<string, unknown> = {}): Promise<string> {
  const reply = await call(sim, 'POST', '/v1/peering/token', { PeerName: name, ...extraBody });
  expect(reply.status).toBe(200);
  return (JSON.parse(reply.text) as { PeeringToken: string }).PeeringToken;
}

async function view(sim: ConsulSim, name: string): Promise<PeeringView> {
  const reply = await call(sim, 'GET', `/v1/peering/${name}`);
  expect(reply.status).toBe(200);
  return JSON.parse(reply.text) as PeeringView;
}

async function peer(): Promise<void> {
  const secret = await token(dc1, 'dc2', { Meta: { env: 'test' } });
  expect((await call(dc2, 'POST', '/v1/peering/establish', { PeerName: 'dc1', PeeringToken: secret, Meta: { env: 'test' } })).status).toBe(200);
  await sleep(60);
  expect((await view(dc1, 'dc2')).State).toBe('ACTIVE');
  expect((await view(dc2, 'dc1')).State).toBe('ACTIVE');
}

describe('error texts', () => {
  it('prints RPC errors with the gRPC prefix, and the HTTP layer checks without it', () => {
    expect(grpcErrorText('Unknown', 'No cluster leader')).toBe('rpc error: code = Unknown desc = No cluster leader');
    expect(consulErrorTexts.invalidSecret).toBe(
      'rpc error: code = PermissionDenied desc = a new peering token must be generated: invalid peering establishment secret',
    );
    expect(consulErrorTexts.peeringDisabled).toBe('rpc error: code = FailedPrecondition desc = peering must be enabled to use this endpoint');
    expect(consulErrorTexts.markedForDeletion).toBe(grpcErrorText('Unknown', consulRpcDescriptions.markedForDeletion));
    expect(consulErrorTexts.noClusterLeader).toBe('rpc error: code = Unknown desc = No cluster leader');
    expect(consulErrorTexts.rateLimitedLeaderOnly).toBe(
      'rpc error: code = Unavailable desc = rate limit exceeded for operation that can only be performed by the leader, try again later',
    );
    expect(consulErrorTexts.rateLimitedTryElsewhere).toBe(
      'rpc error: code = ResourceExhausted desc = rate limit exceeded, try again later or against a different server',
    );
    expect(consulErrorTexts.peerNameRequiredForToken).toBe('PeerName is required in the payload when generating a new peering token.');
    expect(consulErrorTexts.peeringNotFound('x')).toBe('Peering not found for "x"');
    expect(consulErrorTexts.anonymousDenied('peering:read')).toMatch(/^Permission denied: /);
  });
});

describe('request bodies', () => {
  it('refuses unknown JSON fields with 400 in Go decoder words, whatever the case of known ones', async () => {
    expect(await call(dc1, 'POST', '/v1/peering/token', { PeerName: 'a', Foo: 1 })).toMatchObject({
      status: 400,
      text: 'Body decoding failed: json: unknown field "Foo"',
    });
    expect(await call(dc1, 'POST', '/v1/peering/establish', { PeerName: 'a', PeeringToken: 'x', Datacenter: 'dc9' })).toMatchObject({
      status: 400,
      text: consulErrorTexts.unknownField('Datacenter'),
    });
    expect((await call(dc1, 'POST', '/v1/peering/token', { peername: 'a' })).status).toBe(200);
    expect(dc1.peerings()).toHaveLength(1);
  });

  it('refuses invalid Meta with 500 Unknown, before the ACL check', async () => {
    const secured = await startConsulSim({ datacenter: 'dc3', network, aclToken: 'root' });
    extra.push(secured);
    expect(await call(secured, 'POST', '/v1/peering/token', { PeerName: 'a', Meta: { 'consul-x': 'y' } })).toMatchObject({
      status: 500,
      text: "rpc error: code = Unknown desc = meta tags failed validation: Key prefix 'consul-' is reserved for internal use",
    });
    expect(await call(secured, 'POST', '/v1/peering/token', { PeerName: 'Bad' })).toMatchObject({ status: 500, text: consulErrorTexts.invalidPeerName('Bad') });
    expect(await call(secured, 'POST', '/v1/peering/establish', { PeerName: 'a', PeeringToken: '%' })).toMatchObject({
      status: 500,
      text: consulErrorTexts.tokenBase64(0),
    });
    // The HTTP handler's own checks come first, the ACL check after validation.
    expect(await call(secured, 'POST', '/v1/peering/token', {})).toMatchObject({ status: 400, text: consulErrorTexts.peerNameRequiredForToken });
    expect((await call(secured, 'POST', '/v1/peering/token', { PeerName: 'a' })).status).toBe(403);
  });
});

describe('peering disabled', () => {
  it('answers every endpoint 500 FailedPrecondition until it is enabled again', async () => {
    await token(dc1, 'kept');
    expect((await call(dc1, 'PUT', '/_sim/settings', { peeringEnabled: false })).status).toBe(200);
    const disabled = { status: 500, text: 'rpc error: code = FailedPrecondition desc = peering must be enabled to use this endpoint' };
    expect(await call(dc1, 'POST', '/v1/peering/token', { PeerName: 'a' })).toMatchObject(disabled);
    expect(await call(dc1, 'POST', '/v1/peering/establish', { PeerName: 'a', PeeringToken: 'x' })).toMatchObject(disabled);
    expect(await call(dc1, 'GET', '/v1/peering/kept')).toMatchObject(disabled);
    expect(await call(dc1, 'GET', '/v1/peering/missing')).toMatchObject(disabled);
    expect(await call(dc1, 'GET', '/v1/peerings')).toMatchObject(disabled);
    expect(await call(dc1, 'DELETE', '/v1/peering/kept')).toMatchObject(disabled);
    // The HTTP handler still checks the body first.
    expect((await call(dc1, 'POST', '/v1/peering/token', {})).status).toBe(400);
    dc1.settings.peeringEnabled = true;
    expect((await view(dc1, 'kept')).State).toBe('PENDING');
  });

  it('starts disabled on request, and a dialer reaching a disabled acceptor fails the exchange', async () => {
    const secret = await token(dc1, 'dc2');
    dc1.settings.peeringEnabled = false;
    const reply = await call(dc2, 'POST', '/v1/peering/establish', { PeerName: 'dc1', PeeringToken: secret });
    expect(reply.status).toBe(500);
    expect(reply.text).toBe(
      `rpc error: code = Unknown desc = 1 error occurred:\n\t* failed to exchange peering secret through address "${dc1.serverAddress}": ` +
        'rpc error: code = FailedPrecondition desc = peering must be enabled to use this endpoint\n\n',
    );
    const off = await startConsulSim({ datacenter: 'dc3', network, peeringEnabled: false });
    extra.push(off);
    expect((await call(off, 'GET', '/v1/peerings')).status).toBe(500);
  });
});

describe('records', () => {
  it('keeps the acceptor PENDING in storage with no PeerID; it learns Remote when the stream opens', async () => {
    dc1.settings.activateAfterMs = 150;
    dc2.settings.activateAfterMs = 150;
    const secret = await token(dc1, 'dc2');
    const before = await call(dc1, 'GET', '/v1/peering/dc2');
    const index = Number(before.headers.get('x-consul-index'));
    expect((await call(dc2, 'POST', '/v1/peering/establish', { PeerName: 'dc1', PeeringToken: secret })).status).toBe(200);
    const exchanged = await view(dc1, 'dc2');
    expect(exchanged).toMatchObject({ State: 'PENDING', Remote: { Partition: '', Datacenter: '' } });
    expect(exchanged).not.toHaveProperty('PeerID');
    expect((await view(dc2, 'dc1')).State).toBe('ESTABLISHING');
    // The stream opening is a stored write on the acceptor: a blocking query wakes for it.
    const woken = await call(dc1, 'GET', `/v1/peering/dc2?index=${index}&wait=2s`);
    const learned = JSON.parse(woken.text) as PeeringView;
    expect(learned).toMatchObject({ State: 'ACTIVE', Remote: { Partition: '', Datacenter: 'dc2' } });
    expect(learned).not.toHaveProperty('PeerID');
    expect(dc1.peerings()[0]).toMatchObject({ State: 'PENDING', PeerID: '' });
  });

  it('keeps only ID, Name, State, DeletedAt, Partition and server addresses while DELETING', async () => {
    await peer();
    await call(dc2, 'DELETE', '/v1/peering/dc1');
    const deleting = JSON.parse((await call(dc2, 'GET', '/v1/peering/dc1')).text) as Record<string, unknown>;
    expect(Object.keys(deleting)).toEqual(['ID', 'Name', 'DeletedAt', 'State', 'PeerServerAddresses', 'StreamStatus', 'CreateIndex', 'ModifyIndex', 'Remote']);
    expect(deleting).toMatchObject({ State: 'DELETING', PeerServerAddresses: [dc1.serverAddress], Remote: { Partition: '', Datacenter: '' } });
    const enterprise = await startConsulSim({ datacenter: 'dc3', network, enterprise: true, deleteDurationMs: 300 });
    extra.push(enterprise);
    await token(enterprise, 'x', { Meta: { a: 'b' } });
    await call(enterprise, 'DELETE', '/v1/peering/x');
    const entDeleting = JSON.parse((await call(enterprise, 'GET', '/v1/peering/x')).text) as Record<string, unknown>;
    expect(entDeleting).toMatchObject({ Partition: 'default', State: 'DELETING' });
    expect(entDeleting).not.toHaveProperty('Meta');
  });

  it('shows Meta and Partition only when set (Partition on Enterprise)', async () => {
    await token(dc1, 'with-meta', { Meta: { team: 'a' } });
    expect(await view(dc1, 'with-meta')).toMatchObject({ Meta: { team: 'a' } });
    expect(await view(dc1, 'with-meta')).not.toHaveProperty('Partition');
    const enterprise = await startConsulSim({ datacenter: 'dc3', network, enterprise: true });
    extra.push(enterprise);
    const secret = await token(enterprise, 'plain');
    expect(await view(enterprise, 'plain')).toMatchObject({ Partition: 'default' });
    expect(await view(enterprise, 'plain')).not.toHaveProperty('Meta');
    expect(JSON.parse(Buffer.from(secret, 'base64').toString('utf8'))).toMatchObject({ Remote: { Partition: 'default', Datacenter: 'dc3' } });
  });
});

describe('stream health', () => {
  it('advances LastHeartbeat every interval; a quiet stream reads ACTIVE with stale times until brought back', async () => {
    await peer();
    await sleep(250);
    const live = (await view(dc1, 'dc2')).StreamStatus;
    expect(live.LastHeartbeat).toMatch(/Z$/);
    expect(Date.now() - Date.parse(live.LastHeartbeat as string)).toBeLessThan(250);

    const quiet = await call(dc1, 'PUT', '/_sim/peerings/dc2/stream', { quiet: true, lastHeardAgoMs: 3_600_000 });
    expect(quiet.status).toBe(200);
    await sleep(250);
    const stale = await view(dc1, 'dc2');
    expect(stale.State).toBe('ACTIVE');
    expect(Date.now() - Date.parse(stale.StreamStatus.LastHeartbeat as string)).toBeGreaterThanOrEqual(3_600_000);
    expect(stale.StreamStatus.LastReceive).toBe(stale.StreamStatus.LastHeartbeat);
    expect(Date.now() - Date.parse(stale.StreamStatus.LastSend as string)).toBeLessThan(250);

    dc1.setStreamQuiet('dc2', false);
    await sleep(150);
    const back = (await view(dc1, 'dc2')).StreamStatus;
    expect(Date.now() - Date.parse(back.LastHeartbeat as string)).toBeLessThan(250);
  });

  it('freezes the times where they are when no age is given, and flags FAILING through the same control', async () => {
    await peer();
    dc2.setStreamQuiet('dc1', true);
    const frozen = (await view(dc2, 'dc1')).StreamStatus;
    await sleep(250);
    expect((await view(dc2, 'dc1')).StreamStatus).toMatchObject({ LastHeartbeat: frozen.LastHeartbeat, LastReceive: frozen.LastReceive });
    expect((await call(dc2, 'PUT', '/_sim/peerings/dc1/stream', { failing: true })).status).toBe(200);
    expect((await view(dc2, 'dc1')).State).toBe('FAILING');
    expect((await call(dc2, 'PUT', '/_sim/peerings/nope/stream', { quiet: true })).status).toBe(404);
  });
});

describe('injected failures', () => {
  it('offers named presets in Consul wording', async () => {
    const expectations: Array<[string, number, string]> = [
      ['rpcRateLimit', 429, ''],
      ['resourceExhausted', 500, consulErrorTexts.rateLimitedTryElsewhere],
      ['leaderOnly', 500, consulErrorTexts.rateLimitedLeaderOnly],
      ['noClusterLeader', 500, 'rpc error: code = Unknown desc = No cluster leader'],
      ['peeringDisabled', 500, consulErrorTexts.peeringDisabled],
      ['usedToken', 403, consulErrorTexts.invalidSecret],
    ];
    for (const [preset, status, text] of expectations) {
      expect((await call(dc1, 'POST', '/_sim/fail-next', { preset, match: { pathPrefix: '/v1/peerings' } })).status).toBe(204);
      expect(await call(dc1, 'GET', '/v1/peerings')).toMatchObject({ status, text });
    }
    dc1.faults.failNextPreset('leaderOnly', 2, { method: 'POST' });
    expect((await call(dc1, 'POST', '/v1/peering/token', { PeerName: 'a' })).status).toBe(500);
    expect((await call(dc1, 'POST', '/v1/peering/token', { PeerName: 'a' })).status).toBe(500);
    expect((await call(dc1, 'POST', '/v1/peering/token', { PeerName: 'a' })).status).toBe(200);
    expect((await call(dc1, 'POST', '/_sim/fail-next', { preset: 'nope' })).status).toBe(400);
    expect(Object.keys(JSON.parse((await call(dc1, 'GET', '/_sim/presets')).text) as object)).toContain('leaderOnly');
  });
});
