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
 * `onRequest` hook (before a body is read; src/http/http-edges.ts); this guard checks them
 * again from the handler's own metadata, so a route can never be reached without them.
 * While the store is unreachable a route answers 503 at once instead of hanging.
 */
@Injectable()
export class BearerGuard implements CanActivate {
  /** What each handler of each controller declares (metadata never changes once the application is built), read once. */
  private readonly routes = new WeakMap<object, WeakMap<object, { public: boolean; scopes: string[] | undefined; perCall: boolean }>>();

  constructor(
    private readonly access: AccessControl,
    private readonly redis: RedisService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = this.declared(context);
    if (route.public) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    await this.access.require(request, route.scopes, route.perCall);
    if (!this.redis.isReady()) {
      throw new GatewayError('service_unavailable', 'the gateway store (Redis) is unreachable; try again shortly', { retryAfter: 1 });
    }
    return true;
  }

  private declared(context: ExecutionContext): { public: boolean; scopes: string[] | undefined; perCall: boolean } {
    const handler = context.getHandler();
    const controller = context.getClass();
    let handlers = this.routes.get(controller);
    if (!handlers) this.routes.set(controller, (handlers = new WeakMap()));
    let route = handlers.get(handler);
    if (!route) {
      const targets = [handler, controller];
      route = {
        public: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true,
        scopes: this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, targets),
        perCall: this.reflector.getAllAndOverride<boolean>(SCOPES_PER_CALL, targets) === true,
      };
      handlers.set(handler, route);
    }
    return route;
  }
}
