import { Module } from '@nestjs/common';
import { EventFeed } from '../events/event-feed.js';
import { PeeringsModule } from '../peerings/peerings.module.js';
import { WatchController } from './watch.controller.js';
import { WatchService } from './watch.service.js';

/** Event streams (Server-Sent Events), fed by one Redis subscription per API process. */
@Module({ imports: [PeeringsModule], controllers: [WatchController], providers: [EventFeed, WatchService], exports: [EventFeed] })
export class WatchModule {}
