import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Redis } from 'ioredis';
import { type Harness, startHarness } from '../support/harness.js';

/** plan_peering, list_approvals and approve_peering through the SDK's own client, over real HTTP. */
describe('MCP: plans and approvals', () => {
  let h: Harness;
  let redis: Redis;
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
  const keys = async () => (await redis.keys(`${h.config.redisPrefix}*`)).sort();
  const journals = () => [...h.topology.consul, ...h.topology.ontap].map((sim) => sim.faults.journal);
  const marks = () => journals().map((j) => j.length);
  const callsSince = (mark: number[]) => journals().flatMap((j, i) => j.slice(mark[i]));

  let app: Client;
  let approver: Client;
  let approverReadOnly: Client;

  beforeAll(async () => {
    h = await startHarness();
    redis = new Redis(process.env.TEST_REDIS_URL!);
    // The simulated dc2 again, as a cluster that needs an approval by mesh-admins.
    const gated = await h.api('POST', '/v1/clusters', {
      id: 'consul-gated',
      product: 'consul',
      endpoint: h.topology.consul[1].url,
      auth: { token: 'sandbox-consul-token' },
      consul: { partition: 'default' },
      approval: { required: true, approverTeams: ['mesh-admins'] },
    });
    expect(gated.status).toBe(201);
    const wrong = await h.api('POST', '/v1/clusters', {
      id: 'ontap-wrong-password',
      product: 'ontap',
      endpoint: h.topology.ontap[1].url,
      auth: { username: 'admin', password: 'wrong' },
      ontap: { interclusterAddresses: ['10.2.0.11'] },
    });
    expect(wrong.status).toBe(201);
    app = await connect(await apiKey('app', ['peerings:read', 'peerings:write']));
    approver = await connect(await apiKey('mesh-admins', ['peerings:read', 'approvals:write']));
    approverReadOnly = await connect(await apiKey('mesh-admins', ['peerings:read']));
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    redis.disconnect();
    await h.deleteAllPeerings();
    await h.close();
  });

  it('lists the three tools with their schemas and hints', async () => {
    const { tools } = await app.listTools();
    const plan = tools.find((t) => t.name === 'plan_peering')!;
    expect(plan.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(Object.keys(plan.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['action', 'id', 'peering', 'change']));
    expect(Object.keys(plan.outputSchema?.properties ?? {})).toEqual(expect.arrayContaining(['ready', 'checks', 'steps']));
    expect(plan.description).toMatch(/before create_peering/);
    expect(plan.description).toMatch(/fix/);
    const approve = tools.find((t) => t.name === 'approve_peering')!;
    expect(Object.keys(approve.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['id', 'decision', 'comment', 'reason']));
    expect(approve.description).toContain('approvals:write');
    expect(tools.find((t) => t.name === 'list_approvals')!.annotations).toMatchObject({ readOnlyHint: true });
    expect(tools.find((t) => t.name === 'create_peering')!.description).toMatch(/plan_peering first[\s\S]*AWAITING_APPROVAL/);
  });

  it('plans a create with only reads: no Redis key, no cluster write, no audit entry', async () => {
    const before = await keys();
    const mark = marks();
    const result = await app.callTool({
      name: 'plan_peering',
      arguments: { action: 'create', peering: { name: 'mcp-plan', local: { cluster: 'ontap-east' }, remote: { cluster: 'ontap-west' } } },
    });
    expect(result.isError).toBeFalsy();
    const plan = result.structuredContent as { ready: boolean; checks: { name: string; side: string }[]; steps: { action: string }[] };
    expect(plan.ready).toBe(true);
    expect(plan.checks.map((c) => `${c.side}:${c.name}`)).toEqual(expect.arrayContaining(['local:credentials', 'remote:credentials', 'local:name']));
    expect(plan.steps.map((s) => s.action)).toEqual(['offer', 'accept', 'await-active']);
    const calls = callsSince(mark);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.method !== 'GET')).toEqual([]);
    expect(await keys()).toEqual(before);
    expect((await h.api('GET', '/v1/peerings')).body.items).toEqual([]);
  });

  it('reports a failing check with its fix, and names the field of bad arguments', async () => {
    const bad = await app.callTool({
      name: 'plan_peering',
      arguments: { peering: { name: 'mcp-bad', local: { cluster: 'ontap-east' }, remote: { cluster: 'ontap-wrong-password' } } },
    });
    expect(bad.isError).toBeFalsy();
    const plan = bad.structuredContent as { ready: boolean; checks: { name: string; side: string; status: string; fix?: string }[] };
    expect(plan.ready).toBe(false);
    const creds = plan.checks.find((c) => c.name === 'credentials' && c.side === 'remote');
    expect(creds).toMatchObject({ status: 'fail' });
    expect(creds?.fix).toMatch(/credentials/);

    const field = await app.callTool({
      name: 'plan_peering',
      arguments: { peering: { name: 'x', local: { cluster: 'nowhere' }, remote: { cluster: 'ontap-west' } } },
    });
    expect(field.isError).toBe(true);
    expect(text(field)).toContain('peering.local.cluster');
    const missing = await app.callTool({ name: 'plan_peering', arguments: { action: 'delete' } });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/Fields: id: is required for action delete/);
    const action = await app.callTool({ name: 'plan_peering', arguments: { action: 'rename', id: 'pr_x' } });
    expect(text(action)).toContain('action must be one of: create, update, delete');
  });

  let gatedId: string;

  it('plans a request on an approval-required cluster as needing an approval', async () => {
    const result = await app.callTool({
      name: 'plan_peering',
      arguments: { peering: { name: 'mcp-gated', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-gated' } } },
    });
    const plan = result.structuredContent as { checks: { name: string; status: string; fix?: string }[]; steps: { action: string }[] };
    expect(plan.checks.find((c) => c.name === 'approval')).toMatchObject({ status: 'warn' });
    expect(plan.steps.map((s) => s.action)).toContain('await-approval');
  });

  it('holds the request AWAITING_APPROVAL; the approver team lists it; a key without approvals:write is refused naming the scope', async () => {
    const mark = marks();
    const created = await app.callTool({
      name: 'create_peering',
      arguments: { name: 'mcp-gated', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-gated' }, idempotencyKey: 'mcp-gated-1' },
    });
    expect(created.isError).toBeFalsy();
    const peering = created.structuredContent as { id: string; state: string };
    expect(peering.state).toBe('AWAITING_APPROVAL');
    gatedId = peering.id;
    expect(callsSince(mark)).toEqual([]);

    const listed = await approver.callTool({ name: 'list_approvals', arguments: {} });
    expect(listed.isError).toBeFalsy();
    const items = (listed.structuredContent as { items: { peeringId: string; team: string; clusters: { cluster: string }[] }[] }).items;
    expect(items.map((i) => i.peeringId)).toEqual([gatedId]);
    expect(items[0]).toMatchObject({ team: 'app', clusters: [{ cluster: 'consul-gated', approverTeams: ['mesh-admins'], approved: false }] });
    expect((await app.callTool({ name: 'list_approvals', arguments: {} })).structuredContent).toMatchObject({ items: [] });

    const refused = await approverReadOnly.callTool({ name: 'approve_peering', arguments: { id: gatedId } });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain("needs the scope 'approvals:write'");
    const own = await app.callTool({ name: 'approve_peering', arguments: { id: gatedId } });
    expect(own.isError).toBe(true);
    expect(text(own)).toContain("needs the scope 'approvals:write'");
    const noReason = await approver.callTool({ name: 'approve_peering', arguments: { id: gatedId, decision: 'reject' } });
    expect(noReason.isError).toBe(true);
    expect(text(noReason)).toMatch(/Fields: reason: /);
    expect((await h.api('GET', `/v1/peerings/${gatedId}`)).body.state).toBe('AWAITING_APPROVAL');
  });

  it('approves as the approver team; the peering reaches ACTIVE through wait_for_peering; the audit entry says via mcp', async () => {
    const approved = await approver.callTool({ name: 'approve_peering', arguments: { id: gatedId, comment: 'capacity checked' } });
    expect(approved.isError).toBeFalsy();
    expect(approved.structuredContent).toMatchObject({ id: gatedId, state: 'ESTABLISHING' });
    const waited = await app.callTool({ name: 'wait_for_peering', arguments: { id: gatedId, timeoutSeconds: 30 } });
    expect(waited.structuredContent).toMatchObject({ id: gatedId, state: 'ACTIVE' });
    const again = await approver.callTool({ name: 'approve_peering', arguments: { id: gatedId } });
    expect(again.isError).toBe(true);
    expect(text(again)).toContain('conflict');

    const audit = await h.api('GET', `/v1/audit?action=peering.approve&target=${gatedId}`);
    expect(audit.body.items.find((e: { status: number }) => e.status === 202)).toMatchObject({
      action: 'peering.approve',
      outcome: 'allowed',
      actor: { type: 'api-key', team: 'mesh-admins', via: 'mcp' },
      target: { id: gatedId },
    });
    expect(audit.body.items.find((e: { status: number }) => e.status === 403)).toMatchObject({ outcome: 'denied', actor: { via: 'mcp' } });
  });

  it('rejects through decision reject: FAILED with approval_rejected, recorded as a reject', async () => {
    const created = await app.callTool({
      name: 'create_peering',
      arguments: { name: 'mcp-refused', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-gated' } },
    });
    const id = (created.structuredContent as { id: string }).id;
    const rejected = await approver.callTool({ name: 'approve_peering', arguments: { id, decision: 'reject', reason: 'not this quarter' } });
    expect(rejected.isError).toBeFalsy();
    expect(rejected.structuredContent).toMatchObject({ id, state: 'FAILED', lastError: { code: 'approval_rejected' } });
    const audit = await h.api('GET', `/v1/audit?action=peering.reject&target=${id}`);
    expect(audit.body.items[0]).toMatchObject({ status: 200, actor: { team: 'mesh-admins', via: 'mcp' } });
  });

  it('plans a delete of a live peering without touching it', async () => {
    await h.waitForOperation((await h.api('GET', `/v1/peerings/${gatedId}`)).body.operationId);
    const before = await keys();
    const mark = marks();
    const result = await app.callTool({ name: 'plan_peering', arguments: { action: 'delete', id: gatedId } });
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { steps: { action: string }[] }).steps.map((s) => s.action)).toEqual(['remove', 'remove', 'await-removed']);
    expect(callsSince(mark).filter((c) => c.method !== 'GET')).toEqual([]);
    expect(await keys()).toEqual(before);
    expect((await h.api('GET', `/v1/peerings/${gatedId}`)).body.state).toBe('ACTIVE');
  });
});
