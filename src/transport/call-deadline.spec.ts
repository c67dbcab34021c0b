import { describe, expect, it } from '@jest/globals';
import { CallDeadline } from './call-deadline.js';

const aborted = (signal: AbortSignal) => new Promise<unknown>((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));

describe('CallDeadline', () => {
  it('aborts its signal when the time is up, and says the deadline did it', async () => {
    const deadline = new CallDeadline(20);
    const reason = (await aborted(deadline.signal)) as DOMException;
    expect(deadline.expired).toBe(true);
    expect(reason.name).toBe('TimeoutError');
    expect(reason.message).toBe('no answer within 20 ms');
  });

  it("follows the caller's signal without counting it as the deadline", async () => {
    const caller = new AbortController();
    const deadline = new CallDeadline(10_000, caller.signal);
    const reason = aborted(deadline.signal);
    caller.abort(new Error('shutdown'));
    expect(((await reason) as Error).message).toBe('shutdown');
    expect(deadline.expired).toBe(false);
    deadline.clear();
  });

  it('is aborted from the start when the caller already was', () => {
    const caller = new AbortController();
    caller.abort(new Error('gone'));
    const deadline = new CallDeadline(10_000, caller.signal);
    expect(deadline.signal.aborted).toBe(true);
    deadline.clear();
  });

  it('once cleared, neither the timer nor the caller aborts it', async () => {
    const caller = new AbortController();
    const deadline = new CallDeadline(15, caller.signal);
    deadline.clear();
    caller.abort(new Error('late'));
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(deadline.signal.aborted).toBe(false);
    expect(deadline.expired).toBe(false);
  });
});
