import type { Cluster, Product } from '../clusters/cluster.js';
import { type ErrorCode, problem, type Problem, type UpstreamInfo } from '../common/problem.js';
import type { Peering } from '../peerings/peering.js';

/**
 * The port each product adapter implements. Both products are one handshake (design.md):
 * side A OFFERs and gets a secret, side B ACCEPTs with it, both are READ until healthy, and
 * each is REMOVEd. Order of steps, retries, adoption and roll-back live above, in orchestration.
 */

/** Where a native record stands, in product-neutral words. */
export type SideHealth = 'pending' | 'establishing' | 'active' | 'degraded' | 'deleting' | 'terminated';

export interface NativeSide {
  nativeId: string;
  nativeState: string;
  health: SideHealth;
  /** Why it is not healthy, in the product's words, when it says. */
  detail?: string;
  /** The relationship's own encryption, where the product has one (ONTAP: none or tls_psk). */
  encryption?: { proposed: string | null; state: string | null };
}

/** One side of a peering, as an adapter needs to see it. */
export interface SideContext {
  cluster: Cluster;
  peering: Peering;
  /** The other side: a managed cluster, or what the caller told us of an external one. */
  counterpart: { cluster?: Cluster; addresses?: string[] };
}

export interface Offer {
  secret: string;
  expiresAt?: string;
}

/**
 * How a failure should be handled:
 * - final: no retry; the peering fails with the upstream's reason.
 * - transient: retry with backoff and jitter (5xx that mean "try later", 429, network errors).
 * - route-propagation: ONTAP's 1-5 s window after intercluster LIFs appear: repeat the same
 *   request quickly, through one window per operation, then fail.
 * - secret-rejected: the one-time secret was used, replaced or expired: make a new one.
 * - name-deleting: the name is still being deleted: wait for the delete, then go on.
 * - not-found: the record is not there.
 * - unplaced: the cluster refused with words the gateway cannot place. Most such refusals are
 *   final (products.md, Consul errors), so only a short bounded retry, then fail.
 */
export type ErrorKind = 'final' | 'transient' | 'route-propagation' | 'secret-rejected' | 'name-deleting' | 'not-found' | 'unplaced';

/** What an operation that will be tried again is waiting out, as the operation shows it. */
export type WaitingFor = 'cluster-unavailable' | 'route-propagation' | 'name-deleting' | 'peer-unreachable' | 'unplaced-error' | 'establishing' | 'removal';

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
  // Consul deletes a big catalog at 10 raft applies a second: minutes, rarely more.
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

export interface PeeringAdapter {
  readonly product: Product;
  /** The record this peering has on the side's cluster, made by us or not (for adoption); null when absent. */
  find(side: SideContext): Promise<NativeSide | null>;
  /** Makes (or, given an existing record, renews: a rotation) the offer and returns its secret. */
  offer(side: SideContext, existing: NativeSide | null): Promise<Offer>;
  /** Accepts the counterpart's offer with its secret. */
  accept(side: SideContext, secret: string): Promise<void>;
  /** Takes a renewed secret (a rotation) on the accepting side's existing record. */
  confirm(side: SideContext, native: NativeSide, secret: string): Promise<void>;
  /** Points an existing record at new counterpart addresses (ONTAP); absent where addresses travel in the secret. */
  retarget?(side: SideContext, native: NativeSide, addresses: string[]): Promise<void>;
  /** Removes the side's record; a record already gone counts as removed. */
  remove(side: SideContext, native: NativeSide): Promise<void>;
  /** Every peering record on the cluster, by lower-cased name: one call (or a few pages) for a whole sweep. */
  readAll(cluster: Cluster): Promise<Map<string, NativeSide>>;
  /** Follows an asynchronous removal; true once the record is gone, false at the deadline. */
  awaitRemoved(side: SideContext, native: NativeSide, deadline: number, signal?: AbortSignal): Promise<boolean>;
}
