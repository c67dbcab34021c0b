import { type DynamicModule, Module } from '@nestjs/common';
import type { GatewayRole } from '../config/gateway-config.js';
import { WorkersModule } from '../jobs/workers.module.js';
import { HealthController } from './health.controller.js';

/**
 * Liveness and readiness (GET /healthz, /readyz). Readiness reports Redis and, in the roles that
 * run them, the workers: so this module sits above the workers and imports them.
 */
@Module({})
export class HealthModule {
  static forRoot(role: GatewayRole): DynamicModule {
    return { module: HealthModule, imports: [WorkersModule.forRoot(role)], controllers: [HealthController] };
  }
}
