import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { GatewayMetrics } from '../common/metrics.js';
import { JOB_PROCESSORS, type JobProcessor } from '../queues/job-processor.js';
import { QueueName } from '../queues/queues.js';
import { PeeringCountsStore } from '../stores/peering-counts.store.js';
import { PEERING_STATES } from '../domain/peering-state.js';

/** The queue states the depth gauge reports. */
const DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * The metrics read from shared state at scrape (queue depth from BullMQ, peerings by state from
 * their counts in Redis: the same in every process), and the job timings this process's workers
 * observe (in the roles that run workers).
 */
@Injectable()
export class QueueAndStateMetrics implements OnModuleInit, OnApplicationBootstrap {
  private readonly queues: Queue[];

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly counts: PeeringCountsStore,
    @Inject(JOB_PROCESSORS) private readonly processors: JobProcessor[],
    @InjectQueue(QueueName.Operations) operations: Queue,
    @InjectQueue(QueueName.Webhooks) webhooks: Queue,
    @InjectQueue(QueueName.Reconcile) reconcile: Queue,
  ) {
    this.queues = [operations, webhooks, reconcile];
  }

  onModuleInit(): void {
    this.metrics.onScrape(async () => {
      const all = await Promise.all(this.queues.map((q) => q.getJobCounts(...DEPTH_STATES)));
      this.queues.forEach((queue, i) => {
        for (const state of DEPTH_STATES) this.metrics.queueJobs.set({ queue: queue.name, state }, all[i][state] ?? 0);
      });
    });
    this.metrics.onScrape(async () => {
      const counts = await this.counts.read();
      for (const state of PEERING_STATES) this.metrics.peerings.set({ state }, counts[state] ?? 0);
    });
  }

  /**
   * Wait: from when a job became due to its first pick-up (a job parked again by its processor,
   * like a webhook stream waiting for its next attempt, is not counted twice). Processing: each
   * run, completed or failed.
   */
  onApplicationBootstrap(): void {
    for (const processor of this.processors) {
      const worker = processor.worker;
      const queue = worker.name;
      worker.on('active', (job: Job) => {
        if (job.attemptsStarted > 1 || !job.processedOn) return;
        const due = job.timestamp + (job.opts.delay ?? 0);
        this.metrics.queueWait.observe({ queue }, Math.max(0, job.processedOn - due) / 1000);
      });
      const processed = (outcome: 'completed' | 'failed') => (job: Job | undefined) => {
        if (job?.processedOn && job.finishedOn) this.metrics.queueProcessing.observe({ queue, outcome }, Math.max(0, job.finishedOn - job.processedOn) / 1000);
      };
      worker.on('completed', processed('completed'));
      worker.on('failed', processed('failed'));
    }
  }
}
