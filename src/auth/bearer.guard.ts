import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../common/problem.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { RedisService } from '../redis/redis.service.js';
import { BearerTokens } from './bearer-token.js';
import { IS_PUBLIC } from './public.decorator.js';

/**
 * Every handler needs a bearer token unless it is declared `@Public()`. The token is checked
 * first in the `onRequest` hook (before a body is read; src/common/http-edges.ts); this guard
 * checks it again from the handler's own metadata, so a route can never be reached without one.
 * While the store is unreachable a route answers 503 at once instead of hanging.
 */
@Injectable()
export class BearerGuard implements CanActivate {
  private readonly tokens: BearerTokens;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly redis: RedisService,
    private readonly reflector: Reflector,
  ) {
    this.tokens = new BearerTokens(config.adminToken);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    this.tokens.require(request.headers.authorization);
    if (!this.redis.isReady()) {
      throw new GatewayError('service_unavailable', 'the gateway store (Redis) is unreachable; try again shortly', { retryAfter: 1 });
    }
    return true;
  }
}
