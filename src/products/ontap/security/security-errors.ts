import { type ErrorKind, UpstreamError } from '../../port.js';
import { GatewayError } from '../../../common/problem.js';
import { SECURITY_ERROR_CODES } from './security-error-codes.js';

/**
 * The adapter classifies by the cluster-peer table; a security call's failure is read again
 * with the security table, so ONTAP's code keeps its meaning (gateway code, retry, summary).
 */
export function classifySecurityError(err: unknown): unknown {
  if (!(err instanceof UpstreamError) || !err.upstream.code) return err;
  const known = SECURITY_ERROR_CODES[err.upstream.code];
  if (!known) return err;
  const kind: ErrorKind = known.retryable === 'backoff' ? 'transient' : 'final';
  return new UpstreamError(kind, err.upstream, known.gatewayCode, known.summary, err.retryAfterMs);
}

/** In the API (before anything is written), a cluster's failure answers as its problem: 503 when it is away. */
export function asGatewayError(err: unknown): unknown {
  if (!(err instanceof UpstreamError)) return err;
  const problem = err.toProblem();
  const retryAfter = err.retryAfterMs !== undefined ? Math.ceil(err.retryAfterMs / 1000) : problem.code === 'upstream_unavailable' ? 1 : undefined;
  return new GatewayError(problem.code, problem.detail, { upstream: problem.upstream, retryAfter });
}
