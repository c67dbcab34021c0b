import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, UseInterceptors } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';

/**
 * What a handler answers when the status or a header depends on the call (a 202 with the
 * Location of what was accepted, a dry run's 200): a value the handler returns, rendered by
 * HttpAnswerInterceptor, so that handlers never write to the reply themselves.
 */
export class HttpAnswer<T = unknown> {
  constructor(
    readonly status: number,
    readonly body: T,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}

  static ok<T>(body: T): HttpAnswer<T> {
    return new HttpAnswer(200, body);
  }

  /** 202: the work goes on in the background; `location` names what to follow. */
  static accepted<T>(body: T, location: string): HttpAnswer<T> {
    return new HttpAnswer(202, body, { location });
  }

  static created<T>(body: T, location: string, headers: Record<string, string> = {}): HttpAnswer<T> {
    return new HttpAnswer(201, body, { location, ...headers });
  }
}

/** Sets the status and headers of a returned HttpAnswer and answers its body; any other value passes as it is. */
@Injectable()
export class HttpAnswerInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((value: unknown) => {
        if (!(value instanceof HttpAnswer)) return value;
        const reply = context.switchToHttp().getResponse<FastifyReply>();
        void reply.status(value.status);
        for (const [name, header] of Object.entries(value.headers)) void reply.header(name, header);
        return value.body;
      }),
    );
  }
}

/**
 * On a handler that returns HttpAnswer. Per handler rather than global: the reads, which never
 * return one, pass through no interceptor at all.
 */
export const RendersHttpAnswer = (): MethodDecorator => UseInterceptors(HttpAnswerInterceptor);
