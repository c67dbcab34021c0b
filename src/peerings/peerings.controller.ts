import { Controller, Delete, Get, Header, Param, Patch, Post, Query } from '@nestjs/common';
import { ValidBody, ValidQuery } from '../common/validation.js';
import { DirectRead } from '../common/route-config.js';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems, HEADERS, WRITE_LIMIT_PROBLEMS } from '../common/api-docs.js';
import { type Caller } from '../domain/access.js';
import { Scopes, CurrentCaller } from '../access/route-access.js';
import { HttpAnswer, RendersHttpAnswer } from '../common/http-answer.js';
import { Idempotent } from '../idempotency/idempotency.interceptor.js';
import { IdempotencyKeyHash } from '../idempotency/idempotent.js';
import { type Peering } from '../domain/peering.js';
import { CreatePeeringDto, ListPeeringsQuery, UpdatePeeringDto } from './peering.dto.js';
import { PeeringsService } from './peerings.service.js';
import { CREATE_PEERING_EXAMPLES, PeeringDoc, PeeringListDoc, PlanDoc } from './peering-response.dto.js';
import { PeeringPlanner } from './peering-plan.service.js';
import { GatewayError, JSON_CONTENT_TYPE } from '../common/problem.js';

const DRY_RUN = ApiQuery({
  name: 'dryRun',
  required: false,
  schema: { type: 'string', enum: ['true', 'false'] },
  description: 'true: the same validation, then only reads; 200 with a Plan (ready, checks, steps: the Plan schema); nothing is changed anywhere',
});

/** `?dryRun=`: true, false or absent. */
function isDryRun(value: string | undefined): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw GatewayError.validation('dryRun', 'must be true or false');
}

const IDEMPOTENCY_HEADER = {
  schema: { type: 'string', maxLength: 255 },
  name: 'Idempotency-Key',
  required: false,
  description: 'Replays the first answer for a repeat (kept 24 h); 422 if reused with another body; 409 while the first is in flight',
};

/** A 202 answer: the peering as it stands, and where to read it. */
const ACCEPTED = (description: string) => ApiAcceptedResponse({ type: PeeringDoc, description, headers: { Location: HEADERS.location } });
const PEERING_ID = ApiParam({ name: 'id', description: 'The peering id', example: 'pr_01jd0c7v9q4m2x8r6t5y3w1zab' });

@ApiTags('peerings')
// The dry run's answer (?dryRun=true): its schema is published without making it a 2xx of the real calls.
@ApiExtraModels(PlanDoc)
@ApiBearerAuth()
@ApiProblems('unauthorized', 'forbidden', 'service_unavailable')
@Controller('v1/peerings')
export class PeeringsController {
  constructor(
    private readonly peerings: PeeringsService,
    private readonly planner: PeeringPlanner,
  ) {}

  @Post()
  @Scopes('peerings:write')
  @ApiOperation({
    operationId: 'createPeering',
    summary: 'Ask for a peering; the work goes on in the background (202, state PENDING)',
    description:
      '`remote` is `{cluster}` (the gateway does both sides) or `{external}` (only the local side: without `secret` it makes an offer, whose secret the first GET of the operation returns once; with `secret` it accepts). Both clusters must be of the same product. Follow `operationId` or poll the peering until ACTIVE.',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiBody({ type: CreatePeeringDto, examples: CREATE_PEERING_EXAMPLES })
  @ACCEPTED('Accepted: the peering in state PENDING; Location names it')
  @DRY_RUN
  @ApiProblems('validation_failed', 'conflict', 'idempotency_key_reused', 'idempotency_key_in_use', ...WRITE_LIMIT_PROBLEMS)
  @Idempotent()
  async create(
    @ValidBody() body: CreatePeeringDto,
    @IdempotencyKeyHash() idempotencyKeyHash: string | undefined,
    @CurrentCaller() caller: Caller,
    @Query('dryRun') dryRun?: string,
  ): Promise<HttpAnswer> {
    if (isDryRun(dryRun)) return HttpAnswer.ok(await this.planner.planCreate(body, caller));
    const peering = await this.peerings.create({ input: body, caller, idempotencyKeyHash });
    return HttpAnswer.accepted(peering, `/v1/peerings/${peering.id}`);
  }

  @Get()
  @Scopes('peerings:read')
  @ApiOperation({ operationId: 'listPeerings', summary: 'List peerings, oldest first, with a cursor and filters' })
  @ApiOkResponse({ type: PeeringListDoc })
  @ApiProblems('validation_failed')
  list(@ValidQuery() query: ListPeeringsQuery, @CurrentCaller() caller: Caller): Promise<{ items: Peering[]; nextCursor: string | null }> {
    return this.peerings.list(query, caller);
  }

  @Get(':id')
  @Scopes('peerings:read')
  @ApiOperation({ operationId: 'getPeering', summary: 'Read a peering (a deleted one reads DELETED for at least an hour, then 404)' })
  @PEERING_ID
  @ApiOkResponse({ type: PeeringDoc })
  @ApiProblems('not_found')
  // Answered as the JSON text the service renders (and keeps: src/peerings/rendered-views.ts).
  @Header('content-type', JSON_CONTENT_TYPE)
  @DirectRead()
  get(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<string> {
    return this.peerings.getRendered(id, caller);
  }

  @Patch(':id')
  @Scopes('peerings:write')
  @ApiOperation({
    operationId: 'updatePeering',
    summary: 'Change a peering: labels at once; passphrase or token rotation, encryption, remote addresses through an operation (202)',
  })
  @PEERING_ID
  @ACCEPTED('Accepted: the peering; operationId names the update operation when the clusters change')
  @DRY_RUN
  @ApiProblems('validation_failed', 'not_found', 'conflict', ...WRITE_LIMIT_PROBLEMS)
  @RendersHttpAnswer()
  async update(
    @Param('id') id: string,
    @ValidBody() body: UpdatePeeringDto,
    @CurrentCaller() caller: Caller,
    @Query('dryRun') dryRun?: string,
  ): Promise<HttpAnswer> {
    if (isDryRun(dryRun)) return HttpAnswer.ok(await this.planner.planUpdate(id, body, caller));
    return HttpAnswer.accepted(await this.peerings.update(id, body, caller), `/v1/peerings/${id}`);
  }

  @Post(':id/sync')
  @Scopes('peerings:write')
  @ApiOperation({
    operationId: 'syncPeering',
    summary: 'Read the clusters now and repair drift (a side deleted by hand, a terminated peer): 202 with a sync operation',
  })
  @PEERING_ID
  @ACCEPTED('Accepted: the peering; operationId names the sync operation')
  @ApiProblems('not_found', 'conflict', 'rate_limited')
  @RendersHttpAnswer()
  async sync(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<HttpAnswer> {
    return HttpAnswer.accepted(await this.peerings.sync(id, caller), `/v1/peerings/${id}`);
  }

  @Post(':id/retry')
  @Scopes('peerings:write')
  @ApiOperation({
    operationId: 'retryPeering',
    summary: 'Run the handshake of a FAILED peering again, adopting whatever exists: 202 with a new operation; 409 unless FAILED',
  })
  @PEERING_ID
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ACCEPTED('Accepted: the peering (ESTABLISHING); operationId names the retry operation')
  @ApiProblems('not_found', 'conflict', 'idempotency_key_reused', 'idempotency_key_in_use', ...WRITE_LIMIT_PROBLEMS)
  @Idempotent()
  async retry(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<HttpAnswer> {
    return HttpAnswer.accepted(await this.peerings.retry(id, caller), `/v1/peerings/${id}`);
  }

  @Delete(':id')
  @Scopes('peerings:write')
  @ApiOperation({ operationId: 'deletePeering', summary: 'Delete a peering on every side (202; DELETING until the clusters are clean, then DELETED)' })
  @PEERING_ID
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ACCEPTED('Accepted: the peering in state DELETING; operationId names the delete operation')
  @DRY_RUN
  @ApiProblems('validation_failed', 'not_found', 'idempotency_key_reused', 'idempotency_key_in_use', 'rate_limited')
  @Idempotent()
  async remove(@Param('id') id: string, @CurrentCaller() caller: Caller, @Query('dryRun') dryRun?: string): Promise<HttpAnswer> {
    if (isDryRun(dryRun)) return HttpAnswer.ok(await this.planner.planRemove(id, caller));
    return HttpAnswer.accepted(await this.peerings.remove(id, caller), `/v1/peerings/${id}`);
  }
}
