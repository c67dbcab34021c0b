import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../src/app.module.js';
import { createLogger } from '../src/common/logger.js';
import { buildOpenApiDocument } from '../src/http/openapi.js';
import { loadConfig } from '../src/config/gateway-config.js';

/**
 * Writes the OpenAPI document the gateway serves at /openapi.json, without Redis or clusters: the
 * module graph is built (controllers and their decorators are all the document needs) but never
 * initialised, so nothing connects. Usage: node dist/scripts/openapi-dump.js <file>
 */
async function main(): Promise<void> {
  const target = process.argv[2];
  if (!target) throw new Error('usage: openapi-dump <file.json>');
  // Nothing is dialled or decrypted (the app is not initialised): these values only satisfy the configuration.
  const config = loadConfig({
    REDIS_URL: 'redis://127.0.0.1:1',
    GATEWAY_SANDBOX: 'false',
    GATEWAY_ADMIN_TOKEN: 'unused',
    GATEWAY_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
    LOG_LEVEL: 'silent',
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, createLogger('silent')), new FastifyAdapter(), {
    logger: false,
    abortOnError: false,
  });
  const document = buildOpenApiDocument(app);
  writeFileSync(target, `${JSON.stringify(document, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
