import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../common/problem.js';
import { RouteConfigPart } from '../common/route-config.js';
import { type Caller, callerOf, type GatewayRouteConfig, type Scope } from '../domain/access.js';

/**
 * Declares the scope a handler needs (`admin` has every scope). Like `@Public()`, it travels
 * with the route as Fastify route config, which the `onRequest` hook checks (src/auth/); a route
 * that declares no scope needs `admin`. The OpenAPI document shows it as `x-scopes`.
 */
export function Scopes(scope: Scope): MethodDecorator {
  return applyDecorators(RouteConfigPart({ scopes: [scope] } satisfies GatewayRouteConfig), ApiExtension('x-scopes', [scope]));
}

/**
 * Declares that the handler checks a scope, and the write rate limit, for each call it carries
 * (POST /mcp: one route, many tools; AccessControl.admitCall): the request needs a valid credential.
 */
export function ScopesPerCall(): MethodDecorator {
  return RouteConfigPart({ scopesPerCall: true } satisfies GatewayRouteConfig);
}

/** The request's authenticated caller (set by the access check before any handler runs); 401 without one. */
export function requiredCaller(request: FastifyRequest): Caller {
  const caller = callerOf(request);
  if (!caller) throw new GatewayError('unauthorized', 'send Authorization: Bearer <token> with a valid token');
  return caller;
}

/** What `@CurrentCaller()` computes: a direct read (src/http/direct-reads.ts) recognises the parameter by it. */
export const currentCallerFactory = (_data: unknown, context: ExecutionContext): Caller => requiredCaller(context.switchToHttp().getRequest<FastifyRequest>());

/** The authenticated caller of the request (set by the access check before any handler runs). */
export const CurrentCaller = createParamDecorator(currentCallerFactory);
