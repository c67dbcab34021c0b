import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../common/page-query.js';
import { SCOPES, type Scope, TEAM_RULE, TEAM_SLUG } from '../domain/access.js';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'ci-pipeline', description: 'What the key is for (shown in lists and the audit log is by id)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name: string;

  @ApiProperty({ example: 'storage', description: `The team the key acts for. ${TEAM_RULE}. Only an admin may name another team than its own.` })
  @IsString()
  @Matches(TEAM_SLUG, { message: `team ${TEAM_RULE}` })
  team: string;

  @ApiProperty({ enum: SCOPES, isArray: true, example: ['peerings:read', 'peerings:write'], description: 'A key never gets a scope its maker lacks' })
  @IsArray()
  @ArrayMinSize(1, { message: 'scopes must list at least one scope' })
  @ArrayMaxSize(SCOPES.length)
  @ArrayUnique()
  @IsIn(SCOPES, { each: true, message: `each scope must be one of: ${SCOPES.join(', ')}` })
  scopes: Scope[];

  @ApiPropertyOptional({ example: '2026-12-31T00:00:00Z', description: 'When the key stops working (ISO 8601, in the future); none: it works until revoked' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 date-time' })
  expiresAt?: string;
}

export class ListApiKeysQuery extends PageQuery {}

/* Response documents (OpenAPI). */

export class ActorDoc {
  @ApiProperty({ enum: ['admin', 'api-key', 'oidc', 'system', 'anonymous'] }) type: string;
  @ApiProperty({ type: String, nullable: true, description: "An API key's id, a token's subject, `admin`; never a secret" }) id: string | null;
  @ApiProperty({ type: String, nullable: true }) team: string | null;
  @ApiPropertyOptional({ enum: ['mcp'], description: 'Set when the call came through the MCP endpoint (`POST /mcp`), not /v1' }) via?: 'mcp';
}

export class ApiKeyDoc {
  @ApiProperty({ example: 'key_01jd0c7v9q4m2x8r6t5y3w1zab' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() team: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes: string[];
  @ApiProperty() createdAt: string;
  @ApiProperty({ type: String, nullable: true }) expiresAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Last use, to the minute' }) lastUsedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) revokedAt: string | null;
  @ApiProperty({ type: ActorDoc }) createdBy: ActorDoc;
}

export class ApiKeyWithSecretDoc extends ApiKeyDoc {
  @ApiProperty({ example: 'gwk_3q2+7w...', description: 'The key: shown in this answer only; the gateway keeps only its SHA-256' })
  key: string;
}

export class ApiKeyListDoc {
  @ApiProperty({ type: [ApiKeyDoc] }) items: ApiKeyDoc[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
