import type { ActorRef } from '../access/access.js';
import type { Problem } from '../common/problem.js';

export type OperationType = 'create' | 'update' | 'delete' | 'sync' | 'retry';
export type OperationStatus = 'queued' | 'running' | 'retrying' | 'succeeded' | 'failed';

export interface OperationStep {
  name: string;
  status: 'running' | 'succeeded' | 'failed' | 'skipped';
  detail?: string;
  startedAt: string;
  finishedAt?: string;
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
  /** What the operation changes, for updates (never secrets). */
  input?: Record<string, unknown>;
  /** The team of its peering when it started (absent on operations from before teams). */
  team?: string;
  /** Who started it (never a secret): events and webhooks of the change name them. */
  startedBy?: ActorRef;
  /** The X-Request-Id of the request that started it. */
  requestId?: string | null;
  createdAt: string;
  updatedAt: string;
}
