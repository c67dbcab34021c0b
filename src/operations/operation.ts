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
  /** The `X-Request-Id` of the request that started it; absent for operations the gateway started itself. */
  requestId?: string;
  /** What the operation changes, for updates (never secrets). */
  input?: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}
