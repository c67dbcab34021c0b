import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Caller } from '../domain/access.js';
import { Scopes, CurrentCaller } from '../access/route-access.js';
import { ApiProblems } from '../common/api-docs.js';
import { GatewayError } from '../common/problem.js';
import { teamOf } from '../domain/peering.js';
import { PeeringStore } from '../stores/peering.store.js';
import { EventHistory, type HistoryItem } from '../stores/event-history.js';
import { EventListDoc } from './event.docs.js';

@ApiTags('peerings')
@ApiBearerAuth()
@ApiProblems('unauthorized', 'service_unavailable')
@Controller('v1/peerings')
export class EventsController {
  constructor(
    private readonly history: EventHistory,
    private readonly peerings: PeeringStore,
  ) {}

  @Get(':id/events')
  @Scopes('peerings:read')
  @ApiOperation({
    operationId: 'listPeeringEvents',
    summary: "A peering's history: every event published about it, oldest first",
    description:
      'The same events the webhooks deliver, each with a snapshot of the peering at the time. Kept while the peering reads, and as long as its DELETED tombstone.',
  })
  @ApiOkResponse({ type: EventListDoc })
  @ApiProblems('not_found')
  async list(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<{ items: HistoryItem[] }> {
    if (!caller.isAdmin) {
      const peering = await this.peerings.get(id);
      if (peering && !caller.sees(teamOf(peering))) throw caller.notFound('peering', id);
      if (!peering) throw GatewayError.notFound('peering', id);
    }
    const items = await this.history.list(id);
    if (items.length === 0 && !(await this.peerings.get(id))) throw GatewayError.notFound('peering', id);
    return { items };
  }
}
