import type { ActorRef } from './access.js';
import type { Cluster } from './cluster.js';
import type { ClusterApproval, PeeringApproval } from './peering.js';

/**
 * The approvals a new request needs: one per managed cluster that requires an approval, unless the
 * requesting team is among its approvers (its own request then needs none: a team never approves
 * its own request otherwise). Null when none is needed.
 */
export function approvalFor(clusters: (Cluster | null)[], team: string, requestedBy: ActorRef, now: Date, ttlMs: number): PeeringApproval | null {
  const needed: ClusterApproval[] = clusters
    .filter((c): c is Cluster => c !== null && c.approval?.required === true && !c.approval.approverTeams.includes(team))
    .map((c) => ({ cluster: c.id, approverTeams: [...c.approval!.approverTeams] }));
  if (needed.length === 0) return null;
  return { clusters: needed, requestedBy, requestedAt: now.toISOString(), expiresAt: new Date(now.getTime() + ttlMs).toISOString() };
}

/** Whether a team (null: admin, every approval) may give the approval of one cluster. */
export function mayApprove(approval: ClusterApproval, team: string | null, isAdmin: boolean): boolean {
  return isAdmin || (team !== null && approval.approverTeams.includes(team));
}

export const APPROVAL_CODES = ['approval_rejected', 'approval_expired'] as const;
