import { Module } from '@nestjs/common';
import { StoresModule } from '../stores/stores.module.js';
import { EventsController } from './events.controller.js';

/** GET /v1/events: the recent history of gateway events (the stream is src/watch/). */
@Module({ imports: [StoresModule], controllers: [EventsController] })
export class EventsModule {}
