import type { Cluster } from '../../clusters/cluster.js';
import type { HttpAnswer } from '../../transport/cluster-http.js';
import { cleanUpstreamText, retryAfterMs, unexpectedAnswer } from '../consul/consul-errors.js';
import { type ErrorKind, UpstreamError } from '../port.js';
import { ONTAP_ERROR_CODES, ONTAP_ROUTE_PROPAGATION_CODE } from './error-codes.js';

/** Codes that mean "this passphrase will not do": the handshake makes a new one. */
const SECRET_REJECTED = new Set(['4656106', '4656107']);

export interface OntapErrorBody {
  error?: { code?: string; message?: string; target?: string };
}

/** Turns an ONTAP error (HTTP answer or failed job) into an UpstreamError, by ONTAP's code first. */
export function classifyOntapError(cluster: Cluster, status: number | null, code: string | null, message: string, retryAfter?: number): UpstreamError {
  const upstream = { product: 'ontap' as const, cluster: cluster.id, status, code, message: cleanUpstreamText(message) };
  const known = code ? ONTAP_ERROR_CODES[code] : undefined;
  if (code && SECRET_REJECTED.has(code)) return new UpstreamError('secret-rejected', upstream, 'upstream_rejected', known?.summary);
  if (code === ONTAP_ROUTE_PROPAGATION_CODE) return new UpstreamError('route-propagation', upstream, 'upstream_unavailable', known?.summary);
  if (known) {
    const kind: ErrorKind = known.retryable === 'backoff' ? 'transient' : known.retryable === 'route-propagation' ? 'route-propagation' : 'final';
    return new UpstreamError(kind, upstream, known.gatewayCode, known.summary, retryAfter);
  }
  if (status === 404) return new UpstreamError('not-found', upstream, 'not_found', 'the record does not exist on the cluster');
  if (status === 401 || status === 403) {
    return new UpstreamError(
      'final',
      upstream,
      'upstream_rejected',
      "the cluster refused the gateway's credentials; check the cluster's username and password",
    );
  }
  if (status === null || status >= 500 || status === 429)
    return new UpstreamError('transient', upstream, 'upstream_unavailable', 'the cluster failed to answer', retryAfter);
  return new UpstreamError('final', upstream, 'upstream_rejected', undefined, retryAfter);
}

/**
 * Only ONTAP's own error fields (`error.code`, `error.message`, `error.target`) are shown; an
 * answer in another shape (a proxy's page, or something else at the endpoint) is described by
 * status, type and size, never echoed.
 */
export function classifyOntapAnswer(cluster: Cluster, answer: HttpAnswer): UpstreamError {
  const error = ontapError(answer.text);
  if (!error)
    return classifyOntapError(cluster, answer.status, null, answer.text.trim() ? unexpectedAnswer(answer) : `HTTP ${answer.status}`, retryAfterMs(answer));
  const message = error.message ?? `HTTP ${answer.status}`;
  return classifyOntapError(cluster, answer.status, error.code ?? null, error.target ? `${message} (target: ${error.target})` : message, retryAfterMs(answer));
}

function ontapError(text: string): { code?: string; message?: string; target?: string } | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  const error = (body as OntapErrorBody | null)?.error;
  if (!error || typeof error !== 'object') return null;
  const field = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);
  const picked = { code: field(error.code), message: field(error.message), target: field(error.target) };
  return picked.code !== undefined || picked.message !== undefined ? picked : null;
}
