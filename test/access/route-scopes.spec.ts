import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { neededScope, SCOPES } from '../../src/domain/access.js';
import { AppModule } from '../../src/app.module.js';
import { IS_PUBLIC } from '../../src/auth/public.decorator.js';
import { REQUIRED_SCOPES, SCOPES_PER_CALL } from '../../src/access/route-access.js';
import { createLogger } from '../../src/common/logger.js';
import { loadConfig } from '../../src/config/gateway-config.js';

/**
 * Every route says who may call it: `@Public()` or `@Scopes(...)`. A route that says neither
 * would need `admin` (the access check fails closed), which is never what its author meant.
 */
describe('route scopes', () => {
  const config = loadConfig({ GATEWAY_ADMIN_TOKEN: 'x', GATEWAY_SANDBOX: 'true', REDIS_URL: 'redis://127.0.0.1:1' });
  type Controller = new (...args: never[]) => object;
  type ModuleRef = { module?: object; controllers?: Controller[]; imports?: unknown[] } | (new (...args: never[]) => object);

  /** Every controller of the module graph: dynamic modules carry theirs, static ones in @Module metadata. */
  function controllersOf(ref: unknown, seen = new Set<unknown>()): Controller[] {
    if (!ref || seen.has(ref)) return [];
    seen.add(ref);
    const module = ref as ModuleRef;
    const own = typeof module === 'function' ? ((Reflect.getMetadata('controllers', module) ?? []) as Controller[]) : (module.controllers ?? []);
    const imports = typeof module === 'function' ? ((Reflect.getMetadata('imports', module) ?? []) as unknown[]) : (module.imports ?? []);
    return [...own, ...imports.flatMap((child) => controllersOf(child, seen))];
  }

  const controllers = [...new Set(controllersOf(AppModule.forRoot(config, createLogger('silent'))))];

  const routes = controllers.flatMap((controller) =>
    Object.getOwnPropertyNames(controller.prototype)
      .filter((name) => name !== 'constructor')
      .map((name) => ({ name: `${controller.name}.${name}`, handler: (controller.prototype as Record<string, unknown>)[name] as object }))
      .filter(({ handler }) => typeof handler === 'function' && Reflect.getMetadata(PATH_METADATA, handler) !== undefined),
  );

  it('finds the routes', () => {
    expect(routes.length).toBeGreaterThan(20);
  });

  it('declares a scope (or @Public) on every route', () => {
    const undeclared = routes.filter(
      ({ handler }) =>
        Reflect.getMetadata(IS_PUBLIC, handler) !== true &&
        Reflect.getMetadata(SCOPES_PER_CALL, handler) !== true &&
        !((Reflect.getMetadata(REQUIRED_SCOPES, handler) as string[] | undefined)?.length ?? 0),
    );
    expect(undeclared.map((r) => r.name)).toEqual([]);
  });

  it('declares only known scopes', () => {
    for (const { handler } of routes) {
      for (const scope of (Reflect.getMetadata(REQUIRED_SCOPES, handler) as string[] | undefined) ?? []) expect(SCOPES).toContain(scope);
    }
  });

  it('fails closed: a route without a declared scope needs admin', () => {
    expect(neededScope(undefined)).toBe('admin');
    expect(neededScope({})).toBe('admin');
    expect(neededScope({ scopes: ['peerings:read'] })).toBe('peerings:read');
  });
});
