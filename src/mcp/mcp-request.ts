import type { FastifyRequest } from 'fastify';
import { type FieldError, GatewayError } from '../common/problem.js';
import { invalidFields } from '../common/problem-reply.js';

/**
 * What POST /mcp checks before the SDK's transport sees the request, so that a request the
 * transport would refuse gets the gateway's problem+json like every other 4xx (the transport's
 * own refusals are JSON-RPC errors): the Accept header the streamable HTTP transport requires,
 * and a body that is one JSON-RPC 2.0 message.
 */
export function mcpRequestRefusal(request: FastifyRequest): GatewayError | null {
  const accept = String(request.headers.accept ?? '');
  if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
    return new GatewayError('not_acceptable', 'POST /mcp answers JSON or an event stream: send Accept: application/json, text/event-stream');
  }
  const body = request.body as Record<string, unknown> | null | undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return invalidFields([{ field: 'body', message: 'must be one JSON-RPC 2.0 message (an object)' }]);
  }
  const errors: FieldError[] = [];
  if (body.jsonrpc !== '2.0') errors.push({ field: 'jsonrpc', message: "must be '2.0'" });
  const isAnswer = body.method === undefined && ('result' in body || 'error' in body);
  if (!isAnswer && typeof body.method !== 'string') errors.push({ field: 'method', message: 'must be a string (initialize, tools/list, tools/call ...)' });
  if (body.id !== undefined && typeof body.id !== 'string' && !Number.isInteger(body.id))
    errors.push({ field: 'id', message: 'must be a string or an integer' });
  return errors.length ? invalidFields(errors) : null;
}
