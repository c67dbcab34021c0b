import type { Cluster } from '../../domain/cluster.js';
import type { HttpAnswer } from '../../transport/cluster-http.js';
import { cleanUpstreamText, retryAfterMs, unexpectedAnswer } from '../../transport/upstream-text.js';
import { type ErrorKind, UpstreamError } from '../port.js';
import { ONTAP_ERROR_CODES } from './error-codes.js';

/** Codes that mean "this passphrase will not do": the handshake makes a new one. */
const SECRET_REJECTED = new Set(['4656106', '4656107']);

export interface OntapErrorBody {
  error?: { code?: string; message?: string; target?: string };
}

/**
 * What a cluster-peer create says when the cluster cannot get to the remote addresses: that
 * they cannot be reached, contacted, connected or routed to, or that contacting them timed out
 * (the nearest public text: 262224 `Failed to contact peer cluster ... RPC: Remote system error`).
 */
const UNREACHABLE =
  /\b(cannot|can ?not|can't|could ?not|couldn't|unable to|failed to|fails? to)\s+(be\s+)?(reach|contact|connect|rout|communicat)\w*|\bunreachable\b|not reachable|no route to host|timed? ?out|connection (refused|reset|timed out)|remote system error|RPC:\s*(Remote|Timed|Unable|Port mapper)/i;

/** The fields of a failed create that tell a route failure apart, whatever its code. */
export interface CreateFailure {
  code: string | null;
  message: string;
  target?: string;
}

/**
 * A cluster-peer create that fails naming the remote addresses: its `target` is the remote
 * addresses, or its message says the remote cannot be reached (docs/product-facts.md, "Route
 * propagation": no public source names the code, so no code number is needed). A code the
 * documentation gives another meaning to keeps that meaning (4656076 mixed families, 4656092 an
 * unresolvable name, 4656095 no LIF of that family: all name the remote addresses too).
 */
export function isRouteFailure(failure: CreateFailure): boolean {
  const known = failure.code ? ONTAP_ERROR_CODES[failure.code] : undefined;
  if (known && known.retryable !== 'route-propagation' && known.gatewayCode !== 'upstream_unavailable') return false;
  if (failure.code && SECRET_REJECTED.has(failure.code)) return false;
  if (known?.retryable === 'route-propagation') return true;
  return /^remote\.ip_addresses\b/.test(failure.target ?? '') || UNREACHABLE.test(failure.message);
}

/** What the user reads while the cluster cannot reach the remote addresses. */
export function routeSummary(addresses: string[]): string {
  return (
    `the cluster cannot reach the remote intercluster addresses ${addresses.join(', ') || '(none given)'}; right after new intercluster ` +
    'interfaces appear this lasts a few seconds while routes propagate, and the same request is repeated'
  );
}

/** Makes `err`, a failed create towards `addresses`, the route-propagation failure it is. */
export function asRouteFailure(err: UpstreamError, addresses: string[]): UpstreamError {
  const route = new UpstreamError('route-propagation', err.upstream, 'upstream_unavailable', routeSummary(addresses), err.retryAfterMs);
  route.remoteAddresses = addresses;
  return route;
}

/**
 * Turns an ONTAP error (HTTP answer or failed job) into an UpstreamError, by ONTAP's code first.
 * `createTo` is given for a cluster-peer create: the remote addresses it names, so a failure that
 * says they cannot be reached is recognised as route propagation whatever its code.
 */
export function classifyOntapError(
  cluster: Cluster,
  status: number | null,
  code: string | null,
  message: string,
  retryAfter?: number,
  context: { target?: string; createTo?: string[] } = {},
): UpstreamError {
  const upstream = { product: 'ontap' as const, cluster: cluster.id, status, code, message: cleanUpstreamText(message) };
  const known = code ? ONTAP_ERROR_CODES[code] : undefined;
  if (code && SECRET_REJECTED.has(code)) return new UpstreamError('secret-rejected', upstream, 'upstream_rejected', known?.summary);
  if (context.createTo && isRouteFailure({ code, message, target: context.target })) {
    return asRouteFailure(new UpstreamError('transient', upstream, 'upstream_unavailable', undefined, retryAfter), context.createTo);
  }
  if (known) {
    // The simulator's route code outside a create (a PATCH of addresses): the cluster is the judge, not the window.
    const kind: ErrorKind = known.retryable === 'backoff' || known.retryable === 'route-propagation' ? 'transient' : 'final';
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
 * status, type and size, never echoed. `createTo` is given for a cluster-peer create (see
 * classifyOntapError).
 */
export function classifyOntapAnswer(cluster: Cluster, answer: HttpAnswer, createTo?: string[]): UpstreamError {
  const error = ontapError(answer.text);
  if (!error)
    return classifyOntapError(cluster, answer.status, null, answer.text.trim() ? unexpectedAnswer(answer) : `HTTP ${answer.status}`, retryAfterMs(answer), {
      createTo,
    });
  const message = error.message ?? `HTTP ${answer.status}`;
  return classifyOntapError(cluster, answer.status, error.code ?? null, error.target ? `${message} (target: ${error.target})` : message, retryAfterMs(answer), {
    target: error.target,
    createTo,
  });
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
