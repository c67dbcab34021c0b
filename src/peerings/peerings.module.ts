import { Module } from '@nestjs/common';
import { EventsController } from '../events/events.controller.js';
import { OperationsController } from '../operations/operations.controller.js';
import { PeeringsController } from './peerings.controller.js';
import { PeeringsService } from './peerings.service.js';
import { PeeringPlanner } from './peering-plan.service.js';

/** Peerings, their operations and their history, as callers see them. */
@Module({
  controllers: [PeeringsController, OperationsController, EventsController],
  providers: [PeeringsService, PeeringPlanner],
  exports: [PeeringsService, PeeringPlanner],
})
export class PeeringsModule {}
