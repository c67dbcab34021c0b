import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply } from 'fastify';
import { type ErrorCode, type FieldError, GatewayError, type Problem, problem, PROBLEM_CONTENT_TYPE } from './problem.js';

/** A problem and the headers that go with it (Retry-After, Allow, WWW-Authenticate). */
export interface ProblemAnswer {
  body: Problem;
  headers?: Record<string, string>;
}

/** Headers every problem of this status carries, whoever renders it. */
function statusHeaders(status: number): Record<string, string> {
  return status === 401 ? { 'www-authenticate': 'Bearer' } : {};
}

export function answerOf(err: GatewayError): ProblemAnswer {
  return { body: err.problem, headers: err.retryAfter !== undefined ? { 'retry-after': String(err.retryAfter) } : {} };
}

export function sendProblem(reply: FastifyReply, answer: ProblemAnswer): FastifyReply {
  const headers = { ...statusHeaders(answer.body.status), ...answer.headers, 'content-type': PROBLEM_CONTENT_TYPE };
  return reply.status(answer.body.status).headers(headers).send(answer.body);
}

/**
 * Errors Fastify raises itself (body limits, media types, malformed URLs), as problems. Only
 * 4xx: anything else is not the caller's fault and is left to the caller of this function.
 */
export function fastifyProblem(err: { code?: string; statusCode?: number; message?: string }, bodyLimitBytes: number): ProblemAnswer | null {
  const bodyError = (code: ErrorCode, message: string, detail = `body: ${message}`): ProblemAnswer => ({
    body: problem(code, detail, { errors: [{ field: 'body', message }] }),
  });
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bodyError('payload_too_large', `must be at most ${bodyLimitBytes} bytes`);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return bodyError('validation_failed', 'its length does not match Content-Length');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_EMPTY_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return { body: problem('unsupported_media_type', 'send request bodies as Content-Type: application/json') };
    case 'FST_ERR_BAD_URL':
      return { body: problem('bad_request', 'the URL is not valid: a percent-encoded sequence is malformed') };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { body: problem('uri_too_long', 'a path segment is longer than any identifier the gateway issues') };
  }
  const status = err.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return null;
  const byStatus: Record<number, ErrorCode> = {
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    405: 'method_not_allowed',
    408: 'request_timeout',
    409: 'conflict',
    413: 'payload_too_large',
    414: 'uri_too_long',
    415: 'unsupported_media_type',
    431: 'headers_too_large',
  };
  const code = byStatus[status];
  if (code) return { body: problem(code, err.message ?? ERROR_DETAIL) };
  return { body: { ...problem('bad_request', err.message ?? ERROR_DETAIL), status } };
}

const ERROR_DETAIL = 'the request cannot be answered as sent';

/** A field error as a 400 problem, detail listing every error. */
export function invalidFields(errors: FieldError[]): GatewayError {
  return new GatewayError('validation_failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
}

/**
 * Errors of the HTTP parser and the request timer, which happen before Fastify has a request
 * (no route, no reply): the answer is written to the socket as problem+json, then it is closed.
 */
export function writeClientErrorProblem(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  let answer: Problem;
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      answer = problem('request_timeout', 'the request (headers and body) was not received in time; send it at once');
      break;
    case 'HPE_HEADER_OVERFLOW':
      answer = problem('headers_too_large', 'the request line and headers are larger than the gateway accepts');
      break;
    case 'HPE_INVALID_METHOD':
      answer = problem('not_implemented', 'the method is not one HTTP defines');
      break;
    case 'HPE_URI_TOO_LONG':
      answer = problem('uri_too_long', 'the URI is longer than the gateway accepts');
      break;
    default:
      answer = problem('bad_request', 'the request is not well-formed HTTP/1.1');
  }
  // As Node does: write only while no answer to this socket's request has started.
  const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !pending?.headersSent) {
    const body = JSON.stringify(answer);
    socket.write(
      `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
