import { describe, expect, it } from '@jest/globals';
import { GatewayError } from '../common/problem.js';
import { UpstreamError } from '../products/port.js';
import { OPERATION_ATTEMPTS } from '../queues/queues.js';
import { decideAfterFailure, type FailureContext } from './failure-policy.js';
import { SupersededError } from './operation-run.js';
import { NotYetError } from './retry.js';

const upstream = { product: 'example' as const, cluster: 'east-1', status: 503, code: null, message: 'no leader' };
const now = Date.parse('2026-01-01T00:00:00Z');
const ctx = (over: Partial<FailureContext> = {}): FailureContext => ({ attempt: 1, aborted: false, now, random: () => 0.5, ...over });

describe('decideAfterFailure', () => {
  it('ends an operation another took over, whatever the attempt', () => {
    expect(decideAfterFailure(new SupersededError('op_2'), {}, ctx({ aborted: true }))).toEqual({
      kind: 'superseded',
      by: 'op_2',
      problem: expect.objectContaining({ code: 'superseded', detail: 'operation op_2 took over this peering' }),
    });
  });

  it('hands an attempt cut off by a shutdown on soon, keeping what it waited for, even after a final error', () => {
    const waits = { 'name-deleting': { attempts: 2, since: '2026-01-01T00:00:00.000Z' } };
    const decision = decideAfterFailure(new GatewayError('not_found', 'gone'), { waitingFor: 'name-deleting', waits }, ctx({ aborted: true }));
    expect(decision).toMatchObject({ kind: 'retry', delayMs: 100, waitingFor: 'name-deleting', waits, handedOn: true });
    expect(decideAfterFailure(new Error('cut'), {}, ctx({ aborted: true }))).toMatchObject({ kind: 'retry', waitingFor: 'cluster-unavailable', waits: {} });
  });

  it('fails for good on a gateway error, with its problem as it is', () => {
    expect(decideAfterFailure(new GatewayError('not_found', "cluster 'a' is no longer registered"), {}, ctx())).toEqual({
      kind: 'fail',
      problem: expect.objectContaining({ code: 'not_found', detail: "cluster 'a' is no longer registered" }),
    });
  });

  it('fails for good on a final answer of the cluster', () => {
    expect(decideAfterFailure(new UpstreamError('final', { ...upstream, status: 400 }), {}, ctx())).toMatchObject({
      kind: 'fail',
      problem: { code: 'upstream_rejected' },
    });
  });

  it.each([
    ['transient', new UpstreamError('transient', upstream), 'cluster-unavailable'],
    ['name-deleting', new UpstreamError('name-deleting', upstream), 'name-deleting'],
    ['unplaced', new UpstreamError('unplaced', upstream), 'unplaced-error'],
    ['not yet', new NotYetError('still offering', undefined, 'establishing'), 'establishing'],
    ['unexpected', new Error('boom'), 'cluster-unavailable'],
  ] as const)('retries a %s failure within its budget, counted on the operation', (_, err, waitingFor) => {
    const decision = decideAfterFailure(err, {}, ctx());
    expect(decision).toMatchObject({
      kind: 'retry',
      waitingFor,
      handedOn: false,
      waits: { [waitingFor]: { attempts: 1, since: new Date(now).toISOString() } },
    });
  });

  it("uses the deployment's base delay for a cluster away", () => {
    // Full jitter at 0.5 of min(cap, base * 2^1): 0.5 * 2 * 10_000.
    expect(decideAfterFailure(new UpstreamError('transient', upstream), {}, ctx({ retryBaseMs: 10_000 }))).toMatchObject({ delayMs: 10_000 });
    expect(decideAfterFailure(new UpstreamError('transient', upstream), {}, ctx())).toMatchObject({ delayMs: 500 });
  });

  it('fails once the budget of the kind is used up, saying which', () => {
    const waits = { 'unplaced-error': { attempts: 2, since: new Date(now - 4_000).toISOString() } };
    expect(decideAfterFailure(new UpstreamError('unplaced', upstream), { waits }, ctx())).toEqual({
      kind: 'fail',
      reason: 'gave up waiting for unplaced-error after 3 attempts over 4 s',
      problem: expect.objectContaining({ detail: "cluster 'east-1' said: no leader (gave up waiting for unplaced-error after 3 attempts over 4 s)" }),
    });
  });

  it('fails on the last attempt, even when the budget or a shutdown would retry', () => {
    const last = ctx({ attempt: OPERATION_ATTEMPTS });
    expect(decideAfterFailure(new UpstreamError('transient', upstream), {}, last)).toEqual({
      kind: 'fail',
      problem: expect.objectContaining({ code: 'upstream_unavailable', detail: "cluster 'east-1' said: no leader" }),
    });
    expect(decideAfterFailure(new Error('cut'), {}, { ...last, aborted: true })).toMatchObject({ kind: 'fail' });
    expect(decideAfterFailure(new UpstreamError('transient', upstream), {}, ctx({ attempt: OPERATION_ATTEMPTS - 1 }))).toMatchObject({ kind: 'retry' });
  });
});
