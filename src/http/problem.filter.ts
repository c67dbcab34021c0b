import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { isRedisUnavailable } from '../redis/redis.service.js';
import { allowedMethods } from './http-edges.js';
import { LOGGER } from '../common/logger.js';
import { type ErrorCode, GatewayError, problem } from '../common/problem.js';
import { answerOf, fastifyProblem, type ProblemAnswer, sendProblem } from '../common/problem-reply.js';

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  503: 'service_unavailable',
};

/** Every 4xx and 5xx leaves as application/problem+json with a stable `code`. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    void sendProblem(http.getResponse<FastifyReply>(), this.answerFor(exception, http.getRequest<FastifyRequest>()));
  }

  /** The problem an exception answers as (also for the reads the edge answers itself: src/http/direct-reads.ts). */
  answerFor(exception: unknown, request: FastifyRequest): ProblemAnswer {
    if (exception instanceof GatewayError) return answerOf(exception);
    if (isRedisUnavailable(exception)) {
      return { body: problem('service_unavailable', 'the gateway store (Redis) is unreachable; try again shortly'), headers: { 'retry-after': '1' } };
    }
    // No route for this method and path: 405 with Allow when the path has routes under other methods.
    if (exception instanceof NotFoundException && request.is404) {
      const allow = allowedMethods(request);
      if (allow.length > 0) {
        return { body: problem('method_not_allowed', `${request.method} is not allowed here; use ${allow.join(', ')}`), headers: { allow: allow.join(', ') } };
      }
      return { body: problem('not_found', `no route for ${request.method} ${request.url.split('?')[0].slice(0, 200)}`) };
    }
    // Fastify's own errors (body limit, media type) reach the filter wrapped in an HttpException.
    const cause: unknown = exception instanceof HttpException ? exception.cause : exception;
    if (typeof (cause as { code?: unknown } | undefined)?.code === 'string' && (cause as { code: string }).code.startsWith('FST_')) {
      const fromFastify = fastifyProblem(cause as { code: string }, this.config.bodyLimitBytes);
      if (fromFastify) return fromFastify;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = STATUS_CODES[status] ?? (status >= 500 ? 'internal_error' : 'validation_failed');
      const detail = typeof exception.getResponse() === 'string' ? String(exception.getResponse()) : exception.message;
      return { body: { ...problem(code, detail), status } };
    }
    const fromFastify = fastifyProblem(exception as { code?: string; statusCode?: number; message?: string }, this.config.bodyLimitBytes);
    if (fromFastify) return fromFastify;
    this.logger.error(
      { requestId: request.id, err: exception instanceof Error ? { message: exception.message, stack: exception.stack } : String(exception) },
      'unhandled error',
    );
    return { body: problem('internal_error', 'an unexpected error occurred; it has been logged') };
  }
}
