import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, type CallToolResult, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

/** Longest a tool call may take (wait_for_peering waits at most 600 s). */
const CALL_TIMEOUT_MS = 660_000;

/**
 * `peeringctl mcp`: an MCP server on stdin/stdout for a desktop agent, whose tools are the
 * gateway's own (POST /mcp at `url`, with `token`). Each list and call is handed to the gateway,
 * so the tools, their schemas, scopes, validation and audit (`via: mcp`) are the gateway's, not a
 * second copy in the CLI. Resolves when the agent closes stdin.
 */
export async function serveMcpOverStdio(url: string, token: string, err: (line: string) => void): Promise<number> {
  const gateway = new Client({ name: 'peeringctl', version: '1' });
  try {
    await gateway.connect(new StreamableHTTPClientTransport(new URL('/mcp', `${url}/`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  } catch (error) {
    err(`peeringctl: cannot reach the gateway's MCP endpoint at ${url}/mcp: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const server = new Server(
    { name: 'peeringctl', version: '1' },
    { capabilities: { tools: {} }, ...(gateway.getInstructions() && { instructions: gateway.getInstructions() }) },
  );
  server.setRequestHandler(ListToolsRequestSchema, (request) => gateway.listTools(request.params));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const token = request.params._meta?.progressToken;
    try {
      return (await gateway.callTool(request.params, undefined, {
        timeout: CALL_TIMEOUT_MS,
        signal: extra.signal,
        ...(token !== undefined && {
          onprogress: (progress) => void extra.sendNotification({ method: 'notifications/progress', params: { ...progress, progressToken: token } }),
        }),
      })) as CallToolResult;
    } catch (error) {
      // The gateway could not be asked (it is down, the network): the agent reads a tool error.
      return {
        isError: true,
        content: [{ type: 'text', text: `the gateway at ${url} did not answer: ${error instanceof Error ? error.message : String(error)}` }],
      };
    }
  });
  const closed = new Promise<void>((resolve) => (server.onclose = resolve));
  await server.connect(new StdioServerTransport());
  process.stdin.once('end', () => void server.close());
  await closed;
  await gateway.close();
  return 0;
}
