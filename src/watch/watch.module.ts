import { Module } from '@nestjs/common';
import { StoresModule } from '../stores/stores.module.js';
import { EventFeed } from '../stores/event-feed.js';
import { PeeringsModule } from '../peerings/peerings.module.js';
import { WatchController } from './watch.controller.js';
import { WatchService } from './watch.service.js';

/** Event streams (Server-Sent Events), fed by one Redis subscription per API process. */
@Module({ imports: [StoresModule, PeeringsModule], controllers: [WatchController], providers: [EventFeed, WatchService], exports: [EventFeed] })
export class WatchModule {}
