import { Injectable } from '@nestjs/common';
import { Caller } from '../domain/access.js';
import { GatewayError, problem } from '../common/problem.js';
import { nowIso } from '../common/time.js';
import { DomainEvents } from '../domain/domain-events.js';
import { type Operation } from '../domain/operation.js';
import { OperationStore } from '../stores/operation.store.js';
import { type Peering, teamOf, toPeeringView } from '../domain/peering.js';
import { PeeringTransitions } from '../stores/peering-transitions.js';
import { PeeringStore } from '../stores/peering.store.js';
import { PeeringsService } from '../peerings/peerings.service.js';
import { mayApprove } from '../domain/approval-policy.js';
import type { ApproveDto, ListApprovalsQuery, RejectDto } from './approval.dto.js';

/** A peering awaiting approvals, as an approver sees it. */
export interface ApprovalView {
  peeringId: string;
  name: string;
  product: string;
  team: string;
  requestedBy: NonNullable<Peering['approval']>['requestedBy'];
  requestedAt: string;
  expiresAt: string;
  clusters: { cluster: string; approverTeams: string[]; approved: boolean }[];
  peering: Peering;
}

/**
 * Approvals of peerings on clusters that require them (docs/self-service.md): the list an approver
 * team sees, approve (the work starts once every cluster approved), reject, and expiry.
 */
@Injectable()
export class ApprovalsService {
  constructor(
    private readonly store: PeeringStore,
    private readonly operations: OperationStore,
    private readonly transitions: PeeringTransitions,
    private readonly peerings: PeeringsService,
    private readonly events: DomainEvents,
  ) {}

  /** The peerings awaiting an approval the caller's team may give, whatever their team (a read-only view). */
  async list(query: ListApprovalsQuery, caller = Caller.system()): Promise<{ items: ApprovalView[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const items: ApprovalView[] = [];
    let cursor = query.cursor;
    for (;;) {
      const page = await this.store.list(limit, cursor, { state: 'AWAITING_APPROVAL' });
      for (const peering of page.items) {
        if (this.approvableBy(peering, caller).length) items.push(toApprovalView(peering));
        if (items.length === limit) return { items, nextCursor: peering.id };
      }
      if (!page.nextCursor) return { items, nextCursor: null };
      cursor = page.nextCursor;
    }
  }

  /** Gives the caller's approvals; once every cluster approved, the work starts (202). */
  async approve(id: string, input: ApproveDto, caller = Caller.system()): Promise<Peering> {
    const current = await this.awaiting(id, caller);
    const mine = new Set(this.approvableBy(current, caller).map((c) => c.cluster));
    const now = nowIso();
    // The store writes by compare-and-set: of concurrent approvals, only the one whose write gave
    // an approval still missing counts, and only the one that gave the last starts the work.
    let gave = false;
    let completed = false;
    const approved = await this.store.update(id, (p) => {
      gave = completed = false;
      if (p.state !== 'AWAITING_APPROVAL' || !p.approval) return null;
      const clusters = p.approval.clusters.map((c) =>
        mine.has(c.cluster) && !c.approvedBy
          ? { ...c, approvedBy: caller.ref, approvedAt: now, ...(input.comment !== undefined && { comment: input.comment }) }
          : c,
      );
      gave = clusters.some((c, i) => c !== p.approval!.clusters[i]);
      if (!gave) return null;
      completed = clusters.every((c) => c.approvedBy);
      return { ...p, approval: { ...p.approval, clusters }, updatedAt: now };
    });
    caller.targetTeam = teamOf(approved);
    // Nothing left for this caller to give: an approval given at the same moment took it (the
    // peering as it stands, still awaiting), or the request was decided meanwhile (409).
    if (!gave) return toPeeringView(notDecided(approved));
    await this.events.emit({
      kind: 'peering.approval',
      decision: 'approved',
      peering: approved,
      operationId: approved.operationId,
      actor: caller.ref,
      reason: input.comment ?? null,
    });
    if (!completed) return toPeeringView(await this.transitions.observeSides(id, {}));
    await this.endWait(approved.operationId, problem('superseded', 'approved: a new operation does the work'));
    return toPeeringView(await this.peerings.startOperation(approved, 'create', 'ESTABLISHING', undefined, caller));
  }

  /** Refuses the request: the peering is FAILED with `approval_rejected` (a retry asks again). */
  async reject(id: string, input: RejectDto, caller = Caller.system()): Promise<Peering> {
    const current = await this.awaiting(id, caller);
    caller.targetTeam = teamOf(current);
    const who = caller.actor.team ?? caller.actor.id;
    const reason = problem('approval_rejected', `rejected by ${who}: ${input.reason}`);
    const failed = await this.transitions.move(id, 'FAILED', {
      lastError: reason,
      reason: reason.detail,
      // An approval that completed at the same moment started the work: the reject is too late.
      onlyIf: (p) => p.state === 'AWAITING_APPROVAL',
      change: (p) => ({ approval: { ...p.approval!, outcome: 'rejected', decidedBy: caller.ref, reason: input.reason } }),
    });
    if (failed.approval?.outcome !== 'rejected')
      throw new GatewayError('conflict', `peering ${id} is ${failed.state}: it was decided meanwhile, and only a peering in AWAITING_APPROVAL can be rejected`);
    await this.endWait(current.operationId, reason);
    await this.events.emit({
      kind: 'peering.approval',
      decision: 'rejected',
      peering: failed,
      operationId: failed.operationId,
      actor: caller.ref,
      reason: input.reason,
    });
    return toPeeringView(failed);
  }

  /**
   * Ends a peering whose approval did not come in time (its operation's delayed job, at the
   * approval's expiry): FAILED with `approval_expired`. False when it is not due.
   */
  async expire(peering: Peering, operation: Operation, now = Date.now()): Promise<boolean> {
    if (peering.state !== 'AWAITING_APPROVAL' || !peering.approval || Date.parse(peering.approval.expiresAt) > now) return false;
    const reason = problem('approval_expired', `no approval was given by ${peering.approval.expiresAt} (GATEWAY_APPROVAL_TTL); POST .../retry asks again`);
    await this.transitions.move(peering.id, 'FAILED', {
      lastError: reason,
      reason: reason.detail,
      onlyIf: (p) => p.state === 'AWAITING_APPROVAL' && p.operationId === operation.id,
      change: (p) => ({ approval: { ...p.approval!, outcome: 'expired' } }),
    });
    await this.endWait(operation.id, reason);
    return true;
  }

  /** The operation that waited for the approval ends (its delayed job then does nothing). */
  private async endWait(operationId: string, reason: Operation['lastError']): Promise<void> {
    await this.operations.update(operationId, (o) => {
      if (o.status === 'succeeded' || o.status === 'failed') return;
      o.status = 'failed';
      o.nextAttemptAt = null;
      o.lastError = reason;
    });
    await this.operations.clearOutbox(operationId);
  }

  /**
   * The peering, when it awaits an approval the caller may give: 409 when it does not await an
   * approval; 403 for any team that may not approve (the requesting team among them), as the
   * contract says.
   */
  private async awaiting(id: string, caller: Caller): Promise<Peering> {
    const peering = notDecided(await this.store.require(id));
    if (!this.approvableBy(peering, caller).length) {
      const teams = [...new Set(peering.approval!.clusters.filter((c) => !c.approvedBy).flatMap((c) => c.approverTeams))];
      const own = caller.actor.team === teamOf(peering) ? ': a team cannot approve its own request' : '';
      throw new GatewayError('forbidden', `team '${caller.actor.team ?? 'none'}' may not approve this peering (approver teams: ${teams.join(', ')})${own}`);
    }
    return peering;
  }

  private approvableBy(peering: Peering, caller: Caller): NonNullable<Peering['approval']>['clusters'] {
    return (peering.approval?.clusters ?? []).filter((c) => !c.approvedBy && mayApprove(c, caller.actor.team, caller.isAdmin));
  }
}

function toApprovalView(peering: Peering): ApprovalView {
  const approval = peering.approval!;
  return {
    peeringId: peering.id,
    name: peering.name,
    product: peering.product,
    team: teamOf(peering),
    requestedBy: approval.requestedBy,
    requestedAt: approval.requestedAt,
    expiresAt: approval.expiresAt,
    clusters: approval.clusters.map((c) => ({ cluster: c.cluster, approverTeams: c.approverTeams, approved: Boolean(c.approvedBy) })),
    peering: toPeeringView(peering),
  };
}

/** The peering, when it still awaits an approval; otherwise a 409. */
function notDecided(peering: Peering): Peering {
  if (peering.state !== 'AWAITING_APPROVAL')
    throw new GatewayError('conflict', `peering ${peering.id} is ${peering.state}: only a peering in AWAITING_APPROVAL can be approved or rejected`);
  return peering;
}
