import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { join } from 'node:path';
import { type Harness, startHarness } from '../support/harness.js';

/** The built command (bin/peeringctl.js runs dist/clients/typescript/cli/peeringctl.js): `npm run build` first. */
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'peeringctl.js');

/** `peeringctl mcp` as a desktop agent runs it: a child process speaking MCP on stdio, with the SDK's stdio client. */
describe('peeringctl mcp over stdio', () => {
  let h: Harness;
  let client: Client;
  let key: string;

  beforeAll(async () => {
    h = await startHarness();
    const made = await h.api('POST', '/v1/api-keys', { name: 'desktop', team: 'mesh', scopes: ['peerings:read', 'peerings:write', 'clusters:read'] });
    key = made.body.key;
    client = new Client({ name: 'desktop-agent', version: '1' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [BIN, 'mcp'],
        env: { PATH: process.env.PATH ?? '', GATEWAY_URL: h.url, GATEWAY_TOKEN: key },
        stderr: 'pipe',
      }),
    );
  });
  afterAll(async () => {
    await client?.close();
    await h.deleteAllPeerings();
    await h.close();
  });

  it("serves the gateway's tools, with their schemas", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['list_clusters', 'create_peering', 'wait_for_peering', 'delete_peering']));
    expect(tools.find((t) => t.name === 'create_peering')?.outputSchema?.type).toBe('object');
  });

  it('creates, waits for ACTIVE, and the gateway audits it as the key, via mcp', async () => {
    const created = await client.callTool({
      name: 'create_peering',
      arguments: { name: 'desk-a', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' }, idempotencyKey: 'desk-1' },
    });
    expect(created.isError).toBeFalsy();
    const id = (created.structuredContent as { id: string }).id;
    const waited = await client.callTool({ name: 'wait_for_peering', arguments: { id, timeoutSeconds: 30 } });
    expect(waited.structuredContent).toMatchObject({ id, state: 'ACTIVE' });
    const audit = await h.api('GET', `/v1/audit?action=peering.create&target=${id}`);
    expect(audit.body.items[0]).toMatchObject({ actor: { type: 'api-key', team: 'mesh', via: 'mcp' }, status: 202 });
  });

  it('passes tool errors through with the field named', async () => {
    const result = await client.callTool({ name: 'create_peering', arguments: { name: 'desk-bad', local: { cluster: 'consul-dc1' }, remote: {} } });
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0].text).toContain('remote');
  });
});
