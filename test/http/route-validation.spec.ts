import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { HTTP_VALIDATION } from '../../src/common/validation.js';
import { appRoutes } from '../support/app-routes.js';

// Nest's RouteParamtypes (@nestjs/common/enums/route-paramtypes.enum): BODY, QUERY, PARAM.
const BODY = 3;
const QUERY = 4;
const PARAM = 5;

interface RouteArg {
  index: number;
  data?: unknown;
  pipes: unknown[];
}

/**
 * The validation pipe is not global (src/common/validation.ts says why), so every parameter
 * that carries a DTO names it: a body or a whole query string must be `@ValidBody()` or
 * `@ValidQuery()`, and a path parameter or a named query value, which goes through no pipe,
 * must be a plain string.
 */
describe('route validation', () => {
  const routes = appRoutes().map((route) => {
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, route.controller, route.method) ?? {}) as Record<string, RouteArg>;
    const types = (Reflect.getMetadata('design:paramtypes', route.controller.prototype, route.method) ?? []) as unknown[];
    return {
      ...route,
      args: Object.entries(args).map(([key, arg]) => ({ type: Number(key.split(':')[0]), ...arg, metatype: types[arg.index] })),
    };
  });

  it('finds DTO parameters to check', () => {
    const dtos = routes.flatMap((route) => route.args.filter((arg) => arg.type === BODY || (arg.type === QUERY && arg.data === undefined)));
    expect(dtos.length).toBeGreaterThan(10);
  });

  it('validates every body and every whole query string', () => {
    const unvalidated = routes.flatMap((route) =>
      route.args
        .filter((arg) => arg.type === BODY || (arg.type === QUERY && arg.data === undefined))
        .filter((arg) => !arg.pipes.includes(HTTP_VALIDATION))
        .map((arg) => `${route.name} (parameter ${arg.index})`),
    );
    expect(unvalidated).toEqual([]);
  });

  it('takes path parameters and named query values as plain strings', () => {
    const typed = routes.flatMap((route) =>
      route.args
        .filter((arg) => arg.type === PARAM || (arg.type === QUERY && arg.data !== undefined))
        .filter((arg) => arg.metatype !== String || arg.pipes.length > 0)
        .map((arg) => `${route.name} (parameter ${arg.index})`),
    );
    expect(typed).toEqual([]);
  });
});
