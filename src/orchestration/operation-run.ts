import { type RequestContext } from '../common/request-context.js';
import { nowIso } from '../common/time.js';
import { type Operation } from '../domain/operation.js';
import { type OperationStore } from '../stores/operation.store.js';
import { type Peering } from '../domain/peering.js';
import { type PeeringStore } from '../stores/peering.store.js';

/** A later operation on the same peering (a delete, an update) took over: this one stops. */
export class SupersededError extends Error {
  constructor(readonly byOperationId: string) {
    super(`superseded by operation ${byOperationId}`);
  }
}

/** The worker is shutting down: the attempt stops where it is and the queue gives it to another worker. */
export class CutOffError extends Error {
  constructor() {
    super('the worker shut down during this attempt; another worker takes it over');
  }
}

/**
 * One attempt at an operation: records its steps as they run, and lets long steps check that
 * the operation is still the peering's latest.
 */
export class OperationRun {
  constructor(
    public operation: Operation,
    private readonly operations: OperationStore,
    private readonly peerings: PeeringStore,
    readonly signal: AbortSignal,
  ) {}

  /** What this run's log lines name: the operation, and the request that started it. */
  get context(): RequestContext {
    return OperationRun.contextOf(this.operation);
  }

  static contextOf(operation: Pick<Operation, 'id' | 'requestId'>): RequestContext {
    return { operationId: operation.id, ...(operation.requestId !== undefined && { requestId: operation.requestId }) };
  }

  /** The peering as it is now; throws SupersededError when another operation took over. */
  async peering(): Promise<Peering> {
    if (this.signal.aborted) throw new CutOffError();
    const peering = await this.peerings.require(this.operation.peeringId);
    if (peering.operationId !== this.operation.id) throw new SupersededError(peering.operationId);
    return peering;
  }

  async step<T>(name: string, work: () => Promise<T>, describe?: (result: T) => string | undefined): Promise<T> {
    if (this.signal.aborted) throw new CutOffError();
    this.operation.steps.push({ name, status: 'running', startedAt: nowIso() });
    this.operation = await this.operations.save(this.operation);
    const started = performance.now();
    try {
      const result = await work();
      await this.finishStep(name, 'succeeded', started, describe?.(result));
      return result;
    } catch (err) {
      await this.finishStep(name, 'failed', started, err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  /** Only this run writes its operation while it holds the peering's lease, so its copy is current. */
  private async finishStep(name: string, status: 'succeeded' | 'failed', started: number, detail?: string): Promise<void> {
    const step = [...this.operation.steps].reverse().find((s) => s.name === name && s.status === 'running');
    if (!step) return;
    step.status = status;
    step.finishedAt = nowIso();
    // From the monotonic clock: a wall-clock step (NTP) cannot make it negative.
    step.durationMs = Math.round(performance.now() - started);
    if (detail) step.detail = detail;
    this.operation = await this.operations.save(this.operation);
  }
}
