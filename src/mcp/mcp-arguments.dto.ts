import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';
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
