import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, UseInterceptors } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { callerOf } from '../domain/access.js';
import { HttpAnswer, HttpAnswerInterceptor } from '../common/http-answer.js';
import { IdempotencyService } from '../stores/idempotency.service.js';
import { idempotent, setIdempotencyKeyHash } from './idempotent.js';

/**
 * Idempotency-Key on a write route: the first answer (an HttpAnswer) is kept and replayed for a
 * repeat of the same request by the same caller (see idempotent.ts for the rules). The request is
 * fingerprinted as it came: its method, its path and its body as sent. A dry run (`?dryRun=true`)
 * keeps no record: it writes nothing, anywhere.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: IdempotencyService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Querystring: { dryRun?: string } }>>();
    const header = request.headers['idempotency-key'];
    const key = typeof header === 'string' ? header : undefined;
    if (key === undefined || request.query?.dryRun === 'true') return next.handle();
    const call = {
      method: request.method,
      path: request.url.split('?')[0],
      body: request.body ?? null,
      scope: callerOf(request)?.idempotencyScope,
    };
    const answered = idempotent(this.idempotency, key, call, async (keyHash) => {
      setIdempotencyKeyHash(request, keyHash);
      const answer: unknown = await lastValueFrom(next.handle());
      if (!(answer instanceof HttpAnswer)) throw new Error('an @Idempotent() handler must return an HttpAnswer');
      return { status: answer.status, body: answer.body, ...(answer.headers.location !== undefined && { location: answer.headers.location }) };
    });
    return from(answered.then((stored) => new HttpAnswer(stored.status, stored.body, stored.location !== undefined ? { location: stored.location } : {})));
  }
}

/** On a write handler that returns HttpAnswer: Idempotency-Key honoured, the answer rendered. */
export const Idempotent = (): MethodDecorator => UseInterceptors(HttpAnswerInterceptor, IdempotencyInterceptor);
