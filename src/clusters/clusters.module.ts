import { Module } from '@nestjs/common';
import { StoresModule } from '../stores/stores.module.js';
import { ClustersController } from './clusters.controller.js';
import { ClustersService } from './clusters.service.js';
import { PostureController } from './posture.controller.js';
import { PostureService } from './posture.service.js';

/** The clusters the gateway acts on: registration and posture. */
@Module({
  imports: [StoresModule],
  controllers: [ClustersController, PostureController],
  providers: [ClustersService, PostureService],
  exports: [ClustersService, PostureService],
})
export class ClustersModule {}
