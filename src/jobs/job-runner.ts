import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { JOB_PROCESSORS, type JobProcessor, type Sweep } from '../queues/job-processor.js';
import { QueueName } from '../queues/queues.js';
import { runsWorkers } from './worker-role.js';

/** How long active jobs may run on after SIGTERM before they are cut off. */
const SHUTDOWN_GRACE_MS = 4_000;
/** How long cut-off jobs get to hand themselves back to the queue (main.ts exits after 10 s at most). */
const CUT_OFF_LIMIT_MS = 3_000;

/**
 * Runs every queue's worker in the roles that run workers (see runsWorkers), with the sweeps
 * beside them, and stops them all on shutdown. Every role uses its queues (the producers), so
 * this closes them too, before RedisService closes their connection.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly queues: Queue[];
  private readonly running: JobProcessor[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private ready = false;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(JOB_PROCESSORS) private readonly processors: JobProcessor[],
    @InjectQueue(QueueName.Operations) operations: Queue,
    @InjectQueue(QueueName.Webhooks) webhooks: Queue,
    @InjectQueue(QueueName.Reconcile) reconcile: Queue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.queues = [operations, webhooks, reconcile];
    for (const queue of this.queues) queue.on('error', (err) => this.logger.debug({ queue: queue.name, err: err.message }, 'queue connection error'));
  }

  get enabled(): boolean {
    return runsWorkers(this.config.role);
  }

  /** Ready when every worker this process should run is running (always, in the `api` role). */
  isReady(): boolean {
    return !this.enabled || (this.ready && this.running.every((p) => p.worker.isRunning()));
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    for (const processor of this.processors) {
      if (!processor.enabled) continue;
      await processor.prepare();
      const worker = processor.worker;
      worker.concurrency = processor.concurrency;
      worker.run().catch((err: Error) => this.logger.error({ queue: worker.name, err: err.message }, 'worker stopped'));
      await worker.waitUntilReady();
      this.running.push(processor);
    }
    this.ready = true;
    for (const { sweep, worker } of this.running) {
      if (!sweep) continue;
      await this.sweep(worker.name, sweep);
      const timer = setInterval(() => void this.sweep(worker.name, sweep), sweep.everyMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  private async sweep(queue: string, sweep: Sweep): Promise<void> {
    try {
      const repaired = await sweep.run();
      if (repaired) this.logger.info({ queue, repaired }, sweep.repaired);
    } catch (err) {
      this.logger.debug({ queue, err: (err as Error).message }, 'sweep skipped');
    }
  }

  /**
   * Stops taking jobs and gives active ones a few seconds to finish; then cuts them off (their
   * AbortSignal fires, each attempt stops at its next step and goes back to the queue with a
   * short delay), so another worker carries on and the process exits well within 10 s.
   */
  async onModuleDestroy(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    const workers = this.running.map((p) => p.worker);
    const closing = Promise.all(workers.map((w) => w.close().catch(() => undefined)));
    if (!(await settlesWithin(closing, SHUTDOWN_GRACE_MS))) {
      this.logger.info({ queues: workers.map((w) => w.name) }, 'cutting off the operations still running; other workers take them over');
      for (const worker of workers) worker.cancelAllJobs('shutdown');
      await settlesWithin(closing, CUT_OFF_LIMIT_MS);
    }
    await Promise.all(this.queues.map((q) => q.close().catch(() => undefined)));
  }
}

/** True when `work` settled within `ms`. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true), limit]);
  } finally {
    clearTimeout(timer);
  }
}
