import { Module } from '@nestjs/common';
import { ApiKeysController, AuditController, WhoAmIController } from './access.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuditService } from './audit.service.js';

/** API keys and the audit log (who may call is decided by AccessControl, in the core). */
@Module({ controllers: [ApiKeysController, AuditController, WhoAmIController], providers: [ApiKeysService, AuditService] })
export class AccessModule {}
