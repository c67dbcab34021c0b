import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExtension } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../common/problem.js';
import { callerOf, type GatewayRouteConfig, type Scope } from '../domain/access.js';

/** Metadata key (Nest) of the scope a handler needs. */
export const REQUIRED_SCOPES = 'gateway:scopes';

/**
 * Declares the scope a handler needs (`admin` has every scope). Like `@Public()`, it travels
 * with the route: Fastify route config for the `onRequest` hook, Nest metadata for the guard
 * (src/auth/); a route that declares no scope needs `admin`. The OpenAPI document shows it as
 * `x-scopes`.
 */
export function Scopes(scope: Scope): MethodDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_SCOPES, [scope]),
    RouteConfig({ scopes: [scope] } satisfies GatewayRouteConfig),
    ApiExtension('x-scopes', [scope]),
  );
}

/** Metadata key (Nest) of a handler that checks a scope for each call it carries. */
export const SCOPES_PER_CALL = 'gateway:scopes-per-call';

/**
 * Declares that the handler checks a scope, and the write rate limit, for each call it carries
 * (POST /mcp: one route, many tools; AccessControl.admitCall): the request needs a valid credential.
 */
export function ScopesPerCall(): MethodDecorator {
  return applyDecorators(SetMetadata(SCOPES_PER_CALL, true), RouteConfig({ scopesPerCall: true } satisfies GatewayRouteConfig));
}

/** The authenticated caller of the request (set by the access check before any handler runs). */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const caller = callerOf(context.switchToHttp().getRequest<FastifyRequest>());
  if (!caller) throw new GatewayError('unauthorized', 'send Authorization: Bearer <token> with a valid token');
  return caller;
});
