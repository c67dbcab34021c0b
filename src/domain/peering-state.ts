import { GatewayError } from '../common/problem.js';

export const PEERING_STATES = ['PENDING', 'AWAITING_APPROVAL', 'ESTABLISHING', 'ACTIVE', 'DEGRADED', 'FAILED', 'DELETING', 'DELETED'] as const;
export type PeeringState = (typeof PEERING_STATES)[number];

/**
 * The unified state machine (docs/architecture.md). FAILED is terminal until someone acts: a delete, or a
 * sync/update that starts establishing again. DELETED is a tombstone and never moves.
 */
const TRANSITIONS: Record<PeeringState, readonly PeeringState[]> = {
  PENDING: ['ESTABLISHING', 'ACTIVE', 'FAILED', 'DELETING'],
  // Nothing has been sent to a cluster yet: approved, it establishes; rejected or expired, it fails; deleted, it ends at once.
  AWAITING_APPROVAL: ['ESTABLISHING', 'FAILED', 'DELETING'],
  ESTABLISHING: ['ACTIVE', 'DEGRADED', 'FAILED', 'DELETING'],
  ACTIVE: ['DEGRADED', 'ESTABLISHING', 'FAILED', 'DELETING'],
  DEGRADED: ['ACTIVE', 'ESTABLISHING', 'FAILED', 'DELETING'],
  FAILED: ['ESTABLISHING', 'AWAITING_APPROVAL', 'DELETING'],
  DELETING: ['DELETED', 'FAILED'],
  DELETED: [],
};

export function canTransition(from: PeeringState, to: PeeringState): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: PeeringState,
    readonly to: PeeringState,
  ) {
    super(`illegal peering state transition ${from} -> ${to}`);
  }
}

/** The one way a state changes; an illegal move is a bug in the caller, so it throws. */
export function assertTransition(from: PeeringState, to: PeeringState): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}

/** States in which a peering still holds its name and cluster pair. */
export function isLive(state: PeeringState): boolean {
  return state !== 'DELETING' && state !== 'DELETED';
}

export function ensureMutable(state: PeeringState, id: string): void {
  if (!isLive(state)) throw new GatewayError('conflict', `peering '${id}' is ${state}`);
}
