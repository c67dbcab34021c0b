import 'reflect-metadata';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { AppModule } from '../../src/app.module.js';
import { createLogger } from '../../src/common/logger.js';
import { loadConfig } from '../../src/config/gateway-config.js';

export type Controller = new (...args: never[]) => object;
type ModuleRef = { module?: object; controllers?: Controller[]; imports?: unknown[] } | (new (...args: never[]) => object);

/** One handler of one controller of the application, as Nest's metadata declares it. */
export interface AppRoute {
  /** `Controller.method`. */
  name: string;
  controller: Controller;
  method: string;
  handler: object;
}

/** Every controller of the module graph: dynamic modules carry theirs, static ones in @Module metadata. */
function controllersOf(ref: unknown, seen = new Set<unknown>()): Controller[] {
  if (!ref || seen.has(ref)) return [];
  seen.add(ref);
  const module = ref as ModuleRef;
  const own = typeof module === 'function' ? ((Reflect.getMetadata('controllers', module) ?? []) as Controller[]) : (module.controllers ?? []);
  const imports = typeof module === 'function' ? ((Reflect.getMetadata('imports', module) ?? []) as unknown[]) : (module.imports ?? []);
  return [...own, ...imports.flatMap((child) => controllersOf(child, seen))];
}

/** Every route handler of the gateway's application (role `all`, sandbox). */
export function appRoutes(): AppRoute[] {
  const config = loadConfig({ GATEWAY_ADMIN_TOKEN: 'x', GATEWAY_SANDBOX: 'true', REDIS_URL: 'redis://127.0.0.1:1' });
  const controllers = [...new Set(controllersOf(AppModule.forRoot(config, createLogger('silent'))))];
  return controllers.flatMap((controller) =>
    Object.getOwnPropertyNames(controller.prototype)
      .filter((method) => method !== 'constructor')
      .map((method) => ({
        name: `${controller.name}.${method}`,
        controller,
        method,
        handler: (controller.prototype as Record<string, unknown>)[method] as object,
      }))
      .filter(({ handler }) => typeof handler === 'function' && Reflect.getMetadata(PATH_METADATA, handler) !== undefined),
  );
}
