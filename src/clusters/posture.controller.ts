import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Scopes } from '../access/route-access.js';
import { ApiProblems } from '../common/api-docs.js';
import type { ClusterPosture } from '../products/product-plugin.js';
import { PostureService } from './posture.service.js';
import { productPlugins } from '../products/index.js';

/** The posture models and the value of `product` that selects each (the oneOf's discriminator), from the products. */
const POSTURE_MODELS = Object.fromEntries(productPlugins().flatMap((p) => (p.blocks?.posture ? [[p.id, p.blocks.posture]] : [])));

@ApiTags('clusters')
@ApiBearerAuth()
@ApiProblems('unauthorized', 'service_unavailable')
@Controller('v1/clusters')
export class PostureController {
  constructor(private readonly posture: PostureService) {}

  @Get(':id/posture')
  @Scopes('clusters:read')
  @ApiOperation({
    operationId: 'getClusterPosture',
    summary: "A cluster's security posture, read now",
    description: "What the product can tell of the cluster's security now (one shape per product; see each model), never a secret.",
  })
  @ApiParam({ name: 'id', description: 'The cluster id' })
  @ApiExtraModels(...Object.values(POSTURE_MODELS))
  @ApiOkResponse({
    description: 'One shape per product, told apart by `product`',
    schema: {
      oneOf: Object.values(POSTURE_MODELS).map((model) => ({ $ref: getSchemaPath(model) })),
      discriminator: { propertyName: 'product', mapping: Object.fromEntries(Object.entries(POSTURE_MODELS).map(([id, model]) => [id, getSchemaPath(model)])) },
    },
  })
  @ApiProblems('not_found', 'upstream_rejected', 'upstream_unavailable', 'upstream_invalid')
  get(@Param('id') id: string): Promise<ClusterPosture> {
    return this.posture.posture(id);
  }
}
