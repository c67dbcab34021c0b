import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { type Job, type WorkerOptions } from 'bullmq';
import type { Logger } from 'pino';
import { type BackoffPolicy, jitteredBackoff } from './backoff.js';
import { PROMPT_RECOVERY } from './queues.js';

/** The processors the JobRunner starts (see jobProcessors): none in the `api` role. */
export const JOB_PROCESSORS = Symbol('JOB_PROCESSORS');

/** Repair work beside a queue's worker, e.g. re-adding jobs that never reached the queue. */
export interface Sweep {
  everyMs: number;
  /** Returns how many jobs it added or retried. */
  run(): Promise<number>;
  /** What is logged when a sweep repaired something. */
  repaired: string;
}

/**
 * The options of every worker (`@Processor(QueueName.X, workerOptions(...))`): the prompt-recovery
 * lock settings, the one backoff policy, and `autorun: false` so that the JobRunner starts it.
 */
export function workerOptions(backoff?: BackoffPolicy): Omit<WorkerOptions, 'connection'> {
  return { ...PROMPT_RECOVERY, autorun: false, ...(backoff && { settings: { backoffStrategy: jitteredBackoff(backoff) } }) };
}

/**
 * A queue's processor: thin, it hands each job to the service that does the work. The JobRunner
 * starts its worker (with `concurrency`), runs its sweep and stops it on shutdown.
 */
export abstract class JobProcessor<Data = unknown> extends WorkerHost {
  /** Jobs of this queue in flight at once in this process. */
  abstract readonly concurrency: number;
  readonly sweep?: Sweep;

  constructor(protected readonly logger: Logger) {
    super();
  }

  /** False when the deployment turned this queue's work off. */
  get enabled(): boolean {
    return true;
  }

  /** Runs once before the worker takes jobs (e.g. the schedule of a repeatable job). */
  async prepare(): Promise<void> {}

  /** `signal` fires when a shutdown cuts the job off: it should stop at its next step. */
  abstract override process(job: Job<Data>, token?: string, signal?: AbortSignal): Promise<unknown>;

  /** Connection errors while Redis is away: the worker reconnects by itself. */
  @OnWorkerEvent('error')
  onWorkerError(err: Error): void {
    this.logger.debug({ queue: this.worker.name, err: err.message }, 'worker connection error');
  }
}
