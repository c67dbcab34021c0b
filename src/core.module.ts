import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, withSecretHeaders } from './common/logger.js';
import { GatewayMetrics } from './common/metrics.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway-config.js';
import { secretHeaders } from './products/index.js';
import { RedisModule } from './redis/redis.module.js';
import { ClusterHttp } from './transport/cluster-http.js';
import { ClusterSlots } from './transport/cluster-slots.js';
import { ClusterEndpointPolicy } from './transport/endpoint-policy.js';

const TRANSPORT = [ClusterEndpointPolicy, ClusterSlots, ClusterHttp];

/**
 * What every module may use without importing it (global): the configuration, the logger, the
 * metrics registry (one per process, GET /metrics), Redis and the transport to the clusters.
 * Everything else is owned by a module that says so: the records by StoresModule, the queues by
 * QueuesModule, each feature's services by its feature module.
 */
@Module({})
export class CoreModule {
  static forRoot(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      imports: [RedisModule],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: LOGGER, useValue: withSecretHeaders(logger, secretHeaders()) },
        { provide: GatewayMetrics, useValue: new GatewayMetrics() },
        ...TRANSPORT,
      ],
      exports: [GATEWAY_CONFIG, LOGGER, GatewayMetrics, ...TRANSPORT],
    };
  }
}
