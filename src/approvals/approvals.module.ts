import { Module } from '@nestjs/common';
import { StoresModule } from '../stores/stores.module.js';
import { PeeringsModule } from '../peerings/peerings.module.js';
import { ApprovalsController } from './approvals.controller.js';
import { ApprovalsService } from './approvals.service.js';

/** Approvals of peerings on clusters that require them: the list, approve, reject and expiry. */
@Module({ imports: [StoresModule, PeeringsModule], controllers: [ApprovalsController], providers: [ApprovalsService], exports: [ApprovalsService] })
export class ApprovalsModule {}
