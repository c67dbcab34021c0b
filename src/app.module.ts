import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';
import { AccessModule } from './access/access.module.js';
import { ApprovalsModule } from './approvals/approvals.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ClustersModule } from './clusters/clusters.module.js';
import { ProblemFilter } from './http/problem.filter.js';
import type { GatewayConfig } from './config/gateway-config.js';
import { CoreModule } from './core.module.js';
import { HealthModule } from './health/health.module.js';
import { PeeringsModule } from './peerings/peerings.module.js';
import { ProductsModule } from './products/products.module.js';
import { WatchModule } from './watch/watch.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { ConsoleModule } from './console/console.module.js';
import { McpModule } from './mcp/mcp.module.js';
import { EventsModule } from './events/events.module.js';
import { OperationsModule } from './operations/operations.module.js';
import { SecretsModule } from './secrets/secrets.module.js';
import { StoresModule } from './stores/stores.module.js';

/**
 * The module graph, the same for every role: the core (configuration, logger, metrics, Redis,
 * transport: global), the registered products (global: their registry), the stores, and one
 * module per feature. The role decides whether HTTP listens (gateway.ts) and whether the
 * processors run (WorkersModule, imported through HealthModule).
 */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, logger),
        ProductsModule.forRoot(),
        StoresModule,
        AuthModule,
        SecretsModule,
        AccessModule,
        ClustersModule,
        PeeringsModule,
        OperationsModule,
        EventsModule,
        ApprovalsModule,
        WebhooksModule,
        WatchModule,
        HealthModule.forRoot(config.role),
        ConsoleModule,
        McpModule,
      ],
      // One instance, which the direct reads (src/http/direct-reads.ts) answer their errors through too.
      providers: [ProblemFilter, { provide: APP_FILTER, useExisting: ProblemFilter }],
    };
  }
}
