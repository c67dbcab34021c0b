import { sleep } from '../common/time.js';
import { type ErrorKind, UpstreamError } from '../products/port.js';

/** Not done yet, for a reason worth waiting out: the queue tries the operation again later. */
export class NotYetError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
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
  /** How long after the first failure the request is still repeated. */
  windowMs: number;
}

/**
 * ONTAP's route-propagation window (seed 000): right after intercluster LIFs appear, routes take
 * 1-5 s to be visible and a peer create can fail; "this error disappears with a retry of the same
 * request". So the same request is repeated at a short, steady interval for a little longer than
 * the documented window, apart from (and before) the generic backoff of the queue.
 */
export const ROUTE_RETRY: RouteRetrySchedule = { kind: 'steady', firstDelayMs: 50, windowMs: 6_500 };

/** A plain exponential backoff from 1 s: what the benchmark compares the steady schedule with. */
export const EXPONENTIAL_ROUTE_RETRY: RouteRetrySchedule = { kind: 'exponential', firstDelayMs: 1_000, windowMs: 16_000 };

export async function retryThroughRouteWindow<T>(work: () => Promise<T>, signal?: AbortSignal, schedule = ROUTE_RETRY): Promise<T> {
  const giveUpAt = Date.now() + schedule.windowMs;
  let delay = schedule.firstDelayMs;
  for (;;) {
    try {
      return await work();
    } catch (err) {
      if (!isKind(err, 'route-propagation') || Date.now() + delay > giveUpAt || signal?.aborted) throw err;
      await sleep(delay, signal);
      if (schedule.kind === 'exponential') delay *= 2;
    }
  }
}
