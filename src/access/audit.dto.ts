import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../common/page-query.js';
import { ActorDoc } from './api-key.dto.js';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ description: "Only this actor's entries (an API key id, a token subject, `admin`)" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;

  @ApiPropertyOptional({ example: 'peering.create' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  @ApiPropertyOptional({ description: 'Only entries about this target: its id, or `type:id`' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  target?: string;

  @ApiPropertyOptional({ example: '2025-11-24T00:00:00Z', description: 'Only entries at or after this time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 date-time' })
  since?: string;
}

export class AuditTargetDoc {
  @ApiProperty({ example: 'peering' }) type: string;
  @ApiProperty({ type: String, nullable: true }) id: string | null;
}

export class AuditEntryDoc {
  @ApiProperty({ example: 'au_01jd0c7v9q4m2x8r6t5y3w1zab' }) id: string;
  @ApiProperty() at: string;
  @ApiProperty({ type: ActorDoc }) actor: ActorDoc;
  @ApiProperty({ example: 'peering.create' }) action: string;
  @ApiProperty({ type: AuditTargetDoc }) target: AuditTargetDoc;
  @ApiProperty({ enum: ['allowed', 'denied', 'failed'] }) outcome: string;
  @ApiProperty({ example: 202 }) status: number;
  @ApiProperty() requestId: string;
}

export class AuditPageDoc {
  @ApiProperty({ type: [AuditEntryDoc] }) items: AuditEntryDoc[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
