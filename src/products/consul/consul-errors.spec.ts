import { describe, expect, it } from '@jest/globals';
import type { Cluster } from '../../domain/cluster.js';
import { classifyConsulAnswer, grpcStatus, PEERING_DISABLED_SUMMARY, peeringTokenProblem } from './consul-errors.js';
import { retryAfterMs } from '../../transport/upstream-text.js';
import { toNativeSide } from './consul.adapter.js';

const cluster = { id: 'consul-dc1', product: 'consul' } as Cluster;
const answer = (status: number, text: string, headers: Record<string, string> = {}) => classifyConsulAnswer(cluster, { status, text, headers });
const rpc = (code: string, desc: string) => `rpc error: code = ${code} desc = ${desc}`;

describe('the Consul error classifier: gRPC code first, then the text, then the status', () => {
  const table: [number, string, string, string][] = [
    // gRPC codes that pass.
    [500, rpc('Unavailable', 'No cluster leader'), 'transient', 'upstream_unavailable'],
    [503, rpc('Unavailable', 'No cluster leader'), 'transient', 'upstream_unavailable'],
    [500, rpc('Unavailable', 'this operation can only be performed by the leader, try again later'), 'transient', 'upstream_unavailable'],
    [500, rpc('ResourceExhausted', 'rate limit exceeded, try again later or against a different server'), 'transient', 'upstream_unavailable'],
    [500, rpc('DeadlineExceeded', 'context deadline exceeded'), 'transient', 'upstream_unavailable'],
    [500, rpc('Aborted', 'transaction aborted'), 'transient', 'upstream_unavailable'],
    // gRPC codes that are final, whatever the status.
    [500, rpc('FailedPrecondition', 'peering must be enabled to use this endpoint'), 'final', 'upstream_rejected'],
    [500, rpc('FailedPrecondition', 'something else that is not met'), 'final', 'upstream_rejected'],
    [500, rpc('InvalidArgument', 'PeerName is required'), 'final', 'upstream_rejected'],
    [500, rpc('AlreadyExists', 'peering already exists'), 'final', 'upstream_rejected'],
    [500, rpc('Unimplemented', 'unknown method Establish'), 'final', 'upstream_rejected'],
    [403, rpc('PermissionDenied', 'a new peering token must be generated: invalid peering establishment secret'), 'secret-rejected', 'upstream_rejected'],
    [403, rpc('PermissionDenied', "Permission denied: token with AccessorID 'x' lacks permission 'peering:write'"), 'final', 'upstream_rejected'],
    // Unknown (or no code): the text decides.
    [500, rpc('Unknown', 'failed to write peering: cannot write to peering that is marked for deletion'), 'name-deleting', 'upstream_rejected'],
    [500, 'failed to write peering: cannot write to peering that is marked for deletion', 'name-deleting', 'upstream_rejected'],
    [403, 'a new peering token must be generated: invalid peering establishment secret', 'secret-rejected', 'upstream_rejected'],
    [403, "Permission denied: token with AccessorID 'x' lacks permission 'peering:write'", 'final', 'upstream_rejected'],
    [403, 'ACL not found', 'final', 'upstream_rejected'],
    [500, 'Bad_Name is not a valid peer name: a valid peering name must consist of lower case alphanumeric characters', 'final', 'upstream_rejected'],
    [500, rpc('Unknown', 'cannot create peering with name: "x"; there is already an established peering'), 'final', 'conflict'],
    [500, 'cannot create peering with name: "x"; there is an existing peering expecting to be dialed', 'final', 'conflict'],
    [500, 'meta tags failed validation: Meta key "" cannot be blank', 'final', 'upstream_rejected'],
    [500, 'failed to decode token: illegal base64 data at input byte 4', 'final', 'upstream_rejected'],
    [500, 'peering token server addresses value is empty', 'final', 'upstream_rejected'],
    [500, 'peering token peer ID value is empty', 'final', 'upstream_rejected'],
    [500, 'json: cannot unmarshal string into Go value of type structs.PeeringToken', 'final', 'upstream_rejected'],
    [500, 'cannot create a peering within the same cluster "server.dc1.consul"', 'final', 'upstream_rejected'],
    [500, rpc('Unknown', 'No cluster leader'), 'transient', 'upstream_unavailable'],
    [500, rpc('Unknown', 'timed out enqueuing operation'), 'transient', 'upstream_unavailable'],
    [500, 'rpc error making call: EOF', 'transient', 'upstream_unavailable'],
    [500, 'leadership lost while committing log', 'transient', 'upstream_unavailable'],
    [
      500,
      '1 error occurred:\n\t* failed to exchange peering secret through address "10.0.0.1:8503": rpc error: code = Unavailable',
      'transient',
      'upstream_unavailable',
    ],
    // The agent's own statuses.
    [429, '', 'transient', 'upstream_unavailable'],
    [429, 'rate limit exceeded, try again later', 'transient', 'upstream_unavailable'],
    [400, 'PeerName is required in the payload when generating a new peering token.', 'final', 'upstream_rejected'],
    [400, 'Body decoding failed: json: unknown field "Bogus"', 'final', 'upstream_rejected'],
    [404, 'Peering not found for "x"', 'not-found', 'upstream_rejected'],
    [405, 'method PUT not allowed', 'final', 'upstream_rejected'],
    [502, 'Bad Gateway', 'transient', 'upstream_unavailable'],
    // Texts nobody can place: a short bounded retry, then final.
    [500, 'the flux capacitor is misaligned', 'unplaced', 'upstream_rejected'],
    [500, rpc('Unknown', 'something new in Consul 1.99'), 'unplaced', 'upstream_rejected'],
    [500, rpc('Internal', 'grpc: error while marshaling'), 'unplaced', 'upstream_rejected'],
  ];
  for (const [status, text, kind, code] of table) {
    it(`${status} "${text.replace(/\s+/g, ' ').slice(0, 70)}" is ${kind}`, () => {
      const err = answer(status, text);
      expect(err.kind).toBe(kind);
      expect(err.gatewayCode).toBe(code);
      expect(err.upstream).toEqual({ product: 'consul', cluster: 'consul-dc1', status, code: null, message: text.trim() || `HTTP ${status}` });
      expect(err.toProblem()).toMatchObject({ code, upstream: err.upstream, detail: expect.stringContaining('consul-dc1') });
    });
  }

  it('says what an operator must do when peering is switched off, and gives it no retry budget', () => {
    const err = answer(500, rpc('FailedPrecondition', 'peering must be enabled to use this endpoint'));
    expect(err.summary).toBe(PEERING_DISABLED_SUMMARY);
    expect(err.toProblem().detail).toContain('peering { enabled = true }');
    expect(err.retry).toBeUndefined();
  });

  it('gives budgets as data: unplaced texts a few tries within ~10 s, an unreachable peer its own, a cluster away half an hour', () => {
    expect(answer(500, 'the flux capacitor is misaligned').retry).toMatchObject({ waitingFor: 'unplaced-error', maxAttempts: 3, withinMs: 10_000 });
    expect(answer(500, '1 error occurred:\n\t* failed to exchange peering secret through address "a:1"').retry).toMatchObject({
      waitingFor: 'peer-unreachable',
      maxAttempts: 5,
    });
    expect(answer(503, rpc('Unavailable', 'No cluster leader')).retry).toMatchObject({ waitingFor: 'cluster-unavailable', maxAttempts: 120 });
    expect(answer(500, 'failed to write peering: cannot write to peering that is marked for deletion').waitingFor).toBe('name-deleting');
  });

  it('reads only the outer gRPC code', () => {
    expect(grpcStatus(rpc('Unavailable', 'x'))).toEqual({ code: 'Unavailable', desc: 'x' });
    expect(grpcStatus('failed to exchange peering secret: rpc error: code = Unavailable desc = y')).toBeNull();
  });

  it('reads Retry-After in seconds and as an HTTP date', () => {
    expect(retryAfterMs({ status: 429, text: '', headers: { 'retry-after': '3' } })).toBe(3000);
    const inTwoSeconds = new Date(Date.now() + 2000).toUTCString();
    expect(retryAfterMs({ status: 503, text: '', headers: { 'retry-after': inTwoSeconds } })).toBeGreaterThan(500);
    expect(answer(429, 'slow down', { 'retry-after': '7' }).retryAfterMs).toBe(7000);
  });
});

describe('the local check of a peering token', () => {
  const token = (fields: Record<string, unknown>) => Buffer.from(JSON.stringify(fields)).toString('base64');
  const good = {
    CA: null,
    ManualServerAddresses: null,
    ServerAddresses: ['10.0.0.1:8503'],
    ServerName: 'server.dc2.peering.11111111-2222-3333-4444-555555555555.consul',
    PeerID: '6a2d4c8e-0000-4000-8000-000000000001',
    EstablishmentSecret: 'b3b1f6f2-0000-4000-8000-000000000002',
    Remote: { Partition: '', Datacenter: 'dc2' },
  };

  it('accepts a token in the shape Consul generates', () => {
    expect(peeringTokenProblem(token(good))).toBeNull();
    expect(peeringTokenProblem(token({ ...good, ServerAddresses: [], ManualServerAddresses: ['gw.example.com:443'] }))).toBeNull();
  });

  it.each([
    ['not base64', 'not a token!', /not standard base64/],
    ['base64 of text', Buffer.from('hello world, I am no token').toString('base64'), /not JSON/],
    ['base64 of a JSON list', Buffer.from('[1,2]').toString('base64'), /not an object/],
    ['base64 JSON of something else', token({ user: 'alice', role: 'admin' }), /without any field/],
    ['no server addresses', token({ ...good, ServerAddresses: [] }), /no server addresses/],
    ['a bad server address', token({ ...good, ServerAddresses: ['10.0.0.1'] }), /not a host:port/],
    ['no PeerID', token({ ...good, PeerID: '' }), /no PeerID/],
  ])('refuses %s', (_, secret, why) => {
    expect(peeringTokenProblem(secret)).toMatch(why);
  });
});

describe('Consul health from the stream (hashicorp/consul#22868)', () => {
  const now = Date.parse('2030-01-01T00:10:00Z');
  const record = (state: string, last: string | null) => ({
    ID: 'id',
    Name: 'p',
    State: state,
    StreamStatus: { LastHeartbeat: last, LastReceive: last },
  });

  it('ACTIVE with a recent heartbeat is active', () => {
    expect(toNativeSide(record('ACTIVE', '2030-01-01T00:09:50Z'), 60_000, now).health).toBe('active');
  });

  it('ACTIVE whose stream has been quiet for longer than the setting is degraded, and says so', () => {
    const side = toNativeSide(record('ACTIVE', '2030-01-01T00:05:00Z'), 60_000, now);
    expect(side).toMatchObject({ health: 'degraded', nativeState: 'ACTIVE' });
    expect(side.detail).toMatch(/quiet for 300 s/);
  });

  it('the latest of LastHeartbeat and LastReceive counts; no timestamps at all are not judged', () => {
    const mixed = { ...record('ACTIVE', null), StreamStatus: { LastHeartbeat: '2030-01-01T00:00:00Z', LastReceive: '2030-01-01T00:09:59Z' } };
    expect(toNativeSide(mixed, 60_000, now).health).toBe('active');
    expect(toNativeSide(record('ACTIVE', null), 60_000, now).health).toBe('active');
    expect(toNativeSide({ ID: 'id', Name: 'p', State: 'ACTIVE' }, 60_000, now).health).toBe('active');
  });

  it('other states keep their meaning', () => {
    expect(toNativeSide(record('FAILING', '2030-01-01T00:00:00Z'), 60_000, now).health).toBe('degraded');
    expect(toNativeSide(record('PENDING', null), 60_000, now).health).toBe('pending');
  });
});
