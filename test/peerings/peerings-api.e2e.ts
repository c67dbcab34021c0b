import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from '../support/harness.js';

describe('peerings API: listing, changes, Consul token rotation', () => {
  let h: Harness;
  const ids: string[] = [];
  beforeAll(async () => {
    h = await startHarness();
    for (let i = 0; i < 5; i++) {
      const res = await h.api('POST', '/v1/peerings', {
        name: `listed-${i}`,
        local: { cluster: 'consul-dc1' },
        remote: { cluster: 'consul-dc2' },
        labels: { n: String(i) },
      });
      ids.push(res.body.id);
    }
    for (const id of ids) await h.waitForState(id, 'ACTIVE');
  });
  afterAll(async () => {
    await h.close();
  });

  it('pages with a cursor, oldest first, and filters by product, state and cluster', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await h.api('GET', `/v1/peerings?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((p: { id: string }) => p.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect((await h.api('GET', '/v1/peerings?product=ontap')).body.items).toEqual([]);
    expect((await h.api('GET', '/v1/peerings?state=ACTIVE&cluster=consul-dc2')).body.items.map((p: { id: string }) => p.id)).toEqual(ids);
    expect((await h.api('GET', '/v1/peerings?cluster=consul-dc9')).body).toEqual({ items: [], nextCursor: null });
  });

  it('PATCH changes labels at once, without an operation', async () => {
    const before = (await h.api('GET', `/v1/peerings/${ids[0]}`)).body;
    const res = await h.api('PATCH', `/v1/peerings/${ids[0]}`, { labels: { team: 'mesh' }, owner: 'team-mesh' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ labels: { team: 'mesh' }, owner: 'team-mesh', operationId: before.operationId, state: 'ACTIVE' });
  });

  it('PATCH rotates the Consul token on the acceptor; the established stream keeps going', async () => {
    const dc1 = h.topology.consul[0];
    dc1.faults.reset();
    const res = await h.api('PATCH', `/v1/peerings/${ids[1]}`, { consul: { rotateToken: true } });
    const op = await h.waitForOperation(res.body.operationId);
    expect(op).toMatchObject({ type: 'update', status: 'succeeded' });
    expect(dc1.faults.journal.filter((c) => c.method === 'POST' && c.path === '/v1/peering/token')).toHaveLength(1);
    expect((await h.api('GET', `/v1/peerings/${ids[1]}`)).body.state).toBe('ACTIVE');
  });

  it('refuses changes that do not fit the product, and changes to a peering being deleted', async () => {
    const wrong = await h.api('PATCH', `/v1/peerings/${ids[2]}`, { ontap: { rotatePassphrase: true } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([{ field: 'ontap', message: 'is only for ONTAP peerings' }]);
    await h.api('DELETE', `/v1/peerings/${ids[3]}`);
    const late = await h.api('PATCH', `/v1/peerings/${ids[3]}`, { consul: { rotateToken: true } });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('conflict');
    const again = await h.api('DELETE', `/v1/peerings/${ids[3]}`);
    expect(again.status).toBe(202);
    expect(['DELETING', 'DELETED']).toContain(again.body.state);
  });
});
