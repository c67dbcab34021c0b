import type { ActorRef } from './access.js';

export type AuditOutcome = 'allowed' | 'denied' | 'failed';

/** One entry of the audit log: who did or tried what, on what, and how it ended. */
export interface AuditEntry {
  id: string;
  at: string;
  actor: ActorRef;
  /** `<resource>.<verb>`, e.g. peering.create, api-key.delete, peering.read. */
  action: string;
  target: { type: string; id: string | null };
  outcome: AuditOutcome;
  /** The HTTP status answered. */
  status: number;
  requestId: string;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  target?: string;
  sinceMs?: number;
}

/** 2xx and 3xx were allowed; 5xx failed; any 4xx was refused. */
export function outcomeOf(status: number): AuditOutcome {
  if (status >= 500) return 'failed';
  return status >= 400 ? 'denied' : 'allowed';
}

export function matchesAudit(entry: AuditEntry, filter: AuditFilter): boolean {
  if (filter.actor && entry.actor.id !== filter.actor) return false;
  if (filter.action && entry.action !== filter.action) return false;
  if (filter.target && entry.target.id !== filter.target && `${entry.target.type}:${entry.target.id}` !== filter.target) return false;
  return true;
}
