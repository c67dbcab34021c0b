import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, Max, Min } from 'class-validator';
import { NestedObject } from '../common/validation.js';
import { CreatePeeringDto, UpdatePeeringDto } from '../peerings/peering.dto.js';

/*
 * The arguments of the MCP tools (src/mcp/mcp-tools.ts): the /v1 request DTOs, with what a URL
 * or a header carries there (the id, the Idempotency-Key) as properties. tools/list serves their
 * JSON Schema from the OpenAPI document (they are its extra models) and tools/call validates them
 * with the same pipe as the /v1 routes, so a rule is written once.
 */

const IDEMPOTENCY_KEY = {
  maxLength: 255,
  description:
    'Optional, 1-255 printable ASCII characters, new for each new request. Send the same key with the same arguments to retry safely: the first answer comes back (the same peering, the same operation) instead of a second change; the same key with other arguments is refused.',
};

export class McpNoArguments {}

export class McpClusterArguments {
  @ApiProperty({ description: 'The cluster id, as list_clusters shows it', example: 'east-1' })
  @IsString()
  @IsNotEmpty()
  cluster!: string;
}

export class McpPeeringArguments {
  @ApiProperty({ description: 'The peering id (pr_...), as create_peering or list_peerings answered it', example: 'pr_01jd0c7v9q4m2x8r6t5y3w1zab' })
  @IsString()
  @IsNotEmpty()
  id!: string;
}

export class McpPeeringWriteArguments extends McpPeeringArguments {
  @ApiPropertyOptional(IDEMPOTENCY_KEY)
  @IsOptional()
  @IsString()
  idempotencyKey?: string;
}

export class McpWaitArguments extends McpPeeringArguments {
  @ApiPropertyOptional({ minimum: 1, maximum: 600, default: 30, description: 'How long to wait at most, in seconds' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(600)
  timeoutSeconds?: number;
}

export class McpCreatePeeringArguments extends CreatePeeringDto {
  @ApiPropertyOptional(IDEMPOTENCY_KEY)
  @IsOptional()
  @IsString()
  idempotencyKey?: string;
}

export class McpUpdatePeeringArguments extends UpdatePeeringDto {
  @ApiProperty({ description: 'The peering id (pr_...)', example: 'pr_01jd0c7v9q4m2x8r6t5y3w1zab' })
  @IsString()
  @IsNotEmpty()
  id!: string;
}

export const PLAN_ACTIONS = ['create', 'update', 'delete'] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

/** plan_peering: the dry run of a create (`peering`), of a change (`id`, `change`) or of a delete (`id`). */
export class McpPlanPeeringArguments {
  @ApiPropertyOptional({
    enum: PLAN_ACTIONS,
    default: 'create',
    description: 'What to plan: create (give peering), update (give id and change) or delete (give id)',
  })
  @IsOptional()
  @IsIn(PLAN_ACTIONS, { message: `action must be one of: ${PLAN_ACTIONS.join(', ')}` })
  action?: PlanAction;

  @ApiPropertyOptional({ description: 'update and delete: the peering id (pr_...)', example: 'pr_01jd0c7v9q4m2x8r6t5y3w1zab' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  id?: string;

  @ApiPropertyOptional({ type: CreatePeeringDto, description: 'create: the arguments create_peering would get (without idempotencyKey)' })
  @IsOptional()
  @NestedObject(() => CreatePeeringDto)
  peering?: CreatePeeringDto;

  @ApiPropertyOptional({ type: UpdatePeeringDto, description: 'update: the arguments update_peering would get (without id)' })
  @IsOptional()
  @NestedObject(() => UpdatePeeringDto)
  change?: UpdatePeeringDto;
}

export const DECISIONS = ['approve', 'reject'] as const;

/** approve_peering: an approval (with an optional comment) or a rejection (with a reason). */
export class McpApprovePeeringArguments extends McpPeeringArguments {
  @ApiPropertyOptional({
    enum: DECISIONS,
    default: 'approve',
    description: 'approve (the default) or reject (the peering is then FAILED with approval_rejected)',
  })
  @IsOptional()
  @IsIn(DECISIONS, { message: `decision must be one of: ${DECISIONS.join(', ')}` })
  decision?: (typeof DECISIONS)[number];

  @ApiPropertyOptional({ maxLength: 1000, description: 'approve: why it is approved, for the record', example: 'capacity checked' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string;

  @ApiPropertyOptional({
    maxLength: 1000,
    description: 'reject (required there): why it is rejected; the requester reads it in lastError',
    example: 'no SnapMirror to this site',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}
