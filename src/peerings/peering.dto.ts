import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, IsArray, IsDefined, IsIn, IsIP, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { SLUG, SLUG_RULE } from '../clusters/cluster.dto.js';
import { TEAM_RULE, TEAM_SLUG } from '../domain/access.js';
import { PEERING_STATES, type PeeringState } from '../domain/peering-state.js';
import { PageQuery } from '../common/page-query.js';
import { IsProduct, withProductBlocks } from '../products/product-property.js';
import { LABEL_RULES, MAX_LABELS } from '../common/labels.js';
import { IsLabels, IsOptionalNotNull, NestedObject } from '../common/validation.js';

export class ClusterRefDto {
  @ApiProperty({ example: 'east' })
  @IsString()
  @IsNotEmpty({ message: 'cluster must name a registered cluster' })
  cluster: string;
}

export class ExternalPeerDto {
  @ApiPropertyOptional({
    description:
      "The far side's secret to accept with (the product's passphrase or token). Omit it to make an offer: the offer's secret is returned once by GET /v1/operations/{id}.",
    writeOnly: true,
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(16_384)
  secret?: string;

  @ApiPropertyOptional({ type: [String], description: "The far cluster's addresses, for products whose secret does not carry them" })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIP(undefined, { each: true, message: 'each address must be an IPv4 or IPv6 address' })
  addresses?: string[];
}

export class RemoteDto {
  @ApiPropertyOptional({ description: 'A managed cluster: the gateway does both sides', example: 'west' })
  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty({ message: 'cluster must name a registered cluster' })
  cluster?: string;

  @ApiPropertyOptional({ type: ExternalPeerDto, description: 'An external peer: the gateway does only the local side' })
  @IsOptionalNotNull()
  @NestedObject(() => ExternalPeerDto)
  external?: ExternalPeerDto;
}

export class CreatePeeringDto {
  @ApiProperty({ example: 'east-west', description: SLUG_RULE })
  @IsString()
  @Matches(SLUG, { message: `name ${SLUG_RULE}` })
  name: string;

  @ApiProperty({ type: ClusterRefDto })
  @IsDefined({ message: 'local is required: { "cluster": "<id>" }' })
  @NestedObject(() => ClusterRefDto)
  local: ClusterRefDto;

  @ApiProperty({ type: RemoteDto, description: 'Exactly one of `cluster` or `external`' })
  @IsDefined({ message: 'remote is required: { "cluster": "<id>" } or { "external": {...} }' })
  @NestedObject(() => RemoteDto)
  remote: RemoteDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 63 },
    maxProperties: MAX_LABELS,
    example: { team: 'storage' },
    description: `Labels (Kubernetes rules): ${LABEL_RULES}`,
  })
  @IsOptionalNotNull()
  @IsLabels()
  labels?: Record<string, string>;

  @ApiPropertyOptional({
    example: 'storage',
    description: `The team it belongs to (${TEAM_RULE}). Default: the caller's team; \`default\` for the admin token. Only an admin may name another team.`,
  })
  @IsOptional()
  @IsString()
  @Matches(TEAM_SLUG, { message: `team ${TEAM_RULE}` })
  team?: string;

  @ApiPropertyOptional({ example: 'storage', deprecated: true, description: 'Deprecated alias of `team`, accepted and shown for one release' })
  @IsOptional()
  @IsString()
  @Matches(TEAM_SLUG, { message: `owner ${TEAM_RULE}` })
  owner?: string;
}

export class ListPeeringsQuery extends PageQuery {
  @ApiPropertyOptional({ description: "Admins only: one team's peerings (a team always lists its own)" })
  @IsOptional()
  @IsString()
  @Matches(TEAM_SLUG, { message: `team ${TEAM_RULE}` })
  team?: string;

  @IsOptional()
  @IsProduct({ required: false })
  product?: string;

  @ApiPropertyOptional({ enum: PEERING_STATES })
  @IsOptional()
  @IsIn(PEERING_STATES, { message: `state must be one of: ${PEERING_STATES.join(', ')}` })
  state?: PeeringState;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  cluster?: string;
}

export class UpdatePeeringDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 63 },
    maxProperties: MAX_LABELS,
    description: `Replaces the labels as a whole. ${LABEL_RULES}`,
  })
  @IsOptionalNotNull()
  @IsLabels()
  labels?: Record<string, string>;

  @ApiPropertyOptional({
    example: 'storage',
    description: `Moves the peering to this team (${TEAM_RULE}): admins only; its clusters must be open to the team.`,
  })
  @IsOptional()
  @IsString()
  @Matches(TEAM_SLUG, { message: `team ${TEAM_RULE}` })
  team?: string;

  @ApiPropertyOptional({ example: 'storage', deprecated: true, description: 'Deprecated alias of `team`, accepted and shown for one release' })
  @IsOptional()
  @IsString()
  @Matches(TEAM_SLUG, { message: `owner ${TEAM_RULE}` })
  owner?: string;
}

withProductBlocks(CreatePeeringDto, 'peeringCreate');
withProductBlocks(UpdatePeeringDto, 'peeringUpdate');
