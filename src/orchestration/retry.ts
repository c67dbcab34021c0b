import { sleep } from '../common/time.js';
import type { Operation } from '../domain/operation.js';
import { type ErrorKind, type RetryBudget, UpstreamError, type WaitingFor } from '../products/port.js';

/** Not done yet, for a reason worth waiting out: the queue tries the operation again later. */
export class NotYetError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    /** What is being waited for (a remote accept, a removal), for the operation to show. */
    readonly waitingFor: WaitingFor = 'establishing',
  ) {
    super(message);
  }
}

export function isKind(err: unknown, kind: ErrorKind): err is UpstreamError {
  return err instanceof UpstreamError && err.kind === kind;
}

export interface RouteRetrySchedule {
  /** `steady`: the same short interval; `exponential`: doubling from the first delay (for comparison). */
  kind: 'steady' | 'exponential';
  firstDelayMs: number;
  /** How long after the first failure the request is still repeated (once per operation). */
  windowMs: number;
}

/**
 * The route-propagation window (docs/product-facts.md): right after a cluster's intercluster addresses appear, routes take
 * 1-5 s to be visible and a peer create can fail; "this error disappears with a retry of the same
 * request". So the same request is repeated at a short, steady interval for a little longer than
 * the documented window, apart from (and before) the generic backoff of the queue. 200 ms keeps
 * one operation to at most 1 + 6500/200 = 33 creates on a cluster, at a cost of at most 200 ms
 * after the routes appear.
 */
export const ROUTE_RETRY: RouteRetrySchedule = { kind: 'steady', firstDelayMs: 200, windowMs: 6_500 };

/** A plain exponential backoff from 1 s: what the benchmark compares the steady schedule with. */
export const EXPONENTIAL_ROUTE_RETRY: RouteRetrySchedule = { kind: 'exponential', firstDelayMs: 1_000, windowMs: 16_000 };

/** Where an operation keeps the start of its one route window. */
export interface RouteWindow {
  /** Epoch ms of the first route failure of the operation, if any. */
  startedAt(): number | undefined;
  /** Records the start (on the operation) the first time; called again when it ends. */
  started(at: number): Promise<void>;
  ended(): Promise<void>;
}

/** The route window is over: the addresses never answered. Final, and says which. */
export function routeWindowClosed(err: UpstreamError, windowMs: number): UpstreamError {
  const addresses = err.remoteAddresses?.join(', ') || 'given';
  return new UpstreamError(
    'final',
    err.upstream,
    'upstream_rejected',
    `the cluster could not reach the remote intercluster addresses ${addresses} for ${Math.round(windowMs / 100) / 10} s ` +
      "(the route-propagation window after new intercluster interfaces is 1-5 s): check that they are the peer cluster's intercluster " +
      'addresses and that the network between the clusters lets them talk (intercluster ports 11104 and 11105)',
  );
}

/**
 * Repeats `work` while it fails with route propagation, through ONE window per operation: the
 * window starts at the operation's first route failure (kept on the operation, so a queue retry
 * of the operation does not start it again); once it is over the failure is final.
 */
export async function retryThroughRouteWindow<T>(work: () => Promise<T>, signal?: AbortSignal, schedule = ROUTE_RETRY, window?: RouteWindow): Promise<T> {
  let delay = schedule.firstDelayMs;
  let waiting = false;
  try {
    for (;;) {
      try {
        return await work();
      } catch (err) {
        if (!isKind(err, 'route-propagation') || signal?.aborted) throw err;
        const now = Date.now();
        const startedAt = window?.startedAt() ?? now;
        if (!waiting) {
          waiting = true;
          await window?.started(startedAt);
        }
        if (now + delay > startedAt + schedule.windowMs) throw routeWindowClosed(err, schedule.windowMs);
        await sleep(delay, signal);
        if (schedule.kind === 'exponential') delay *= 2;
      }
    }
  } finally {
    if (waiting) await window?.ended();
  }
}

export type RetryPlan =
  { retry: true; delayMs: number; waitingFor: WaitingFor; waits: NonNullable<Operation['waits']>; budget: RetryBudget } | { retry: false; reason?: string };

/**
 * What the queue does after an attempt failed with `err`: when to try again and what the
 * operation is waiting for, or stop. Each kind of failure has its own budget (count and time,
 * counted per operation in `op.waits`), carried on the error (UpstreamError.retry). Route
 * propagation is never retried by the queue: the worker went through its one window already.
 * `defaultBudget` covers failures without a budget of their own (NotYetError, a store away).
 */
export function planRetry(
  err: unknown,
  op: Pick<Operation, 'waits'>,
  now = Date.now(),
  defaultBudget: RetryBudget = DEFAULT_BUDGET,
  /** Adjusts the chosen budget (the deployment's base delay for a cluster away). */
  tune: (budget: RetryBudget) => RetryBudget = (budget) => budget,
  /** The jitter's source, in [0, 1). */
  random: () => number = Math.random,
): RetryPlan {
  let budget: RetryBudget | undefined;
  let retryAfterMs = 0;
  if (err instanceof UpstreamError) {
    if (err.kind === 'route-propagation' || !err.retry) return { retry: false };
    budget = err.retry;
    retryAfterMs = err.retryAfterMs ?? 0;
  } else if (err instanceof NotYetError) {
    // Waiting for a cluster to finish something: short delays, whatever the attempt.
    budget = { ...defaultBudget, baseDelayMs: 250, maxDelayMs: 5_000, waitingFor: err.waitingFor };
    retryAfterMs = err.retryAfterMs ?? 0;
  } else {
    budget = defaultBudget;
  }
  budget = tune(budget);
  const seen = op.waits?.[budget.waitingFor];
  const attempts = (seen?.attempts ?? 0) + 1;
  const since = seen ? Date.parse(seen.since) : now;
  if (attempts >= budget.maxAttempts || now - since >= budget.withinMs) {
    const waited = Math.round((now - since) / 1000);
    return { retry: false, reason: `gave up waiting for ${budget.waitingFor} after ${attempts} attempts over ${waited} s` };
  }
  const jitter = Math.floor(random() * Math.min(budget.maxDelayMs, budget.baseDelayMs * 2 ** attempts));
  // Never past the budget's end: the last attempt happens within it.
  const delayMs = Math.min(Math.max(retryAfterMs, jitter, 50), Math.max(50, since + budget.withinMs - now));
  const waits = { ...op.waits, [budget.waitingFor]: { attempts, since: new Date(since).toISOString() } };
  return { retry: true, delayMs, waitingFor: budget.waitingFor, waits, budget };
}

/** The queue's own default: what a cluster away gets (about half an hour, a few calls a minute). */
export const DEFAULT_BUDGET: RetryBudget = { waitingFor: 'cluster-unavailable', maxAttempts: 120, withinMs: 30 * 60_000, baseDelayMs: 500, maxDelayMs: 30_000 };
