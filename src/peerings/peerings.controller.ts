import { Body, Controller, Delete, Get, Headers, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller } from '../access/access.js';
import { Scopes, CurrentCaller } from '../access/route-access.js';
import { ApiProblems } from '../common/api-docs.js';
import { IdempotencyService, type StoredAnswer } from '../idempotency/idempotency.service.js';
import { idempotent } from '../idempotency/idempotent.js';
import { type Peering } from './peering.js';
import { CreatePeeringDto, ListPeeringsQuery, UpdatePeeringDto } from './peering.dto.js';
import { PeeringsService } from './peerings.service.js';

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Replays the first answer for a repeat (kept 24 h); 422 if reused with another body; 409 while the first is in flight',
};

function send(reply: FastifyReply, answer: StoredAnswer): unknown {
  if (answer.location) void reply.header('location', answer.location);
  return reply.status(answer.status).send(answer.body);
}

@ApiTags('peerings')
@ApiBearerAuth()
@ApiProblems('unauthorized', 'forbidden', 'service_unavailable')
@Controller('v1/peerings')
export class PeeringsController {
  constructor(
    private readonly peerings: PeeringsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post()
  @Scopes('peerings:write')
  @ApiOperation({ summary: 'Ask for a peering; the work goes on in the background (202, state PENDING)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 202, description: 'Accepted; Location names the peering' })
  @ApiProblems('validation_failed', 'conflict', 'idempotency_key_reused', 'idempotency_key_in_use', 'rate_limited')
  async create(
    @Body() body: CreatePeeringDto,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<unknown> {
    const request = { method: 'POST', path: '/v1/peerings', body: req.body, scope: caller.idempotencyScope };
    const answer = await idempotent(this.idempotency, key, request, async () => {
      const peering = await this.peerings.create(body, caller);
      return { status: 202, body: peering, location: `/v1/peerings/${peering.id}` };
    });
    return send(reply, answer);
  }

  @Get()
  @Scopes('peerings:read')
  @ApiOperation({ summary: 'List peerings, oldest first, with a cursor and filters' })
  @ApiProblems('validation_failed')
  list(@Query() query: ListPeeringsQuery, @CurrentCaller() caller: Caller): Promise<{ items: Peering[]; nextCursor: string | null }> {
    return this.peerings.list(query, caller);
  }

  @Get(':id')
  @Scopes('peerings:read')
  @ApiOperation({ summary: 'Read a peering (a deleted one reads DELETED for at least an hour, then 404)' })
  @ApiProblems('not_found')
  get(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<Peering> {
    return this.peerings.get(id, caller);
  }

  @Patch(':id')
  @Scopes('peerings:write')
  @ApiOperation({ summary: 'Change a peering: labels at once; passphrase or token rotation, encryption, remote addresses through an operation (202)' })
  @ApiResponse({ status: 202, description: 'Accepted; operationId names the update operation when the clusters change' })
  @ApiProblems('validation_failed', 'not_found', 'conflict')
  async update(@Param('id') id: string, @Body() body: UpdatePeeringDto, @Res() reply: FastifyReply, @CurrentCaller() caller: Caller): Promise<unknown> {
    return send(reply, { status: 202, body: await this.peerings.update(id, body, caller), location: `/v1/peerings/${id}` });
  }

  @Post(':id/sync')
  @Scopes('peerings:write')
  @ApiOperation({ summary: 'Read the clusters now and repair drift (a side deleted by hand, a terminated peer): 202 with a sync operation' })
  @ApiResponse({ status: 202, description: 'Accepted' })
  @ApiProblems('not_found', 'conflict')
  async sync(@Param('id') id: string, @Res() reply: FastifyReply, @CurrentCaller() caller: Caller): Promise<unknown> {
    return send(reply, { status: 202, body: await this.peerings.sync(id, caller), location: `/v1/peerings/${id}` });
  }

  @Post(':id/retry')
  @Scopes('peerings:write')
  @ApiOperation({ summary: 'Run the handshake of a FAILED peering again, adopting whatever exists: 202 with a new operation; 409 unless FAILED' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 202, description: 'Accepted; operationId names the retry operation' })
  @ApiProblems('not_found', 'conflict', 'idempotency_key_reused', 'idempotency_key_in_use')
  async retry(
    @Param('id') id: string,
    @Headers('idempotency-key') key: string | undefined,
    @Res() reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<unknown> {
    const request = { method: 'POST', path: `/v1/peerings/${id}/retry`, body: null, scope: caller.idempotencyScope };
    const answer = await idempotent(this.idempotency, key, request, async () => {
      return { status: 202, body: await this.peerings.retry(id, caller), location: `/v1/peerings/${id}` };
    });
    return send(reply, answer);
  }

  @Delete(':id')
  @Scopes('peerings:write')
  @ApiOperation({ summary: 'Delete a peering on every side (202; DELETING until the clusters are clean, then DELETED)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 202, description: 'Accepted' })
  @ApiProblems('not_found', 'idempotency_key_reused', 'idempotency_key_in_use')
  async remove(
    @Param('id') id: string,
    @Headers('idempotency-key') key: string | undefined,
    @Res() reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<unknown> {
    const request = { method: 'DELETE', path: `/v1/peerings/${id}`, body: null, scope: caller.idempotencyScope };
    const answer = await idempotent(this.idempotency, key, request, async () => {
      return { status: 202, body: await this.peerings.remove(id, caller), location: `/v1/peerings/${id}` };
    });
    return send(reply, answer);
  }
}
