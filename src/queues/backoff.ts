import { type BackoffStrategy } from 'bullmq';
import { fullJitter } from '../common/time.js';

/** Exponential backoff with full jitter: the wait after attempt n is uniform in [0, min(capMs, baseMs * 2^n)). */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/** The job option that selects the queue's backoff strategy (the worker's `settings.backoffStrategy`). */
export const JITTERED_BACKOFF = { type: 'jittered' } as const;

/** An error that names its own wait before the next attempt: a Retry-After, a lease, a cut-off. */
export interface RetryDelay {
  retryDelayMs?: number;
}

/** Marks `err` (made an Error if it is not one) with the wait the next attempt should keep. */
export function withRetryDelay(err: unknown, delayMs: number): Error & RetryDelay {
  const marked: Error & RetryDelay = err instanceof Error ? err : new Error(String(err));
  marked.retryDelayMs = delayMs;
  return marked;
}

/** The wait an error asks for, if it names a usable one. */
export function retryDelayOf(err: unknown): number | undefined {
  const delay = (err as RetryDelay | null | undefined)?.retryDelayMs;
  return typeof delay === 'number' && Number.isFinite(delay) && delay >= 0 ? delay : undefined;
}

/** The wait before the attempt after `attempt` failed: the error's own if it names one, else full jitter. */
export function backoffDelay(policy: BackoffPolicy, attempt: number, err?: unknown): number {
  return retryDelayOf(err) ?? fullJitter(Math.max(0, attempt), policy.baseMs, policy.capMs);
}

/** The one backoff of every queue, as BullMQ's `settings.backoffStrategy`. */
export function jitteredBackoff(policy: BackoffPolicy): BackoffStrategy {
  return (attemptsMade, _type, err) => backoffDelay(policy, attemptsMade, err);
}
