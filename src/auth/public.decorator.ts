import { RouteConfigPart } from '../common/route-config.js';
import { type GatewayRouteConfig } from '../domain/access.js';

export type { GatewayRouteConfig } from '../domain/access.js';

/**
 * Declares a handler public: it answers without a bearer token. Every other route needs one.
 * The flag travels with the route itself (Fastify route config, read by the `onRequest` hook in
 * src/http/http-edges.ts), so authentication follows the matched route, never the text of the URL.
 */
export function Public(): MethodDecorator {
  return RouteConfigPart({ public: true } satisfies GatewayRouteConfig);
}
