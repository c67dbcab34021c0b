import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { HEADERS } from '../common/api-docs.js';
import { documentAccess } from '../common/api-security.js';
import { clustersInWords } from '../products/index.js';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The tags, with the registered products' clusters named where the tag is about them. */
const tags = (): [string, string][] => [
  ['peerings', 'Peerings between two clusters of one product: ask, read, change, repair, delete; every change answers 202 and runs in the background'],
  ['operations', 'The asynchronous changes of peerings, with their steps, attempts and last error'],
  ['clusters', `The ${clustersInWords()} the gateway acts on; credentials are write-only`],
  ['webhooks', 'Subscriptions that receive peering events, signed as Standard Webhooks, with their delivery log'],
];

/**
 * The OpenAPI document of the running application: what the controllers declare, plus what
 * holds for every route (the bearer token, X-Request-Id). Served at /openapi.json and dumped by
 * scripts/openapi-dump.ts for `npm run lint:openapi` and the generated client (clients/typescript/).
 */
export function buildOpenApiDocument(app: INestApplication, oidcIssuer?: string): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Peering gateway')
    .setDescription(
      `One API to create, watch, change and delete peerings on ${clustersInWords()}. ` +
        'Every write answers 202 with an operation to follow; every error is application/problem+json (RFC 9457) with a stable `code`.',
    )
    .setVersion('1')
    .setLicense('UNLICENSED (package.json): proprietary, no licence granted', 'https://docs.npmjs.com/cli/v10/configuring-npm/package-json#license')
    .addServer('/', 'The gateway serving this document')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'An API key (gwk_...), the admin token (GATEWAY_ADMIN_TOKEN) or an OpenID Connect token' },
      'bearer',
    )
    .addSecurityRequirements('bearer');
  for (const [name, description] of tags()) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build(), {
    operationIdFactory: (controller, method) => `${controller}_${method}`,
  });
  // DocumentBuilder starts with an empty contact object: the project publishes none.
  delete document.info.contact;
  // addBearerAuth presets bearerFormat JWT; API keys and the admin token are opaque strings.
  const bearer = document.components?.securitySchemes?.bearer;
  if (bearer && !('$ref' in bearer)) delete bearer.bearerFormat;
  return documentAccess(withCommonHeaders(document), oidcIssuer);
}

/** X-Request-Id on every route, asked and answered; Location and Retry-After as named components. */
function withCommonHeaders(document: OpenAPIObject): OpenAPIObject {
  const components = (document.components ??= {});
  components.headers = { ...components.headers, 'X-Request-Id': HEADERS.requestId };
  components.parameters = {
    ...components.parameters,
    RequestId: {
      name: 'X-Request-Id',
      in: 'header',
      required: false,
      description: 'Your id for this request (taken as given, or generated): echoed on the answer and kept by the operation it starts',
      schema: { type: 'string', maxLength: 200, example: 'req_01jd0c7v9q4m2x8r6t5y3w1zab' },
    },
  };
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation: Operation | undefined = item[method];
      if (!operation) continue;
      operation.parameters = [...(operation.parameters ?? []), { $ref: '#/components/parameters/RequestId' }];
      for (const response of Object.values(operation.responses)) {
        if (!response || '$ref' in response) continue;
        response.headers = { ...response.headers, 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } };
      }
    }
  }
  return document;
}

/** Serves the document at /openapi.json and Swagger UI at /docs. */
export function openApi(app: INestApplication, oidcIssuer?: string): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app, oidcIssuer), {
    jsonDocumentUrl: 'openapi.json',
    customSiteTitle: 'Peering gateway API',
  });
}
