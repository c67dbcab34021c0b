import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ValidBody, ValidQuery } from '../common/validation.js';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes, CurrentCaller } from './route-access.js';
import { ApiProblems } from '../common/api-docs.js';
import { HttpAnswer, RendersHttpAnswer } from '../common/http-answer.js';
import { type Caller } from '../domain/access.js';
import { type ApiKey } from '../domain/api-key.js';
import { ApiKeyDoc, ApiKeyListDoc, ApiKeyWithSecretDoc, CreateApiKeyDto, ListApiKeysQuery } from './api-key.dto.js';
import { ApiKeysService } from './api-keys.service.js';
import { type AuditEntry } from '../domain/audit.js';
import { AuditPageDoc, AuditQuery } from './audit.dto.js';
import { AuditService } from './audit.service.js';
import { CallerDoc } from './caller.dto.js';

@ApiTags('access')
@ApiBearerAuth()
@ApiProblems('unauthorized', 'forbidden', 'service_unavailable')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @Scopes('api-keys:write')
  @ApiOperation({
    operationId: 'createApiKey',
    summary: 'Make an API key for a team (the key is in this answer only)',
    description: 'Use it as `Authorization: Bearer gwk_...`. A team may make keys for itself with at most its own scopes; an admin for any team.',
  })
  @ApiCreatedResponse({ type: ApiKeyWithSecretDoc })
  @ApiProblems('validation_failed', 'rate_limited')
  @RendersHttpAnswer()
  async create(@ValidBody() body: CreateApiKeyDto, @CurrentCaller() caller: Caller): Promise<HttpAnswer> {
    const key = await this.keys.create(body, caller);
    // The key is in this answer only: no cache keeps it.
    return HttpAnswer.created(key, `/v1/api-keys/${key.id}`, { 'cache-control': 'no-store' });
  }

  @Get()
  @Scopes('api-keys:write')
  @ApiOperation({ operationId: 'listApiKeys', summary: "List API keys (a team's own; every key for an admin), oldest first, never the keys themselves" })
  @ApiOkResponse({ type: ApiKeyListDoc })
  @ApiProblems('validation_failed')
  list(@ValidQuery() query: ListApiKeysQuery, @CurrentCaller() caller: Caller): Promise<{ items: ApiKey[]; nextCursor: string | null }> {
    return this.keys.list(query, caller);
  }

  @Get(':id')
  @Scopes('api-keys:write')
  @ApiOperation({ operationId: 'getApiKey', summary: 'Read an API key record (never the key)' })
  @ApiOkResponse({ type: ApiKeyDoc })
  @ApiProblems('not_found')
  get(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<ApiKey> {
    return this.keys.get(id, caller);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('api-keys:write')
  @ApiOperation({ operationId: 'revokeApiKey', summary: 'Revoke an API key: refused from the next request on, on every replica' })
  @ApiNoContentResponse()
  @ApiProblems('not_found', 'rate_limited')
  async revoke(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<void> {
    await this.keys.revoke(id, caller);
  }
}

@ApiTags('access')
@ApiBearerAuth()
@ApiProblems('unauthorized', 'forbidden', 'service_unavailable')
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Scopes('audit:read')
  @ApiOperation({
    operationId: 'listAuditEntries',
    summary: 'The audit log, newest first: every write and every refused call',
    description:
      'Entries are kept for GATEWAY_AUDIT_RETENTION (default P90D). A team sees the entries of its own callers and of writes on its resources; an admin sees all.',
  })
  @ApiOkResponse({ type: AuditPageDoc })
  @ApiProblems('validation_failed')
  list(@ValidQuery() query: AuditQuery, @CurrentCaller() caller: Caller): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
    return this.audit.list(query, caller);
  }
}

@ApiTags('access')
@ApiBearerAuth()
@ApiProblems('unauthorized', 'forbidden', 'service_unavailable')
@Controller('v1/whoami')
export class WhoAmIController {
  @Get()
  @Scopes('peerings:read')
  @ApiOperation({
    operationId: 'whoAmI',
    summary: 'Who this credential is: its type, id, team and scopes',
    description: 'For clients that show only what the caller may do (the console hides the writes a read-only key cannot make); the API refuses them anyway.',
  })
  @ApiOkResponse({ type: CallerDoc })
  whoami(@CurrentCaller() caller: Caller): CallerDoc {
    const { type, id, team, scopes } = caller.actor;
    return { type, id, team, scopes: [...scopes] };
  }
}
