/** Queue names, kebab-case, one per kind of work. */
export enum QueueName {
  Operations = 'peering-operations',
  Reconcile = 'drift-reconcile',
}

export interface OperationJobData {
  operationId: string;
}

/** Attempts of one operation before it fails for good (about 45 min of backoff at the cap). */
export const OPERATION_ATTEMPTS = 25;
export const BACKOFF = { baseMs: 500, capMs: 120_000 };
