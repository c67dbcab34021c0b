import { describe, expect, it } from '@jest/globals';
import { UpstreamError } from '../products/port.js';
import { NotYetError, planRetry, retryThroughRouteWindow, type RouteWindow } from './retry.js';

const upstream = { product: 'example' as const, cluster: 'east-1', status: 400, code: '9999001', message: 'Cannot reach the remote cluster' };
const routeFailure = () => Object.assign(new UpstreamError('route-propagation', upstream), { remoteAddresses: ['10.9.0.1'] });
const schedule = { kind: 'steady' as const, firstDelayMs: 20, windowMs: 300 };

function memoryWindow(startedAt?: number): RouteWindow & { start?: number; waiting: boolean } {
  const w = {
    start: startedAt,
    waiting: false,
    startedAt: () => w.start,
    started: async (at: number) => {
      w.start = at;
      w.waiting = true;
    },
    ended: async () => {
      w.waiting = false;
    },
  };
  return w;
}

describe('the route window: once per operation', () => {
  it('repeats the same request through the window, then fails for good naming the addresses', async () => {
    const window = memoryWindow();
    let calls = 0;
    const failed = await retryThroughRouteWindow(
      async () => {
        calls++;
        throw routeFailure();
      },
      undefined,
      schedule,
      window,
    ).catch((e: unknown) => e as UpstreamError);
    expect(failed.kind).toBe('final');
    expect(failed.summary).toContain('10.9.0.1');
    expect(calls).toBeGreaterThanOrEqual(5);
    expect(calls).toBeLessThanOrEqual(1 + schedule.windowMs / schedule.firstDelayMs);
    expect(window.start).toBeDefined();
    expect(window.waiting).toBe(false);
  });

  it('does not start the window again on a later attempt of the same operation', async () => {
    const window = memoryWindow(Date.now() - 10_000);
    let calls = 0;
    const failed = await retryThroughRouteWindow(
      async () => {
        calls++;
        throw routeFailure();
      },
      undefined,
      schedule,
      window,
    ).catch((e: unknown) => e as UpstreamError);
    expect(failed.kind).toBe('final');
    expect(calls).toBe(1);
  });

  it('succeeds as soon as the routes are there', async () => {
    let calls = 0;
    const value = await retryThroughRouteWindow(
      async () => {
        if (++calls < 3) throw routeFailure();
        return 'made';
      },
      undefined,
      schedule,
      memoryWindow(),
    );
    expect(value).toBe('made');
    expect(calls).toBe(3);
  });
});

describe('retry budgets per kind of failure', () => {
  const failure = { product: 'example' as const, cluster: 'dc-1', status: 500, code: null, message: 'x' };

  it('an unplaced refusal gets a few tries within ~10 s, then stops with the reason', () => {
    const err = new UpstreamError('unplaced', failure);
    const now = Date.now();
    let op: { waits?: Record<string, { attempts: number; since: string }> } = {};
    const plans = [];
    for (let i = 0; i < 3; i++) {
      const plan = planRetry(err, op, now + i * 1000);
      plans.push(plan);
      if (plan.retry) op = { waits: plan.waits };
    }
    expect(plans.map((p) => p.retry)).toEqual([true, true, false]);
    expect(plans[0]).toMatchObject({ waitingFor: 'unplaced-error' });
    expect(plans[2]).toMatchObject({ reason: expect.stringMatching(/unplaced-error after 3 attempts/) });
    const first = plans[0] as { delayMs: number };
    expect(first.delayMs).toBeLessThanOrEqual(10_000);
  });

  it('stops when the time is over, whatever the count', () => {
    const err = new UpstreamError('unplaced', failure);
    const plan = planRetry(err, { waits: { 'unplaced-error': { attempts: 1, since: new Date(Date.now() - 11_000).toISOString() } } });
    expect(plan.retry).toBe(false);
  });

  it('final and route-propagation failures are not retried by the queue', () => {
    expect(planRetry(new UpstreamError('final', failure), {}).retry).toBe(false);
    expect(planRetry(routeFailure(), {}).retry).toBe(false);
    expect(planRetry(new UpstreamError('secret-rejected', failure), {}).retry).toBe(false);
  });

  it('a cluster away keeps its long budget and honours Retry-After; kinds count apart', () => {
    const err = new UpstreamError('transient', failure, 'upstream_unavailable', undefined, 4_000);
    const plan = planRetry(err, { waits: { 'unplaced-error': { attempts: 2, since: new Date().toISOString() } } });
    expect(plan).toMatchObject({ retry: true, waitingFor: 'cluster-unavailable' });
    expect((plan as { delayMs: number }).delayMs).toBeGreaterThanOrEqual(4_000);
    expect((plan as { waits: object }).waits).toMatchObject({ 'unplaced-error': { attempts: 2 }, 'cluster-unavailable': { attempts: 1 } });
  });

  it('NotYetError waits for what it names', () => {
    expect(planRetry(new NotYetError('still deleting', undefined, 'removal'), {})).toMatchObject({ retry: true, waitingFor: 'removal' });
  });
});
