/**
 * Errors as data: every failure the gateway reports carries a stable code, and one table maps
 * the code to its HTTP status and title. Responses are RFC 9457 problem+json.
 */
export const ERROR_CODES = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  bad_request: { status: 400, title: 'The request is not well-formed HTTP' },
  unauthorized: { status: 401, title: 'A valid bearer token is required' },
  forbidden: { status: 403, title: 'The token does not allow this' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  not_acceptable: { status: 406, title: 'None of the accepted media types can be answered' },
  request_timeout: { status: 408, title: 'The request was not received in time' },
  conflict: { status: 409, title: 'Conflict with the current state' },
  rate_limited: { status: 429, title: 'Too many writes: slow down' },
  idempotency_key_in_use: { status: 409, title: 'A request with this Idempotency-Key is still being answered' },
  idempotency_key_reused: { status: 422, title: 'This Idempotency-Key was used with another request' },
  precondition_failed: { status: 422, title: 'A precondition on the clusters is not met' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  uri_too_long: { status: 414, title: 'URI too long' },
  headers_too_large: { status: 431, title: 'Request header fields too large' },
  upstream_rejected: { status: 422, title: 'The cluster rejected the request' },
  upstream_unavailable: { status: 503, title: 'The cluster is unavailable' },
  upstream_invalid: { status: 502, title: 'The cluster answered with something the gateway cannot read' },
  superseded: { status: 409, title: 'The operation was superseded by a later one' },
  approval_rejected: { status: 409, title: 'An approver rejected the peering' },
  approval_expired: { status: 409, title: 'No approval was given in time' },
  service_unavailable: { status: 503, title: 'The gateway cannot reach its store' },
  internal_error: { status: 500, title: 'Internal error' },
  not_implemented: { status: 501, title: 'Method not implemented' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  field: string;
  message: string;
}

export interface UpstreamInfo {
  product: string;
  cluster: string;
  status: number | null;
  code: string | null;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
  upstream?: UpstreamInfo;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
/** What Fastify sends with a JSON body; a handler answering JSON text it rendered itself sets it. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export function problem(code: ErrorCode, detail: string, extra: Pick<Problem, 'errors' | 'upstream'> = {}): Problem {
  const { status, title } = ERROR_CODES[code];
  return { type: `https://peering-gateway.dev/problems/${code.replace(/_/g, '-')}`, title, status, detail, code, ...extra };
}

/** Thrown anywhere in the gateway to answer with a problem; the exception filter renders it. */
export class GatewayError extends Error {
  readonly problem: Problem;
  /** Seconds, sent as Retry-After (used for 503s). */
  readonly retryAfter?: number;

  constructor(code: ErrorCode, detail: string, extra: Pick<Problem, 'errors' | 'upstream'> & { retryAfter?: number } = {}) {
    super(detail);
    const { retryAfter, ...rest } = extra;
    this.problem = problem(code, detail, rest);
    this.retryAfter = retryAfter;
  }

  static validation(field: string, message: string): GatewayError {
    return new GatewayError('validation_failed', `${field}: ${message}`, { errors: [{ field, message }] });
  }

  static notFound(what: string, id: string): GatewayError {
    return new GatewayError('not_found', `${what} '${id}' does not exist`);
  }
}
