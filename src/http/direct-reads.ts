import { type Type } from '@nestjs/common';
import {
  CUSTOM_ROUTE_ARGS_METADATA,
  GUARDS_METADATA,
  HEADERS_METADATA,
  INTERCEPTORS_METADATA,
  PIPES_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { currentCallerFactory, requiredCaller } from '../access/route-access.js';
import { type DirectReadTarget } from '../common/route-config.js';
import { sendProblem } from '../common/problem-reply.js';
import { type ProblemFilter } from './problem.filter.js';

type Argument = (request: FastifyRequest) => unknown;

interface ParamMetadata {
  index: number;
  data?: unknown;
  pipes?: unknown[];
  factory?: unknown;
}

/**
 * What each parameter of a direct read is, from the metadata Nest's parameter decorators wrote:
 * `@Param(name)` (a path parameter, no pipes) or `@CurrentCaller()`. Anything else is refused
 * when the route is registered, so that a handler never runs with an argument it did not get.
 */
export function directReadArguments(controller: Type, method: string): Argument[] {
  const metadata = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, ParamMetadata>;
  const handler = (controller.prototype as Record<string, (...args: unknown[]) => unknown>)[method];
  const args: Argument[] = new Array<Argument>(handler.length);
  const where = `${controller.name}.${method}`;
  for (const [key, { index, data, pipes, factory }] of Object.entries(metadata)) {
    if (pipes?.length) throw new Error(`${where}: a direct read runs no pipes (parameter ${index})`);
    if (key.includes(CUSTOM_ROUTE_ARGS_METADATA) && factory === currentCallerFactory) {
      args[index] = requiredCaller;
    } else if (key === `${RouteParamtypes.PARAM}:${index}` && typeof data === 'string') {
      const name = data;
      args[index] = (request) => (request.params as Record<string, string | undefined>)[name];
    } else throw new Error(`${where}: a direct read takes only @Param(name) and @CurrentCaller() (parameter ${index})`);
  }
  for (let i = 0; i < args.length; i++) if (!args[i]) throw new Error(`${where}: parameter ${i} has no decorator`);
  for (const [what, key] of [
    ['guards', GUARDS_METADATA],
    ['interceptors', INTERCEPTORS_METADATA],
    ['pipes', PIPES_METADATA],
  ]) {
    const declared = [...((Reflect.getMetadata(key, controller) as unknown[]) ?? []), ...((Reflect.getMetadata(key, handler) as unknown[]) ?? [])];
    if (declared.length) throw new Error(`${where}: a direct read runs no ${what}`);
  }
  return args;
}

/**
 * Reads declared `@DirectRead()` (src/common/route-config.ts) are answered here, without Nest's
 * per-request pipeline (its execution context, interceptor chain and response controller: a
 * tenth of a read's CPU). Everything else a request meets is the same: the route is Nest's (its
 * path, its config, its OpenAPI entry), the hooks of the edge run before it (the access check
 * has set the caller), the handler gets the arguments its decorators name and the headers its
 * `@Header`s set, and its errors answer through the problem filter. The gateway has no global
 * guard, interceptor or pipe for it to skip; a route-level one is refused at registration.
 * Installed before the routes are registered (an `onRoute` hook replaces the handler, of the
 * HEAD route Fastify adds beside a GET too).
 */
export function installDirectReads(app: NestFastifyApplication, problems: ProblemFilter): void {
  const fastify = app.getHttpAdapter().getInstance();
  // The HEAD route Fastify adds beside a GET shares its config, so one handler serves both.
  const handlers = new WeakMap<DirectReadTarget, RouteOptions['handler']>();
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const target = (route.config as { directRead?: DirectReadTarget } | undefined)?.directRead;
    if (!target) return;
    if (!handlers.has(target)) handlers.set(target, directHandler(app, target, problems));
    route.handler = handlers.get(target)!;
  });
}

function directHandler(app: NestFastifyApplication, { controller, method }: DirectReadTarget, problems: ProblemFilter) {
  const args = directReadArguments(controller, method);
  const handler = (controller.prototype as Record<string, (...values: unknown[]) => unknown>)[method];
  const headers = (Reflect.getMetadata(HEADERS_METADATA, handler) as { name: string; value: string }[] | undefined) ?? [];
  // Controllers are instantiated before Nest registers the routes.
  const instance: unknown = app.get(controller, { strict: false });
  return async function directRead(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    for (const { name, value } of headers) reply.header(name, value);
    try {
      return await handler.apply(
        instance,
        args.map((argument) => argument(request)),
      );
    } catch (err) {
      sendProblem(reply, problems.answerFor(err, request));
      return reply;
    }
  };
}
