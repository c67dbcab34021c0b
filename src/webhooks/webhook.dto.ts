import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { Product } from '../domain/cluster.js';
import { IsProduct } from '../products/product-property.js';
import { GATEWAY_EVENT_TYPES, type GatewayEventType } from '../domain/gateway-event.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../domain/webhook.js';
import { PageQuery } from '../common/page-query.js';
import { TEAM_RULE, TEAM_SLUG } from '../domain/access.js';
import { LABEL_RULES, MAX_LABELS } from '../common/labels.js';
import { IsLabels, IsOptionalNotNull, NestedObject } from '../common/validation.js';

const EVENT_FILTERS = ['*', ...GATEWAY_EVENT_TYPES];

export class WebhookFiltersDto {
  @IsOptional()
  @IsProduct({ required: false, description: 'Only peerings of this product' })
  product?: Product;

  @ApiPropertyOptional({ example: 'east', description: 'Only peerings with this cluster on either side' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(63)
  cluster?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 63 },
    maxProperties: MAX_LABELS,
    example: { team: 'mesh' },
    description: `Only peerings carrying every one of these labels. ${LABEL_RULES}`,
  })
  @IsOptionalNotNull()
  @IsLabels()
  labels?: Record<string, string>;
}

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://ci.example.com/hooks/peerings',
    description: 'http or https; hosts resolving to link-local or cloud metadata addresses are refused unless GATEWAY_WEBHOOK_ALLOW names them',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  url: string;

  @ApiPropertyOptional({ enum: EVENT_FILTERS, isArray: true, default: ['*'], description: 'Event types to deliver; `*` is all of them' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'events must list at least one event type (or "*")' })
  @ArrayMaxSize(EVENT_FILTERS.length, { message: `events must list each event type at most once (${EVENT_FILTERS.length} at most)` })
  @ArrayUnique()
  @IsIn(EVENT_FILTERS, { each: true, message: `each event must be one of: ${EVENT_FILTERS.join(', ')}` })
  events?: (GatewayEventType | '*')[];

  @ApiPropertyOptional({ type: WebhookFiltersDto, description: 'Only events of peerings that match all of these' })
  @IsOptionalNotNull()
  @NestedObject(() => WebhookFiltersDto)
  filters?: WebhookFiltersDto;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ example: 'replication pipeline' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string;

  @ApiPropertyOptional({
    example: 'storage',
    description: `The team it belongs to; it receives only that team's events (${TEAM_RULE}). Default: the caller's team; \`default\` for the admin token. Only an admin may name another team.`,
  })
  @IsOptional()
  @IsString()
  @Matches(TEAM_SLUG, { message: `team ${TEAM_RULE}` })
  team?: string;
}

/**
 * The fields of a subscription, each optional; `filters` replaces the filters as a whole (`{}`
 * clears them); `enabled: true` re-enables a subscription the gateway disabled after a 410.
 */
export class UpdateWebhookDto extends PartialType(CreateWebhookDto) {}

export class ListDeliveriesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES, { message: `status must be one of: ${DELIVERY_STATUSES.join(', ')}` })
  status?: DeliveryStatus;
}

/* Response documents (OpenAPI). */

export class WebhookDoc {
  @ApiProperty({ example: 'wh_01jd0c7v9q4m2x8r6t5y3w1zab' }) id: string;
  @ApiProperty({ example: 'storage' }) team: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: EVENT_FILTERS, isArray: true }) events: string[];
  @ApiProperty({ type: WebhookFiltersDto }) filters: WebhookFiltersDto;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Why the gateway disabled it (the receiver answered 410)' }) disabledReason: string | null;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Until when the secret before the latest rotation still signs' }) previousSecretExpiresAt:
    string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class WebhookWithSecretDoc extends WebhookDoc {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'The signing secret: shown only in this answer' })
  secret: string;
}

export class WebhookListDoc {
  @ApiProperty({ type: [WebhookDoc] }) items: WebhookDoc[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' }) nextCursor: string | null;
}

export class DeliveryDoc {
  @ApiProperty({ example: 'msg_01jd0c7v9q4m2x8r6t5y3w1zab', description: 'The webhook-id header: the same on every attempt and redelivery' }) id: string;
  @ApiProperty() subscriptionId: string;
  @ApiProperty({ description: 'The event in the peering history' }) eventId: string;
  @ApiProperty({ enum: GATEWAY_EVENT_TYPES }) type: string;
  @ApiProperty() peeringId: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: string;
  @ApiProperty() attempts: number;
  @ApiProperty({ type: Number, nullable: true }) lastStatusCode: number | null;
  @ApiProperty({ type: String, nullable: true }) lastAttemptAt: string | null;
  @ApiProperty({ type: String, nullable: true }) nextAttemptAt: string | null;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
  @ApiPropertyOptional({
    description:
      'The X-Request-Id of the request whose change the message announces, also sent as the `webhook-request-id` header; absent for changes the gateway made on its own',
  })
  requestId?: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class DeliveryPageDoc {
  @ApiProperty({ type: [DeliveryDoc] }) items: DeliveryDoc[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
