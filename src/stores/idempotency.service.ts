import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { GatewayError } from '../common/problem.js';
import { SecretCipher } from './secret-cipher.js';
import { RedisService } from '../redis/redis.service.js';

/** How long an Idempotency-Key and its first answer are kept. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
/**
 * How long a key is held by a request still being answered. Short, because a request that fails
 * while Redis is away (a failover) cannot free its key: the key must come free by itself for the
 * client's retry. An answer, once stored, is kept IDEMPOTENCY_TTL_SECONDS.
 */
export const IDEMPOTENCY_PENDING_TTL_SECONDS = 10;

export interface StoredAnswer {
  status: number;
  body: unknown;
  location?: string;
}

interface Entry {
  fingerprint: string;
  /** The first answer, sealed: it may carry a secret shown once (a webhook's signing secret). */
  sealed?: string;
  /** The first answer as written before answers were sealed. */
  answer?: StoredAnswer;
}

/** Canonical JSON (sorted keys) so that the same body always gives the same fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Idempotency-Key as the contract has it: the same key and request replay the first answer; the
 * same key with another request is 422; the same key while the first is in flight is 409.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    private readonly redis: RedisService,
    private readonly cipher: SecretCipher,
  ) {}

  /**
   * The one hash of a caller's Idempotency-Key: its record's name here, and what a create keeps on
   * its operation to recognise its own retry (PeeringsService.create). Keys are per caller: another
   * credential sending the same key never meets this one.
   */
  keyHash(idempotencyKey: string, scope: string | undefined): string {
    return createHash('sha256')
      .update(scope === undefined ? idempotencyKey : `${scope}\n${idempotencyKey}`)
      .digest('hex');
  }

  private key(keyHash: string): string {
    return this.redis.key('idem', keyHash);
  }

  fingerprint(method: string, path: string, body: unknown): string {
    return createHash('sha256')
      .update(`${method} ${path} ${canonical(body)}`)
      .digest('hex');
  }

  /** Claims the key; returns a stored answer to replay, or null when this request goes ahead. */
  async begin(keyHash: string, fingerprint: string): Promise<StoredAnswer | null> {
    const key = this.key(keyHash);
    const claimed = await this.redis.client.set(key, JSON.stringify({ fingerprint } satisfies Entry), 'EX', IDEMPOTENCY_PENDING_TTL_SECONDS, 'NX');
    if (claimed === 'OK') return null;
    const raw = await this.redis.client.get(key);
    if (!raw) return this.begin(keyHash, fingerprint);
    const entry = JSON.parse(raw) as Entry;
    if (entry.fingerprint !== fingerprint) {
      throw new GatewayError('idempotency_key_reused', 'this Idempotency-Key was first used with another request; use a new key for a new request');
    }
    if (entry.sealed) return JSON.parse(this.cipher.open(entry.sealed, key)) as StoredAnswer;
    if (!entry.answer) throw new GatewayError('idempotency_key_in_use', 'the first request with this Idempotency-Key is still being answered; retry shortly');
    return entry.answer;
  }

  async complete(keyHash: string, fingerprint: string, answer: StoredAnswer): Promise<void> {
    const key = this.key(keyHash);
    const sealed = this.cipher.seal(JSON.stringify(answer), key);
    await this.redis.client.set(key, JSON.stringify({ fingerprint, sealed } satisfies Entry), 'EX', IDEMPOTENCY_TTL_SECONDS);
  }

  /** The request failed before it was accepted: the key is free for a retry. */
  async abandon(keyHash: string): Promise<void> {
    await this.redis.client.del(this.key(keyHash));
  }
}
