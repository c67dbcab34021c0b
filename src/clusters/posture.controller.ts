import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../access/route-access.js';
import { ApiProblems } from '../common/api-docs.js';
import type { ClusterPosture } from '../products/product-plugin.js';
import { PostureService } from './posture.service.js';

@ApiTags('clusters')
@ApiBearerAuth()
@ApiProblems('unauthorized', 'service_unavailable')
@Controller('v1/clusters')
export class PostureController {
  constructor(private readonly posture: PostureService) {}

  @Get(':id/posture')
  @Scopes('clusters:read')
  @ApiOperation({
    summary: "A cluster's security posture, read now",
    description:
      'ONTAP: its key managers (type, scope, enabled, status) with the cluster-scope verdict used by `requireKeyManager`, and its IPsec policies (never their keys). Consul: peering traffic is mTLS by design; ACL enforcement as known from the registration.',
  })
  @ApiProblems('not_found', 'upstream_rejected', 'upstream_unavailable', 'upstream_invalid')
  get(@Param('id') id: string): Promise<ClusterPosture> {
    return this.posture.posture(id);
  }
}
