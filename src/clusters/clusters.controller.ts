import { Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ValidBody } from '../common/validation.js';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems, HEADERS, WRITE_LIMIT_PROBLEMS } from '../common/api-docs.js';
import { Scopes } from '../access/route-access.js';
import { type ClusterView } from '../domain/cluster.js';
import { CreateClusterDto } from './cluster.dto.js';
import { ClustersService } from './clusters.service.js';
import { ClusterListDoc, ClusterViewDoc } from './cluster-response.dto.js';

const CLUSTER_ID = ApiParam({ name: 'id', description: 'The cluster id', example: 'east' });

@ApiTags('clusters')
@ApiBearerAuth()
@ApiProblems('unauthorized', 'forbidden', 'service_unavailable')
@Controller('v1/clusters')
export class ClustersController {
  constructor(private readonly clusters: ClustersService) {}

  @Post()
  @Scopes('clusters:write')
  @ApiOperation({ operationId: 'createCluster', summary: 'Register a cluster (secrets are write-only)' })
  @ApiCreatedResponse({
    type: ClusterViewDoc,
    description: 'Registered: the cluster, with which secrets are set (never their values)',
    headers: { Location: HEADERS.location },
  })
  @ApiProblems('validation_failed', 'conflict', ...WRITE_LIMIT_PROBLEMS)
  async create(@ValidBody() body: CreateClusterDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<ClusterView> {
    const cluster = await this.clusters.create(body);
    void reply.header('location', `/v1/clusters/${cluster.id}`);
    return cluster;
  }

  @Get()
  @Scopes('clusters:read')
  @ApiOperation({ operationId: 'listClusters', summary: 'List registered clusters' })
  @ApiOkResponse({ type: ClusterListDoc })
  async list(): Promise<{ items: ClusterView[] }> {
    return { items: await this.clusters.list() };
  }

  @Get(':id')
  @Scopes('clusters:read')
  @ApiOperation({ operationId: 'getCluster', summary: 'Read a cluster' })
  @CLUSTER_ID
  @ApiOkResponse({ type: ClusterViewDoc })
  @ApiProblems('not_found')
  get(@Param('id') id: string): Promise<ClusterView> {
    return this.clusters.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('clusters:write')
  @ApiOperation({ operationId: 'deleteCluster', summary: 'Unregister a cluster (409 while peerings use it)' })
  @CLUSTER_ID
  @ApiNoContentResponse({ description: 'Unregistered' })
  @ApiProblems('not_found', 'conflict', 'rate_limited')
  async remove(@Param('id') id: string): Promise<void> {
    await this.clusters.remove(id);
  }
}
