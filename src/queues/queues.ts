import { type BackoffPolicy } from './backoff.js';

/** Every queue of the gateway, kebab-case: the one place their names are written. */
export enum QueueName {
  Operations = 'peering-operations',
  /** Its own queue, so a slow webhook receiver never holds up peering operations. */
  Webhooks = 'webhook-deliveries',
  Reconcile = 'drift-reconcile',
}

/**
 * Every worker's lock settings: a killed worker's jobs go to another worker within seconds
 * (lock 10 s, stalled check every 5 s), not after BullMQ's default 30 s.
 */
export const PROMPT_RECOVERY = { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 100 };

export interface OperationJobData {
  operationId: string;
}

export const OPERATION_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 30_000 };

/**
 * Attempts of one operation before it fails for good: with full jitter capped at 30 s that is
 * about half an hour of a cluster being away, at a few calls a minute. The queue of operations
 * is made with it (queues.module.ts) and the failure policy stops at it
 * (src/orchestration/failure-policy.ts).
 */
export const OPERATION_ATTEMPTS = 120;

/** Attempts of a drain job that broke unexpectedly (Redis away); receiver failures never use them. */
export const DRAIN_JOB_ATTEMPTS = 50;
/** Backoff of a drain job that broke (not of a receiver that failed: that is the webhook retry schedule). */
export const DRAIN_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 60_000 };
