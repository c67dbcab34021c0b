import { Module } from '@nestjs/common';
import { StoresModule } from '../stores/stores.module.js';
import { OperationsController } from './operations.controller.js';

/** GET /v1/operations: what the queues did and are doing, read from the operation records. */
@Module({ imports: [StoresModule], controllers: [OperationsController] })
export class OperationsModule {}
