import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ValidQuery } from '../common/validation.js';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';
import { ApiProblems } from '../common/api-docs.js';
import { GATEWAY_EVENT_TYPES } from '../domain/gateway-event.js';
import { SseStream } from './sse-stream.js';
import { labelsOf, WatchEventsQuery } from './watch.dto.js';
import { SNAPSHOT_EVENT, WatchService } from './watch.service.js';
import type { Caller } from '../domain/access.js';
import { CurrentCaller, Scopes } from '../access/route-access.js';

/** What a client waits before reconnecting after the stream was cut. */
const RETRY_MS = 2_000;

const STREAM_FORMAT =
  'text/event-stream: one message per event, `event:` its type, `data:` the event as JSON (' +
  'the entries of GET /v1/peerings/{id}/events, with peeringId), `id:` its id for Last-Event-ID. ' +
  `Event types: ${GATEWAY_EVENT_TYPES.join(', ')}. A \`: ping\` comment comes every 15 s (GATEWAY_WATCH_HEARTBEAT_MS) when nothing else does. ` +
  'Beyond the streams one replica keeps open (GATEWAY_WATCH_MAX_STREAMS), or while the store is unreachable, the answer is 503.';

const EXAMPLE =
  'event: peering.snapshot\nid: ev_01jd0c7v9q4m2x8r6t5y3w1zab\ndata: {"id":"ev_01jd0c7v9q4m2x8r6t5y3w1zab","type":"peering.snapshot","peeringId":"pr_01jd...","timestamp":"...","data":{"peering":{"state":"ESTABLISHING"},"operationId":"op_01jd..."}}\n\n' +
  'id: ev_01jd0c7w2b8k1n0m4p6r3s5t7v\nevent: peering.active\ndata: {"id":"ev_01jd0c7w2b8k1n0m4p6r3s5t7v","type":"peering.active","peeringId":"pr_01jd...","timestamp":"...","data":{"peering":{"state":"ACTIVE"},"from":"ESTABLISHING","to":"ACTIVE"}}\n\n' +
  ': ping\n\n';

@ApiTags('events')
@ApiBearerAuth()
@ApiProblems('unauthorized', 'service_unavailable')
@Controller('v1')
export class WatchController {
  constructor(private readonly watch: WatchService) {}

  @Get('peerings/:id/watch')
  @Scopes('peerings:read')
  @ApiOperation({
    operationId: 'watchPeering',
    summary: 'Watch a peering: its state at once, then every change (Server-Sent Events), until it is deleted',
    description:
      `The first message is \`${SNAPSHOT_EVENT}\`: the peering as it stands, with the id of the latest event it includes. ` +
      'Then every event of the peering as it happens; the server ends the stream after `peering.deleted`. ' +
      'Reconnecting with Last-Event-ID sends the events missed since that one (from the peering history) before the live ones; ' +
      'an id no longer in the history gets the snapshot again. ' +
      STREAM_FORMAT,
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'The id of the last event received: resume after it' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: STREAM_FORMAT,
    content: {
      'text/event-stream': {
        schema: { type: 'string', description: 'Each data line: an entry of GET /v1/peerings/{id}/events, with peeringId' },
        example: EXAMPLE,
      },
    },
  })
  @ApiProblems('not_found')
  async watchPeering(
    @Param('id') id: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    await this.watch.watchPeering(caller, id, lastEventId?.trim() || undefined, () => this.openStream(reply));
  }

  @Get('events/watch')
  @Scopes('peerings:read')
  @ApiOperation({
    operationId: 'watchPeerings',
    summary: 'Watch every peering: their events from now on (Server-Sent Events), filtered like a webhook subscription',
    description:
      'Filters as query parameters: `events` (types, comma-separated), `product`, `cluster` (either side), `label` (key=value, repeatable). ' +
      'Live events only: Last-Event-ID is not replayed here (GET /v1/peerings/{id}/watch resumes a peering). ' +
      STREAM_FORMAT,
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: STREAM_FORMAT,
    content: {
      'text/event-stream': {
        schema: { type: 'string', description: 'Each data line: an entry of GET /v1/peerings/{id}/events, with peeringId' },
        example: EXAMPLE,
      },
    },
  })
  @ApiProblems('validation_failed')
  watchAll(@ValidQuery() query: WatchEventsQuery, @Res() reply: FastifyReply, @CurrentCaller() caller: Caller): void {
    const filters = { product: query.product, cluster: query.cluster, labels: labelsOf(query) };
    this.watch.watchAll(caller, { events: query.events ?? ['*'], filters }, () => this.openStream(reply));
  }

  /**
   * Takes the answer over from Fastify (nothing else may write it) once every check has passed;
   * errors before this point are problem+json answers like on any route.
   */
  private openStream(reply: FastifyReply): SseStream {
    const headers = reply.getHeaders() as OutgoingHttpHeaders;
    reply.hijack();
    const stream = new SseStream(reply.raw, {
      heartbeatMs: this.watch.settings.heartbeatMs,
      maxBufferedBytes: this.watch.settings.maxBufferedBytes,
      retryMs: RETRY_MS,
      headers,
    });
    stream.start();
    return stream;
  }
}
