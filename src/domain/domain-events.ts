import { Injectable } from '@nestjs/common';
import type { ActorRef } from './access.js';
import type { Problem } from '../common/problem.js';
import type { Operation } from './operation.js';
import type { Peering } from './peering.js';
import type { PeeringState } from './peering-state.js';

export interface PeeringStateChanged {
  kind: 'peering.state_changed';
  peering: Peering;
  from: PeeringState;
  to: PeeringState;
  reason: string | null;
  operationId: string;
  /** Who started the operation that moved it (null: the gateway itself, or not known). */
  actor?: ActorRef | null;
}

export interface OperationFailed {
  kind: 'operation.failed';
  operation: Operation;
  peering: Peering | null;
  error: Problem;
}

/** Where one part of a peering stands (an SVM peer, an exported service): ACTIVE needs every part ready. */
export type PartState = 'pending' | 'ready' | 'failed' | 'removing';
export const PART_STATES: readonly PartState[] = ['pending', 'ready', 'failed', 'removing'];

/** A part that became ready or failed, as events carry it. */
export interface PeeringPartChange {
  /** The product's word for the part (`svmPeer`, `export`). */
  kind: string;
  /** Which one: unique among the peering's parts of that kind. */
  key: string;
  state: PartState;
  detail: string | null;
}

/** A part of a peering (an SVM peer, an exported service) became ready or failed. */
export interface PeeringPartChanged {
  kind: 'peering.part_changed';
  peering: Peering;
  part: PeeringPartChange;
  operationId: string;
}

/** The peering's shared secret (a passphrase or a peering token, as the product calls it) was renewed on the clusters. */
export interface PeeringSecretRotated {
  kind: 'peering.secret_rotated';
  peering: Peering;
  operationId: string;
  actor?: ActorRef | null;
}

/** An approval asked for, given or refused (src/approvals/). */
export interface PeeringApprovalDecided {
  kind: 'peering.approval';
  decision: 'requested' | 'approved' | 'rejected';
  peering: Peering;
  operationId: string;
  actor: ActorRef | null;
  /** The approver's comment or the rejection's reason, as written. */
  reason?: string | null;
}

export type DomainEvent = PeeringStateChanged | OperationFailed | PeeringPartChanged | PeeringSecretRotated | PeeringApprovalDecided;
export type DomainEventListener = (event: DomainEvent) => Promise<void> | void;

/**
 * In-process fan-out of what happened, written once where it happens (state transitions,
 * operation outcomes) and read by whoever keeps history or delivers webhooks. Listeners run in
 * order and are awaited, so an event is recorded before the work that caused it moves on.
 */
@Injectable()
export class DomainEvents {
  private readonly listeners: DomainEventListener[] = [];

  subscribe(listener: DomainEventListener): void {
    this.listeners.push(listener);
  }

  async emit(event: DomainEvent): Promise<void> {
    for (const listener of this.listeners) await listener(event);
  }
}
