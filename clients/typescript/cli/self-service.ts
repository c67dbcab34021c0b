import { type GatewayClient, must } from '../src/index.js';

/* peeringctl's self-service commands: plan (a dry run), approvals list, approve, reject. */

export interface SelfServiceContext {
  client: GatewayClient;
  json: boolean;
  out: (line: string) => void;
}

export class NotReadyError extends Error {}

/** Prints the plan's checks as a table and its steps; throws NotReadyError when a check fails. */
export async function plan(ctx: SelfServiceContext, body: unknown): Promise<void> {
  const result = await must(ctx.client.POST('/v1/peerings', { body: body as never, params: { query: { dryRun: 'true' } } }));
  const answer = result as unknown as {
    ready: boolean;
    checks: { name: string; side: string; status: string; message: string; fix?: string }[];
    steps: { side: string; action: string; description: string }[];
  };
  if (ctx.json) ctx.out(JSON.stringify(answer, null, 2));
  else {
    const rows = answer.checks.map((c) => [c.status.toUpperCase(), c.side, c.name, c.message + (c.fix ? `  (fix: ${c.fix})` : '')]);
    const widths = [0, 1, 2].map((i) => Math.max(...[['STATUS', 'SIDE', 'CHECK'][i], ...rows.map((r) => r[i])].map((v) => v.length)));
    const line = (r: string[]) => r.map((v, i) => (i < 3 ? v.padEnd(widths[i]) : v)).join('  ');
    ctx.out(line(['STATUS', 'SIDE', 'CHECK', 'MESSAGE']));
    for (const row of rows) ctx.out(line(row));
    ctx.out(`steps: ${answer.steps.map((s) => `${s.action} (${s.side})`).join(' -> ')}`);
    ctx.out(answer.ready ? 'ready' : 'not ready');
  }
  if (!answer.ready) throw new NotReadyError('not ready: a check failed');
}

export async function listApprovals(ctx: SelfServiceContext): Promise<void> {
  const page = await must(ctx.client.GET('/v1/approvals'));
  if (ctx.json) return ctx.out(JSON.stringify(page, null, 2));
  for (const a of page.items)
    ctx.out(
      `${a.peeringId}  ${a.name}  team ${a.team}  asked by ${a.requestedBy.id ?? a.requestedBy.type} at ${a.requestedAt}  expires ${a.expiresAt}  clusters ${a.clusters.map((c) => c.cluster).join(',')}`,
    );
}

export async function approve(ctx: SelfServiceContext, id: string, comment?: string): Promise<void> {
  const peering = await must(ctx.client.POST('/v1/peerings/{id}/approve', { params: { path: { id } }, body: comment ? { comment } : {} }));
  ctx.out(ctx.json ? JSON.stringify(peering, null, 2) : `${peering.id}  ${peering.state}`);
}

export async function reject(ctx: SelfServiceContext, id: string, reason: string): Promise<void> {
  const peering = await must(ctx.client.POST('/v1/peerings/{id}/reject', { params: { path: { id } }, body: { reason } }));
  ctx.out(ctx.json ? JSON.stringify(peering, null, 2) : `${peering.id}  ${peering.state}  ${peering.lastError?.detail ?? ''}`);
}
