import { GatewayError, problem, type Problem } from '../common/problem.js';
import type { Operation, WaitingFor } from '../domain/operation.js';
import { type RetryBudget, UpstreamError } from '../products/port.js';
import { OPERATION_ATTEMPTS } from '../queues/queues.js';
import { SupersededError } from './operation-run.js';
import { DEFAULT_BUDGET, NotYetError, planRetry } from './retry.js';

/** How soon an attempt cut off by a shutdown is tried again, on another worker. */
const HAND_ON_DELAY_MS = 100;

/** What the policy needs to know about the attempt that failed, beside the error and its operation. */
export interface FailureContext {
  /** The number of the attempt that failed, from 1. */
  attempt: number;
  /** The worker is shutting down (the attempt's signal fired). */
  aborted: boolean;
  /** Epoch ms, for the budgets' time limits. */
  now?: number;
  /** The deployment's base delay for a cluster away (GatewayConfig.retryBaseMs); the budget's own without it. */
  retryBaseMs?: number;
  /** The jitter's source, in [0, 1). */
  random?: () => number;
}

export type FailureDecision =
  /** Try again after `delayMs`; `handedOn` when a shutdown cut the attempt off (whatever the error). */
  | {
      kind: 'retry';
      delayMs: number;
      waitingFor: WaitingFor;
      waits: NonNullable<Operation['waits']>;
      problem: Problem;
      handedOn: boolean;
    }
  /** The operation fails with `problem`; `reason` says which budget ran out, when one did. */
  | { kind: 'fail'; problem: Problem; reason?: string }
  /** A later operation took the peering over: this one ends, failed with `problem`. */
  | { kind: 'superseded'; by: string; problem: Problem };

/**
 * What happens after an attempt at an operation failed with `err`, for every operation type: the
 * one place that decides. The runner (operation-runner.ts) carries the decision out; the
 * handshake asks it whether a failure is final before it lets go of what a retry would need.
 *
 * In order: a takeover ends the operation; an attempt cut off by a shutdown goes on soon on
 * another worker, whatever the error; a gateway error is final; otherwise each kind of failure
 * has its own budget (planRetry, counted in `op.waits`); and no retry is left after
 * OPERATION_ATTEMPTS attempts.
 */
export function decideAfterFailure(err: unknown, op: Pick<Operation, 'waitingFor' | 'waits'>, ctx: FailureContext): FailureDecision {
  if (err instanceof SupersededError) {
    return { kind: 'superseded', by: err.byOperationId, problem: problem('superseded', `operation ${err.byOperationId} took over this peering`) };
  }
  const plan = ctx.aborted
    ? { retry: true as const, delayMs: HAND_ON_DELAY_MS, waitingFor: op.waitingFor ?? 'cluster-unavailable', waits: op.waits ?? {} }
    : err instanceof GatewayError
      ? { retry: false as const }
      : planRetry(err, op, ctx.now ?? Date.now(), DEFAULT_BUDGET, (budget) => tuned(budget, ctx.retryBaseMs), ctx.random);
  const failure = toProblem(err);
  if (plan.retry && ctx.attempt < OPERATION_ATTEMPTS) {
    return { kind: 'retry', delayMs: plan.delayMs, waitingFor: plan.waitingFor, waits: plan.waits, problem: failure, handedOn: ctx.aborted };
  }
  if (plan.retry || !plan.reason) return { kind: 'fail', problem: failure };
  return { kind: 'fail', problem: { ...failure, detail: `${failure.detail} (${plan.reason})` }, reason: plan.reason };
}

/** The deployment's base delay applies to a cluster away, the failure without a budget of its own. */
function tuned(budget: RetryBudget, retryBaseMs: number | undefined): RetryBudget {
  return budget.waitingFor === 'cluster-unavailable' && retryBaseMs !== undefined ? { ...budget, baseDelayMs: retryBaseMs } : budget;
}

/** The problem an operation shows for `err`. */
export function toProblem(err: unknown): Problem {
  if (err instanceof UpstreamError) return err.toProblem();
  if (err instanceof GatewayError) return err.problem;
  if (err instanceof NotYetError) return problem('upstream_unavailable', err.message);
  return problem('internal_error', err instanceof Error ? err.message : String(err));
}
