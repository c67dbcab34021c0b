import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { AccessControl } from './auth/access-control.js';
import { type CreateClusterDto } from './clusters/cluster.dto.js';
import { ClustersService } from './clusters/clusters.service.js';
import { type Cluster } from './domain/cluster.js';
import { createLogger, NestPinoLogger } from './common/logger.js';
import { GatewayMetrics } from './common/metrics.js';
import { installDirectReads } from './http/direct-reads.js';
import { httpServerOptions, installHttpEdges } from './http/http-edges.js';
import { ProblemFilter } from './http/problem.filter.js';
import { openApi } from './http/openapi.js';
import { type GatewayConfig } from './config/gateway-config.js';
import { confirmWritesBeforeAnswering } from './redis/replicated-writes.js';
import { RedisService } from './redis/redis.service.js';
import { installOperatorRoutes } from './observability/operator-routes.js';
import { installRequestObservability, requestIdOptions } from './observability/request-observability.js';

export interface GatewayOptions {
  logger?: Logger;
  /** Clusters to register (or refresh) at start: the clusters file and the sandbox. */
  clusters?: { input: CreateClusterDto; source: Cluster['source'] }[];
}

export interface RunningGateway {
  app: NestFastifyApplication;
  /** Base URL of the API; undefined in the worker role, which serves no HTTP. */
  url?: string;
  close(): Promise<void>;
}

export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<RunningGateway> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, logger),
    new FastifyAdapter({ ...httpServerOptions(config), ...requestIdOptions }),
    {
      logger: new NestPinoLogger(logger.child({ component: 'nest' })),
      abortOnError: false,
      // JSON bodies are parsed by the parser installHttpEdges sets up (limits checked on the raw text).
      bodyParser: false,
    },
  );
  // No global pipe: each DTO parameter names its validation (ValidBody, ValidQuery: src/common/validation.ts).
  // First, so that every answer (the authentication hook's 401s too) has its request id and log line.
  installRequestObservability(app, logger, app.get(GatewayMetrics));
  installHttpEdges(app, config, app.get(AccessControl));
  installDirectReads(app, app.get(ProblemFilter));
  confirmWritesBeforeAnswering(app.getHttpAdapter().getInstance(), app.get(RedisService));
  if (config.role !== 'worker') installOperatorRoutes(app, config);
  openApi(app, config.oidc?.issuer);
  await app.init();

  const clusters = app.get(ClustersService);
  for (const { input, source } of options.clusters ?? []) await clusters.upsert(input, source);

  let url: string | undefined;
  if (config.role !== 'worker') {
    await app.listen({ port: config.port, host: config.host });
    const address = app.getHttpServer().address() as { port: number };
    url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${address.port}`;
  }
  return { app, url, close: () => app.close() };
}
