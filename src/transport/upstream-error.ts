import type { WaitingFor } from '../domain/operation.js';
import { type ErrorCode, problem, type Problem, type UpstreamInfo } from '../common/problem.js';

/**
 * How a failure should be handled:
 * - final: no retry; the peering fails with the upstream's reason.
 * - transient: retry with backoff and jitter (5xx that mean "try later", 429, network errors).
 * - route-propagation: a window of a few seconds after new network routes appear: repeat the same
 *   request quickly, through one window per operation, then fail.
 * - secret-rejected: the one-time secret was used, replaced or expired: make a new one.
 * - name-deleting: the name is still being deleted: wait for the delete, then go on.
 * - not-found: the record is not there.
 * - unplaced: the cluster refused with words the gateway cannot place. Most such refusals are
 *   final (docs/product-facts.md), so only a short bounded retry, then fail.
 */
export type ErrorKind = 'final' | 'transient' | 'route-propagation' | 'secret-rejected' | 'name-deleting' | 'not-found' | 'unplaced';

export type { WaitingFor };

/**
 * How long one kind of failure may be waited out within one operation: at most `maxAttempts`
 * attempts that end with it, and no new attempt once `withinMs` has passed since the first.
 * Delays grow from `baseDelayMs` (full jitter) up to `maxDelayMs`; a Retry-After is honoured.
 */
export interface RetryBudget {
  waitingFor: WaitingFor;
  maxAttempts: number;
  withinMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * The default budget of each kind that is retried at all (final, secret-rejected and not-found
 * are not: the handshake deals with the last two in place). Route propagation is repeated in
 * the worker through one window per operation (orchestration/retry.ts); this budget only says
 * so to the queue, which must not start another window.
 */
export const RETRY_BUDGETS: Partial<Record<ErrorKind, RetryBudget>> = {
  // A cluster away (no leader, 5xx, 429, network): about half an hour, a few calls a minute.
  transient: { waitingFor: 'cluster-unavailable', maxAttempts: 120, withinMs: 30 * 60_000, baseDelayMs: 500, maxDelayMs: 30_000 },
  // An asynchronous delete of a big catalog takes minutes, rarely more (docs/product-facts.md).
  'name-deleting': { waitingFor: 'name-deleting', maxAttempts: 20, withinMs: 20 * 60_000, baseDelayMs: 1_000, maxDelayMs: 60_000 },
  // A few tries within about ten seconds, in case it was a passing state worded oddly.
  unplaced: { waitingFor: 'unplaced-error', maxAttempts: 3, withinMs: 10_000, baseDelayMs: 1_000, maxDelayMs: 4_000 },
  'route-propagation': { waitingFor: 'route-propagation', maxAttempts: 1, withinMs: 0, baseDelayMs: 0, maxDelayMs: 0 },
};

export class UpstreamError extends Error {
  /** How long the queue may keep trying; absent for failures that are not retried. */
  readonly retry?: RetryBudget;
  /** For a route-propagation failure: the remote addresses the cluster could not reach. */
  remoteAddresses?: string[];

  constructor(
    readonly kind: ErrorKind,
    readonly upstream: UpstreamInfo,
    /** The gateway error code to report; defaults follow the kind. */
    readonly gatewayCode: ErrorCode = kind === 'transient' || kind === 'route-propagation' ? 'upstream_unavailable' : 'upstream_rejected',
    /** What to tell the user, when the upstream's own message is not enough. */
    readonly summary?: string,
    readonly retryAfterMs?: number,
    /** A budget of its own (e.g. a remote that does not answer), instead of the kind's. */
    retry?: RetryBudget,
  ) {
    super(`${upstream.product} ${upstream.cluster}: ${upstream.status ?? 'network'} ${upstream.code ?? ''} ${upstream.message}`.replace(/\s+/g, ' '));
    this.retry = retry ?? RETRY_BUDGETS[kind];
  }

  /** What the operation shows while this failure is being waited out. */
  get waitingFor(): WaitingFor | undefined {
    return this.retry?.waitingFor;
  }

  toProblem(): Problem {
    const detail = this.summary
      ? `${this.summary} (${this.upstream.cluster} said: ${this.upstream.message})`
      : `cluster '${this.upstream.cluster}' said: ${this.upstream.message}`;
    return problem(this.gatewayCode, detail, { upstream: this.upstream });
  }
}
