import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ProblemDoc } from '../common/api-docs.js';
import { PEERING_STATES } from '../domain/peering-state.js';
import { GATEWAY_EVENT_TYPES } from '../domain/gateway-event.js';

export class EventDataDoc {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The peering as GET /v1/peerings/{id} showed it then (never a secret); null when it was already gone',
  })
  peering: object | null;

  @ApiProperty({ description: 'The operation that caused the event' })
  operationId: string;

  @ApiPropertyOptional({ enum: PEERING_STATES, description: 'peering.* events: the state before' })
  from?: string;

  @ApiPropertyOptional({ enum: PEERING_STATES, description: 'peering.* events: the state after' })
  to?: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'peering.* events: why the state changed' })
  reason?: string | null;

  @ApiPropertyOptional({ type: ProblemDoc, description: 'operation.failed: why the operation failed' })
  error?: ProblemDoc;

  @ApiProperty({
    type: 'object',
    nullable: true,
    properties: { type: { type: 'string', enum: ['admin', 'api-key', 'oidc'] }, id: { type: 'string' }, team: { type: 'string', nullable: true } },
    description: 'Who started the operation behind the event (an API key id, a token subject, `admin`; never a secret); null when the gateway acted on its own',
  })
  actor: object | null;
}

export class EventDoc {
  @ApiProperty({ example: 'ev_01jd0c7v9q4m2x8r6t5y3w1zab' }) id: string;
  @ApiProperty({ enum: GATEWAY_EVENT_TYPES }) type: string;
  @ApiProperty({ example: '2025-11-24T06:30:00.000Z' }) timestamp: string;
  @ApiProperty({ type: EventDataDoc }) data: EventDataDoc;
}

export class EventListDoc {
  @ApiProperty({ type: [EventDoc] }) items: EventDoc[];
}
