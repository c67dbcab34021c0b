import { Injectable } from '@nestjs/common';
import { newId } from '../common/ids.js';
import { GatewayError } from '../common/problem.js';
import { nowIso } from '../common/time.js';
import { type Caller, hasScope } from '../domain/access.js';
import { type ApiKey, apiKeyHash, newApiKeySecret } from '../domain/api-key.js';
import { CreateApiKeyDto, ListApiKeysQuery } from './api-key.dto.js';
import { ApiKeyStore } from '../stores/api-key.store.js';

/** API keys: made for a team with some scopes, shown once, revoked at once. */
@Injectable()
export class ApiKeysService {
  constructor(private readonly store: ApiKeyStore) {}

  /** The key is in this answer and never again: only its SHA-256 is kept. */
  async create(input: CreateApiKeyDto, caller: Caller): Promise<ApiKey & { key: string }> {
    const team = caller.teamFor(input.team);
    const beyond = input.scopes.filter((s) => !hasScope(caller.actor.scopes, s));
    if (beyond.length) throw new GatewayError('forbidden', `scopes: a key cannot get scopes its maker lacks: ${beyond.join(', ')}`);
    if (input.expiresAt !== undefined && Date.parse(input.expiresAt) <= Date.now()) throw GatewayError.validation('expiresAt', 'must be in the future');
    const key = newApiKeySecret();
    const record: ApiKey = {
      id: newId('key'),
      name: input.name,
      team,
      scopes: input.scopes,
      createdAt: nowIso(),
      expiresAt: input.expiresAt !== undefined ? new Date(input.expiresAt).toISOString() : null,
      lastUsedAt: null,
      revokedAt: null,
      createdBy: caller.ref,
    };
    await this.store.create(record, apiKeyHash(key));
    return { ...record, key };
  }

  async list(query: ListApiKeysQuery, caller: Caller): Promise<{ items: ApiKey[]; nextCursor: string | null }> {
    return this.store.page(query.limit ?? 50, query.cursor, caller.listTeam());
  }

  async get(id: string, caller: Caller): Promise<ApiKey> {
    const key = await this.store.get(id);
    if (!key) throw GatewayError.notFound('api-key', id);
    return caller.check('api-key', id, key);
  }

  /** Revoked at once: the next request with it is refused, on every replica. Revoking twice is fine. */
  async revoke(id: string, caller: Caller): Promise<void> {
    const key = await this.get(id, caller);
    caller.targetTeam = key.team;
    if (key.revokedAt === null) await this.store.revoke(key, nowIso());
  }
}
