/** Queue names, kebab-case, one per kind of work. */
/**
 * Every worker's lock settings: a killed worker's jobs go to another worker within seconds
 * (lock 10 s, stalled check every 5 s), not after BullMQ's default 30 s.
 */
export const PROMPT_RECOVERY = { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 100 };

export enum QueueName {
  Operations = 'peering-operations',
  Reconcile = 'drift-reconcile',
}

export interface OperationJobData {
  operationId: string;
}

/**
 * Attempts of one operation before it fails for good: with full jitter capped at 30 s that is
 * about half an hour of a cluster being away, at a few calls a minute.
 */
export const OPERATION_ATTEMPTS = 120;
export const BACKOFF = { baseMs: 500, capMs: 30_000 };
