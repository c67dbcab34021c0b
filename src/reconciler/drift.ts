import type { NativeSide } from '../products/port.js';
import type { Peering } from '../domain/peering.js';
import type { PeeringState } from '../domain/peering-state.js';

export interface DriftVerdict {
  to: PeeringState;
  reason: string | null;
}

interface ObservedSide {
  cluster: string;
  native: NativeSide | null;
}

/** States the reconciler watches; the others belong to a running operation or to a person. */
export const WATCHED_STATES: PeeringState[] = ['ACTIVE', 'DEGRADED', 'ESTABLISHING'];

/**
 * What the clusters say a settled peering is: ACTIVE when every managed side is active,
 * DEGRADED with the reason otherwise. Null when nothing should change (including a one-sided
 * offer that the far side has not accepted yet).
 */
export function assessDrift(peering: Pick<Peering, 'state' | 'stateReason'>, sides: ObservedSide[]): DriftVerdict | null {
  const problem = sides.map(describeProblem).find((p) => p !== null) ?? null;
  if (peering.state === 'ESTABLISHING') {
    // Only a standing one-sided offer reaches the reconciler in this state: it becomes active, or waits.
    return problem === null ? { to: 'ACTIVE', reason: null } : null;
  }
  const verdict: DriftVerdict = problem === null ? { to: 'ACTIVE', reason: null } : { to: 'DEGRADED', reason: problem };
  return verdict.to === peering.state && verdict.reason === peering.stateReason ? null : verdict;
}

function describeProblem({ cluster, native }: ObservedSide): string | null {
  if (!native) return `the record on ${cluster} is gone (deleted outside the gateway); POST .../sync re-creates it`;
  switch (native.health) {
    case 'active':
      return null;
    case 'terminated':
      return `${cluster} reads ${native.nativeState}: the peer deleted the peering; POST .../sync re-establishes it`;
    case 'deleting':
      return `${cluster} reads ${native.nativeState}: it is being deleted outside the gateway`;
    default:
      return `${cluster} reads ${native.nativeState}${native.detail ? ` (${native.detail})` : ''}`;
  }
}
