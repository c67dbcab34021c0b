import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { CONSOLE_PATH, consoleRoutes } from './console-routes.js';

/** The web console at /console (console/ in the repository, built into dist/console). */
@Module({})
export class ConsoleModule implements OnModuleInit {
  constructor(
    private readonly http: HttpAdapterHost,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onModuleInit(): void {
    const fastify = this.http.httpAdapter?.getInstance<FastifyInstance>();
    // The worker role serves no HTTP; the plugin loads when the server starts listening.
    if (this.config.role !== 'worker' && fastify) void fastify.register(consoleRoutes, { config: this.config, prefix: CONSOLE_PATH });
  }
}
