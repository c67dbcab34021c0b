import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { type CreateClusterDto } from './clusters/cluster.dto.js';
import { ClustersService } from './clusters/clusters.service.js';
import { type Cluster } from './clusters/cluster.js';
import { createLogger, NestPinoLogger } from './common/logger.js';
import { GatewayError } from './common/problem.js';
import { createValidationPipe } from './common/validation.js';
import { type GatewayConfig } from './config/gateway-config.js';
import { confirmWritesBeforeAnswering } from './redis/replicated-writes.js';
import { RedisService } from './redis/redis.service.js';

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

function openApi(app: NestFastifyApplication): void {
  const document = new DocumentBuilder()
    .setTitle('Peering gateway')
    .setDescription(
      'One API to create, watch, change and delete peerings on NetApp ONTAP clusters and HashiCorp Consul datacenters. ' +
        'Every write answers 202 with an operation to follow; every error is application/problem+json.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, document), {
    jsonDocumentUrl: 'openapi.json',
    customSiteTitle: 'Peering gateway API',
  });
}

/**
 * Callers (curl with a shared header set, webhook automation) often send Content-Type: JSON with
 * an empty body on DELETE or POST .../sync; that is no body, not a malformed one.
 */
function acceptEmptyJsonBodies(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(
        new GatewayError('validation_failed', `the body is not valid JSON: ${(err as Error).message}`, {
          errors: [{ field: 'body', message: 'must be valid JSON' }],
        }),
        undefined,
      );
    }
  });
}

export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<RunningGateway> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger), new FastifyAdapter({ bodyLimit: 1024 * 1024 }), {
    logger: new NestPinoLogger(logger.child({ component: 'nest' })),
    abortOnError: false,
    // JSON bodies are parsed by acceptEmptyJsonBodies below.
    bodyParser: false,
  });
  app.useGlobalPipes(createValidationPipe());
  acceptEmptyJsonBodies(app);
  confirmWritesBeforeAnswering(app.getHttpAdapter().getInstance(), app.get(RedisService));
  openApi(app);
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
