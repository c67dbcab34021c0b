import { Controller, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller } from '../domain/access.js';
import { CurrentCaller, ScopesPerCall } from '../access/route-access.js';
import { ApiProblems } from '../common/api-docs.js';
import { mcpRequestRefusal } from './mcp-request.js';
import { instructions, McpTools, TOOL_ARGUMENT_MODELS } from './mcp-tools.js';

/**
 * `POST /mcp`: the Model Context Protocol over the streamable HTTP transport, stateless (a server
 * and a transport per request, nothing kept between requests, so any replica answers any call).
 * The credential is checked like any /v1 route's, before the body is read; each tool call then
 * checks its own scope (McpTools.call).
 */
@ApiTags('agents')
@ApiBearerAuth()
@ApiExtraModels(...TOOL_ARGUMENT_MODELS)
@ApiProblems('validation_failed', 'unauthorized', 'not_acceptable', 'service_unavailable')
@Controller('mcp')
export class McpController {
  constructor(private readonly tools: McpTools) {}

  @Post()
  @ScopesPerCall()
  @ApiOperation({
    operationId: 'callMcp',
    summary: 'Model Context Protocol (streamable HTTP): the gateway as tools for agents',
    description:
      'One JSON-RPC message per request (initialize, tools/list, tools/call ...), answered as JSON-RPC over an event stream or JSON. Any valid credential may connect; each tool needs the scope of the /v1 route it stands for. Tool arguments are the `Mcp*Arguments` schemas. See docs/mcp.md.',
  })
  @ApiBody({
    description: 'A JSON-RPC 2.0 message of the Model Context Protocol',
    schema: {
      type: 'object',
      required: ['jsonrpc', 'method'],
      additionalProperties: true,
      properties: {
        jsonrpc: { type: 'string', enum: ['2.0'] },
        id: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
        method: { type: 'string', example: 'tools/call' },
        params: {
          type: 'object',
          additionalProperties: true,
          properties: {
            name: { type: 'string', description: 'tools/call: the tool', example: 'create_peering' },
            arguments: { description: "tools/call: the tool's arguments", anyOf: TOOL_ARGUMENT_MODELS.map((model) => ({ $ref: getSchemaPath(model) })) },
          },
        },
      },
    },
  })
  @ApiOkResponse({ description: 'The JSON-RPC answer (Content-Type text/event-stream or application/json)' })
  async handle(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @CurrentCaller() caller: Caller): Promise<void> {
    const refusal = mcpRequestRefusal(request);
    if (refusal) throw refusal;
    const server = new Server({ name: 'peering-gateway', version: '1' }, { capabilities: { tools: {} }, instructions: instructions() });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: await this.tools.list() }));
    server.setRequestHandler(CallToolRequestSchema, async (call, extra) => {
      const token = call.params._meta?.progressToken;
      let progress = 0;
      const onProgress = (message: string) => {
        if (token === undefined) return;
        void extra
          .sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: ++progress, message } })
          .catch(() => undefined);
      };
      return this.tools.call(call.params.name, call.params.arguments, caller, onProgress);
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    // The transport writes the answer itself, on the raw response (X-Request-Id is already set there).
    reply.hijack();
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request.raw, reply.raw, request.body);
  }
}
