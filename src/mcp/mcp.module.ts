import { Module } from '@nestjs/common';
import { StoresModule } from '../stores/stores.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { ApprovalsModule } from '../approvals/approvals.module.js';
import { ClustersModule } from '../clusters/clusters.module.js';
import { PeeringsModule } from '../peerings/peerings.module.js';
import { WatchModule } from '../watch/watch.module.js';
import { McpController } from './mcp.controller.js';
import { McpTools } from './mcp-tools.js';
import { PeeringWait } from './peering-wait.js';

/** The gateway as an MCP server for agents (POST /mcp): the same use cases as /v1, as tools. */
@Module({
  imports: [StoresModule, AuthModule, PeeringsModule, ApprovalsModule, ClustersModule, WatchModule],
  controllers: [McpController],
  providers: [McpTools, PeeringWait],
})
export class McpModule {}
