import { hash, randomBytes } from 'node:crypto';
import type { ActorRef, Scope } from './access.js';

/** Every API key starts with this, so that scanners and callers can tell it apart. */
export const API_KEY_PREFIX = 'gwk_';

/** An API key as stored and shown: never the key itself, only its SHA-256 (kept apart). */
export interface ApiKey {
  id: string;
  name: string;
  team: string;
  scopes: Scope[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdBy: ActorRef;
}

/** A new key: 32 random bytes, base64url, after the prefix (256 bits: a plain hash is enough). */
export function newApiKeySecret(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** What is stored of a key, and how it is looked up. */
export function apiKeyHash(key: string): string {
  return hash('sha256', key, 'hex');
}

/** True while the key may be used. */
export function isUsable(key: ApiKey, now = Date.now()): boolean {
  return key.revokedAt === null && (key.expiresAt === null || Date.parse(key.expiresAt) > now);
}
