import { describe, expect, it } from '@jest/globals';
import type { Cluster } from '../../clusters/cluster.js';
import { classifyConsulAnswer, retryAfterMs } from './consul-errors.js';

const cluster = { id: 'consul-dc1', product: 'consul' } as Cluster;
const answer = (status: number, text: string, headers: Record<string, string> = {}) => classifyConsulAnswer(cluster, { status, text, headers });

describe('the Consul error classifier (status AND message)', () => {
  const table: [number, string, string, string][] = [
    [403, 'a new peering token must be generated: invalid peering establishment secret', 'secret-rejected', 'upstream_rejected'],
    [403, "Permission denied: token with AccessorID 'x' lacks permission 'peering:write'", 'final', 'upstream_rejected'],
    [500, 'failed to write peering: cannot write to peering that is marked for deletion', 'name-deleting', 'upstream_rejected'],
    [500, 'Bad_Name is not a valid peer name: a valid peering name must consist of lower case alphanumeric characters', 'final', 'upstream_rejected'],
    [500, 'cannot create peering with name: "x"; there is already an established peering', 'final', 'conflict'],
    [500, 'failed to decode token: illegal base64 data at input byte 4', 'final', 'upstream_rejected'],
    [500, 'cannot create peering with name: "x"; there is an existing peering expecting to be dialed', 'final', 'upstream_rejected'],
    [500, 'rpc error: code = Unavailable desc = No cluster leader', 'transient', 'upstream_unavailable'],
    [
      500,
      '1 error occurred:\n\t* failed to exchange peering secret through address "10.0.0.1:8503": rpc error: code = Unavailable',
      'transient',
      'upstream_unavailable',
    ],
    [503, 'rpc error: code = Unavailable desc = No cluster leader', 'transient', 'upstream_unavailable'],
    [429, 'rate limit exceeded, try again later', 'transient', 'upstream_unavailable'],
    [400, 'PeerName is required in the payload when generating a new peering token.', 'final', 'upstream_rejected'],
    [404, 'Peering not found for "x"', 'not-found', 'upstream_rejected'],
    [502, 'Bad Gateway', 'transient', 'upstream_unavailable'],
  ];
  for (const [status, text, kind, code] of table) {
    it(`${status} "${text.slice(0, 50)}" is ${kind}`, () => {
      const err = answer(status, text);
      expect(err.kind).toBe(kind);
      expect(err.gatewayCode).toBe(code);
      expect(err.upstream).toEqual({ product: 'consul', cluster: 'consul-dc1', status, code: null, message: text.trim() });
      expect(err.toProblem()).toMatchObject({ code, upstream: err.upstream, detail: expect.stringContaining('consul-dc1') });
    });
  }

  it('reads Retry-After in seconds and as an HTTP date', () => {
    expect(retryAfterMs({ status: 429, text: '', headers: { 'retry-after': '3' } })).toBe(3000);
    const inTwoSeconds = new Date(Date.now() + 2000).toUTCString();
    expect(retryAfterMs({ status: 503, text: '', headers: { 'retry-after': inTwoSeconds } })).toBeGreaterThan(500);
    expect(answer(429, 'slow down', { 'retry-after': '7' }).retryAfterMs).toBe(7000);
  });
});
