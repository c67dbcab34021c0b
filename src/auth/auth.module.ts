import { Module } from '@nestjs/common';
import { StoresModule } from '../stores/stores.module.js';
import { AccessControl } from './access-control.js';

/** Who may call: AccessControl (credentials, scopes, the rate limit), used by the `onRequest` hook, the queue view and MCP. */
@Module({ imports: [StoresModule], providers: [AccessControl], exports: [AccessControl] })
export class AuthModule {}
