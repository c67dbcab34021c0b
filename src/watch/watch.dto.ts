import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, Matches } from 'class-validator';
import type { Product } from '../domain/cluster.js';
import { GATEWAY_EVENT_TYPES, type GatewayEventType } from '../domain/gateway-event.js';
import { IsProduct } from '../products/product-property.js';

const EVENT_FILTERS = ['*', ...GATEWAY_EVENT_TYPES];

/** `a,b` and repeated parameters (`?x=a&x=b`) alike, as a list without empty entries. */
function list({ value }: { value: unknown }): unknown {
  if (value === undefined) return undefined;
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]));
  return parts.map((p) => (typeof p === 'string' ? p.trim() : p)).filter((p) => p !== '');
}

/** The filters of `GET /v1/events/watch`: those of a webhook subscription, as query parameters. */
export class WatchEventsQuery {
  @ApiPropertyOptional({
    type: String,
    example: 'peering.active,peering.failed',
    description: `Event types to stream, comma-separated (or repeated); \`*\` (the default) is all of them: ${GATEWAY_EVENT_TYPES.join(', ')}`,
  })
  @IsOptional()
  @Transform(list)
  @IsArray()
  @ArrayMinSize(1, { message: 'events must list at least one event type (or "*")' })
  @IsIn(EVENT_FILTERS, { each: true, message: `each event must be one of: ${EVENT_FILTERS.join(', ')}` })
  events?: (GatewayEventType | '*')[];

  @IsOptional()
  @IsProduct({ required: false, description: 'Only peerings of this product' })
  product?: Product;

  @ApiPropertyOptional({ example: 'east', description: 'Only peerings with this cluster on either side' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  cluster?: string;

  @ApiProperty({
    required: false,
    type: String,
    example: 'team=storage',
    description: 'Only peerings carrying this label, as key=value; repeat the parameter (or separate with commas) for several, all of which must match',
  })
  @IsOptional()
  @Transform(list)
  @IsArray()
  @Matches(/^[^=]+=.*$/, { each: true, message: 'each label must be key=value, e.g. team=storage' })
  label?: string[];
}

/** The labels of `?label=k=v` as the filter's map. */
export function labelsOf(query: WatchEventsQuery): Record<string, string> | undefined {
  if (!query.label?.length) return undefined;
  return Object.fromEntries(query.label.map((pair) => [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1)]));
}
