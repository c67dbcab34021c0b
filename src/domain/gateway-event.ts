import { type ActorRef, DEFAULT_TEAM } from './access.js';
import { newId } from '../common/ids.js';
import type { Problem } from '../common/problem.js';
import { nowIso } from '../common/time.js';
import { type Peering, teamOf, toPeeringView } from './peering.js';
import type { PeeringState } from './peering-state.js';
import type { DomainEvent, PeeringPartChange } from './domain-events.js';

export const GATEWAY_EVENT_TYPES = [
  'peering.state_changed',
  'peering.active',
  'peering.degraded',
  'peering.failed',
  'peering.deleted',
  'peering.secret_rotated',
  'operation.failed',
  'peering.part_ready',
  'peering.part_failed',
  'peering.approval_requested',
  'peering.approved',
  'peering.rejected',
] as const;
export type GatewayEventType = (typeof GATEWAY_EVENT_TYPES)[number];

export interface GatewayEventData {
  /** The peering as callers see it (no secret); null when it was already gone. */
  peering: Peering | null;
  operationId: string;
  from?: PeeringState;
  to?: PeeringState;
  reason?: string | null;
  error?: Problem;
  /** The part that became ready or failed (peering.part_ready, peering.part_failed). */
  part?: PeeringPartChange;
  /** Who started the change: type, id and team (never a secret); null when the gateway did on its own. */
  actor: Pick<ActorRef, 'type' | 'id' | 'team' | 'via'> | null;
}

/** What the gateway publishes: kept as the peering's history and delivered as webhooks. */
export interface GatewayEvent {
  id: string;
  type: GatewayEventType;
  peeringId: string;
  /** The team of the peering: only its webhooks receive the event. */
  team: string;
  timestamp: string;
  data: GatewayEventData;
}

/** A state change also reads as what it means for the states callers wait for. */
const ARRIVALS: Partial<Record<PeeringState, GatewayEventType>> = {
  ACTIVE: 'peering.active',
  DEGRADED: 'peering.degraded',
  FAILED: 'peering.failed',
  DELETED: 'peering.deleted',
};

const APPROVAL_EVENTS = { requested: 'peering.approval_requested', approved: 'peering.approved', rejected: 'peering.rejected' } as const;

const published = new WeakMap<DomainEvent, GatewayEvent[]>();

/**
 * The published events of one domain event, in the order subscribers receive them. Made once per
 * domain event, so the history and the webhooks name the same event ids.
 */
export function toGatewayEvents(event: DomainEvent): GatewayEvent[] {
  let events = published.get(event);
  if (!events) published.set(event, (events = makeGatewayEvents(event)));
  return events;
}

function makeGatewayEvents(event: DomainEvent): GatewayEvent[] {
  const timestamp = nowIso();
  if (event.kind === 'operation.failed') {
    const { operation } = event;
    const data = {
      peering: event.peering ? toPeeringView(event.peering) : null,
      operationId: operation.id,
      error: event.error,
      actor: actorOf(operation.startedBy),
    };
    const team = event.peering ? teamOf(event.peering) : (operation.team ?? DEFAULT_TEAM);
    return [{ id: newId('ev'), type: 'operation.failed', peeringId: operation.peeringId, team, timestamp, data }];
  }
  if (event.kind === 'peering.part_changed') {
    const type = event.part.state === 'ready' ? 'peering.part_ready' : 'peering.part_failed';
    const data = { peering: toPeeringView(event.peering), operationId: event.operationId, part: event.part, actor: null };
    return [{ id: newId('ev'), type, peeringId: event.peering.id, team: teamOf(event.peering), timestamp, data }];
  }
  if (event.kind === 'peering.secret_rotated') {
    const data = { peering: toPeeringView(event.peering), operationId: event.operationId, actor: actorOf(event.actor) };
    return [{ id: newId('ev'), type: 'peering.secret_rotated', peeringId: event.peering.id, team: teamOf(event.peering), timestamp, data }];
  }
  if (event.kind === 'peering.approval') {
    const type = APPROVAL_EVENTS[event.decision];
    const data = { peering: toPeeringView(event.peering), operationId: event.operationId, reason: event.reason ?? null, actor: actorOf(event.actor) };
    return [{ id: newId('ev'), type, peeringId: event.peering.id, team: teamOf(event.peering), timestamp, data }];
  }
  const data: GatewayEventData = {
    peering: toPeeringView(event.peering),
    operationId: event.operationId,
    from: event.from,
    to: event.to,
    reason: event.reason,
    actor: actorOf(event.actor),
  };
  const team = teamOf(event.peering);
  const events: GatewayEvent[] = [{ id: newId('ev'), type: 'peering.state_changed', peeringId: event.peering.id, team, timestamp, data }];
  const arrival = ARRIVALS[event.to];
  if (arrival) events.push({ id: newId('ev'), type: arrival, peeringId: event.peering.id, team, timestamp, data });
  return events;
}

/** The actor as events carry it: type, id and team only. */
function actorOf(actor: ActorRef | null | undefined): GatewayEventData['actor'] {
  return actor ? { type: actor.type, id: actor.id, team: actor.team, ...(actor.via && { via: actor.via }) } : null;
}
