import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Cluster } from '../../domain/cluster.js';
import { sleep } from '../../common/time.js';
import { ClusterHttp, type HttpAnswer, type HttpCall } from '../../transport/cluster-http.js';
import { UpstreamError } from '../port.js';
import { classifyOntapAnswer, classifyOntapError } from './ontap-errors.js';

/** What one call asks beyond the request itself. */
export interface OntapCallOptions {
  /** A 404 is handed back as an answer instead of thrown (a delete of a record already gone). */
  allowNotFound?: boolean;
  /** The call creates a cluster peer towards these remote addresses (ontap-errors.ts, classifyOntapError). */
  createTo?: string[];
  /** How long a 202 job answer is followed (JOB_DEADLINE_MS unless given). */
  jobDeadlineMs?: number;
  /** Stops following a job at once when it aborts. */
  signal?: AbortSignal;
}

/** How a job is followed: until `deadlineMs` after the job answer, or until `signal` aborts. */
export interface JobWait {
  deadlineMs?: number;
  signal?: AbortSignal;
  createTo?: string[];
}

interface JobRecord {
  state: string;
  message?: string;
  code?: number | string;
  error?: { code?: string; message?: string };
}

interface CollectionPage<T> {
  records?: T[];
  num_records?: number;
  _links?: { next?: { href?: string } };
}

/** Records per page of a collection read unless the query names its own `max_records`. */
export const PAGE_SIZE = 1000;

/**
 * How long a job is followed unless the caller says otherwise: ONTAP's own longest wait for a
 * call (`return_timeout`, at most 120 s; docs/product-facts.md).
 * A job still running then is a transient failure: the operation is tried again later and finds
 * the cluster's state as the job left it.
 */
export const JOB_DEADLINE_MS = 120_000;

const JOB_DONE = new Set(['success', 'failure', 'cancelled', 'expired']);

/**
 * ONTAP's REST API as the ONTAP plugin speaks it: basic auth, the `/api` prefix, answers
 * classified by ontap-errors.ts, collections read by pages (`max_records`, `_links.next`) and
 * 202 jobs followed with a deadline. The adapter, the security client and the SVM-peers client
 * all call through it; the transport below (ClusterHttp) keeps the per-cluster bound and breaker.
 *
 * The shutdown signal: the adapter's port (src/products/port.ts) hands no operation's AbortSignal
 * to offer, accept, confirm, retarget or remove, where jobs are followed. So the client holds one
 * process-wide AbortController, aborted in onApplicationShutdown: by then the workers have
 * stopped or been cut off (src/jobs/job-runner.ts, onModuleDestroy), and a job still followed has
 * no one waiting for it. A caller that has its own signal passes it too; either one stops the wait.
 */
@Injectable()
export class OntapRestClient implements OnApplicationShutdown {
  private readonly shutdown = new AbortController();

  constructor(private readonly http: ClusterHttp) {}

  /** A call under /api with basic auth; a 202 job answer is followed until the job ends. */
  async call(cluster: Cluster, call: HttpCall, options: OntapCallOptions = {}): Promise<HttpAnswer> {
    const credentials = Buffer.from(`${cluster.auth.username ?? ''}:${cluster.auth.password ?? ''}`).toString('base64');
    const answer = await this.http.call(
      cluster,
      { ...call, path: `/api${call.path}`, headers: { authorization: `Basic ${credentials}`, ...call.headers } },
      (a) => (options.allowNotFound && a.status === 404 ? undefined : classifyOntapAnswer(cluster, a, options.createTo)),
    );
    if (answer.status === 202) await this.awaitJob(cluster, answer, { deadlineMs: options.jobDeadlineMs, signal: options.signal, createTo: options.createTo });
    return answer;
  }

  /**
   * Every record of a collection: pages of `max_records` (PAGE_SIZE unless the query names one),
   * each next page read from `_links.next.href` as ONTAP gives it, until a page has none. ONTAP
   * also ends a page early with a next link when its `return_timeout` runs out, so the link, not
   * the count, says whether there is more.
   */
  async collection<T>(cluster: Cluster, path: string, query: Record<string, string> = {}): Promise<T[]> {
    const records: T[] = [];
    let next: { path: string; query: Record<string, string> } | undefined = { path, query: { ...query, max_records: query.max_records ?? String(PAGE_SIZE) } };
    const seen = new Set<string>();
    while (next) {
      const answer = await this.call(cluster, { method: 'GET', path: next.path, query: next.query });
      const page = JSON.parse(answer.text) as CollectionPage<T>;
      records.push(...(page.records ?? []));
      const href = page._links?.next?.href;
      if (!href) break;
      // A next link already followed would read the same pages forever.
      if (seen.has(href)) throw pagingLoop(cluster, path, href);
      seen.add(href);
      next = parseHref(href);
    }
    return records;
  }

  /**
   * Follows a job: fast at first (most finish in well under a second), backing off to 2 s; stops
   * with a transient failure at the deadline, or at once when the signal (the caller's or the
   * process's shutdown) aborts. A failed job is classified as its answer would be.
   */
  async awaitJob(cluster: Cluster, answer: HttpAnswer, wait: JobWait = {}): Promise<void> {
    const uuid = (JSON.parse(answer.text) as { job?: { uuid?: string } }).job?.uuid;
    if (!uuid) return;
    const deadlineMs = wait.deadlineMs ?? JOB_DEADLINE_MS;
    const deadline = Date.now() + deadlineMs;
    const signal = wait.signal ? AbortSignal.any([wait.signal, this.shutdown.signal]) : this.shutdown.signal;
    let interval = 50;
    let state = 'queued';
    for (;;) {
      if (signal.aborted) throw jobWaitStopped(cluster, uuid, state, 'aborted');
      let res: HttpAnswer;
      try {
        res = await this.call(cluster, { method: 'GET', path: `/cluster/jobs/${uuid}`, query: { fields: 'state,message,code,error' }, signal });
      } catch (err) {
        // The poll in flight was cut by the signal: the wait stopped, the cluster did not fail.
        if (signal.aborted) throw jobWaitStopped(cluster, uuid, state, 'aborted');
        throw err;
      }
      const job = JSON.parse(res.text) as JobRecord;
      state = job.state;
      if (JOB_DONE.has(job.state)) {
        if (job.state === 'success') return;
        const code = job.error?.code ?? (job.code !== undefined ? String(job.code) : null);
        throw classifyOntapError(cluster, null, code, job.error?.message ?? job.message ?? `job ${job.state}`, undefined, { createTo: wait.createTo });
      }
      const left = deadline - Date.now();
      if (left <= 0) throw jobWaitStopped(cluster, uuid, state, 'deadline', deadlineMs);
      await sleep(Math.min(interval, left), signal);
      interval = Math.min(2_000, Math.round(interval * 1.6));
    }
  }

  onApplicationShutdown(): void {
    this.shutdown.abort();
  }
}

/** `/api/cluster/peers?fields=...&start.uuid=...` as a call's path (without /api) and query. */
function parseHref(href: string): { path: string; query: Record<string, string> } {
  const [path, query] = href.replace(/^\/api/, '').split('?');
  return { path, query: Object.fromEntries(new URLSearchParams(query)) };
}

function jobWaitStopped(cluster: Cluster, uuid: string, state: string, why: 'deadline' | 'aborted', deadlineMs?: number): UpstreamError {
  const upstream = {
    product: 'ontap' as const,
    cluster: cluster.id,
    status: null,
    code: why === 'deadline' ? 'job_deadline' : 'job_wait_aborted',
    message: why === 'deadline' ? `job ${uuid} still ${state} after ${deadlineMs} ms` : `the wait for job ${uuid} (${state}) was stopped`,
  };
  const summary =
    why === 'deadline'
      ? `the cluster's job ${uuid} did not finish within ${Math.round((deadlineMs ?? 0) / 1000)} s (it reads ${state}); the operation is tried again and finds what the job did`
      : `the wait for the cluster's job ${uuid} was stopped (the gateway is shutting down); the operation is tried again and finds what the job did`;
  return new UpstreamError('transient', upstream, 'upstream_unavailable', summary);
}

function pagingLoop(cluster: Cluster, path: string, href: string): UpstreamError {
  return new UpstreamError(
    'transient',
    { product: 'ontap', cluster: cluster.id, status: null, code: 'paging_loop', message: `the next link ${href} of ${path} was already followed` },
    'upstream_invalid',
    `the cluster's pages of ${path} lead back to a page already read`,
  );
}
