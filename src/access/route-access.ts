import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExtension } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../common/problem.js';
import { callerOf, type GatewayRouteConfig, type Scope } from '../domain/access.js';

/**
 * Declares the scope a handler needs (`admin` has every scope). Like `@Public()`, it travels
 * with the route as Fastify route config, which the `onRequest` hook checks (src/auth/); a route
 * that declares no scope needs `admin`. The OpenAPI document shows it as `x-scopes`.
 */
export function Scopes(scope: Scope): MethodDecorator {
  return applyDecorators(RouteConfig({ scopes: [scope] } satisfies GatewayRouteConfig), ApiExtension('x-scopes', [scope]));
}

/**
 * Declares that the handler checks a scope, and the write rate limit, for each call it carries
 * (POST /mcp: one route, many tools; AccessControl.admitCall): the request needs a valid credential.
 */
export function ScopesPerCall(): MethodDecorator {
  return RouteConfig({ scopesPerCall: true } satisfies GatewayRouteConfig);
}

/** The authenticated caller of the request (set by the access check before any handler runs). */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const caller = callerOf(context.switchToHttp().getRequest<FastifyRequest>());
  if (!caller) throw new GatewayError('unauthorized', 'send Authorization: Bearer <token> with a valid token');
  return caller;
});
