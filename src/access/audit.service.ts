import { Injectable } from '@nestjs/common';
import { type Caller } from '../domain/access.js';
import { type AuditEntry } from '../domain/audit.js';
import { AuditQuery } from './audit.dto.js';
import { AuditStore } from '../stores/audit.store.js';

/** The audit log as callers read it: a team its own entries, an admin all of them. */
@Injectable()
export class AuditService {
  constructor(private readonly store: AuditStore) {}

  list(query: AuditQuery, caller: Caller): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
    const filter = { actor: query.actor, action: query.action, target: query.target, sinceMs: query.since ? Date.parse(query.since) : undefined };
    return this.store.page(query.limit ?? 50, query.cursor, caller.listTeam(), filter);
  }
}
