import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../access/route-access.js';
import { ApiProblems } from '../common/api-docs.js';
import { type ClusterView } from './cluster.js';
import { CreateClusterDto } from './cluster.dto.js';
import { ClustersService } from './clusters.service.js';

@ApiTags('clusters')
@ApiBearerAuth()
@ApiProblems('unauthorized', 'forbidden', 'service_unavailable')
@Controller('v1/clusters')
export class ClustersController {
  constructor(private readonly clusters: ClustersService) {}

  @Post()
  @Scopes('clusters:write')
  @ApiOperation({ summary: 'Register a cluster (secrets are write-only)' })
  @ApiProblems('validation_failed', 'conflict')
  create(@Body() body: CreateClusterDto): Promise<ClusterView> {
    return this.clusters.create(body);
  }

  @Get()
  @Scopes('clusters:read')
  @ApiOperation({ summary: 'List registered clusters' })
  async list(): Promise<{ items: ClusterView[] }> {
    return { items: await this.clusters.list() };
  }

  @Get(':id')
  @Scopes('clusters:read')
  @ApiOperation({ summary: 'Read a cluster' })
  @ApiProblems('not_found')
  get(@Param('id') id: string): Promise<ClusterView> {
    return this.clusters.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('clusters:write')
  @ApiOperation({ summary: 'Unregister a cluster (409 while peerings use it)' })
  @ApiProblems('not_found', 'conflict')
  async remove(@Param('id') id: string): Promise<void> {
    await this.clusters.remove(id);
  }
}
