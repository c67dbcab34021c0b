import type { Peering } from './peering.js';
import type { PeeringState } from './peering-state.js';

/**
 * A peering's conditions, in the form Kubernetes uses (docs/self-service.md): each says one thing
 * that must be true for the peering to work, whether it is, and why not.
 */
export type ConditionStatus = 'True' | 'False' | 'Unknown';

export const CONDITION_TYPES = ['Ready', 'Approved', 'Established', 'Authenticated', 'Healthy', 'SvmPeersReady', 'ServicesExported'] as const;

export interface Condition {
  type: string;
  status: ConditionStatus;
  /** One CamelCase word. */
  reason: string;
  /** A sentence for a person. */
  message: string;
  lastTransitionTime: string;
}

/** A condition as a product reports it of one side, before the gateway dates it. */
export type ReportedCondition = Omit<Condition, 'lastTransitionTime'>;

/** What the clusters said of one side, in product-neutral words (what an adapter's read gives). */
export interface ObservedSide {
  cluster: string;
  health: string;
  nativeState: string;
  detail?: string;
  /** Why it is not healthy, as one CamelCase word, when the product says. */
  healthReason?: string;
  /** The two records exist and know each other, even if not (yet) healthy; default: healthy or degraded. */
  paired?: boolean;
  /** Product conditions of this side (e.g. Authenticated). */
  conditions?: ReportedCondition[];
}

/** The order in which a person reads them: the first that is not true is the reason. */
const ORDER = ['Approved', 'Established', 'Authenticated', 'Healthy', 'SvmPeersReady', 'ServicesExported'];

const STATE_REASONS: Record<PeeringState, string> = {
  PENDING: 'Pending',
  AWAITING_APPROVAL: 'AwaitingApproval',
  ESTABLISHING: 'Establishing',
  ACTIVE: 'Active',
  DEGRADED: 'Degraded',
  FAILED: 'Failed',
  DELETING: 'Deleting',
  DELETED: 'Deleted',
};

const HEALTH_REASONS: Record<string, string> = {
  pending: 'AwaitingAccept',
  establishing: 'Establishing',
  degraded: 'Unhealthy',
  deleting: 'Deleting',
  terminated: 'PeerTerminated',
};

/** The conditions read from the clusters: Established, Healthy and what the products report (Authenticated...). */
export function observedConditions(sides: (ObservedSide | null)[], clusters: string[]): ReportedCondition[] {
  const missing = clusters.filter((_, i) => !sides[i]);
  const present = sides.filter((s): s is ObservedSide => s !== null);
  const conditions: ReportedCondition[] = [];
  const unpaired = present.find((s) => !(s.paired ?? (s.health === 'active' || s.health === 'degraded')));
  if (missing.length) {
    conditions.push({ type: 'Established', status: 'False', reason: 'SideMissing', message: `no peering record on ${missing.join(', ')}` });
  } else if (unpaired) {
    conditions.push({
      type: 'Established',
      status: 'False',
      reason: HEALTH_REASONS[unpaired.health] ?? 'NotPaired',
      message: `${unpaired.cluster} reads ${unpaired.nativeState}${unpaired.detail ? `: ${unpaired.detail}` : ''}`,
    });
  } else {
    conditions.push({ type: 'Established', status: 'True', reason: 'Paired', message: 'every side has its record, paired with the other' });
  }
  const sick = present.find((s) => s.health !== 'active');
  if (missing.length) {
    conditions.push({ type: 'Healthy', status: 'False', reason: 'SideMissing', message: `no peering record on ${missing.join(', ')}` });
  } else if (sick) {
    conditions.push({
      type: 'Healthy',
      status: 'False',
      reason: sick.healthReason ?? HEALTH_REASONS[sick.health] ?? 'Unhealthy',
      message: `${sick.cluster} reads ${sick.nativeState}${sick.detail ? `: ${sick.detail}` : ''}`,
    });
  } else {
    conditions.push({ type: 'Healthy', status: 'True', reason: 'CarriesTraffic', message: 'the product says every side carries traffic' });
  }
  const types = [...new Set(present.flatMap((s) => (s.conditions ?? []).map((c) => c.type)))];
  for (const type of types) {
    const reported = present.flatMap((s) => (s.conditions ?? []).filter((c) => c.type === type).map((c) => ({ side: s, c })));
    const worst = reported.find((r) => r.c.status === 'False') ?? reported.find((r) => r.c.status === 'Unknown');
    if (worst) conditions.push({ ...worst.c, message: `${worst.side.cluster}: ${worst.c.message}` });
    else conditions.push(reported[0].c);
  }
  return conditions;
}

/** The reasons a part condition gives: how the neutral code tells it from what the clusters report. */
const PART_REASONS = ['PartsReady', 'PartFailed', 'PartsPending', 'PartsRemoving'];

/** One part of a peering (an SVM peer, an exported service...) as its product keeps it. */
export interface PartStatus {
  key: string;
  state: string;
  detail?: string;
}

/**
 * The condition of one kind of part: all ready, True; any failed, False with its detail; otherwise
 * False while they are made or removed, naming those not ready yet.
 */
export function partCondition(type: string, noun: string, parts: PartStatus[]): ReportedCondition {
  const failed = parts.find((p) => p.state === 'failed');
  if (failed) return { type, status: 'False', reason: 'PartFailed', message: `${noun} ${failed.key} failed${failed.detail ? `: ${failed.detail}` : ''}` };
  const removing = parts.filter((p) => p.state === 'removing');
  if (removing.length) return { type, status: 'False', reason: 'PartsRemoving', message: `removing ${noun} ${removing.map((p) => p.key).join(', ')}` };
  const waiting = parts.filter((p) => p.state !== 'ready');
  if (waiting.length)
    return {
      type,
      status: 'False',
      reason: 'PartsPending',
      message: `waiting for ${noun} ${waiting.map((p) => `${p.key}${p.detail ? ` (${p.detail})` : ''}`).join(', ')}`,
    };
  return { type, status: 'True', reason: 'PartsReady', message: `every ${noun} asked for is ready (${parts.map((p) => p.key).join(', ')})` };
}

/**
 * The peering with one part condition set anew (or dropped, when null): the other conditions as
 * they were, Ready and the state's reason as their summary again.
 */
export function withPartCondition(peering: Peering, type: string, condition: ReportedCondition | null, now: string): Peering {
  const kept = (peering.conditions ?? []).filter((c) => c.type !== 'Ready' && c.type !== 'Approved' && c.type !== type);
  const observed = [...kept, ...(condition ? [condition] : [])];
  // A dropped part condition must not be kept from before.
  const next = { ...peering, conditions: condition ? peering.conditions : (peering.conditions ?? []).filter((c) => c.type !== type) };
  next.stateReason = summaryReason(next.state, computeConditions(next, observed, now), next.stateReason);
  next.conditions = computeConditions(next, observed, now);
  return next;
}

/** Conditions before anything was read from the clusters. */
const NOT_OBSERVED: ReportedCondition[] = [
  { type: 'Established', status: 'Unknown', reason: 'NotObserved', message: 'nothing has been read from the clusters yet' },
  { type: 'Healthy', status: 'Unknown', reason: 'NotObserved', message: 'nothing has been read from the clusters yet' },
];

/** Approved, when an approval is needed. */
export function approvalCondition(peering: Peering): ReportedCondition | null {
  const approval = peering.approval;
  if (!approval) return null;
  if (approval.outcome === 'rejected')
    return {
      type: 'Approved',
      status: 'False',
      reason: 'Rejected',
      message: `rejected by ${approval.decidedBy?.id ?? 'an approver'}: ${approval.reason ?? ''}`.trim(),
    };
  if (approval.outcome === 'expired')
    return { type: 'Approved', status: 'False', reason: 'Expired', message: `no approval was given before ${approval.expiresAt}; POST .../retry asks again` };
  const waiting = approval.clusters.filter((c) => !c.approvedBy);
  if (waiting.length === 0) return { type: 'Approved', status: 'True', reason: 'Approved', message: 'every cluster that needs an approval approved it' };
  const who = waiting.map((c) => `${c.cluster} (teams ${c.approverTeams.join(', ')})`).join(', ');
  return { type: 'Approved', status: 'False', reason: 'AwaitingApproval', message: `waiting for an approval on ${who}, until ${approval.expiresAt}` };
}

/**
 * The peering's conditions after a change: what was observed now (or, when nothing was read, what
 * was observed before), its approval, and Ready as the summary. A condition keeps its
 * lastTransitionTime while its status stays.
 */
export function computeConditions(peering: Peering, observed: ReportedCondition[] | undefined, now: string): Condition[] {
  const previous = peering.conditions ?? [];
  // What the clusters said now replaces what they said before; the parts' conditions stay until their parts change.
  const keptParts = previous.filter((c) => PART_REASONS.includes(c.reason) && !(observed ?? []).some((o) => o.type === c.type));
  const fromClusters = observed
    ? [...observed, ...keptParts]
    : previous.some((c) => c.type === 'Established')
      ? previous.filter((c) => !['Ready', 'Approved'].includes(c.type))
      : [...NOT_OBSERVED, ...keptParts];
  const approved = approvalCondition(peering);
  const parts = [...(approved ? [approved] : []), ...fromClusters.map(({ type, status, reason, message }) => ({ type, status, reason, message }))];
  parts.sort((a, b) => rank(a.type) - rank(b.type));
  const failing = parts.find((c) => c.status !== 'True');
  const ready: ReportedCondition =
    peering.state === 'ACTIVE'
      ? { type: 'Ready', status: 'True', reason: 'Active', message: 'the peering is active' }
      : {
          type: 'Ready',
          status: 'False',
          reason: STATE_REASONS[peering.state],
          message:
            peering.state === 'FAILED' || peering.state === 'DELETING' || peering.state === 'DELETED' || !failing
              ? (peering.stateReason ?? peering.lastError?.detail ?? `the peering is ${peering.state}`)
              : failing.message,
        };
  return [ready, ...parts].map((c) => {
    const before = previous.find((p) => p.type === c.type);
    return { ...c, lastTransitionTime: before && before.status === c.status ? before.lastTransitionTime : now };
  });
}

/**
 * The state's reason as the summary of the condition that is not true, for the states whose
 * reason the clusters give (establishing, degraded, awaiting approval); other states keep theirs.
 */
export function summaryReason(state: PeeringState, conditions: Condition[], given: string | null): string | null {
  if (state !== 'ESTABLISHING' && state !== 'DEGRADED' && state !== 'AWAITING_APPROVAL') return given;
  // A reason that says something of its own (a drift verdict, an offer waiting for the far side) stays.
  if (given !== null && !/^operation \w+$|^\w+ requested$/.test(given) && !SUMMARY.test(given)) return given;
  const failing = conditions.find((c) => c.type !== 'Ready' && c.status === 'False') ?? conditions.find((c) => c.type !== 'Ready' && c.status === 'Unknown');
  return failing ? `${failing.type} ${failing.status} (${failing.reason}): ${failing.message}` : given;
}

const SUMMARY = new RegExp(`^(${CONDITION_TYPES.join('|')}) (False|Unknown) \\(`);

function rank(type: string): number {
  const i = ORDER.indexOf(type);
  return i < 0 ? ORDER.length : i;
}
