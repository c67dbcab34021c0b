import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../common/problem.js';
import { RedisService } from '../redis/redis.service.js';
import { AccessControl } from './access-control.js';
import { IS_PUBLIC } from './public.decorator.js';
import { REQUIRED_SCOPES, SCOPES_PER_CALL } from '../access/route-access.js';

/**
 * Every handler needs a bearer credential unless it is declared `@Public()`, and the scope it
 * declares with `@Scopes()` (`admin` when it declares none). Both are checked first in the
 * `onRequest` hook (before a body is read; src/common/http-edges.ts); this guard checks them
 * again from the handler's own metadata, so a route can never be reached without them.
 * While the store is unreachable a route answers 503 at once instead of hanging.
 */
@Injectable()
export class BearerGuard implements CanActivate {
  constructor(
    private readonly access: AccessControl,
    private readonly redis: RedisService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const scopes = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, [context.getHandler(), context.getClass()]);
    const perCall = this.reflector.getAllAndOverride<boolean>(SCOPES_PER_CALL, [context.getHandler(), context.getClass()]) === true;
    await this.access.require(request, scopes, perCall);
    if (!this.redis.isReady()) {
      throw new GatewayError('service_unavailable', 'the gateway store (Redis) is unreachable; try again shortly', { retryAfter: 1 });
    }
    return true;
  }
}
