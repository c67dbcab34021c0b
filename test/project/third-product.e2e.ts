import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerProduct } from '../../src/products/index.js';
import { LedgerAdapter } from '../products/ledger/ledger.adapter.js';
import { ledgerPlugin } from '../products/ledger/ledger.plugin.js';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * The product boundary: a third product (test/products/ledger/) plugs in through its own folder
 * and one registration, and the whole lifecycle works through the product-neutral gateway.
 */
describe('a third product, registered as a plugin', () => {
  let h: Harness;

  beforeAll(async () => {
    registerProduct(ledgerPlugin);
    h = await startHarness();
    for (const id of ['ledger-a', 'ledger-b']) {
      const res = await h.api('POST', '/v1/clusters', { id, product: 'ledger', endpoint: 'http://127.0.0.1:9', auth: { token: 't' } });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  it('registers clusters with its own rules', async () => {
    const refused = await h.api('POST', '/v1/clusters', { id: 'ledger-c', product: 'ledger', endpoint: 'http://127.0.0.1:9', auth: {} });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ field: 'auth.token', message: 'is required for Ledger' }]);
    const foreign = await h.api('POST', '/v1/clusters', {
      id: 'ledger-d',
      product: 'ledger',
      endpoint: 'http://127.0.0.1:9',
      auth: { token: 't' },
      consul: { partition: 'default' },
    });
    expect(foreign.body.errors).toContainEqual({ field: 'consul', message: 'is only for Consul clusters' });
  });

  it('creates, reads and deletes a peering through the handshake, with its own locks and posture', async () => {
    const created = await h.api('POST', '/v1/peerings', { name: 'ledger-one', local: { cluster: 'ledger-a' }, remote: { cluster: 'ledger-b' } });
    expect(created.status).toBe(202);
    const active = await h.waitForState(created.body.id, 'ACTIVE');
    expect(active).toMatchObject({ product: 'ledger', sides: { local: { nativeState: 'active' }, remote: { nativeState: 'active' } } });
    const adapter = h.gateway.app.get(LedgerAdapter, { strict: false });
    expect(adapter.records('ledger-a')).toHaveLength(1);
    expect(adapter.records('ledger-b')).toHaveLength(1);

    const second = await h.api('POST', '/v1/peerings', { name: 'ledger-two', local: { cluster: 'ledger-b' }, remote: { cluster: 'ledger-a' } });
    expect(second.status).toBe(409);
    expect(second.body.detail).toBe(`already paired by '${created.body.id}'`);
    const tooLong = await h.api('POST', '/v1/peerings', {
      name: 'a-name-far-too-long-for-it',
      local: { cluster: 'ledger-a' },
      remote: { cluster: 'ledger-b' },
    });
    expect(tooLong.body.errors).toEqual([{ field: 'name', message: 'must be at most 20 characters for Ledger' }]);

    const posture = await h.api('GET', '/v1/clusters/ledger-a/posture');
    expect(posture.body).toMatchObject({ cluster: 'ledger-a', product: 'ledger', inMemory: true });

    expect((await h.api('DELETE', `/v1/peerings/${created.body.id}`)).status).toBe(202);
    await h.waitForState(created.body.id, 'DELETED');
    expect(adapter.records('ledger-a')).toHaveLength(0);
    expect(adapter.records('ledger-b')).toHaveLength(0);
  });
});
