import type { ActorRef } from './access.js';
import type { Problem } from '../common/problem.js';

/** What an operation that will be tried again is waiting out, as the operation shows it. */
export type WaitingFor = 'cluster-unavailable' | 'route-propagation' | 'name-deleting' | 'peer-unreachable' | 'unplaced-error' | 'establishing' | 'removal';

export type OperationType = 'create' | 'update' | 'delete' | 'sync' | 'retry';
export const OPERATION_STATUSES = ['queued', 'running', 'retrying', 'succeeded', 'failed'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

export interface OperationStep {
  name: string;
  status: 'running' | 'succeeded' | 'failed' | 'skipped';
  detail?: string;
  startedAt: string;
  finishedAt?: string;
  /** How long the step took, from its start to its end (set when it ends): where an operation's time went. */
  durationMs?: number;
}

export interface Operation {
  id: string;
  type: OperationType;
  peeringId: string;
  status: OperationStatus;
  attempts: number;
  steps: OperationStep[];
  lastError: Problem | null;
  nextAttemptAt: string | null;
  /** The `X-Request-Id` of the request that started it; absent for operations the gateway started itself. */
  requestId?: string;
  /** What the operation is waiting out now (in the worker or between attempts); null when it is not waiting. */
  waitingFor?: WaitingFor | null;
  /**
   * Per kind of failure waited out so far: attempts it ended and when it was first met. Each kind
   * has its own budget (transport/upstream-error.ts, RETRY_BUDGETS); orchestration/retry.ts planRetry keeps this.
   */
  waits?: Partial<Record<WaitingFor, { attempts: number; since: string }>>;
  /**
   * When this operation first met a route-propagation failure. The window is repeated
   * through once per operation: a later attempt does not start it again.
   */
  routeWindowStartedAt?: string | null;
  /**
   * SHA-256 of the caller's Idempotency-Key for a create (never the key): a retry whose first
   * answer was lost (a Redis failover between the write and the answer) finds its peering by it.
   */
  idempotencyKeyHash?: string;
  /** What the operation changes, for updates (never secrets). */
  input?: Record<string, unknown>;
  /** The team of its peering when it started (absent on operations from before teams). */
  team?: string;
  /** Who started it (never a secret): events and webhooks of the change name them. */
  startedBy?: ActorRef;
  createdAt: string;
  updatedAt: string;
}
