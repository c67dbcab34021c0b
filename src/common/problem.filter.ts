import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { isRedisUnavailable } from '../redis/redis.service.js';
import { LOGGER } from './logger.js';
import { type ErrorCode, GatewayError, type Problem, problem, PROBLEM_CONTENT_TYPE } from './problem.js';

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
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { body, retryAfter } = this.toProblem(exception);
    if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
    void reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
  }

  private toProblem(exception: unknown): { body: Problem; retryAfter?: number } {
    if (exception instanceof GatewayError) return { body: exception.problem, retryAfter: exception.retryAfter };
    if (isRedisUnavailable(exception)) {
      return { body: problem('service_unavailable', 'the gateway store (Redis) is unreachable; try again shortly'), retryAfter: 1 };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = STATUS_CODES[status] ?? (status >= 500 ? 'internal_error' : 'validation_failed');
      const detail = typeof exception.getResponse() === 'string' ? String(exception.getResponse()) : exception.message;
      return { body: { ...problem(code, detail), status } };
    }
    const fastifyError = exception as { statusCode?: number; message?: string; code?: string };
    if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
      const status = fastifyError.statusCode;
      return { body: { ...problem(STATUS_CODES[status] ?? 'validation_failed', fastifyError.message ?? 'bad request'), status } };
    }
    this.logger.error({ err: exception instanceof Error ? { message: exception.message, stack: exception.stack } : String(exception) }, 'unhandled error');
    return { body: problem('internal_error', 'an unexpected error occurred; it has been logged') };
  }
}
