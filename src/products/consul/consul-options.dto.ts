import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsNotEmpty, IsOptional, IsString, Matches } from 'class-validator';
import { IsOptionalNotNull, NestedObject } from '../../common/validation.js';
import { IsConsulMeta, MAX_META_PAIRS, META_RULES } from './consul-meta.js';

/* The Consul blocks of the API's bodies (`consul` on a cluster, a create and an update), contributed by the plugin (consul.plugin.ts). */

/** Consul service names: DNS-compatible, as Consul's catalog wants them. */
const SERVICE_NAME = /^[a-zA-Z0-9]([a-zA-Z0-9_-]{0,126}[a-zA-Z0-9])?$/;
export const MAX_EXPORTS = 256;

function ServiceList(description: string): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({ type: [String], maxItems: MAX_EXPORTS, example: ['web', 'api'], description })(target, key);
    IsOptionalNotNull()(target, key);
    IsArray()(target, key);
    ArrayUnique({ message: `${String(key)} must not name a service twice` })(target, key);
    ArrayMaxSize(MAX_EXPORTS)(target, key);
    Matches(SERVICE_NAME, { each: true, message: 'each service must be a Consul service name: letters, digits, - and _, at most 128 characters' })(target, key);
  };
}

export class ConsulExportsDto {
  @ServiceList('Services the local datacenter exports to the remote one')
  local?: string[];

  @ServiceList('Services the remote datacenter exports to the local one (only when the gateway drives both sides)')
  remote?: string[];
}

const EXPORTS_DOC = {
  type: ConsulExportsDto,
  description:
    "Exported services: the gateway adds the peer as a consumer to the partition's exported-services config entry (check-and-set, keeping what others wrote); the peering is ACTIVE once the other side imports them",
};

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

export class ConsulOptionsDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 512 },
    maxProperties: MAX_META_PAIRS,
    description: `Peering metadata (Consul's Meta): ${META_RULES}`,
  })
  @IsOptionalNotNull()
  @IsConsulMeta()
  meta?: Record<string, string>;

  @ApiPropertyOptional(EXPORTS_DOC)
  @IsOptionalNotNull()
  @NestedObject(() => ConsulExportsDto)
  exports?: ConsulExportsDto;
}

export class ConsulUpdateDto {
  @ApiPropertyOptional({
    description: 'Generate a new peering token on the acceptor (the unused old one stops working); a dialer that is not ACTIVE establishes with it',
  })
  @IsOptional()
  @IsBoolean()
  rotateToken?: boolean;

  @ApiPropertyOptional({ ...EXPORTS_DOC, description: `Replaces the exports as a whole. ${EXPORTS_DOC.description}` })
  @IsOptionalNotNull()
  @NestedObject(() => ConsulExportsDto)
  exports?: ConsulExportsDto;
}
