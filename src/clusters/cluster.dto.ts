import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TEAM_RULE, TEAM_SLUG } from '../access/access.js';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIP,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { IsOptionalNotNull, NestedObject } from '../common/validation.js';
import type { Product } from './cluster.js';
import { IsProduct } from '../products/product-property.js';

export const SLUG = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const SLUG_RULE = 'must be a DNS label: lower-case letters, digits and hyphens, 1-63 characters, starting and ending with a letter or digit';

export class ClusterAuthDto {
  @ApiPropertyOptional({ description: 'ONTAP: user for HTTP basic auth' })
  @IsOptional()
  @IsString()
  username?: string;

  @ApiPropertyOptional({ description: 'ONTAP: password (write-only, never returned)', writeOnly: true })
  @IsOptional()
  @IsString()
  password?: string;

  @ApiPropertyOptional({ description: 'Consul: ACL token with peering:write (write-only, never returned)', writeOnly: true })
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

export class OntapFactsDto {
  @ApiProperty({ type: [String], description: 'Intercluster LIF addresses of this cluster', example: ['10.1.0.11', '10.1.0.12'] })
  @IsArray()
  @ArrayMinSize(1, { message: 'must list at least one intercluster address' })
  @IsIP(undefined, { each: true, message: 'each address must be an IPv4 or IPv6 address' })
  interclusterAddresses: string[];

  @ApiPropertyOptional({ default: 'Default' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  ipspace?: string;
}

export class ConsulFactsDto {
  @ApiPropertyOptional({ default: 'default', description: 'Admin partition (Enterprise)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  partition?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  datacenter?: string;

  @ApiPropertyOptional({ type: [String], description: 'host:port of the servers as the peer must dial them (peering through mesh gateways or NAT)' })
  @IsOptional()
  @IsArray()
  @Matches(/^[^\s:]+:\d{1,5}$/, { each: true, message: 'each address must be host:port' })
  serverExternalAddresses?: string[];
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
  @ApiProperty({ example: 'ontap-east' })
  @IsString()
  @Matches(SLUG, { message: `id ${SLUG_RULE}` })
  id: string;

  @IsProduct({ required: true })
  product: Product;

  @ApiProperty({
    example: 'https://10.1.0.5',
    description: 'ONTAP: cluster management address (the adapter adds /api). Consul: HTTP address (the adapter adds /v1).',
  })
  @IsString()
  @MaxLength(2048)
  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'endpoint must be an http or https URL' })
  endpoint: string;

  @ApiProperty({ type: ClusterAuthDto, description: 'ONTAP: {username, password}. Consul: {token}, or {} when the datacenter has no ACLs' })
  @IsDefined({ message: 'auth is required: {"username", "password"} for ONTAP, {"token"} for Consul ({} without ACLs)' })
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

  @ApiPropertyOptional({ type: OntapFactsDto })
  @IsOptionalNotNull()
  @NestedObject(() => OntapFactsDto)
  ontap?: OntapFactsDto;

  @ApiPropertyOptional({ type: ConsulFactsDto })
  @IsOptionalNotNull()
  @NestedObject(() => ConsulFactsDto)
  consul?: ConsulFactsDto;
}
