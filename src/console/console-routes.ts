import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { type GatewayRouteConfig } from '../domain/access.js';
import { GatewayError } from '../common/problem.js';
import { answerOf, sendProblem } from '../common/problem-reply.js';
import { type GatewayConfig } from '../config/gateway-config.js';

/** Where the console is served. */
export const CONSOLE_PATH = '/console';

/**
 * The built console (`npm run build` writes it with Vite to dist/console): beside the compiled
 * gateway (dist/src/console -> dist/console), or under dist/ when the sources run (the tests).
 */
export function consoleAssetsDir(): string {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  return basename(root) === 'dist' ? join(root, 'console') : join(root, 'dist', 'console');
}

/** What the page needs to know before anyone signs in: never a secret. */
export interface ConsoleSettings {
  oidc: { issuer: string; clientId: string } | null;
}

export function consoleSettings(config: GatewayConfig): ConsoleSettings {
  return { oidc: config.oidc && config.oidcClientId ? { issuer: config.oidc.issuer, clientId: config.oidcClientId } : null };
}

/**
 * The console's Content-Security-Policy: scripts, styles and everything else from the gateway
 * only (no inline script or style, no eval), API calls to the gateway and, for the sign-in with
 * the issuer, its discovery document and token endpoint; no framing.
 */
export function consoleCsp(settings: ConsoleSettings): Record<string, string[]> {
  const issuer = settings.oidc ? [new URL(settings.oidc.issuer).origin] : [];
  return {
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", ...issuer],
    'manifest-src': ["'self'"],
    'form-action': ["'self'", ...issuer],
    'base-uri': ["'none'"],
    'frame-ancestors': ["'none'"],
    'object-src': ["'none'"],
  };
}

/**
 * Registered with the prefix CONSOLE_PATH: `GET /console` and its assets, public (the page
 * holds no token; a person signs in on it), with Helmet's headers and the console's CSP in this
 * scope only, so Swagger UI at /docs and the queue view keep theirs. The console talks to the
 * public /v1 API like any client.
 */
export async function consoleRoutes(scope: FastifyInstance, options: { config: GatewayConfig }): Promise<void> {
  scope.addHook('onRoute', (route) => {
    route.config = { ...(route.config as object), public: true } satisfies GatewayRouteConfig as typeof route.config;
  });
  const settings = consoleSettings(options.config);
  await scope.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: consoleCsp(settings) },
    // The issuer's sign-in page is reached by navigation, never embedded: no opener is needed.
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  // A missing asset is a 404 here (the gateway's own handler would see the wildcard route and say 405).
  scope.setNotFoundHandler((request, reply) =>
    sendProblem(reply, answerOf(new GatewayError('not_found', `the console has no file at ${request.url.split('?')[0]}`))),
  );
  const root = consoleAssetsDir();
  scope.get('/settings.json', async (_request, reply) => reply.header('cache-control', 'no-store').send(settings));
  if (!existsSync(join(root, 'index.html'))) {
    scope.get('/', async (_request, reply) =>
      reply.status(503).type('text/plain; charset=utf-8').send('The console is not built: run npm run build (it builds dist/console).'),
    );
    return;
  }
  await scope.register(fastifyStatic, { root, prefix: '/', index: false, wildcard: true, decorateReply: false });
  // The page, at /console and /console/ (its assets are addressed from /console/, Vite's base).
  const page = readFileSync(join(root, 'index.html'));
  scope.get('/', async (_request, reply) => reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(page));
}
