import { Injectable } from '@nestjs/common';
import { type Problem } from '../common/problem.js';
import { DomainEvents } from '../domain/domain-events.js';
import { type Operation } from '../domain/operation.js';
import { OperationStore } from './operation.store.js';
import { nowIso } from '../common/time.js';
import { computeConditions, type ReportedCondition, summaryReason } from '../domain/condition.js';
import { type Peering, type SideStatus } from '../domain/peering.js';
import { assertTransition, type PeeringState } from '../domain/peering-state.js';
import { PeeringCountsStore } from './peering-counts.store.js';
import { PeeringStore } from './peering.store.js';

export interface TransitionPatch {
  sides?: Partial<Peering['sides']>;
  lastError?: Problem | null;
  reason?: string | null;
  operationId?: string;
  /** What was read from the clusters just now, as conditions (src/orchestration/observation.ts); absent: nothing new was read. */
  observed?: ReportedCondition[];
  /** Changes to the record made with the move (e.g. its approval). */
  change?: (current: Peering) => Partial<Peering>;
  /** Move only if the record still satisfies this (e.g. no operation started meanwhile); otherwise leave it. */
  onlyIf?: (current: Peering) => boolean;
  /**
   * The operation making the move, when the caller holds it (a run): the events name who started
   * it from this copy instead of reading the operation again, if it is still the peering's.
   */
  by?: Pick<Operation, 'id' | 'startedBy'>;
}

/**
 * The one function through which a peering's state moves. It checks that the move is legal,
 * writes it with the native sides and the error together, and announces it (history, webhooks).
 */
@Injectable()
export class PeeringTransitions {
  constructor(
    private readonly store: PeeringStore,
    private readonly events: DomainEvents,
    private readonly counts: PeeringCountsStore,
    private readonly operations: OperationStore,
  ) {}

  /** Counts a peering just recorded in its first state (the counts behind the peerings-by-state metric). */
  async created(peering: Peering): Promise<void> {
    await this.counts.moved(null, peering.state);
  }

  async move(id: string, to: PeeringState, patch: TransitionPatch = {}): Promise<Peering> {
    let from: PeeringState = to;
    const next = await this.store.update(id, (current) => {
      from = current.state;
      if (patch.onlyIf && !patch.onlyIf(current)) {
        to = current.state;
        return null;
      }
      assertTransition(current.state, to);
      const sides = { ...current.sides, ...patch.sides };
      const updated: Peering = {
        ...current,
        state: to,
        sides,
        stateReason: patch.reason !== undefined ? patch.reason : from === to ? current.stateReason : null,
        lastError: patch.lastError !== undefined ? patch.lastError : current.lastError,
        operationId: patch.operationId ?? current.operationId,
        ...patch.change?.(current),
      };
      if (to === 'DELETED') updated.deletedAt = nowIso();
      withConditions(updated, patch.observed);
      if (JSON.stringify(updated) === JSON.stringify(current)) return null;
      updated.updatedAt = nowIso();
      return updated;
    });
    if (from !== to) {
      await this.counts.moved(from, to);
      // Events name who started the change: the operation records it.
      const actor = await this.actorOf(next.operationId, patch.by);
      await this.events.emit({ kind: 'peering.state_changed', peering: next, from, to, reason: next.stateReason, operationId: next.operationId, actor });
    }
    return next;
  }

  /** Who started the operation (null: the gateway itself, or not known). */
  private async actorOf(operationId: string, known?: Pick<Operation, 'id' | 'startedBy'>): Promise<Operation['startedBy'] | null> {
    if (known?.id === operationId) return known.startedBy ?? null;
    return (await this.operations.get(operationId).catch(() => null))?.startedBy ?? null;
  }

  /** Announces a renewed shared secret (history, streams, webhooks); the secret itself is never in the event. */
  async secretRotated(id: string, operationId: string): Promise<void> {
    const peering = await this.store.get(id);
    if (!peering) return;
    const actor = (await this.operations.get(operationId).catch(() => null))?.startedBy ?? null;
    await this.events.emit({ kind: 'peering.secret_rotated', peering, operationId, actor });
  }

  /** Records what the clusters say of each side without changing the unified state. */
  async observeSides(id: string, sides: { local?: SideStatus; remote?: SideStatus | null }, observed?: ReportedCondition[]): Promise<Peering> {
    return this.store.update(id, (current) => {
      const merged = { ...current.sides, ...sides };
      const next = withConditions({ ...current, sides: merged }, observed);
      if (JSON.stringify(next) === JSON.stringify(current)) return null;
      return { ...next, updatedAt: nowIso() };
    });
  }
}

/**
 * Dates the conditions anew and keeps the state's reason as the summary of the one that is not
 * true. Only a real change of a condition's status moves its lastTransitionTime, so a peering read
 * again and again is not rewritten.
 */
function withConditions(peering: Peering, observed: ReportedCondition[] | undefined): Peering {
  const now = nowIso();
  const draft = computeConditions(peering, observed, now);
  peering.stateReason = summaryReason(peering.state, draft, peering.stateReason);
  peering.conditions = computeConditions({ ...peering, conditions: peering.conditions }, observed, now);
  return peering;
}
