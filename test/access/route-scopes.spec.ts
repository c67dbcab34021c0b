import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { neededScope, SCOPES } from '../../src/domain/access.js';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';
import type { GatewayRouteConfig } from '../../src/domain/access.js';
import { appRoutes } from '../support/app-routes.js';

/**
 * Every route says who may call it: `@Public()` or `@Scopes(...)`. A route that says neither
 * would need `admin` (the access check fails closed), which is never what its author meant.
 */
describe('route scopes', () => {
  const routes = appRoutes();
  /** What the route declares (`@Public`, `@Scopes`, `@ScopesPerCall`), as the `onRequest` hook reads it. */
  const configOf = (handler: object) => Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as GatewayRouteConfig | undefined;

  it('finds the routes', () => {
    expect(routes.length).toBeGreaterThan(20);
  });

  it('declares a scope (or @Public) on every route', () => {
    const undeclared = routes.filter(({ handler }) => {
      const config = configOf(handler);
      return config?.public !== true && config?.scopesPerCall !== true && !(config?.scopes?.length ?? 0);
    });
    expect(undeclared.map((r) => r.name)).toEqual([]);
  });

  it('declares only known scopes', () => {
    for (const { handler } of routes) {
      for (const scope of configOf(handler)?.scopes ?? []) expect(SCOPES).toContain(scope);
    }
  });

  it('fails closed: a route without a declared scope needs admin', () => {
    expect(neededScope(undefined)).toBe('admin');
    expect(neededScope({})).toBe('admin');
    expect(neededScope({ scopes: ['peerings:read'] })).toBe('peerings:read');
  });
});
