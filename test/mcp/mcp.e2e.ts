import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type Harness, startHarness } from '../support/harness.js';

/** The MCP endpoint through the SDK's own client, over real HTTP, against a gateway with simulated clusters. */
describe('MCP: the gateway as tools for agents', () => {
  let h: Harness;
  const clients: Client[] = [];

  async function connect(token: string): Promise<Client> {
    const client = new Client({ name: 'e2e', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', h.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    clients.push(client);
    return client;
  }

  async function apiKey(team: string, scopes: string[]): Promise<string> {
    const made = await h.api('POST', '/v1/api-keys', { name: `${team}-mcp`, team, scopes });
    expect(made.status).toBe(201);
    return made.body.key as string;
  }

  const text = (result: any): string => result.content.map((c: { text?: string }) => c.text ?? '').join('\n');

  let admin: Client;
  let mesh: Client;
  let reader: Client;
  let other: Client;

  beforeAll(async () => {
    h = await startHarness();
    admin = await connect(h.token);
    mesh = await connect(await apiKey('mesh', ['peerings:read', 'peerings:write', 'clusters:read', 'audit:read']));
    reader = await connect(await apiKey('mesh', ['peerings:read']));
    other = await connect(await apiKey('storage', ['peerings:read', 'peerings:write']));
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await h.deleteAllPeerings();
    await h.close();
  });

  it('lists the tools, each with input and output schemas and annotations', async () => {
    const { tools } = await admin.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'list_clusters',
        'cluster_posture',
        'list_peerings',
        'get_peering',
        'create_peering',
        'update_peering',
        'delete_peering',
        'retry_peering',
        'wait_for_peering',
      ]),
    );
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
      expect(typeof tool.annotations?.readOnlyHint).toBe('boolean');
      expect(typeof tool.annotations?.destructiveHint).toBe('boolean');
      expect(typeof tool.annotations?.idempotentHint).toBe('boolean');
      expect(typeof tool.annotations?.openWorldHint).toBe('boolean');
    }
    const create = tools.find((t) => t.name === 'create_peering')!;
    expect(Object.keys(create.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['name', 'local', 'remote', 'labels', 'idempotencyKey']));
    expect(create.inputSchema.required).toEqual(expect.arrayContaining(['name', 'local', 'remote']));
    expect(Object.keys(create.outputSchema?.properties ?? {})).toEqual(expect.arrayContaining(['id', 'state', 'sides', 'operationId']));
    expect(create.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });
    expect(tools.find((t) => t.name === 'delete_peering')!.annotations).toMatchObject({ destructiveHint: true, idempotentHint: true });
    expect(tools.find((t) => t.name === 'get_peering')!.annotations).toMatchObject({ readOnlyHint: true });
  });

  it('lists clusters with structured content', async () => {
    const result = await mesh.callTool({ name: 'list_clusters', arguments: {} });
    expect(result.isError).toBeFalsy();
    const ids = (result.structuredContent as { items: { id: string }[] }).items.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['consul-dc1', 'consul-dc2']));
  });

  let peeringId: string;

  it('creates with an idempotency key, waits on the events until ACTIVE; the same key again gives the same peering', async () => {
    const args = { name: 'mcp-a', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' }, idempotencyKey: 'mcp-create-1' };
    const created = await mesh.callTool({ name: 'create_peering', arguments: args });
    expect(created.isError).toBeFalsy();
    const peering = created.structuredContent as { id: string; state: string; operationId: string };
    expect(peering.state).toBe('PENDING');
    peeringId = peering.id;

    const waited = await mesh.callTool({ name: 'wait_for_peering', arguments: { id: peeringId, timeoutSeconds: 30 } });
    expect(waited.isError).toBeFalsy();
    expect(waited.structuredContent).toMatchObject({ id: peeringId, state: 'ACTIVE' });

    const again = await mesh.callTool({ name: 'create_peering', arguments: args });
    expect(again.structuredContent).toMatchObject({ id: peeringId, operationId: peering.operationId });
    const list = await h.api('GET', '/v1/peerings?limit=500');
    expect(list.body.items.filter((p: { name: string }) => p.name === 'mcp-a')).toHaveLength(1);

    const reused = await mesh.callTool({ name: 'create_peering', arguments: { ...args, labels: { x: 'y' } } });
    expect(reused.isError).toBe(true);
    expect(text(reused)).toContain('idempotency_key_reused');
  });

  it('records the create in the audit log with the actor and via mcp, and marks the events', async () => {
    const audit = await h.api('GET', `/v1/audit?action=peering.create&target=${peeringId}`);
    expect(audit.body.items[0]).toMatchObject({
      action: 'peering.create',
      outcome: 'allowed',
      status: 202,
      actor: { type: 'api-key', team: 'mesh', via: 'mcp' },
    });
    const events = await h.api('GET', `/v1/peerings/${peeringId}/events`);
    const active = events.body.items.find((e: { type: string }) => e.type === 'peering.active');
    expect(active.data.actor).toMatchObject({ type: 'api-key', team: 'mesh', via: 'mcp' });
  });

  it('refuses a tool the scopes do not allow, naming the scope, as a tool error (and audits it)', async () => {
    const result = await reader.callTool({ name: 'delete_peering', arguments: { id: peeringId } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("needs the scope 'peerings:write'");
    const read = await reader.callTool({ name: 'get_peering', arguments: { id: peeringId } });
    expect(read.structuredContent).toMatchObject({ id: peeringId, state: 'ACTIVE' });
    const audit = await h.api('GET', `/v1/audit?action=peering.delete&target=${peeringId}`);
    expect(audit.body.items[0]).toMatchObject({ outcome: 'denied', status: 403, actor: { via: 'mcp' } });
  });

  it("shows another team's peering as not found", async () => {
    const result = await other.callTool({ name: 'get_peering', arguments: { id: peeringId } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain(`peering '${peeringId}' does not exist`);
    const deleted = await other.callTool({ name: 'delete_peering', arguments: { id: peeringId } });
    expect(deleted.isError).toBe(true);
    expect(text(deleted)).toContain('not_found');
  });

  it('names the field of bad input, and writes nothing', async () => {
    const result = await mesh.callTool({
      name: 'create_peering',
      arguments: { name: 'mcp-bad', local: { cluster: 'nowhere' }, remote: { cluster: 'consul-dc2' } },
    });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('local.cluster');
    const missing = await mesh.callTool({ name: 'create_peering', arguments: { local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } } });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/Fields: name: /);
    const wait = await mesh.callTool({ name: 'wait_for_peering', arguments: { id: peeringId, timeoutSeconds: 'soon' } });
    expect(wait.isError).toBe(true);
    expect(text(wait)).toContain('timeoutSeconds');
    const list = await h.api('GET', '/v1/peerings?limit=500');
    expect(list.body.items.some((p: { name: string }) => p.name === 'mcp-bad')).toBe(false);
  });

  it('deletes and waits for DELETED', async () => {
    const deleting = await mesh.callTool({ name: 'delete_peering', arguments: { id: peeringId, idempotencyKey: 'mcp-delete-1' } });
    expect(deleting.isError).toBeFalsy();
    expect(deleting.structuredContent).toMatchObject({ id: peeringId, state: 'DELETING' });
    const waited = await mesh.callTool({ name: 'wait_for_peering', arguments: { id: peeringId, timeoutSeconds: 30 } });
    expect(waited.structuredContent).toMatchObject({ id: peeringId, state: 'DELETED' });
  });

  it('refuses a request without a valid credential', async () => {
    const client = new Client({ name: 'e2e', version: '1' });
    await expect(
      client.connect(new StreamableHTTPClientTransport(new URL('/mcp', h.url), { requestInit: { headers: { authorization: 'Bearer nope' } } })),
    ).rejects.toThrow(/401/);
  });
});
