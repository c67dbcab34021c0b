import { GatewayError } from '../common/problem.js';
import { type IdempotencyService, type StoredAnswer } from './idempotency.service.js';

const KEY_RULE = /^[\x21-\x7e]{1,255}$/;

/**
 * Runs a write under an optional Idempotency-Key: replays the first answer for a repeat, or
 * runs `work` and keeps its answer. Controllers call it with the request's method, path and body.
 */
export async function idempotent(
  service: IdempotencyService,
  idempotencyKey: string | undefined,
  request: { method: string; path: string; body: unknown; scope?: string },
  work: () => Promise<StoredAnswer>,
): Promise<StoredAnswer> {
  if (idempotencyKey === undefined) return work();
  if (!KEY_RULE.test(idempotencyKey)) throw GatewayError.validation('Idempotency-Key', 'must be 1-255 printable ASCII characters');
  const fingerprint = service.fingerprint(request.method, request.path, request.body);
  // Keys are per caller: another credential sending the same key never sees this answer.
  if (request.scope !== undefined) idempotencyKey = `${request.scope}\n${idempotencyKey}`;
  const replay = await service.begin(idempotencyKey, fingerprint);
  if (replay) return replay;
  try {
    const answer = await work();
    await service.complete(idempotencyKey, fingerprint, answer);
    return answer;
  } catch (err) {
    await service.abandon(idempotencyKey);
    throw err;
  }
}
