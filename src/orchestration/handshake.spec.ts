import { describe, expect, it } from '@jest/globals';
import pino from 'pino';
import type { Cluster } from '../domain/cluster.js';
import type { ClusterStore } from '../stores/cluster.store.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { Operation } from '../domain/operation.js';
import type { OperationStore } from '../stores/operation.store.js';
import type { Peering } from '../domain/peering.js';
import type { PeeringState } from '../domain/peering-state.js';
import type { PeeringTransitions } from '../stores/peering-transitions.js';
import type { PeeringStore } from '../stores/peering.store.js';
import type { ProductRegistry } from '../products/product-registry.js';
import { type NativeSide, type Offer, type PeeringAdapter, type SideContext, UpstreamError } from '../products/port.js';
import { Handshake } from './handshake.js';
import { OperationRun } from './operation-run.js';

/** A product whose clusters are maps of records; every call is recorded. */
class FakeAdapter implements PeeringAdapter {
  readonly product = 'fake';
  readonly records = new Map<string, Map<string, { secret: string; accepted: boolean }>>();
  readonly calls: string[] = [];
  failAccept?: UpstreamError;

  private on(cluster: string) {
    if (!this.records.has(cluster)) this.records.set(cluster, new Map());
    return this.records.get(cluster)!;
  }

  seed(cluster: string, name: string, accepted: boolean): void {
    this.on(cluster).set(name, { secret: 's0', accepted });
  }

  async find(side: SideContext): Promise<NativeSide | null> {
    const record = this.on(side.cluster.id).get(side.peering.name);
    return record
      ? { nativeId: `${side.cluster.id}/${side.peering.name}`, nativeState: record.accepted ? 'ok' : 'offered', health: record.accepted ? 'active' : 'pending' }
      : null;
  }
  async offer(side: SideContext): Promise<Offer> {
    this.calls.push(`offer ${side.cluster.id}`);
    this.on(side.cluster.id).set(side.peering.name, { secret: 's1', accepted: false });
    return { secret: 's1' };
  }
  async accept(side: SideContext, secret: string): Promise<void> {
    this.calls.push(`accept ${side.cluster.id}`);
    if (this.failAccept) throw this.failAccept;
    this.on(side.cluster.id).set(side.peering.name, { secret, accepted: true });
    const offer = this.on(side.counterpart.cluster!.id).get(side.peering.name);
    if (offer?.secret === secret) offer.accepted = true;
  }
  async confirm(): Promise<void> {}
  async remove(side: SideContext): Promise<void> {
    this.calls.push(`remove ${side.cluster.id}`);
    this.on(side.cluster.id).delete(side.peering.name);
  }
  async readAll(): Promise<Map<string, NativeSide>> {
    return new Map();
  }
  async awaitRemoved(side: SideContext): Promise<boolean> {
    return !this.on(side.cluster.id).has(side.peering.name);
  }
}

const cluster = (id: string): Cluster => ({ id, product: 'fake', endpoint: `http://${id}`, auth: {}, source: 'api', createdAt: '', updatedAt: '' });

/** The handshake with its edges replaced: stores in memory, one fake product. */
function setUp(state: PeeringState = 'PENDING') {
  const adapter = new FakeAdapter();
  const clusters = new Map([
    ['a', cluster('a')],
    ['b', cluster('b')],
  ]);
  const operation: Operation = {
    id: 'op_1',
    type: 'create',
    peeringId: 'pr_1',
    status: 'running',
    attempts: 1,
    steps: [],
    lastError: null,
    nextAttemptAt: null,
    createdAt: '',
    updatedAt: '',
  };
  let peering: Peering = {
    id: 'pr_1',
    name: 'east-west',
    product: 'fake',
    local: { cluster: 'a' },
    remote: { cluster: 'b' },
    labels: {},
    state,
    stateReason: null,
    sides: { local: { nativeId: null, nativeState: null }, remote: { nativeId: null, nativeState: null } },
    lastError: null,
    operationId: 'op_1',
    createdAt: '',
    updatedAt: '',
  };
  const moves: PeeringState[] = [];
  const peerings = {
    require: async () => peering,
    update: async (_id: string, change: (p: Peering) => Peering | null) => (peering = change(peering) ?? peering),
    retire: async () => undefined,
  } as unknown as PeeringStore;
  const transitions = {
    move: async (_id: string, to: PeeringState, patch: Partial<Peering> = {}) => {
      moves.push(to);
      return (peering = { ...peering, ...patch, state: to });
    },
    observeSides: async (_id: string, sides: Peering['sides']) => (peering = { ...peering, sides: { ...peering.sides, ...sides } }),
  } as unknown as PeeringTransitions;
  const operations = { save: async (op: Operation) => op, keepSecretOnce: async () => undefined } as unknown as OperationStore;
  const products = { adapter: () => adapter, for: () => ({ extensions: [] }) } as unknown as ProductRegistry;
  const clusterStore = { get: async (id: string) => clusters.get(id) ?? null } as unknown as ClusterStore;
  const config = { establishTimeoutMs: 1_000, removalTimeoutMs: 1_000, tombstoneTtlSeconds: 3_600, routeRetry: 'steady' } as GatewayConfig;
  const handshake = new Handshake(products, clusterStore, peerings, transitions, operations, config, pino({ level: 'silent' }));
  const run = () => new OperationRun(operation, operations, peerings, new AbortController().signal);
  return { adapter, handshake, run, moves, peering: () => peering, operation };
}

describe('Handshake', () => {
  it('offers on the local side, accepts on the remote one, and marks the pair ACTIVE with both sides', async () => {
    const t = setUp();
    const run = t.run();
    await t.handshake.establish(run);
    expect(t.adapter.calls).toEqual(['offer a', 'accept b']);
    expect(t.moves).toEqual(['ESTABLISHING', 'ACTIVE']);
    expect(t.peering().sides).toEqual({ local: { nativeId: 'a/east-west', nativeState: 'ok' }, remote: { nativeId: 'b/east-west', nativeState: 'ok' } });
    expect(run.operation.steps.map((s) => `${s.name}:${s.status}`)).toEqual(['inspect:succeeded', 'handshake:succeeded', 'await-active:succeeded']);
  });

  it('adopts a pair that already exists (a retried attempt) without a second offer', async () => {
    const t = setUp();
    t.adapter.seed('a', 'east-west', true);
    t.adapter.seed('b', 'east-west', true);
    const run = t.run();
    await t.handshake.establish(run);
    expect(t.adapter.calls).toEqual([]);
    expect(run.operation.steps.map((s) => s.name)).toContain('adopt');
    expect(t.peering().state).toBe('ACTIVE');
  });

  it('removes an accepting side left without its offer, then makes the pair anew', async () => {
    const t = setUp();
    t.adapter.seed('b', 'east-west', true);
    await t.handshake.establish(t.run());
    expect(t.adapter.calls).toEqual(['remove b', 'offer a', 'accept b']);
    expect(t.peering().state).toBe('ACTIVE');
  });

  it('rolls back the offer when the accept fails for good: no half pair is left', async () => {
    const t = setUp();
    t.adapter.failAccept = new UpstreamError('final', { product: 'fake', cluster: 'b', status: 400, code: '1', message: 'no' });
    await expect(t.handshake.establish(t.run())).rejects.toBe(t.adapter.failAccept);
    expect(t.adapter.records.get('a')?.size ?? 0).toBe(0);
    expect(t.adapter.calls).toEqual(['offer a', 'accept b', 'remove a']);
  });

  it('tears both sides down and follows the removal to DELETED', async () => {
    const t = setUp('DELETING');
    t.adapter.seed('a', 'east-west', true);
    t.adapter.seed('b', 'east-west', true);
    await t.handshake.teardown(t.run());
    expect(t.adapter.calls.sort()).toEqual(['remove a', 'remove b']);
    expect(t.moves).toEqual(['DELETED']);
    expect(t.peering().sides).toEqual({ local: { nativeId: null, nativeState: null }, remote: { nativeId: null, nativeState: null } });
  });
});
