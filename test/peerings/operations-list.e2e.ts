import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from '../support/harness.js';

describe('GET /v1/operations', () => {
  let h: Harness;
  let teamA: string;
  let teamB: string;
  const ids: { a1: string; a2: string; b: string; a1op: string } = { a1: '', a2: '', b: '', a1op: '' };
  const as = (key: string) => (path: string) => h.api('GET', path, undefined, { authorization: `Bearer ${key}` });

  beforeAll(async () => {
    h = await startHarness({ env: { GATEWAY_RECONCILE_INTERVAL_MS: '0' } });
    const scopes = ['peerings:read', 'peerings:write'];
    teamA = (await h.api('POST', '/v1/api-keys', { name: 'a', team: 'team-a', scopes })).body.key;
    teamB = (await h.api('POST', '/v1/api-keys', { name: 'b', team: 'team-b', scopes })).body.key;
    const create = async (key: string, name: string) =>
      (await h.api('POST', '/v1/peerings', { name, local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } }, { authorization: `Bearer ${key}` }))
        .body;
    const a1 = await create(teamA, 'a-one');
    ids.a1 = a1.id;
    ids.a1op = a1.operationId;
    ids.a2 = (await create(teamA, 'a-two')).id;
    ids.b = (await create(teamB, 'b-one')).id;
    for (const id of [ids.a1, ids.a2, ids.b]) await h.waitForState(id, 'ACTIVE');
  });
  afterAll(async () => {
    await h?.close();
  });

  it("lists the caller's team's operations only, newest first; an admin sees all", async () => {
    const mine = await as(teamA)('/v1/operations');
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((op: { peeringId: string }) => op.peeringId)).toEqual([ids.a2, ids.a1]);
    expect(mine.body.nextCursor).toBeNull();
    const all = await h.api('GET', '/v1/operations');
    expect(all.body.items.map((op: { peeringId: string }) => op.peeringId)).toEqual([ids.b, ids.a2, ids.a1]);
  });

  it('filters by peering and by status', async () => {
    const one = await as(teamA)(`/v1/operations?peering=${ids.a1}`);
    expect(one.body.items.map((op: { id: string; type: string }) => [op.id, op.type])).toEqual([[ids.a1op, 'create']]);
    expect((await as(teamA)(`/v1/operations?peering=${ids.b}`)).body.items).toEqual([]);
    expect((await as(teamA)('/v1/operations?status=succeeded')).body.items).toHaveLength(2);
    expect((await as(teamA)('/v1/operations?status=running')).body.items).toEqual([]);
    const bad = await as(teamA)('/v1/operations?status=done');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toContain('status');
  });

  it('pages with limit and cursor', async () => {
    const first = await h.api('GET', '/v1/operations?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(first.body.items[1].id);
    const second = await h.api('GET', `/v1/operations?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((op: { peeringId: string }) => op.peeringId)).toEqual([ids.a1]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('a token rotation makes an event, in the history like every change', async () => {
    const rotated = await h.api('PATCH', `/v1/peerings/${ids.b}`, { consul: { rotateToken: true } });
    expect(rotated.status).toBe(202);
    const operation = await h.waitForOperation(rotated.body.operationId);
    expect(operation.status).toBe('succeeded');
    const history = await h.api('GET', `/v1/peerings/${ids.b}/events`);
    const events = history.body.items.filter((e: { type: string }) => e.type === 'peering.secret_rotated');
    expect(events.map((e: { data: { operationId: string } }) => e.data.operationId)).toEqual([operation.id]);
    expect(JSON.stringify(events)).not.toMatch(/secret"\s*:\s*"/);
  });
});
