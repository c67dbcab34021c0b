import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { backoffDelay, jitteredBackoff, retryDelayOf, withRetryDelay } from './backoff.js';

const policy = { baseMs: 500, capMs: 30_000 };

describe('backoff policy (full jitter)', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('waits up to base * 2^attempt, uniformly from 0', () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.999999);
    expect(backoffDelay(policy, 0)).toBe(499);
    expect(backoffDelay(policy, 3)).toBe(3_999);
    jest.spyOn(Math, 'random').mockReturnValue(0);
    expect(backoffDelay(policy, 3)).toBe(0);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.999999);
    expect(backoffDelay(policy, 10)).toBe(29_999);
    expect(backoffDelay(policy, 1_000)).toBe(29_999);
  });

  it('spreads the waits of one attempt over the whole window', () => {
    const delays = Array.from({ length: 2_000 }, () => backoffDelay(policy, 4));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(8_000);
    expect(Math.min(...delays)).toBeLessThan(800);
    expect(Math.max(...delays)).toBeGreaterThan(7_200);
  });

  it("keeps an error's own wait (a Retry-After), even beyond the cap", () => {
    expect(backoffDelay(policy, 2, withRetryDelay(new Error('slow down'), 45_000))).toBe(45_000);
    expect(backoffDelay(policy, 2, withRetryDelay(new Error('cut off'), 100))).toBe(100);
    expect(backoffDelay(policy, 2, withRetryDelay(new Error('now'), 0))).toBe(0);
  });

  it('ignores a wait that is not a usable number', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5']) {
      expect(retryDelayOf(Object.assign(new Error('x'), { retryDelayMs: bad }))).toBeUndefined();
    }
    expect(retryDelayOf(undefined)).toBeUndefined();
    expect(retryDelayOf(null)).toBeUndefined();
  });

  it('marks non-Error throwables as errors', () => {
    const err = withRetryDelay('plain text', 250);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe('plain text');
    expect(retryDelayOf(err)).toBe(250);
  });

  it("is BullMQ's backoff strategy: the error's wait first, else full jitter on attemptsMade", async () => {
    const strategy = jitteredBackoff(policy);
    expect(await strategy(5, 'jittered', withRetryDelay(new Error('retry-after'), 1_234))).toBe(1_234);
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    expect(await strategy(2, 'jittered', new Error('no wait named'))).toBe(1_000);
    expect(await strategy(2, 'by-cause', undefined)).toBe(1_000);
  });
});
