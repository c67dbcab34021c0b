import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GatewayError } from '../common/problem.js';
import { type IdempotencyService, type StoredAnswer } from '../stores/idempotency.service.js';

const KEY_RULE = /^[\x21-\x7e]{1,255}$/;

/**
 * Runs a write under an optional Idempotency-Key: replays the first answer for a repeat, or
 * runs `work` and keeps its answer. Called with the request's method, path and body as sent (by
 * IdempotencyInterceptor, and by the MCP tools); `work` gets the key's hash (IdempotencyService.keyHash).
 */
export async function idempotent(
  service: IdempotencyService,
  idempotencyKey: string | undefined,
  request: { method: string; path: string; body: unknown; scope?: string },
  work: (keyHash: string | undefined) => Promise<StoredAnswer>,
): Promise<StoredAnswer> {
  if (idempotencyKey === undefined) return work(undefined);
  if (!KEY_RULE.test(idempotencyKey)) throw GatewayError.validation('Idempotency-Key', 'must be 1-255 printable ASCII characters');
  const fingerprint = service.fingerprint(request.method, request.path, request.body);
  const keyHash = service.keyHash(idempotencyKey, request.scope);
  const replay = await service.begin(keyHash, fingerprint);
  if (replay) return replay;
  try {
    const answer = await work(keyHash);
    await service.complete(keyHash, fingerprint, answer);
    return answer;
  } catch (err) {
    await service.abandon(keyHash);
    throw err;
  }
}

const KEY_HASH = Symbol('idempotency key hash');

/** Hands the key's hash to the handler (IdempotencyInterceptor, before the handler runs). */
export function setIdempotencyKeyHash(request: object, keyHash: string | undefined): void {
  (request as { [KEY_HASH]?: string })[KEY_HASH] = keyHash;
}

/** The hash of the request's Idempotency-Key on an @Idempotent() route, or undefined without one. */
export const IdempotencyKeyHash = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined => context.switchToHttp().getRequest<{ [KEY_HASH]?: string }>()[KEY_HASH],
);
