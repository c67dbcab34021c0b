import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { DomainEvents } from '../domain/domain-events.js';
import { type Problem } from '../common/problem.js';
import { nowIso } from '../common/time.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { type Operation, type OperationType } from '../domain/operation.js';
import { OperationStore } from '../stores/operation.store.js';
import { type Peering } from '../domain/peering.js';
import { PeeringTransitions } from '../stores/peering-transitions.js';
import { PeeringStore } from '../stores/peering.store.js';
import { RedisService } from '../redis/redis.service.js';
import { decideAfterFailure } from './failure-policy.js';
import { Handshake } from './handshake.js';
import { OperationRun } from './operation-run.js';
import { PeeringLease } from './peering-lease.js';

const LEASE_BUSY_DELAY_MS = 150;

/** The handshake's method that carries out each type of operation. */
const HANDSHAKE_METHOD: Record<OperationType, 'establish' | 'update' | 'teardown'> = {
  create: 'establish',
  sync: 'establish',
  retry: 'establish',
  update: 'update',
  delete: 'teardown',
};

/**
 * The queue's side of one attempt, as the runner needs it: the processor of the operations'
 * queue (src/jobs/processors.ts) makes it from its job, so the runner knows no queue library.
 */
export interface OperationAttempt {
  readonly operationId: string;
  /** Attempts of this operation already made before this one. */
  readonly attemptsMade: number;
  /** Puts the operation back until `atMs` without using an attempt; ends this attempt by throwing. */
  postpone(atMs: number): Promise<never>;
  /** What this attempt throws so that the queue tries again after `delayMs` (and not after its own backoff). */
  retryAfter(err: unknown, delayMs: number): Error;
}

/**
 * An operation whose peering awaits its approval: ends the peering with approval_expired once its
 * approval is due (true), else false. ApprovalsService gives it (src/jobs/workers.module.ts).
 */
export abstract class ApprovalExpiry {
  abstract expire(peering: Peering, operation: Operation): Promise<boolean>;
}

/**
 * Carries out one operation (a job of the operations' queue): takes the peering's lease, runs the
 * handshake method of its type, and does what the failure policy (failure-policy.ts) decides
 * after a failure: retry later (with the delay the cause wants), or fail for good with the reason.
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
    private readonly approvals: ApprovalExpiry,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async process(attempt: OperationAttempt, signal: AbortSignal): Promise<void> {
    const op = await this.operations.get(attempt.operationId);
    if (!op || op.status === 'succeeded' || op.status === 'failed') return;
    return this.leased(attempt, op, signal);
  }

  private async leased(attempt: OperationAttempt, op: Operation, signal: AbortSignal): Promise<void> {
    const lease = await PeeringLease.acquire(this.redis, op.peeringId, op.id);
    if (!lease) {
      // Another operation of this peering is running; this one waits its turn without using an attempt.
      return attempt.postpone(Date.now() + LEASE_BUSY_DELAY_MS);
    }
    try {
      if (await this.awaitsApproval(attempt, op)) return;
      await this.run(attempt, op, signal);
    } finally {
      await lease.release();
    }
  }

  /**
   * An operation whose peering awaits its approval sends nothing: its job waits (delayed) until
   * the approval's expiry, and then ends the peering with approval_expired. True when it held.
   */
  private async awaitsApproval(attempt: OperationAttempt, op: Operation): Promise<boolean> {
    const peering = await this.peerings.get(op.peeringId);
    if (!peering || peering.state !== 'AWAITING_APPROVAL' || peering.operationId !== op.id) return false;
    if (await this.approvals.expire(peering, op)) return true;
    return attempt.postpone(Date.parse(peering.approval!.expiresAt));
  }

  private async run(attempt: OperationAttempt, op: Operation, signal: AbortSignal): Promise<void> {
    const started = await this.operations.update(op.id, (o) => {
      o.status = 'running';
      o.attempts = attempt.attemptsMade + 1;
      o.nextAttemptAt = null;
    });
    const run = new OperationRun(started, this.operations, this.peerings, signal);
    this.logger.info({ ...run.context, type: op.type, peeringId: op.peeringId, attempt: started.attempts }, 'operation started');
    try {
      await this.handshake[HANDSHAKE_METHOD[op.type]](run);
      // The run's copy is current (only the run writes its operation while it holds the lease): no read first.
      await this.operations.save({ ...run.operation, status: 'succeeded', nextAttemptAt: null, waitingFor: null, lastError: null });
      this.logger.info({ ...run.context, type: op.type, peeringId: op.peeringId, attempt: started.attempts }, 'operation succeeded');
    } catch (err) {
      await this.fail(attempt, op, err, signal);
    }
  }

  /** Carries out what the failure policy (failure-policy.ts) decides after `err`. */
  private async fail(job: OperationAttempt, op: Operation, err: unknown, signal: AbortSignal): Promise<void> {
    const attempt = job.attemptsMade + 1;
    const decision = decideAfterFailure(err, op, { attempt, aborted: signal.aborted, retryBaseMs: this.config.retryBaseMs });
    if (decision.kind === 'superseded') {
      await this.failFor(op.id, decision.problem);
      return;
    }
    const reason = decision.problem;
    if (decision.kind === 'retry') {
      const nextAttemptAt = new Date(Date.now() + decision.delayMs).toISOString();
      await this.operations.update(op.id, (o) => {
        o.status = 'retrying';
        o.lastError = reason;
        o.nextAttemptAt = nextAttemptAt;
        o.waitingFor = decision.waitingFor;
        o.waits = decision.waits;
      });
      await this.peerings.update(op.peeringId, (p) => (p.operationId === op.id ? { ...p, lastError: reason, updatedAt: nowIso() } : null));
      this.logger.info(
        { ...OperationRun.contextOf(op), attempt, delayMs: decision.delayMs, waitingFor: decision.waitingFor, reason: reason.detail },
        'operation will be retried',
      );
      // The queue's backoff keeps the delay chosen here for the cause.
      throw job.retryAfter(err, decision.delayMs);
    }
    this.logger.warn({ ...OperationRun.contextOf(op), attempt, reason: reason.detail }, 'operation failed');
    // The peering first, then its operation, as on success: once the operation reads finished,
    // the peering reads its outcome.
    let peering = await this.peerings.get(op.peeringId);
    if (peering && peering.operationId === op.id && peering.state !== 'DELETED') {
      peering = await this.transitions.move(op.peeringId, 'FAILED', { lastError: reason, reason: reason.detail, by: op });
    }
    const failed = await this.failFor(op.id, reason);
    await this.events.emit({ kind: 'operation.failed', operation: failed, peering, error: reason });
  }

  /** Ends an operation as failed, with what failed it (a success is written from the run's own copy). */
  private async failFor(id: string, lastError: Problem): Promise<Operation> {
    return this.operations.update(id, (o) => {
      o.status = 'failed';
      o.nextAttemptAt = null;
      o.waitingFor = null;
      o.lastError = lastError;
    });
  }
}
