import { Module } from '@nestjs/common';
import { StoresModule } from '../stores/stores.module.js';
import { ApiKeysController, AuditController, WhoAmIController } from './access.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuditService } from './audit.service.js';

/** API keys and the audit log (who may call is decided by AccessControl, src/auth/auth.module.ts). */
@Module({ imports: [StoresModule], controllers: [ApiKeysController, AuditController, WhoAmIController], providers: [ApiKeysService, AuditService] })
export class AccessModule {}
