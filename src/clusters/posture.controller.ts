import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Scopes } from '../access/route-access.js';
import { ApiProblems } from '../common/api-docs.js';
import type { ClusterPosture } from '../products/product-plugin.js';
import { PostureService } from './posture.service.js';
import { ConsulPostureDoc, OntapPostureDoc, POSTURE_MODELS } from './posture-response.dto.js';

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
    description:
      'ONTAP: its key managers (type, scope, enabled, status) with the cluster-scope verdict used by `requireKeyManager`, and its IPsec policies (never their keys). Consul: peering traffic is mTLS by design; ACL enforcement as known from the registration.',
  })
  @ApiParam({ name: 'id', description: 'The cluster id', example: 'ontap-east' })
  @ApiExtraModels(OntapPostureDoc, ConsulPostureDoc)
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
