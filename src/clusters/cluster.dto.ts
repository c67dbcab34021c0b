import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TEAM_RULE, TEAM_SLUG } from '../domain/access.js';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsDefined, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsOptionalNotNull, NestedObject } from '../common/validation.js';
import type { Product } from '../domain/cluster.js';
import { IsProduct, withProductBlocks } from '../products/product-property.js';

export const SLUG = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const SLUG_RULE = 'must be a DNS label: lower-case letters, digits and hyphens, 1-63 characters, starting and ending with a letter or digit';

export class ClusterAuthDto {
  @ApiPropertyOptional({ description: 'User for HTTP basic auth (products that take one)' })
  @IsOptional()
  @IsString()
  username?: string;

  @ApiPropertyOptional({ description: 'Password for HTTP basic auth (write-only, never returned)', writeOnly: true })
  @IsOptional()
  @IsString()
  password?: string;

  @ApiPropertyOptional({
    description: 'Token (write-only, never returned), for products that take one; see each product for the permissions it needs',
    writeOnly: true,
  })
  @IsOptional()
  @IsString()
  token?: string;
}

export class ClusterTlsDto {
  @ApiPropertyOptional({ description: 'PEM bundle of the CAs that sign the cluster certificate (self-signed management certificates are the norm)' })
  @IsOptional()
  @IsString()
  @Matches(/-----BEGIN CERTIFICATE-----/, { message: 'must be a PEM certificate bundle' })
  caPem?: string;
}

export class ClusterApprovalDto {
  @ApiProperty({ description: 'Peerings on this cluster wait for an approval unless asked for by one of the approver teams' })
  @IsDefined({ message: 'approval.required is required (true or false)' })
  @IsBoolean({ message: 'must be true or false' })
  required: boolean;

  @ApiProperty({ type: [String], example: ['storage-admins'], description: 'The teams that may approve (and whose own requests need no approval)' })
  @IsArray()
  @ArrayMinSize(1, { message: 'must name at least one team' })
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(TEAM_SLUG, { each: true, message: `each team ${TEAM_RULE}` })
  approverTeams: string[];
}

export class CreateClusterDto {
  @ApiProperty({ example: 'east' })
  @IsString()
  @Matches(SLUG, { message: `id ${SLUG_RULE}` })
  id: string;

  @IsProduct({ required: true })
  product: Product;

  @ApiProperty({
    example: 'https://10.1.0.5',
    description: "The address of the product's API (the adapter adds its path prefix)",
  })
  @IsString()
  @MaxLength(2048)
  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'endpoint must be an http or https URL' })
  endpoint: string;

  @ApiProperty({ type: ClusterAuthDto, description: 'The credentials the product takes: {username, password} or {token} ({} when the product needs none)' })
  @IsDefined({ message: 'auth is required: {"username", "password"} or {"token"}, as the product takes ({} when it needs none)' })
  @NestedObject(() => ClusterAuthDto)
  auth: ClusterAuthDto;

  @ApiPropertyOptional({ type: ClusterTlsDto })
  @IsOptionalNotNull()
  @NestedObject(() => ClusterTlsDto)
  tls?: ClusterTlsDto;

  @ApiPropertyOptional({
    type: [String],
    example: ['storage', 'platform'],
    description: 'The teams whose peerings may use this cluster (403 for any other); absent: every team',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @Matches(TEAM_SLUG, { each: true, message: `each team ${TEAM_RULE}` })
  allowedTeams?: string[];

  @ApiPropertyOptional({ type: ClusterApprovalDto, description: 'Approvals for peerings on this cluster (docs/self-service.md)' })
  @IsOptionalNotNull()
  @NestedObject(() => ClusterApprovalDto)
  approval?: ClusterApprovalDto;
}

withProductBlocks(CreateClusterDto, 'clusterFacts');
