import { Module } from '@nestjs/common';
import { StoresModule } from '../stores/stores.module.js';
import { QueuesModule } from '../queues/queues.module.js';
import { PeeringsController } from './peerings.controller.js';
import { PeeringsService } from './peerings.service.js';
import { PeeringPlanner } from './peering-plan.service.js';
import { TeamIndexMigration } from './team-index-migration.service.js';

/** Peerings as callers see them: create, change, delete, plan; and the move of old peerings into the team index, once. */
@Module({
  imports: [StoresModule, QueuesModule],
  controllers: [PeeringsController],
  providers: [PeeringsService, PeeringPlanner, TeamIndexMigration],
  exports: [PeeringsService, PeeringPlanner],
})
export class PeeringsModule {}
