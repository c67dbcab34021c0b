import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/api-docs.js';
import { type ClusterView } from './cluster.js';
import { CreateClusterDto } from './cluster.dto.js';
import { ClustersService } from './clusters.service.js';

@ApiTags('clusters')
@ApiBearerAuth()
@ApiProblems('unauthorized', 'service_unavailable')
@Controller('v1/clusters')
export class ClustersController {
  constructor(private readonly clusters: ClustersService) {}

  @Post()
  @ApiOperation({ summary: 'Register a cluster (secrets are write-only)' })
  @ApiProblems('validation_failed', 'conflict')
  create(@Body() body: CreateClusterDto): Promise<ClusterView> {
    return this.clusters.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List registered clusters' })
  async list(): Promise<{ items: ClusterView[] }> {
    return { items: await this.clusters.list() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a cluster' })
  @ApiProblems('not_found')
  get(@Param('id') id: string): Promise<ClusterView> {
    return this.clusters.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unregister a cluster (409 while peerings use it)' })
  @ApiProblems('not_found', 'conflict')
  async remove(@Param('id') id: string): Promise<void> {
    await this.clusters.remove(id);
  }
}
