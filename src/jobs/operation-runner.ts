import { Inject, Injectable } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import type { Logger } from 'pino';
import { UpstreamError } from '../products/port.js';
import { LOGGER } from '../common/logger.js';
import { DomainEvents } from '../events/domain-events.js';
import { GatewayError, problem, type Problem } from '../common/problem.js';
import { nowIso } from '../common/time.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { type Operation } from '../operations/operation.js';
import { OperationStore } from '../operations/operation.store.js';
import { Handshake } from '../orchestration/handshake.js';
import { OperationRun, SupersededError } from '../orchestration/operation-run.js';
import { DEFAULT_BUDGET, NotYetError, planRetry, type RetryPlan } from '../orchestration/retry.js';
import { PeeringTransitions } from '../peerings/peering-transitions.js';
import { PeeringStore } from '../peerings/peering.store.js';
import { RedisService } from '../redis/redis.service.js';
import { PeeringLease } from './peering-lease.js';
import { ApprovalsService } from '../approvals/approvals.service.js';
import { withRetryDelay } from './backoff.js';
import { OPERATION_ATTEMPTS, type OperationJobData } from './queues.js';

const LEASE_BUSY_DELAY_MS = 150;

/**
 * Carries out one operation (a job of QueueName.Operations): takes the peering's lease, runs the handshake, and sorts failures
 * by cause: retry later (with the delay the cause wants), or fail for good with the reason.
 */
@Injectable()
export class OperationRunner {
  constructor(
    private readonly redis: RedisService,
    private readonly operations: OperationStore,
    private readonly peerings: PeeringStore,
    private readonly transitions: PeeringTransitions,
    private readonly handshake: Handshake,
    private readonly events: DomainEvents,
    private readonly approvals: ApprovalsService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async process(job: Job<OperationJobData>, token: string | undefined, signal: AbortSignal): Promise<void> {
    const op = await this.operations.get(job.data.operationId);
    if (!op || op.status === 'succeeded' || op.status === 'failed') return;
    return this.leased(job, op, token, signal);
  }

  private async leased(job: Job<OperationJobData>, op: Operation, token: string | undefined, signal: AbortSignal): Promise<void> {
    const lease = await PeeringLease.acquire(this.redis, op.peeringId, op.id);
    if (!lease) {
      // Another operation of this peering is running; this one waits its turn without using an attempt.
      await job.moveToDelayed(Date.now() + LEASE_BUSY_DELAY_MS, token);
      throw new DelayedError();
    }
    try {
      if (await this.awaitsApproval(job, op, token)) return;
      await this.run(job, op, signal);
    } finally {
      await lease.release();
    }
  }

  /**
   * An operation whose peering awaits its approval sends nothing: its job waits (delayed) until
   * the approval's expiry, and then ends the peering with approval_expired. True when it held.
   */
  private async awaitsApproval(job: Job<OperationJobData>, op: Operation, token: string | undefined): Promise<boolean> {
    const peering = await this.peerings.get(op.peeringId);
    if (!peering || peering.state !== 'AWAITING_APPROVAL' || peering.operationId !== op.id) return false;
    if (await this.approvals.expire(peering, op)) return true;
    await job.moveToDelayed(Date.parse(peering.approval!.expiresAt), token);
    throw new DelayedError();
  }

  private async run(job: Job<OperationJobData>, op: Operation, signal: AbortSignal): Promise<void> {
    const started = await this.operations.update(op.id, (o) => {
      o.status = 'running';
      o.attempts = job.attemptsMade + 1;
      o.nextAttemptAt = null;
    });
    const run = new OperationRun(started, this.operations, this.peerings, signal);
    this.logger.info({ ...run.context, type: op.type, peeringId: op.peeringId, attempt: started.attempts }, 'operation started');
    try {
      if (op.type === 'delete') await this.handshake.teardown(run);
      else if (op.type === 'update') await this.handshake.update(run);
      else await this.handshake.establish(run);
      // The run's copy is current (only the run writes its operation while it holds the lease): no read first.
      await this.operations.save({ ...run.operation, status: 'succeeded', nextAttemptAt: null, waitingFor: null, lastError: null });
      this.logger.info({ ...run.context, type: op.type, peeringId: op.peeringId, attempt: started.attempts }, 'operation succeeded');
    } catch (err) {
      await this.fail(job, op, err, signal);
    }
  }

  private async fail(job: Job<OperationJobData>, op: Operation, err: unknown, signal: AbortSignal): Promise<void> {
    if (err instanceof SupersededError) {
      await this.finish(op.id, 'failed', problem('superseded', `operation ${err.byOperationId} took over this peering`));
      return;
    }
    const attempt = job.attemptsMade + 1;
    // Cut off by a shutdown, whatever the error it caused: soon again, on another worker. Otherwise
    // each kind of failure has its own budget (count and time), shown on the operation.
    const plan: RetryPlan = signal.aborted
      ? { retry: true, delayMs: 100, waitingFor: op.waitingFor ?? 'cluster-unavailable', waits: op.waits ?? {}, budget: DEFAULT_BUDGET }
      : err instanceof GatewayError
        ? { retry: false }
        : planRetry(err, op, Date.now(), DEFAULT_BUDGET, (budget) =>
            budget.waitingFor === 'cluster-unavailable' ? { ...budget, baseDelayMs: this.config.retryBaseMs } : budget,
          );
    const reason = plan.retry || !plan.reason ? toProblem(err) : { ...toProblem(err), detail: `${toProblem(err).detail} (${plan.reason})` };
    if (plan.retry && attempt < OPERATION_ATTEMPTS) {
      const nextAttemptAt = new Date(Date.now() + plan.delayMs).toISOString();
      await this.operations.update(op.id, (o) => {
        o.status = 'retrying';
        o.lastError = reason;
        o.nextAttemptAt = nextAttemptAt;
        o.waitingFor = plan.waitingFor;
        o.waits = plan.waits;
      });
      await this.peerings.update(op.peeringId, (p) => (p.operationId === op.id ? { ...p, lastError: reason, updatedAt: nowIso() } : null));
      this.logger.info(
        { ...OperationRun.contextOf(op), attempt, delayMs: plan.delayMs, waitingFor: plan.waitingFor, reason: reason.detail },
        'operation will be retried',
      );
      // The queue's backoff keeps the delay chosen here for the cause.
      throw withRetryDelay(err, plan.delayMs);
    }
    this.logger.warn({ ...OperationRun.contextOf(op), attempt, reason: reason.detail }, 'operation failed');
    // The peering first, then its operation, as on success: once the operation reads finished,
    // the peering reads its outcome.
    let peering = await this.peerings.get(op.peeringId);
    if (peering && peering.operationId === op.id && peering.state !== 'DELETED') {
      peering = await this.transitions.move(op.peeringId, 'FAILED', { lastError: reason, reason: reason.detail, by: op });
    }
    const failed = await this.finish(op.id, 'failed', reason);
    await this.events.emit({ kind: 'operation.failed', operation: failed, peering, error: reason });
  }

  private async finish(id: string, status: 'succeeded' | 'failed', lastError: Problem | null): Promise<Operation> {
    return this.operations.update(id, (o) => {
      o.status = status;
      o.nextAttemptAt = null;
      o.waitingFor = null;
      if (lastError || status === 'succeeded') o.lastError = lastError;
    });
  }
}

export function toProblem(err: unknown): Problem {
  if (err instanceof UpstreamError) return err.toProblem();
  if (err instanceof GatewayError) return err.problem;
  if (err instanceof NotYetError) return problem('upstream_unavailable', err.message);
  return problem('internal_error', err instanceof Error ? err.message : String(err));
}
