import type { Type } from '@nestjs/common';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';

/**
 * Adds a part to the Fastify route config of a handler. Nest's `RouteConfig` replaces the whole
 * config, so two of them on one handler (a scope and a direct read) would keep only one; every
 * gateway decorator that declares something for the HTTP edge adds its own part instead.
 */
export function RouteConfigPart(part: Record<string, unknown>): MethodDecorator {
  return (_target, _key, descriptor) => {
    const handler = descriptor.value as object;
    const current = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as Record<string, unknown> | undefined) ?? {};
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...current, ...part }, handler);
  };
}

/** Which handler a direct read runs: its controller and method (route config `directRead`). */
export interface DirectReadTarget {
  controller: Type;
  method: string;
}

/**
 * Declares a read that the HTTP edge answers itself (src/http/direct-reads.ts), without Nest's
 * per-request pipeline of guards, interceptors and pipes: a handler that needs none of them, whose
 * parameters are only `@Param(name)` and `@CurrentCaller()`. The handler is written and documented
 * as any other; the edge calls it with the same arguments, sets the same `@Header`s and answers
 * its errors through the same problem filter. It exists for the reads clients poll: the pipeline
 * cost a read a tenth of its CPU (docs/performance.md).
 */
export function DirectRead(): MethodDecorator {
  return (target, key, descriptor) =>
    RouteConfigPart({ directRead: { controller: target.constructor as Type, method: String(key) } satisfies DirectReadTarget })(target, key, descriptor);
}
