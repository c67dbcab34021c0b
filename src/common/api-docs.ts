import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ERROR_CODES, type ErrorCode, problem, PROBLEM_CONTENT_TYPE } from './problem.js';

export class FieldErrorDoc {
  @ApiProperty({ example: 'remote.cluster' }) field: string;
  @ApiProperty({ example: "cluster 'dc9' is not registered" }) message: string;
}

export class UpstreamDoc {
  @ApiProperty({ description: 'The product of the cluster (a registered product id)' }) product: string;
  @ApiProperty({ example: 'west' }) cluster: string;
  @ApiProperty({ nullable: true, type: Number, example: 400 }) status: number | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: "The product's error code; null for products that answer errors in plain text",
    example: '4653365',
  })
  code: string | null;
  @ApiProperty({ example: 'The peer cluster is not reachable on its intercluster addresses' }) message: string;
}

/**
 * Codes the contract (docs) names before the gateway raises them itself: documented so that clients
 * handle them, never produced by `problem()` until they move into ERROR_CODES.
 */
const DOCUMENTED_CODES = {
  rate_limited: { status: 429, title: 'Too many requests' },
} as const;

type DocumentedCode = ErrorCode | keyof typeof DOCUMENTED_CODES;

const ALL_CODES: Record<DocumentedCode, { status: number; title: string }> = { ...DOCUMENTED_CODES, ...ERROR_CODES };

/** RFC 9457 problem details, as every 4xx and 5xx answer carries them. */
export class ProblemDoc {
  @ApiProperty({ example: 'https://peering-gateway.dev/problems/validation-failed', description: 'A URI naming the kind of problem' }) type: string;
  @ApiProperty({ example: 'The request is not valid', description: 'The same for every problem of a kind' }) title: string;
  @ApiProperty({ example: 400, description: 'The HTTP status' }) status: number;
  @ApiProperty({ example: 'remote.cluster: cluster must name a registered cluster', description: 'What went wrong this time, for people' }) detail: string;
  @ApiProperty({ enum: [...new Set(Object.keys(ALL_CODES))], description: 'A stable gateway error code, for programs' }) code: string;
  @ApiPropertyOptional({ type: [FieldErrorDoc], description: 'validation_failed: one entry per field' }) errors?: FieldErrorDoc[];
  @ApiPropertyOptional({ type: UpstreamDoc, description: 'Where a cluster said no: what it answered' }) upstream?: UpstreamDoc;
}

/** One example per code: what a client meets, with the fields that code carries. */
const EXAMPLE_DETAILS: Record<DocumentedCode, { detail: string; extra?: Pick<ProblemDoc, 'errors' | 'upstream'> }> = {
  validation_failed: {
    detail: "remote.cluster: cluster 'dc9' is not registered",
    extra: { errors: [{ field: 'remote.cluster', message: "cluster 'dc9' is not registered" }] },
  },
  unauthorized: { detail: 'a valid bearer token is required (Authorization: Bearer <token>)' },
  forbidden: { detail: 'this token lacks the scope peerings:write' },
  not_found: { detail: "peering 'pr_01jd0c7v9q4m2x8r6t5y3w1zab' does not exist" },
  method_not_allowed: { detail: 'Method not allowed' },
  not_acceptable: { detail: 'POST /mcp answers JSON or an event stream: send Accept: application/json, text/event-stream' },
  conflict: { detail: "a live peering named 'east-west' already exists between east and west" },
  idempotency_key_in_use: { detail: 'a request with this Idempotency-Key is still being answered; try again shortly' },
  idempotency_key_reused: { detail: 'this Idempotency-Key was first used with another method, path or body' },
  precondition_failed: { detail: 'west has no working key manager at cluster scope (requireKeyManager)' },
  unsupported_media_type: { detail: 'Unsupported Media Type: text/plain' },
  payload_too_large: { detail: 'Request body is too large' },
  upstream_rejected: {
    detail: 'west refused the request',
    extra: { upstream: { product: 'storage', cluster: 'west', status: 400, code: '4653365', message: 'The peer cluster is not reachable' } },
  },
  upstream_unavailable: { detail: 'west does not answer; the circuit is open for 30 s' },
  superseded: { detail: 'superseded by operation op_01jd0c7v9q4m2x8r6t5y3w1zac' },
  approval_rejected: { detail: 'rejected by storage-admins: no SnapMirror to this site' },
  approval_expired: { detail: 'no approval was given within P7D (GATEWAY_APPROVAL_TTL)' },
  service_unavailable: { detail: 'the gateway store (Redis) is unreachable; try again shortly' },
  internal_error: { detail: 'an unexpected error occurred; it has been logged' },
  rate_limited: { detail: 'more than 120 writes in a minute for this key; try again in 12 s' },
  bad_request: { detail: 'the request target is not valid percent-encoding' },
  request_timeout: { detail: 'the request did not arrive within 30000 ms' },
  uri_too_long: { detail: 'the request target is longer than 4096 characters' },
  headers_too_large: { detail: 'the request headers are too large' },
  upstream_invalid: {
    detail: "cluster 'east': the answer could not be read as the product's records",
    extra: { upstream: { product: 'storage', cluster: 'east', status: null, code: null, message: "the answer could not be read as the product's records" } },
  },
  not_implemented: { detail: 'method PROPFIND is not implemented' },
};

/** The example problem of a code, built as the gateway builds its answers. */
export function exampleProblem(code: DocumentedCode): ProblemDoc {
  const { detail, extra } = EXAMPLE_DETAILS[code];
  if (code in ERROR_CODES) return problem(code as ErrorCode, detail, extra);
  const { status, title } = ALL_CODES[code];
  return { type: `https://peering-gateway.dev/problems/${code.replace(/_/g, '-')}`, title, status, detail, code, ...extra };
}

/** Response headers named by the contract (components.headers of the document). */
export const HEADERS = {
  location: {
    description: 'Where the resource can be read (a path under this server)',
    schema: { type: 'string', example: '/v1/peerings/pr_01jd0c7v9q4m2x8r6t5y3w1zab' },
  },
  retryAfter: { description: 'Seconds to wait before trying again', schema: { type: 'integer', example: 1 } },
  requestId: {
    description: "The caller's X-Request-Id, or one generated for this request: quote it when reporting a problem",
    schema: { type: 'string', example: 'req_01jd0c7v9q4m2x8r6t5y3w1zab' },
  },
} as const;

/** Statuses that ask the caller to come back later: they carry Retry-After. */
const RETRY_STATUSES = new Set([429, 503]);

/** Documents the problem answers a route can give: application/problem+json, with an example per code. */
export function ApiProblems(...codes: DocumentedCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, DocumentedCode[]>();
  for (const code of codes) byStatus.set(ALL_CODES[code].status, [...(byStatus.get(ALL_CODES[code].status) ?? []), code]);
  return applyDecorators(
    ApiExtraModels(ProblemDoc),
    ...[...byStatus].map(([status, list]) =>
      ApiResponse({
        status,
        description: `${PROBLEM_CONTENT_TYPE}; code: ${list.join(' | ')}`,
        ...(RETRY_STATUSES.has(status) ? { headers: { 'Retry-After': HEADERS.retryAfter } } : {}),
        content: {
          [PROBLEM_CONTENT_TYPE]: {
            schema: { $ref: getSchemaPath(ProblemDoc) },
            examples: Object.fromEntries(list.map((code) => [code, { summary: ALL_CODES[code].title, value: exampleProblem(code) }])),
          },
        },
      }),
    ),
  );
}

/** What every write route can meet on its body and its rate: 413, 415 and 429. */
export const WRITE_LIMIT_PROBLEMS: DocumentedCode[] = ['payload_too_large', 'unsupported_media_type', 'rate_limited'];
