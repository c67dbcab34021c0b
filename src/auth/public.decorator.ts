import { applyDecorators, SetMetadata } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { type GatewayRouteConfig } from '../domain/access.js';

export type { GatewayRouteConfig } from '../domain/access.js';

/** Metadata key (Nest) and route config flag (Fastify) of a route that needs no token. */
export const IS_PUBLIC = 'gateway:public';

/**
 * Declares a handler public: it answers without a bearer token. Every other route needs one.
 * The flag travels with the route itself (Nest metadata for the guard, Fastify route config for
 * the `onRequest` hook in src/http/http-edges.ts), so authentication follows the matched
 * route, never the text of the URL.
 */
export function Public(): MethodDecorator {
  return applyDecorators(SetMetadata(IS_PUBLIC, true), RouteConfig({ public: true } satisfies GatewayRouteConfig));
}
