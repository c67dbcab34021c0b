import { randomUUID } from 'node:crypto';
import type { SimResponse } from '../shared/http-server.js';
import { ERRORS, OntapError, errorBody, ontapError } from './errors.js';
import { formatTime } from './passphrase.js';

/** The contract's job states that the simulator goes through (it never pauses a job). */
export type JobState = 'queued' | 'running' | 'success' | 'failure';

export interface Job {
  uuid: string;
  description: string;
  state: JobState;
  startTime: number;
  endTime?: number;
  /** What the request answers once the job has ended: the synchronous success or the error. */
  answer?: SimResponse;
  failure?: OntapError;
  onEnd: Array<() => void>;
}

const MESSAGES: Record<Exclude<JobState, 'failure'>, string> = { queued: 'Queued', running: 'Running', success: 'Complete: Successful' };

/**
 * ONTAP's asynchronous jobs. A job is queued for the first half of its duration and running for
 * the second; its work is carried out at the end, so its effect appears only when it succeeds.
 */
export class JobRunner {
  private readonly jobs = new Map<string, Job>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly abandons = new Set<() => void>();

  start(description: string, durationMs: number, work: () => SimResponse): Job {
    const job: Job = { uuid: randomUUID(), description, state: 'queued', startTime: Date.now(), onEnd: [] };
    this.jobs.set(job.uuid, job);
    this.after(durationMs / 2, () => (job.state = 'running'));
    this.after(durationMs, () => this.finish(job, work));
    return job;
  }

  get(uuid: string): Job | undefined {
    return this.jobs.get(uuid);
  }

  /** Waits up to `timeoutMs` for the job to end (`return_timeout`); true when it has. */
  wait(job: Job, timeoutMs: number): Promise<boolean> {
    if (job.answer) return Promise.resolve(true);
    return new Promise((resolve) => {
      const settle = (ended: boolean): void => {
        clearTimeout(timer);
        this.timers.delete(timer);
        this.abandons.delete(abandon);
        resolve(ended);
      };
      const abandon = (): void => settle(false);
      const timer = this.after(timeoutMs, abandon);
      this.abandons.add(abandon);
      job.onEnd.push(() => settle(true));
    });
  }

  /** The `job` record of GET /api/cluster/jobs/{uuid}. */
  view(job: Job): Record<string, unknown> {
    const { failure } = job;
    return {
      uuid: job.uuid,
      description: job.description,
      state: job.state,
      message: failure ? failure.message : MESSAGES[job.state as keyof typeof MESSAGES],
      // The contract's job code is an integer, "the final error code" (0 when it succeeded).
      ...(job.endTime === undefined ? {} : { code: failure ? Number(failure.code) : 0 }),
      // Later ONTAP releases add the full error to a failed job.
      ...(failure ? errorBody(failure.code, failure.message, failure.target, failure.args) : {}),
      start_time: formatTime(job.startTime),
      ...(job.endTime === undefined ? {} : { end_time: formatTime(job.endTime) }),
      _links: { self: { href: jobHref(job.uuid) } },
    };
  }

  /** Stops every job and releases every waiting request: nothing stays scheduled after close. */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const abandon of [...this.abandons]) abandon();
  }

  private finish(job: Job, work: () => SimResponse): void {
    try {
      job.answer = work();
      job.state = 'success';
    } catch (err) {
      job.failure = err instanceof OntapError ? err : ontapError(ERRORS.internal, { detail: (err as Error).message });
      job.answer = job.failure.toResponse();
      job.state = 'failure';
    }
    job.endTime = Date.now();
    for (const notify of job.onEnd.splice(0)) notify();
  }

  private after(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }
}

export const jobHref = (uuid: string): string => `/api/cluster/jobs/${uuid}`;

/** The `job_link_response` of a 202. */
export function jobLink(job: Job): { job: { uuid: string; _links: { self: { href: string } } } } {
  return { job: { uuid: job.uuid, _links: { self: { href: jobHref(job.uuid) } } } };
}
