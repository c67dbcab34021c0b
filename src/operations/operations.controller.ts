import { Controller, Get, Param } from '@nestjs/common';
import { ValidQuery } from '../common/validation.js';
import { DirectRead } from '../common/route-config.js';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { type Caller } from '../domain/access.js';
import { Scopes, CurrentCaller } from '../access/route-access.js';
import { ApiProblems } from '../common/api-docs.js';
import { teamOf } from '../domain/peering.js';
import { PeeringStore } from '../stores/peering.store.js';
import { type Operation } from '../domain/operation.js';
import { OperationStore } from '../stores/operation.store.js';
import { ListOperationsQuery } from './operation.dto.js';
import { OperationDoc, OperationPageDoc } from './operation-response.dto.js';

@ApiTags('operations')
@ApiBearerAuth()
@ApiProblems('unauthorized', 'service_unavailable')
@Controller('v1/operations')
export class OperationsController {
  constructor(
    private readonly operations: OperationStore,
    private readonly peerings: PeeringStore,
  ) {}

  @Get()
  @Scopes('peerings:read')
  @ApiOperation({
    operationId: 'listOperations',
    summary: "List operations, newest first: the caller's team's (every team's for an admin)",
    description: "Filtered by `peering` and `status`. Finished operations are kept a week. An offer's secret is shown only by `GET /v1/operations/{id}`.",
  })
  @ApiOkResponse({ type: OperationPageDoc })
  @ApiProblems('validation_failed')
  async list(@ValidQuery() query: ListOperationsQuery, @CurrentCaller() caller: Caller): Promise<{ items: Operation[]; nextCursor: string | null }> {
    const teams = new Map<string, string>();
    const teamOfOperation = async (op: Operation): Promise<string> => {
      if (!teams.has(op.peeringId)) {
        const peering = await this.peerings.get(op.peeringId);
        teams.set(op.peeringId, peering ? teamOf(peering) : teamOf(op));
      }
      return teams.get(op.peeringId)!;
    };
    const page = await this.operations.list(
      query.limit ?? 50,
      query.cursor,
      async (op) =>
        (query.peering === undefined || op.peeringId === query.peering) &&
        (query.status === undefined || op.status === query.status) &&
        (caller.isAdmin || caller.sees(await teamOfOperation(op))),
    );
    return { items: page.items.map(({ idempotencyKeyHash: _keyHash, ...op }) => op), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Scopes('peerings:read')
  @ApiOperation({
    operationId: 'getOperation',
    summary: 'Follow an operation',
    description:
      'For a one-sided offer, the first read after the offer is made carries `offer.secret` (the product passphrase or token); it is never shown again.',
  })
  @ApiParam({ name: 'id', description: 'The operation id (operationId of a peering)', example: 'op_01jd0c7v9q4m2x8r6t5y3w1zac' })
  @ApiOkResponse({ type: OperationDoc })
  @ApiProblems('not_found')
  @DirectRead()
  async get(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<Operation & { offer?: { secret: string; expiresAt?: string } }> {
    // The hash of a create's Idempotency-Key is the gateway's own bookkeeping, not part of the resource.
    const { idempotencyKeyHash: _keyHash, ...operation } = await this.operations.require(id);
    // Checked before the one-time secret is taken: another team must not use it up.
    if (!caller.isAdmin) {
      const peering = await this.peerings.get(operation.peeringId);
      const team = peering ? teamOf(peering) : teamOf(operation);
      if (!caller.sees(team)) throw caller.notFound('operation', id);
    }
    const secret = await this.operations.takeSecret(id);
    return secret ? { ...operation, offer: { secret: secret.value, expiresAt: secret.expiresAt } } : operation;
  }
}
